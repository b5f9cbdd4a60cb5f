//! Error bodies and headers → `GraphError::Service`.

use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use time::macros::datetime;

use super::*;

const NOW: OffsetDateTime = datetime!(2024-06-01 10:00:00 UTC);

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in pairs {
        map.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    map
}

fn service(status: u16, h: &HeaderMap, body: &str) -> GraphError {
    service_error(status, h, body.as_bytes(), "c-1".to_string(), NOW)
}

#[test]
fn intune_json_inside_message_is_unwrapped() {
    let body = r#"{"error":{"code":"BadRequest","message":"{\r\n  \"_version\": 3,\r\n  \"Message\": \"Invalid Device Identifier parameter found for 1 import records! - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000\"\r\n}","innerError":{"date":"2024-06-01T10:00:00","request-id":"r-body","client-request-id":"c-1"}}}"#;
    let e = service(400, &HeaderMap::new(), body);
    match &e {
        GraphError::Service {
            status,
            code,
            message,
            request_id,
            client_request_id,
            retry_after_secs,
        } => {
            assert_eq!(*status, 400);
            assert_eq!(code, "BadRequest");
            assert!(message.starts_with("Invalid Device Identifier parameter found for 1 import"));
            assert!(!message.contains("_version"));
            assert_eq!(request_id.as_deref(), Some("r-body"));
            assert_eq!(client_request_id, "c-1");
            assert_eq!(*retry_after_secs, None);
        }
        other => panic!("{other:?}"),
    }
    let line = e.user_message();
    assert!(
        line.starts_with("Invalid Device Identifier parameter"),
        "{line}"
    );
    assert!(line.contains("HTTP 400"), "{line}");
    assert!(line.contains("request-id r-body"), "{line}");
}

#[test]
fn innererror_spellings_and_header_request_id() {
    let lower = r#"{"error":{"code":"itemNotFound","message":"Not here","innererror":{"request-id":"r-lower"}}}"#;
    let upper = r#"{"Error":{"Code":"itemNotFound","Message":"Not here","InnerError":{"request-id":"r-upper"}}}"#;
    assert_eq!(
        service(404, &HeaderMap::new(), lower).request_id(),
        Some("r-lower")
    );
    // ODataErrorBody wants the lower-case top-level `error`; an odd body
    // still yields a message.
    let odd = service(404, &HeaderMap::new(), upper);
    assert_eq!(odd.status(), Some(404));
    assert!(!odd.user_message().is_empty());
    // The header wins over the body.
    let h = headers(&[("request-id", "r-header")]);
    assert_eq!(service(404, &h, lower).request_id(), Some("r-header"));
}

#[test]
fn non_json_bodies_become_short_clean_excerpts() {
    let e = service(
        502,
        &HeaderMap::new(),
        "Bad\x1b[31m gateway\r\n\tfrom proxy",
    );
    assert_eq!(e.code(), Some(""));
    let GraphError::Service { message, .. } = &e else {
        panic!("{e:?}")
    };
    // The whole escape sequence goes, not only its ESC byte.
    assert_eq!(message, "Bad gateway from proxy");
    let long = "x".repeat(5000);
    let GraphError::Service { message, .. } = service(500, &HeaderMap::new(), &long) else {
        panic!()
    };
    assert!(message.chars().count() <= 201, "{}", message.len());
    let GraphError::Service { message, .. } =
        service(503, &HeaderMap::new(), "<html><body>oops</body></html>")
    else {
        panic!()
    };
    assert_eq!(message, "Service Unavailable");
    let GraphError::Service { message, .. } = service(504, &HeaderMap::new(), "") else {
        panic!()
    };
    assert_eq!(message, "Gateway Timeout");
}

#[test]
fn retry_after_seconds_and_dates() {
    let s = |v: &str| {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
        retry_after_secs(&h, NOW)
    };
    assert_eq!(s("7"), Some(7));
    assert_eq!(s(" 0 "), Some(0));
    assert_eq!(s("Sat, 01 Jun 2024 10:00:30 +0000"), Some(30));
    assert_eq!(s("Sat, 01 Jun 2024 09:00:00 +0000"), Some(0));
    assert_eq!(s("soon"), None);
    assert_eq!(retry_after_secs(&HeaderMap::new(), NOW), None);
    let e = service(429, &headers(&[("retry-after", "3")]), "");
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(3)));
}

#[test]
fn clean_text_strips_controls_and_cuts() {
    assert_eq!(clean_text("  a\n\nb\u{7}c  ", 100), "a bc");
    assert_eq!(clean_text("x\u{1b}]0;title\u{7}y \u{202e}z", 100), "xy z");
    assert_eq!(clean_text("abcdef", 3), "abc…");
    assert_eq!(clean_text("", 3), "");
}
