//! One HTTP exchange with Graph: headers, the fresh `client-request-id`,
//! tracing, and turning transport failures and error statuses into
//! [`GraphError`]s. The bearer token is set here and nowhere else.

use std::time::Instant;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;
use url::Url;

use super::client::BearerToken;
use super::error::GraphError;
use crate::domain::ODataErrorBody;

/// The longest excerpt of a non-JSON error body kept in a message.
const EXCERPT_CHARS: usize = 200;

/// A 2xx answer.
pub(crate) struct Reply {
    pub status: u16,
    pub body: Bytes,
    pub request_id: Option<String>,
    pub client_request_id: String,
}

impl Reply {
    /// The body as JSON; an empty body is `null`.
    pub fn json(&self) -> Result<serde_json::Value, GraphError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| self.decode_error(format!("not JSON ({e})")))
    }

    /// The JSON body decoded as `T`, with the raw value.
    pub fn decode<T: serde::de::DeserializeOwned>(
        &self,
    ) -> Result<(T, serde_json::Value), GraphError> {
        let raw = self.json()?;
        let value = T::deserialize(&raw)
            .map_err(|e| self.decode_error(format!("unexpected response shape ({e})")))?;
        Ok((value, raw))
    }

    pub fn decode_error(&self, message: String) -> GraphError {
        GraphError::Decode {
            message,
            client_request_id: self.client_request_id.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

/// What to send.
#[derive(Clone)]
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    pub url: Url,
    pub body: Option<Vec<u8>>,
    pub accept: &'a str,
}

/// Sends one request and returns its 2xx answer, or the error.
pub(crate) async fn exchange(
    http: &reqwest::Client,
    token: Option<&BearerToken>,
    out: Outgoing<'_>,
) -> Result<Reply, GraphError> {
    let client_request_id = uuid::Uuid::new_v4().to_string();
    let path = out.url.path().to_string();
    let method = out.method.clone();
    let started = Instant::now();
    let mut request = http
        .request(out.method, out.url)
        .header(ACCEPT, out.accept)
        .header("client-request-id", &client_request_id)
        .header("return-client-request-id", "true");
    if let Some(token) = token {
        request = request.bearer_auth(token.secret());
    }
    if let Some(body) = out.body {
        request = request.header(CONTENT_TYPE, "application/json").body(body);
    }
    let outcome = async {
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(&e, &client_request_id))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(&e, &client_request_id))?;
        Ok::<_, GraphError>((status, headers, body))
    }
    .await;
    let elapsed_ms = started.elapsed().as_millis();
    let (status, headers, body) = match outcome {
        Ok(parts) => parts,
        Err(e) => {
            tracing::debug!(%method, %path, %client_request_id, elapsed_ms, error = %e, "graph request failed");
            return Err(e);
        }
    };
    let request_id = header_text(&headers, "request-id");
    tracing::debug!(%method, %path, status, %client_request_id, request_id = request_id.as_deref().unwrap_or(""), elapsed_ms, "graph request");
    if (200..300).contains(&status) {
        Ok(Reply {
            status,
            body,
            request_id,
            client_request_id,
        })
    } else if let Some(claims) = (status == 401)
        .then(|| claims_challenge(&headers))
        .flatten()
    {
        tracing::debug!(%client_request_id, "graph asked for more claims (Conditional Access)");
        Err(GraphError::ClaimsChallenge {
            claims,
            request_id,
            client_request_id,
        })
    } else {
        Err(service_error(
            status,
            &headers,
            &body,
            client_request_id,
            OffsetDateTime::now_utc(),
        ))
    }
}

/// The claims of a `WWW-Authenticate: Bearer ..., error="insufficient_claims",
/// claims="BASE64"` challenge, decoded to the JSON the token request takes.
pub(crate) fn claims_challenge(headers: &HeaderMap) -> Option<String> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.contains("error=\"insufficient_claims\""))
        .find_map(|v| {
            let start = v.find("claims=\"")? + "claims=\"".len();
            let encoded = &v[start..start + v[start..].find('"')?];
            let bytes = STANDARD
                .decode(encoded)
                .or_else(|_| URL_SAFE_NO_PAD.decode(encoded.trim_end_matches('=')))
                .ok()?;
            let json = String::from_utf8(bytes).ok()?;
            serde_json::from_str::<serde_json::Value>(&json).ok()?;
            Some(json)
        })
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| clean_text(s, 100))
        .filter(|s| !s.is_empty())
}

/// Seconds from a `Retry-After` header: delta-seconds or an HTTP date.
pub(crate) fn retry_after_secs(headers: &HeaderMap, now: OffsetDateTime) -> Option<u64> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(secs);
    }
    let at = OffsetDateTime::parse(text, &Rfc2822).ok()?;
    let secs = (at - now).whole_seconds();
    Some(u64::try_from(secs).unwrap_or(0))
}

/// The error for a non-2xx answer.
pub(crate) fn service_error(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    client_request_id: String,
    now: OffsetDateTime,
) -> GraphError {
    let header_request_id = header_text(headers, "request-id");
    let retry_after_secs = retry_after_secs(headers, now);
    let (code, message, body_request_id) = match serde_json::from_slice::<ODataErrorBody>(body) {
        Ok(parsed) => (
            clean_text(&parsed.error.code, EXCERPT_CHARS),
            clean_text(&parsed.error.human_message(), 1000),
            parsed.error.request_id().map(|s| clean_text(s, 100)),
        ),
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let excerpt = clean_text(&text, EXCERPT_CHARS);
            let message = if excerpt.is_empty() || excerpt.starts_with('<') {
                reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("no details")
                    .to_string()
            } else {
                excerpt
            };
            (String::new(), message, None)
        }
    };
    GraphError::Service {
        status,
        code,
        message,
        request_id: header_request_id.or(body_request_id),
        client_request_id,
        retry_after_secs,
    }
}

/// Maps a failure of reqwest: nothing sent (connect), no answer in time, or
/// lost after the request went out.
pub(crate) fn transport_error(e: &reqwest::Error, client_request_id: &str) -> GraphError {
    let message = describe(e);
    let client_request_id = client_request_id.to_string();
    if e.is_connect() || e.is_builder() {
        GraphError::Connect {
            message,
            client_request_id,
        }
    } else if e.is_timeout() {
        GraphError::Timeout { client_request_id }
    } else {
        GraphError::Dropped {
            message,
            client_request_id,
        }
    }
}

/// The error and its causes on one line, without the URL.
fn describe(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    let top = e.to_string();
    let top = top.split(" for url (").next().unwrap_or("").to_string();
    parts.push(top);
    while let Some(err) = cur {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    clean_text(&parts.join(": "), EXCERPT_CHARS)
}

/// Text from the network made safe for one terminal line: escape sequences
/// and controls removed (`sanitize`), whitespace runs collapsed, and cut to
/// `max` characters with an ellipsis.
pub(crate) fn clean_text(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in crate::sanitize::sanitize(s).chars() {
        if c.is_control() || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        if count >= max {
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
#[path = "transport_tests.rs"]
mod tests;
