//! Graph answers: any body decoded as each domain type the client reads, and
//! any status and body turned into the client's error, with its user message.
#![no_main]

use enroll_console::domain::{
    EntityResponse, ImportedDeviceIdentity, ImportedDeviceIdentityResult, ODataErrorBody, Page,
};
use enroll_console::graph::decode::{decode_success, error_from_answer};
use libfuzzer_sys::fuzz_target;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 500;
    let split = usize::from(data[2]).min(data.len() - 3);
    let (header, body) = data[3..].split_at(split);

    let _ = decode_success::<Page<ImportedDeviceIdentity>>(body);
    let _ = decode_success::<Page<ImportedDeviceIdentityResult>>(body);
    let _ = decode_success::<EntityResponse<ImportedDeviceIdentity>>(body);
    let _ = decode_success::<EntityResponse<ImportedDeviceIdentityResult>>(body);
    if let Ok(parsed) = serde_json::from_slice::<ODataErrorBody>(body) {
        let _ = parsed.error.human_message();
        let _ = parsed.error.request_id();
        let _ = parsed.error.client_request_id();
    }

    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(header) {
        headers.insert(RETRY_AFTER, value.clone());
        headers.insert("request-id", value);
    }
    let now = time::OffsetDateTime::UNIX_EPOCH;
    let err = error_from_answer(status, &headers, body, now);
    let message = err.user_message();
    assert!(!message.chars().any(|c| c.is_control() && c != '\n'), "{message:?}");
    let _ = (err.is_retryable(), err.retry_after(), err.outcome_unknown(), err.is_route_missing());
});
