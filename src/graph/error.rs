//! What can go wrong talking to Graph, in terms a helpdesk user and the
//! retry logic can act on. Built from responses and transport errors in
//! [`super::transport`]; never holds the bearer token.

use std::fmt;
use std::time::Duration;

/// The permission the console needs, named in 403 messages.
pub const REQUIRED_PERMISSION: &str = "DeviceManagementServiceConfig.ReadWrite.All";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// The service answered with an error status.
    Service {
        status: u16,
        /// The OData `error.code`, or "" when the body was not a Graph error.
        code: String,
        /// The human message (Intune's inner `Message` when present), or a
        /// short cleaned excerpt of a non-JSON body.
        message: String,
        /// The service's `request-id` (header, else the error body).
        request_id: Option<String>,
        client_request_id: String,
        retry_after_secs: Option<u64>,
    },
    /// No complete answer within the time limit; the request may have been applied.
    Timeout { client_request_id: String },
    /// The service could not be reached (DNS, connect, TLS): nothing was sent.
    Connect {
        message: String,
        client_request_id: String,
    },
    /// 401 with a Conditional Access claims challenge (`WWW-Authenticate:
    /// ... error="insufficient_claims", claims="..."`): the next token
    /// request must carry `claims` (the decoded JSON).
    ClaimsChallenge {
        claims: String,
        request_id: Option<String>,
        client_request_id: String,
    },
    /// The connection was lost after the request was written; the outcome is unknown.
    Dropped {
        message: String,
        client_request_id: String,
    },
    /// A success status whose body could not be read as expected.
    Decode {
        message: String,
        client_request_id: String,
        request_id: Option<String>,
    },
    /// Plain http to a host other than this computer: refused before connecting.
    InsecureUrl { url: String },
    /// Not a usable service URL (or a next-page link pointing elsewhere).
    InvalidUrl { url: String, reason: String },
    /// No valid sign-in: none cached, or it could not be renewed. The
    /// message says what to do (e.g. run `enroll-console login`).
    SignIn { message: String },
    /// This session has no such call (a session built without it, e.g. a
    /// fake service that leaves the call out). Nothing was sent. `what`
    /// names the call, e.g. "the tenant list".
    NotAvailable { what: &'static str },
    /// A listing stopped before its end: its next-page links went round in
    /// a cycle, or there were more pages than any tenant holds.
    Paging {
        message: String,
        request_id: Option<String>,
    },
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}

/// A `(request-id …)` or `(client-request-id …)` suffix for support.
fn support_ids(request_id: Option<&str>, client_request_id: &str) -> String {
    match request_id {
        Some(r) if !r.is_empty() => format!("request-id {r}"),
        _ if !client_request_id.is_empty() => format!("client-request-id {client_request_id}"),
        _ => String::new(),
    }
}

fn with_ids(text: String, ids: String) -> String {
    if ids.is_empty() {
        text
    } else {
        format!("{text} ({ids})")
    }
}

impl GraphError {
    /// One line for the status bar / Detail: the service's human message, the
    /// HTTP status (and code where useful) and the request id for support.
    pub fn user_message(&self) -> String {
        match self {
            GraphError::Service {
                status,
                code,
                message,
                request_id,
                client_request_id,
                retry_after_secs,
            } => {
                let mut head = match status {
                    401 => "Sign-in missing or expired: sign in again".to_string(),
                    403 => format!(
                        "Access denied: the signed-in account needs the Graph permission \
                         {REQUIRED_PERMISSION} and an Intune role (Intune Administrator, or a \
                         custom role with \"Corporate device identifiers\" permissions)"
                    ),
                    429 => "The service is throttling requests".to_string(),
                    _ => String::new(),
                };
                if !message.is_empty() {
                    if head.is_empty() {
                        head = message.clone();
                    } else {
                        head = format!("{head}. The service said: {message}");
                    }
                } else if head.is_empty() {
                    head = "The service refused the request".to_string();
                }
                if let Some(secs) = retry_after_secs {
                    let head_text = head.trim_end_matches(['.', ' ']);
                    head = format!("{head_text}; retry after {secs} s");
                }
                let mut detail = format!("HTTP {status}");
                let useful_code = !code.is_empty()
                    && !message.to_lowercase().contains(&code.to_lowercase())
                    && !head.contains(code.as_str());
                if useful_code {
                    detail = format!("{detail} {code}");
                }
                let ids = support_ids(request_id.as_deref(), client_request_id);
                if !ids.is_empty() {
                    detail = format!("{detail}, {ids}");
                }
                format!("{head} ({detail})")
            }
            GraphError::Timeout { client_request_id } => with_ids(
                "No answer from the service in time; the request may or may not have been \
                 applied"
                    .to_string(),
                support_ids(None, client_request_id),
            ),
            GraphError::Connect {
                message,
                client_request_id,
            } => with_ids(
                format!("Could not reach the service, nothing was sent: {message}"),
                support_ids(None, client_request_id),
            ),
            GraphError::Dropped {
                message,
                client_request_id,
            } => with_ids(
                format!("The connection was lost after sending; the outcome is unknown: {message}"),
                support_ids(None, client_request_id),
            ),
            GraphError::Decode {
                message,
                client_request_id,
                request_id,
            } => with_ids(
                format!("Unexpected answer from the service: {message}"),
                support_ids(request_id.as_deref(), client_request_id),
            ),
            GraphError::InsecureUrl { url } => format!(
                "Refusing {url}: the sign-in token is only sent over https, or over http to \
                 this computer (localhost, 127.0.0.1, ::1); use an https URL"
            ),
            GraphError::InvalidUrl { url, reason } => {
                format!("Invalid service URL {url}: {reason}")
            }
            GraphError::SignIn { message } => message.clone(),
            GraphError::NotAvailable { what } => format!("{what} is not available in this session"),
            GraphError::Paging {
                message,
                request_id,
            } => with_ids(
                format!(
                    "The listing stopped before its end: {message}; what was shown is incomplete"
                ),
                support_ids(request_id.as_deref(), ""),
            ),
            GraphError::ClaimsChallenge {
                request_id,
                client_request_id,
                ..
            } => with_ids(
                "The tenant's Conditional Access asks for more than this sign-in proves \
                 (insufficient_claims): sign in again in the browser"
                    .to_string(),
                support_ids(request_id.as_deref(), client_request_id),
            ),
        }
    }

    /// The claims of a Conditional Access challenge, for the next token request.
    pub fn claims_challenge(&self) -> Option<&str> {
        match self {
            GraphError::ClaimsChallenge { claims, .. } => Some(claims),
            _ => None,
        }
    }

    /// The HTTP status of a service error.
    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::Service { status, .. } => Some(*status),
            GraphError::ClaimsChallenge { .. } => Some(401),
            _ => None,
        }
    }

    /// The OData error code of a service error.
    pub fn code(&self) -> Option<&str> {
        match self {
            GraphError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The service's `request-id`, for support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            GraphError::Service { request_id, .. }
            | GraphError::Decode { request_id, .. }
            | GraphError::ClaimsChallenge { request_id, .. } => request_id.as_deref(),
            GraphError::Paging { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The `client-request-id` this console sent, when a request was made.
    pub fn client_request_id(&self) -> Option<&str> {
        match self {
            GraphError::Service {
                client_request_id, ..
            }
            | GraphError::Timeout { client_request_id }
            | GraphError::Connect {
                client_request_id, ..
            }
            | GraphError::Dropped {
                client_request_id, ..
            }
            | GraphError::Decode {
                client_request_id, ..
            }
            | GraphError::ClaimsChallenge {
                client_request_id, ..
            } => Some(client_request_id),
            GraphError::InsecureUrl { .. }
            | GraphError::InvalidUrl { .. }
            | GraphError::SignIn { .. }
            | GraphError::NotAvailable { .. }
            | GraphError::Paging { .. } => None,
        }
    }

    /// The service says the route does not exist: a 400 whose code or message
    /// reads "No OData route" / "No method match route template", or a 404,
    /// 405 or 501. Meant for the create POST, where a 404 means "no such
    /// route" (elsewhere a 404 is an ordinary "not found").
    pub fn is_route_missing(&self) -> bool {
        let GraphError::Service {
            status,
            code,
            message,
            ..
        } = self
        else {
            return false;
        };
        let says_no_route = |s: &str| {
            let s = s.to_ascii_lowercase();
            s.contains("no odata route") || s.contains("no method match route template")
        };
        match status {
            400 => says_no_route(code) || says_no_route(message),
            404 | 405 | 501 => true,
            _ => false,
        }
    }

    /// The request may have been applied although no success was seen:
    /// a timeout, a dropped connection or a 5xx (except 501 Not Implemented).
    pub fn outcome_unknown(&self) -> bool {
        match self {
            GraphError::Timeout { .. } | GraphError::Dropped { .. } => true,
            GraphError::Service { status, .. } => (500..600).contains(status) && *status != 501,
            _ => false,
        }
    }

    /// Worth sending again later: throttling, a transient server error, or
    /// a network failure.
    pub fn is_retryable(&self) -> bool {
        match self {
            GraphError::Timeout { .. }
            | GraphError::Connect { .. }
            | GraphError::Dropped { .. } => true,
            GraphError::Service { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// The wait the service asked for (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            GraphError::Service {
                retry_after_secs, ..
            } => retry_after_secs.map(Duration::from_secs),
            _ => None,
        }
    }

    /// The sign-in is missing, expired or insufficient (401), or no valid
    /// sign-in exists.
    pub fn is_auth(&self) -> bool {
        self.status() == Some(401) || matches!(self, GraphError::SignIn { .. })
    }
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
