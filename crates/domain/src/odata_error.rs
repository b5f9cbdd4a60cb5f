//! The Graph (OData v4) error body, and Intune's habit of putting a JSON
//! document inside `error.message`.

use serde::{Deserialize, Deserializer, Serialize};

/// `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ODataErrorBody {
    pub error: ODataError,
}

/// The `error` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ODataError {
    pub code: String,
    pub message: String,
    /// Written as `innerError` (live services); read as `innerError` or `innererror`.
    #[serde(rename = "innerError", skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<InnerError>,
}

/// `innerError`: request ids for support, and possibly a nested inner error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InnerError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(rename = "request-id", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(rename = "client-request-id", skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(rename = "innerError", skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<Box<InnerError>>,
}

/// Reads an object's keys case-insensitively into a map of lower-cased keys.
fn lowercase_keys<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<serde_json::Map<String, serde_json::Value>, D::Error> {
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
    Ok(map
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect())
}

fn string_of(map: &serde_json::Map<String, serde_json::Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

impl InnerError {
    fn from_map(map: &serde_json::Map<String, serde_json::Value>) -> InnerError {
        let nested = map.get("innererror").and_then(|v| v.as_object()).map(|m| {
            let lowered = m
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect();
            Box::new(InnerError::from_map(&lowered))
        });
        InnerError {
            date: string_of(map, "date"),
            request_id: string_of(map, "request-id"),
            client_request_id: string_of(map, "client-request-id"),
            code: string_of(map, "code"),
            inner_error: nested,
        }
    }
}

impl<'de> Deserialize<'de> for InnerError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(InnerError::from_map(&lowercase_keys(deserializer)?))
    }
}

impl<'de> Deserialize<'de> for ODataError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = lowercase_keys(deserializer)?;
        let inner_error = map.get("innererror").and_then(|v| v.as_object()).map(|m| {
            let lowered = m
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect();
            InnerError::from_map(&lowered)
        });
        Ok(ODataError {
            code: string_of(&map, "code").unwrap_or_default(),
            message: string_of(&map, "message").unwrap_or_default(),
            inner_error,
        })
    }
}

impl ODataError {
    /// The human message: when `message` is itself a JSON document (Intune's
    /// `{"_version":3,"Message":"..."}`), its `Message`; otherwise `message`.
    pub fn human_message(&self) -> String {
        let trimmed = self.message.trim();
        if trimmed.starts_with('{')
            && let Ok(serde_json::Value::Object(inner)) =
                serde_json::from_str::<serde_json::Value>(trimmed)
        {
            for (k, v) in &inner {
                if k.eq_ignore_ascii_case("message")
                    && let Some(s) = v.as_str()
                {
                    return s.to_string();
                }
            }
        }
        self.message.clone()
    }

    /// The request id for support, from the innermost error that has one.
    pub fn request_id(&self) -> Option<&str> {
        let mut best = None;
        let mut cur = self.inner_error.as_ref();
        while let Some(inner) = cur {
            if let Some(id) = inner.request_id.as_deref() {
                best = Some(id);
            }
            cur = inner.inner_error.as_deref();
        }
        best
    }

    pub fn client_request_id(&self) -> Option<&str> {
        self.inner_error
            .as_ref()
            .and_then(|i| i.client_request_id.as_deref())
    }
}

impl ODataErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ODataErrorBody {
            error: ODataError {
                code: code.into(),
                message: message.into(),
                inner_error: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_inside_message_is_unwrapped() {
        let body = r#"{"error":{"code":"BadRequest","message":"{\r\n  \"_version\": 3,\r\n  \"Message\": \"Invalid Device Identifier parameter found for 1 import records! - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000\"\r\n}","innerError":{"date":"2024-06-01T10:00:00","request-id":"r-1","client-request-id":"c-1"}}}"#;
        let e: ODataErrorBody = serde_json::from_str(body).unwrap();
        assert_eq!(e.error.code, "BadRequest");
        assert!(
            e.error
                .human_message()
                .starts_with("Invalid Device Identifier parameter found for 1 import records!")
        );
        assert_eq!(e.error.request_id(), Some("r-1"));
        assert_eq!(e.error.client_request_id(), Some("c-1"));
    }

    #[test]
    fn innererror_spelling_and_nesting_are_read() {
        let body = r#"{"error":{"code":"x","message":"plain","innererror":{"code":"y","innererror":{"request-id":"deep"}}}}"#;
        let e: ODataErrorBody = serde_json::from_str(body).unwrap();
        assert_eq!(e.error.human_message(), "plain");
        assert_eq!(e.error.request_id(), Some("deep"));
    }
}
