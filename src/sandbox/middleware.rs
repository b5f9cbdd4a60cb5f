//! Request ids, Graph error rendering and the bearer-token check.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::{GraphFailure, RequestIds};

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

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
    } else if response.status().is_client_error() || response.status().is_server_error() {
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

/// Refuses requests without a non-empty `Authorization: Bearer` token.
pub(crate) async fn require_token(req: Request, next: Next) -> Response {
    let has_token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()
        });
    if !has_token {
        return GraphFailure::unauthenticated().into_response();
    }
    next.run(req).await
}
