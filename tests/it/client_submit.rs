//! The submit strategy against a scripted server: method choice and the
//! auto switch, bounded retries honouring Retry-After (waits recorded, not
//! slept), and exactly-once after unknown outcomes.

use crate::client_support;

use std::time::Duration;

use client_support::{Answer, Recorded, Scripted, entity, recording_sleeper};
use enroll_console::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};
use enroll_console::graph::{GraphError, SubmitMethod, Submitter, UsedMethod};
use serde_json::json;

const NO_ROUTE: &str = r#"{"error":{"code":"No method match route template","message":"No OData route exists that match template ~/singleton/navigation with http verb POST for request /DeviceEnrollmentFE/StatelessDeviceEnrollmentFEService/deviceManagement/importedDeviceIdentities.","innerError":{"request-id":"r-no-route","date":"2020-09-08T11:08:20"}}}"#;

fn identity(identifier: &str) -> ImportedDeviceIdentity {
    ImportedDeviceIdentity::new(
        identifier,
        ImportedDeviceIdentityType::SerialNumber,
        Platform::Ios,
    )
}

fn kind(r: &Recorded) -> &'static str {
    match r.path().rsplit('/').next() {
        Some("importDeviceIdentityList") => "import",
        Some("searchExistingIdentities") => "search",
        Some("importedDeviceIdentities") => "create",
        _ => "other",
    }
}

fn kinds(server: &Scripted) -> Vec<&'static str> {
    server.requests().iter().map(kind).collect()
}

fn created(id: &str, identifier: &str) -> Answer {
    Answer::json(201, entity(id, identifier)).with_header("request-id", "r-created")
}

fn imported(id: &str, identifier: &str) -> Answer {
    let mut row = entity(id, identifier);
    row["status"] = json!(true);
    Answer::json(200, json!({"value": [row]})).with_header("request-id", "r-imported")
}

fn submitter(
    server: &Scripted,
    method: SubmitMethod,
) -> (Submitter, std::sync::Arc<std::sync::Mutex<Vec<Duration>>>) {
    let (sleeper, waits) = recording_sleeper();
    (
        Submitter::new(server.client(), method).with_sleeper(sleeper),
        waits,
    )
}

#[tokio::test]
async fn auto_switches_to_import_once_and_remembers() {
    let server = Scripted::start(|r, i| match kind(r) {
        "create" => Answer::Respond {
            status: 400,
            headers: vec![("content-type", "application/json".into())],
            body: NO_ROUTE.into(),
        },
        _ => imported(&format!("id-{i}"), "SER1"),
    })
    .await;
    let (auto, waits) = submitter(&server, SubmitMethod::Auto);
    let shared = auto.clone();
    assert!(!auto.create_route_missing());
    let first = auto.submit(&identity("SER1")).await.unwrap();
    assert!(first.switched_to_import && !first.found_existing);
    assert_eq!(first.method, UsedMethod::Import);
    assert_eq!(first.result.status, Some(true));
    assert_eq!(first.raw["id"], "id-1");
    assert_eq!(first.request_id.as_deref(), Some("r-imported"));
    assert!(
        shared.create_route_missing(),
        "clones share what was learnt"
    );

    let second = shared.submit(&identity("SER1")).await.unwrap();
    assert!(!second.switched_to_import);
    assert_eq!(second.method, UsedMethod::Import);
    assert_eq!(kinds(&server), ["create", "import", "import"]);
    assert!(waits.lock().unwrap().is_empty());
    let body = server.requests()[1].json();
    assert_eq!(body["overwriteImportedDeviceIdentities"], false);
    assert_eq!(
        body["importedDeviceIdentities"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn forced_methods_do_not_switch() {
    let server = Scripted::start(|r, _| match kind(r) {
        "create" => Answer::Respond {
            status: 400,
            headers: vec![],
            body: NO_ROUTE.into(),
        },
        _ => imported("imp-1", "SER2"),
    })
    .await;
    let (create, _) = submitter(&server, SubmitMethod::Create);
    let err = create.submit(&identity("SER2")).await.unwrap_err();
    assert!(err.is_route_missing() && err.status() == Some(400));
    assert!(!create.create_route_missing());
    let (import, _) = submitter(&server, SubmitMethod::Import);
    let ok = import.submit(&identity("SER2")).await.unwrap();
    assert_eq!(
        (ok.method, ok.switched_to_import),
        (UsedMethod::Import, false)
    );
    assert_eq!(kinds(&server), ["create", "import"]);

    // Remembered from an earlier session: auto goes straight to import.
    let (auto, _) = submitter(&server, SubmitMethod::Auto);
    auto.remember_create_route_missing();
    assert_eq!(
        auto.submit(&identity("SER2")).await.unwrap().method,
        UsedMethod::Import
    );
    assert_eq!(kinds(&server).last(), Some(&"import"));
}

#[tokio::test]
async fn an_import_without_rows_is_a_decode_error() {
    let server = Scripted::start(|_, _| Answer::json(200, json!({"value": []}))).await;
    let (import, _) = submitter(&server, SubmitMethod::Import);
    let err = import.submit(&identity("SER3")).await.unwrap_err();
    assert!(matches!(err, GraphError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn throttling_honours_retry_after() {
    let server = Scripted::start(|r, i| match (kind(r), i) {
        (_, 0) => Answer::status(429).with_header("retry-after", "2"),
        (_, 1) => Answer::status(503).with_header("retry-after", "1"),
        ("search", _) => Answer::json(200, json!({"value": []})),
        _ => created("c-1", "SER4"),
    })
    .await;
    let (create, waits) = submitter(&server, SubmitMethod::Create);
    let ok = create.submit(&identity("SER4")).await.unwrap();
    assert_eq!(ok.result.identity.id.as_deref(), Some("c-1"));
    // 429: nothing applied, no search; 503: outcome unknown, searched first.
    assert_eq!(kinds(&server), ["create", "create", "search", "create"]);
    assert_eq!(
        *waits.lock().unwrap(),
        [Duration::from_secs(2), Duration::from_secs(1)]
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_is_returned_not_waited() {
    let server =
        Scripted::start(|_, _| Answer::status(429).with_header("retry-after", "600")).await;
    let (create, waits) = submitter(&server, SubmitMethod::Create);
    let err = create.submit(&identity("SER5")).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(600)));
    assert_eq!(kinds(&server), ["create"]);
    assert!(waits.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_outcome_that_was_applied_is_found_not_resent() {
    let server = Scripted::start(|r, _| match kind(r) {
        "create" => Answer::status(504),
        _ => Answer::json(
            200,
            json!({"value": [entity("other", "X"), entity("found-1", "ser6")]}),
        )
        .with_header("request-id", "r-search"),
    })
    .await;
    let (auto, waits) = submitter(&server, SubmitMethod::Auto);
    let ok = auto.submit(&identity("SER6")).await.unwrap();
    assert!(ok.found_existing && !ok.switched_to_import);
    assert_eq!(ok.method, UsedMethod::Create);
    assert_eq!(ok.result.identity.id.as_deref(), Some("found-1"));
    assert_eq!(ok.result.status, Some(true));
    assert_eq!(ok.raw["id"], "found-1");
    assert_eq!(ok.request_id.as_deref(), Some("r-search"));
    assert_eq!(kinds(&server), ["create", "search"]);
    // A create answered 5xx is checked at once.
    assert!(waits.lock().unwrap().is_empty());
    let searched = server.requests()[1].json();
    assert_eq!(
        searched["importedDeviceIdentities"][0]["importedDeviceIdentifier"],
        "SER6"
    );
}

#[tokio::test]
async fn a_dropped_send_that_was_not_applied_is_sent_again() {
    let server = Scripted::start(|r, i| match (kind(r), i) {
        ("import", 0) => Answer::Drop,
        ("search", _) => Answer::json(200, json!({"value": []})),
        _ => imported("imp-7", "SER7"),
    })
    .await;
    let (import, _) = submitter(&server, SubmitMethod::Import);
    let ok = import.submit(&identity("SER7")).await.unwrap();
    assert!(!ok.found_existing);
    assert_eq!(kinds(&server), ["import", "search", "import"]);
}

#[tokio::test]
async fn attempts_are_bounded_and_the_unknown_outcome_is_reported() {
    let server = Scripted::start(|r, _| match kind(r) {
        "search" => Answer::json(200, json!({"value": []})),
        _ => Answer::json(
            500,
            json!({"error": {"code": "generalException", "message": "boom"}}),
        ),
    })
    .await;
    let (create, waits) = submitter(&server, SubmitMethod::Create);
    let err = create.submit(&identity("SER8")).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(
        kinds(&server),
        [
            "create", "search", "create", "search", "create", "search", "create"
        ]
    );
    let waits = waits.lock().unwrap();
    assert_eq!(waits.len(), 3);
    assert!(waits.iter().sum::<Duration>() <= Duration::from_secs(30));
}

#[tokio::test]
async fn a_failing_search_never_leads_to_a_blind_resend() {
    let server = Scripted::start(|r, _| match kind(r) {
        "search" => Answer::status(503),
        _ => Answer::Drop,
    })
    .await;
    let (create, _) = submitter(&server, SubmitMethod::Create);
    let err = create.submit(&identity("SER9")).await.unwrap_err();
    // The caller learns the outcome is unknown (the send's error, not the search's).
    assert!(matches!(err, GraphError::Dropped { .. }), "{err:?}");
    assert!(err.outcome_unknown());
    // The search is retried by the request engine within its budget; the
    // create is never sent again unchecked.
    let kinds = kinds(&server);
    assert_eq!(kinds[0], "create");
    assert!(kinds[1..].iter().all(|k| *k == "search"), "{kinds:?}");
    assert_eq!(
        kinds.len() as u32,
        1 + enroll_console::graph::engine::CALL_POLICY.max_attempts
    );
}

#[tokio::test]
async fn connect_errors_just_retry_and_find_existing_checks() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let client = enroll_console::graph::GraphClient::new(enroll_console::graph::ClientConfig::new(
        format!("http://127.0.0.1:{port}/beta"),
    ))
    .unwrap();
    let (sleeper, waits) = recording_sleeper();
    let nowhere = Submitter::new(client, SubmitMethod::Auto).with_sleeper(sleeper);
    let err = nowhere.submit(&identity("SER10")).await.unwrap_err();
    assert!(matches!(err, GraphError::Connect { .. }), "{err:?}");
    assert_eq!(waits.lock().unwrap().len(), 3);

    let server =
        Scripted::start(|_, _| Answer::json(200, json!({"value": [entity("e-1", "ser11")]}))).await;
    let (auto, _) = submitter(&server, SubmitMethod::Auto);
    let found = auto.find_existing(&identity("SER11")).await.unwrap();
    assert_eq!(found.and_then(|f| f.id).as_deref(), Some("e-1"));
    assert!(
        auto.find_existing(&identity("SER12"))
            .await
            .unwrap()
            .is_none()
    );
}

/// Today's service: the documented create answers 500 and creates nothing.
fn create_answers_500(r: &Recorded, identifier: &'static str) -> Answer {
    match kind(r) {
        "create" => Answer::json(
            500,
            json!({"error": {"code": "InternalServerError", "message": "An internal server error occurred.",
                   "innerError": {"request-id": "r-500", "date": "2026-01-05T10:00:00"}}}),
        ),
        "search" => Answer::json(200, json!({"value": []})),
        _ => imported("imp-500", identifier),
    }
}

#[tokio::test]
async fn auto_imports_in_the_same_submission_when_create_answers_500() {
    let server = Scripted::start(|r, _| create_answers_500(r, "SER20")).await;
    let (auto, waits) = submitter(&server, SubmitMethod::Auto);
    let first = auto.submit(&identity("SER20")).await.unwrap();
    assert_eq!(first.method, UsedMethod::Import);
    assert_eq!(first.result.identity.id.as_deref(), Some("imp-500"));
    assert!(first.switched_to_import && !first.found_existing);
    assert_eq!(
        first.create_unusable,
        Some(enroll_console::graph::CreateUnusable::ServerError(500))
    );
    assert_eq!(
        first.create_unusable.unwrap().detail_note(),
        "sent with import — create answered 500"
    );
    // At most one create, one search and one import; no waiting.
    assert_eq!(kinds(&server), ["create", "search", "import"]);
    assert!(waits.lock().unwrap().is_empty());
    assert!(auto.create_route_missing());

    // Afterwards: imports only.
    let second = auto.submit(&identity("SER20")).await.unwrap();
    assert!(!second.switched_to_import && second.create_unusable.is_none());
    assert_eq!(kinds(&server), ["create", "search", "import", "import"]);
}

#[tokio::test]
async fn a_create_500_that_did_create_is_found_and_create_stays_in_use() {
    let server = Scripted::start(|r, _| match kind(r) {
        "create" => Answer::status(500),
        _ => Answer::json(200, json!({"value": [entity("made-1", "SER21")]})),
    })
    .await;
    let (auto, _) = submitter(&server, SubmitMethod::Auto);
    let ok = auto.submit(&identity("SER21")).await.unwrap();
    assert!(ok.found_existing && ok.create_unusable.is_none());
    assert_eq!(ok.result.identity.id.as_deref(), Some("made-1"));
    assert_eq!(kinds(&server), ["create", "search"]);
    assert!(!auto.create_route_missing());
}

#[tokio::test]
async fn explicit_create_never_switches_on_a_500() {
    let server = Scripted::start(|r, _| create_answers_500(r, "SER22")).await;
    let (create, _) = submitter(&server, SubmitMethod::Create);
    let err = create.submit(&identity("SER22")).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(!kinds(&server).contains(&"import"));
}
