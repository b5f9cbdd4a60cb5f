//! Classification and messages of `GraphError`.

use reqwest::header::HeaderMap;
use time::macros::datetime;

use super::*;
use crate::graph::transport::service_error;

/// The body the real service sends for the documented create POST.
const NO_ROUTE: &str = r#"{"error":{"code":"No method match route template","message":"No OData route exists that match template ~/singleton/navigation with http verb POST for request /DeviceEnrollmentFE/StatelessDeviceEnrollmentFEService/deviceManagement/importedDeviceIdentities.","innerError":{"request-id":"5fe31498-866e-4d89-9a52-d13301bc635b","date":"2020-09-08T11:08:20"}}}"#;

fn from_body(status: u16, body: &str) -> GraphError {
    service_error(
        status,
        &HeaderMap::new(),
        body.as_bytes(),
        "client-1".to_string(),
        datetime!(2024-06-01 10:00:00 UTC),
    )
}

fn plain(status: u16, code: &str, message: &str) -> GraphError {
    GraphError::Service {
        status,
        code: code.to_string(),
        message: message.to_string(),
        request_id: Some("req-9".to_string()),
        client_request_id: "client-9".to_string(),
        retry_after_secs: None,
    }
}

#[test]
fn the_real_no_route_body_is_route_missing() {
    let e = from_body(400, NO_ROUTE);
    assert!(e.is_route_missing());
    assert!(!e.is_retryable());
    assert!(!e.outcome_unknown());
    assert_eq!(e.request_id(), Some("5fe31498-866e-4d89-9a52-d13301bc635b"));
    let line = e.user_message();
    assert!(line.starts_with("No OData route exists"), "{line}");
    assert!(
        line.contains("HTTP 400 No method match route template"),
        "{line}"
    );
    // Either half of the text is enough.
    assert!(plain(400, "BadRequest", "No OData route exists that match").is_route_missing());
    assert!(plain(400, "No method match route template", "").is_route_missing());
}

#[test]
fn other_route_missing_statuses_and_non_matches() {
    for status in [404, 405, 501] {
        assert!(plain(status, "", "").is_route_missing(), "{status}");
    }
    assert!(!plain(400, "BadRequest", "IMEI must be numeric").is_route_missing());
    assert!(!plain(500, "", "No OData route").is_route_missing());
    assert!(
        !GraphError::Timeout {
            client_request_id: "c".into()
        }
        .is_route_missing()
    );
}

#[test]
fn sign_in_and_permission_messages() {
    let e401 = plain(401, "InvalidAuthenticationToken", "Access token is empty.");
    let line = e401.user_message();
    assert!(line.contains("Sign-in missing or expired"), "{line}");
    assert!(line.contains("Access token is empty."), "{line}");
    assert!(
        line.contains("HTTP 401") && line.contains("request-id req-9"),
        "{line}"
    );
    assert!(e401.is_auth());

    let line = plain(403, "Forbidden", "").user_message();
    assert!(
        line.contains("DeviceManagementServiceConfig.ReadWrite.All"),
        "{line}"
    );
    assert!(line.contains("Intune Administrator"), "{line}");
    assert!(line.contains("\"Corporate device identifiers\""), "{line}");
    assert!(line.contains("HTTP 403 Forbidden"), "{line}");
}

#[test]
fn throttling_names_the_wait_and_support_ids_fall_back() {
    let e = GraphError::Service {
        status: 429,
        code: "TooManyRequests".into(),
        message: String::new(),
        request_id: None,
        client_request_id: "client-5".into(),
        retry_after_secs: Some(12),
    };
    let line = e.user_message();
    assert!(
        line.contains("throttling") && line.contains("retry after 12 s"),
        "{line}"
    );
    assert!(line.contains("client-request-id client-5"), "{line}");
    assert!(e.is_retryable() && !e.outcome_unknown());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(12)));
    assert_eq!(e.to_string(), line);
}

#[test]
fn a_wait_after_a_sentence_is_punctuated_once() {
    let e = GraphError::Service {
        status: 503,
        code: "ServiceUnavailable".into(),
        message: "The service is temporarily unavailable.".into(),
        request_id: None,
        client_request_id: "client-6".into(),
        retry_after_secs: Some(1),
    };
    let line = e.user_message();
    assert!(
        line.contains("temporarily unavailable; retry after 1 s"),
        "{line}"
    );
    assert!(!line.contains(".;"), "{line}");
}

#[test]
fn classification_of_every_variant() {
    let c = || "c".to_string();
    let timeout = GraphError::Timeout {
        client_request_id: c(),
    };
    let connect = GraphError::Connect {
        message: "refused".into(),
        client_request_id: c(),
    };
    let dropped = GraphError::Dropped {
        message: "closed".into(),
        client_request_id: c(),
    };
    let decode = GraphError::Decode {
        message: "x".into(),
        client_request_id: c(),
        request_id: None,
    };
    let insecure = GraphError::InsecureUrl {
        url: "http://example.com/".into(),
    };
    // (error, retryable, outcome unknown)
    let cases = [
        (&timeout, true, true),
        (&connect, true, false),
        (&dropped, true, true),
        (&decode, false, false),
        (&insecure, false, false),
    ];
    for (e, retryable, unknown) in cases {
        assert_eq!(e.is_retryable(), retryable, "{e:?}");
        assert_eq!(e.outcome_unknown(), unknown, "{e:?}");
        assert_eq!(e.status(), None);
    }
    for (status, retryable, unknown) in [
        (400, false, false),
        (404, false, false),
        (409, false, false),
        (429, true, false),
        (500, true, true),
        (501, false, false),
        (502, true, true),
        (503, true, true),
        (504, true, true),
    ] {
        let e = plain(status, "", "m");
        assert_eq!(e.is_retryable(), retryable, "{status}");
        assert_eq!(e.outcome_unknown(), unknown, "{status}");
        assert_eq!(e.status(), Some(status));
    }
    assert!(connect.user_message().contains("nothing was sent"));
    assert!(dropped.user_message().contains("outcome is unknown"));
    assert!(timeout.user_message().contains("may or may not"));
    assert!(insecure.user_message().contains("only sent over https"));
    assert_eq!(insecure.client_request_id(), None);
    assert_eq!(timeout.client_request_id(), Some("c"));
    let unavailable = GraphError::NotAvailable {
        what: "the tenant list",
    };
    assert_eq!(
        unavailable.user_message(),
        "the tenant list is not available in this session"
    );
    assert!(!unavailable.is_retryable() && !unavailable.outcome_unknown());
    assert_eq!(unavailable.client_request_id(), None);
}
