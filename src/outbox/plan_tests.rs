use super::*;
use crate::domain::{
    DateTimeOffset, ImportedDeviceIdentityResult, ImportedDeviceIdentityType, Platform,
};

fn at() -> DateTimeOffset {
    DateTimeOffset::parse("2026-01-01T10:00:00Z").unwrap()
}

fn item(unknown: bool) -> OutboxItem {
    let identity = ImportedDeviceIdentity::new(
        "C02XK0XXJGH5",
        ImportedDeviceIdentityType::SerialNumber,
        Platform::MacOs,
    );
    let base = OutboxItem::sample(7, identity.identifier(), ItemState::Queued, at());
    OutboxItem {
        profile: "p".into(),
        identity: Some(identity),
        unknown_outcome: unknown,
        reason: Some("offline".into()),
        ..base
    }
}

fn service(status: u16, retry_after: Option<u64>) -> GraphError {
    GraphError::Service {
        status,
        code: String::new(),
        message: "m".into(),
        request_id: Some("rid".into()),
        client_request_id: "cid".into(),
        retry_after_secs: retry_after,
    }
}

fn sent(status: Option<bool>) -> Answer {
    let mut identity = ImportedDeviceIdentity::new(
        "C02XK0XXJGH5",
        ImportedDeviceIdentityType::SerialNumber,
        Platform::MacOs,
    );
    identity.id = Some("id-1".into());
    Answer::Sent(SubmitOutcome {
        result: ImportedDeviceIdentityResult { identity, status },
        raw: serde_json::json!({"id": "id-1"}),
        method: UsedMethod::Import,
        switched_to_import: false,
        create_unusable: None,
        found_existing: false,
        request_id: Some("rid".into()),
    })
}

#[test]
fn an_unknown_outcome_or_a_crash_while_sending_means_check_first() {
    assert_eq!(next_step(&item(false)), Step::Send);
    assert_eq!(next_step(&item(true)), Step::Check);
    let mut crashed = item(false);
    crashed.state = ItemState::Sending;
    assert_eq!(next_step(&crashed), Step::Check);
}

#[test]
fn sends_whose_outcome_is_unknown_are_checked_next_time() {
    for error in [
        service(500, None),
        service(503, Some(2)),
        GraphError::Timeout {
            client_request_id: "c".into(),
        },
        GraphError::Dropped {
            message: "eof".into(),
            client_request_id: "c".into(),
        },
    ] {
        let (s, attempt, then) = settle(
            &item(false),
            Step::Send,
            &Answer::Failed(error.clone()),
            at(),
        );
        assert_eq!(
            (s.state, s.unknown_outcome),
            (ItemState::Queued, true),
            "{error:?}"
        );
        assert_eq!(then, Then::Pause(error.retry_after()));
        assert_eq!(attempt.error, Some(error.user_message()));
        assert_eq!(attempt.http_status, error.status());
    }
}

#[test]
fn found_after_a_lost_answer_is_ours_unless_the_tenant_held_it_before_queueing() {
    let found = |created: &str, found_by_send: bool| {
        let mut identity = ImportedDeviceIdentity::new(
            "C02XK0XXJGH5",
            ImportedDeviceIdentityType::SerialNumber,
            Platform::MacOs,
        );
        identity.id = Some("existing".into());
        identity.created_date_time = DateTimeOffset::parse(created).ok();
        if found_by_send {
            Answer::Sent(SubmitOutcome {
                result: ImportedDeviceIdentityResult {
                    identity,
                    status: None,
                },
                raw: serde_json::json!({}),
                method: UsedMethod::Create,
                switched_to_import: false,
                create_unusable: None,
                found_existing: true,
                request_id: None,
            })
        } else {
            Answer::Found {
                existing: Some((identity, serde_json::json!({}))),
                request_id: None,
            }
        }
    };
    // Queued at 10:00; clocks may be minutes apart.
    for by_send in [false, true] {
        let step = if by_send { Step::Send } else { Step::Check };
        let (s, _, _) = settle(
            &item(true),
            step,
            &found("2025-03-01T08:00:00Z", by_send),
            at(),
        );
        assert_eq!(s.state, ItemState::Duplicate, "{s:?}");
        assert!(s.reason.unwrap().contains("created 2025-03-01"));
        let (s, _, _) = settle(
            &item(true),
            step,
            &found("2026-01-01T09:58:00Z", by_send),
            at(),
        );
        assert_eq!(s.state, ItemState::Created);
        let (s, _, _) = settle(
            &item(true),
            step,
            &found("0001-01-01T00:00:00Z", by_send),
            at(),
        );
        assert_eq!(s.state, ItemState::Created);
    }
}

#[test]
fn a_check_settles_or_clears_the_way_to_send() {
    let mut identity = ImportedDeviceIdentity::new(
        "c02xk0xxjgh5",
        ImportedDeviceIdentityType::SerialNumber,
        Platform::MacOs,
    );
    identity.id = Some("existing".into());
    let found = Answer::Found {
        existing: Some((identity, serde_json::json!({}))),
        request_id: None,
    };
    let (s, a, then) = settle(&item(true), Step::Check, &found, at());
    assert_eq!(
        (s.state, s.service_id.as_deref(), then),
        (ItemState::Created, Some("existing"), Then::Next)
    );
    assert_eq!(a.action, "check");
    let none = Answer::Found {
        existing: None,
        request_id: None,
    };
    let (s, a, then) = settle(&item(true), Step::Check, &none, at());
    assert_eq!(
        (s.state, s.unknown_outcome, then),
        (ItemState::Queued, false, Then::SendNow)
    );
    assert_eq!(a.outcome, "not-found");
    // A failed check leaves the outcome unknown, whatever the failure.
    let (s, _, then) = settle(
        &item(true),
        Step::Check,
        &Answer::Failed(service(429, Some(1))),
        at(),
    );
    assert_eq!(
        (s.unknown_outcome, then),
        (true, Then::Pause(Some(std::time::Duration::from_secs(1))))
    );
}

#[test]
fn answers_and_refusals_settle_the_item() {
    let (s, a, _) = settle(&item(false), Step::Send, &sent(Some(true)), at());
    assert_eq!(
        (s.state, s.service_id.as_deref(), a.action.as_str()),
        (ItemState::Created, Some("id-1"), "import")
    );
    let (s, _, _) = settle(&item(false), Step::Send, &sent(Some(false)), at());
    assert_eq!(s.state, ItemState::Duplicate);
    let (s, _, _) = settle(
        &item(false),
        Step::Send,
        &Answer::Failed(service(409, None)),
        at(),
    );
    assert_eq!(s.state, ItemState::Duplicate);
    let (s, _, then) = settle(
        &item(false),
        Step::Send,
        &Answer::Failed(service(400, None)),
        at(),
    );
    assert_eq!((s.state, then), (ItemState::Rejected, Then::Next));
    let (s, _, then) = settle(
        &item(false),
        Step::Send,
        &Answer::Failed(service(401, None)),
        at(),
    );
    assert_eq!(s.state, ItemState::Queued);
    assert!(matches!(then, Then::Stop(Stop::Auth(_))));
    let offline = GraphError::Connect {
        message: "dns".into(),
        client_request_id: "c".into(),
    };
    let (s, _, then) = settle(&item(false), Step::Send, &Answer::Failed(offline), at());
    assert_eq!((s.state, s.unknown_outcome), (ItemState::Queued, false));
    assert!(matches!(then, Then::Stop(Stop::Unreachable(_))));
}

#[test]
fn a_call_this_session_lacks_keeps_the_item_queued_and_stops() {
    let (s, _, then) = settle(
        &item(false),
        Step::Send,
        &Answer::Failed(GraphError::NotAvailable { what: "sending" }),
        at(),
    );
    assert_eq!((s.state, s.unknown_outcome), (ItemState::Queued, false));
    match then {
        Then::Stop(Stop::Config(text)) => {
            assert_eq!(text, "sending is not available in this session")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn already_exists_for_an_item_this_ledger_sent_before_is_ours() {
    // Sent once without a definite answer (checked, not found yet, sent
    // again): the service now saying it exists means the first send landed.
    let mut resent = item(false);
    resent.lost_answers = 1;
    for answer in [Answer::Failed(service(409, None)), sent(Some(false))] {
        let (s, a, then) = settle(&resent, Step::Send, &answer, at());
        assert_eq!(
            (s.state, a.outcome.as_str(), then),
            (ItemState::Created, "created", Then::Next)
        );
    }
    // Never sent before: the identifier belongs to someone else.
    let (s, _, _) = settle(
        &item(false),
        Step::Send,
        &Answer::Failed(service(409, None)),
        at(),
    );
    assert_eq!(s.state, ItemState::Duplicate);
    // An explicit overwrite keeps its own meaning.
    resent.overwrite = true;
    let (s, _, _) = settle(&resent, Step::Send, &sent(Some(false)), at());
    assert_eq!(s.state, ItemState::Duplicate);
}
