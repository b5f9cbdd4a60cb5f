//! The client's decoding of service answers, exposed for property tests and
//! fuzzing: a 2xx body as a domain type, and any other status as a
//! [`GraphError`]. Both wrap the functions the client itself uses.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use time::OffsetDateTime;

use super::error::GraphError;
use super::transport::{Reply, service_error};

/// Decodes a 2xx body the way the client does.
pub fn decode_success<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, GraphError> {
    let reply = Reply {
        status: 200,
        body: Bytes::copy_from_slice(body),
        request_id: None,
        client_request_id: String::new(),
    };
    reply.decode::<T>().map(|(value, _raw)| value)
}

/// The error the client reports for a non-2xx answer with these headers and body.
pub fn error_from_answer(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    now: OffsetDateTime,
) -> GraphError {
    service_error(status, headers, body, String::new(), now)
}
