//! Graph error responses and the request middleware. A handler returns a
//! [`GraphFailure`]; [`request_ids`] renders its body once the request ids are
//! known, so every error carries `innerError` with `date`, `request-id` and
//! `client-request-id`.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use crate::domain::{DateTimeOffset, InnerError, ODataError, ODataErrorBody};

/// The ids of one request, echoed in headers and error bodies.
#[derive(Debug, Clone)]
pub(crate) struct RequestIds {
    pub request_id: String,
    pub client_request_id: String,
}

/// How the `message` of an error is written.
#[derive(Debug, Clone)]
pub(crate) enum Message {
    Plain(String),
    /// Intune's JSON document inside `message`, for `records` invalid rows.
    InvalidRecords {
        records: usize,
        action: &'static str,
    },
    /// Intune's JSON document for an internal error in the named operation.
    InternalError {
        operation: &'static str,
    },
}

/// An error answer, rendered to a Graph error body by the outer middleware.
#[derive(Debug, Clone)]
pub(crate) struct GraphFailure {
    pub status: StatusCode,
    pub code: String,
    pub message: Message,
    pub retry_after: Option<u64>,
}

impl GraphFailure {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        GraphFailure {
            status,
            code: code.to_string(),
            message: Message::Plain(message.into()),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        GraphFailure::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// Intune's 400 for rows it cannot import.
    pub fn invalid_records(records: usize, action: &'static str) -> Self {
        GraphFailure {
            status: StatusCode::BAD_REQUEST,
            code: "BadRequest".to_string(),
            message: Message::InvalidRecords { records, action },
            retry_after: None,
        }
    }

    /// OData's answer to an enum member it does not know.
    pub fn bad_enum_literal(literal: &str, enum_type: &str) -> Self {
        GraphFailure::bad_request(format!(
            "Cannot convert the literal '{literal}' to the expected type 'microsoft.graph.{enum_type}'."
        ))
    }

    /// Intune's 500: `InternalError`, its JSON document inside `message`.
    pub fn intune_internal(operation: &'static str) -> Self {
        GraphFailure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "InternalError".to_string(),
            message: Message::InternalError { operation },
            retry_after: None,
        }
    }

    pub fn not_found(id: &str) -> Self {
        GraphFailure::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!("The importedDeviceIdentity with id '{id}' was not found."),
        )
    }

    pub fn unauthenticated() -> Self {
        GraphFailure::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token is empty.",
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        GraphFailure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            message,
        )
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// The full response with its JSON body.
    pub fn render(&self, ids: &RequestIds) -> Response {
        let message = match &self.message {
            Message::Plain(m) => m.clone(),
            Message::InvalidRecords { records, action } => intune_message(
                &format!("Invalid Device Identifier parameter found for {records} import records!"),
                &format!("microsoft.management.services.api.{action}"),
                &ids.client_request_id,
            ),
            Message::InternalError { operation } => {
                intune_message("An error has occurred", operation, &ids.client_request_id)
            }
        };
        let body = ODataErrorBody {
            error: ODataError {
                code: self.code.clone(),
                message,
                inner_error: Some(InnerError {
                    date: Some(inner_error_date(OffsetDateTime::now_utc())),
                    request_id: Some(ids.request_id.clone()),
                    client_request_id: Some(ids.client_request_id.clone()),
                    code: None,
                    inner_error: None,
                }),
            },
        };
        let json = serde_json::to_string(&body).unwrap_or_else(|_| "{}".to_string());
        let mut response = (self.status, json).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl IntoResponse for GraphFailure {
    /// A bodiless response carrying the failure, for the outer middleware.
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// `innerError.date`: ISO 8601 without an offset, whole seconds (the domain's formatter).
pub(crate) fn inner_error_date(t: OffsetDateTime) -> String {
    DateTimeOffset(t).whole_seconds()
}

/// Intune's `{"_version": 3, "Message": ...}` document, CRLF-separated;
/// `tail` ends the URL after `.../importedDeviceIdentities/` (empty for the
/// collection itself).
fn intune_message(what: &str, tail: &str, activity_id: &str) -> String {
    let operation_id = uuid::Uuid::new_v4();
    let tail = if tail.is_empty() {
        String::new()
    } else {
        format!("/{tail}")
    };
    let text = format!(
        "{what} - Operation ID (for customer support): {operation_id} - \
         Activity ID: {activity_id} - \
         Url: https://fef.sandbox.manage.microsoft.invalid/DeviceEnrollmentFE/\
         StatelessDeviceEnrollmentFEService/deviceManagement/importedDeviceIdentities{tail}"
    );
    let quoted = serde_json::to_string(&text).unwrap_or_default();
    [
        "{".to_string(),
        "  \"_version\": 3,".to_string(),
        format!("  \"Message\": {quoted},"),
        "  \"CustomApiErrorPhrase\": \"\",".to_string(),
        "  \"RetryAfter\": null,".to_string(),
        "  \"ErrorSourceService\": \"\",".to_string(),
        "  \"HttpHeaders\": \"{}\"".to_string(),
        "}".to_string(),
    ]
    .join("\r\n")
}

/// The answer of the service to the documented create from 2020 to 2024.
pub(crate) fn create_route_missing() -> GraphFailure {
    GraphFailure::new(
        StatusCode::BAD_REQUEST,
        "No method match route template",
        "No OData route exists that match template ~/singleton/navigation with http verb POST \
         for request /DeviceEnrollmentFE_2008/StatelessDeviceEnrollmentFEService/deviceManagement/\
         importedDeviceIdentities.",
    )
}

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// Marks an error response whose body is already right (the identity
/// endpoints' OAuth errors): [`request_ids`] leaves it as it is.
#[derive(Clone, Copy)]
pub(crate) struct KeepBody;

/// Gives each request its ids, renders failures as Graph error bodies and
/// adds `request-id` and `client-request-id` to every response.
pub(crate) async fn request_ids(mut req: Request, next: Next) -> Response {
    let client_request_id = req
        .headers()
        .get(&CLIENT_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let ids = RequestIds {
        request_id: uuid::Uuid::new_v4().to_string(),
        client_request_id,
    };
    let method = req.method().clone();
    req.extensions_mut().insert(ids.clone());
    let mut response = next.run(req).await;
    if let Some(failure) = response.extensions_mut().remove::<GraphFailure>() {
        response = failure.render(&ids);
    } else if (response.status().is_client_error() || response.status().is_server_error())
        && response.extensions().get::<KeepBody>().is_none()
    {
        let allow = response.headers().get(header::ALLOW).cloned();
        response = generic_failure(response.status(), &method).render(&ids);
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
    }
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&ids.request_id) {
        headers.insert(REQUEST_ID, v);
    }
    if let Ok(v) = HeaderValue::from_str(&ids.client_request_id) {
        headers.insert(CLIENT_REQUEST_ID, v);
    }
    response
}

/// A Graph error for a failure produced outside the handlers (405, 413, ...).
fn generic_failure(status: StatusCode, method: &Method) -> GraphFailure {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => GraphFailure::new(
            status,
            "MethodNotAllowed",
            format!("The HTTP method '{method}' is not allowed for this resource."),
        ),
        StatusCode::NOT_FOUND => {
            GraphFailure::new(status, "ResourceNotFound", "Resource not found.")
        }
        StatusCode::PAYLOAD_TOO_LARGE => GraphFailure::new(
            status,
            "RequestEntityTooLarge",
            "The request body is too large.",
        ),
        s if s.is_client_error() => GraphFailure::new(
            s,
            "BadRequest",
            s.canonical_reason().unwrap_or("Bad request."),
        ),
        s => GraphFailure::new(s, "UnknownError", s.canonical_reason().unwrap_or("Error.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intune_message_is_json_with_a_human_message() {
        let m = intune_message(
            "Invalid Device Identifier parameter found for 2 import records!",
            "microsoft.management.services.api.importDeviceIdentityList",
            "act-1",
        );
        assert!(m.contains("\r\n  \"_version\": 3,\r\n"));
        let v: serde_json::Value = serde_json::from_str(&m).unwrap();
        let text = v["Message"].as_str().unwrap();
        assert!(
            text.starts_with("Invalid Device Identifier parameter found for 2 import records!")
        );
        assert!(text.contains("Activity ID: act-1"));
        assert!(text.ends_with("/importedDeviceIdentities/microsoft.management.services.api.importDeviceIdentityList"), "{text}");
        let m = intune_message("An error has occurred", "", "act-2");
        let v: serde_json::Value = serde_json::from_str(&m).unwrap();
        let text = v["Message"].as_str().unwrap();
        assert!(
            text.starts_with("An error has occurred - Operation ID"),
            "{text}"
        );
        assert!(
            text.ends_with("/deviceManagement/importedDeviceIdentities"),
            "{text}"
        );
    }

    #[test]
    fn date_has_no_offset() {
        let t = time::macros::datetime!(2024-06-01 10:00:05.123 UTC);
        assert_eq!(inner_error_date(t), "2024-06-01T10:00:05");
    }
}
