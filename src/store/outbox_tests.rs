use super::*;
use crate::domain::{ImportedDeviceIdentityType, Platform};

fn at(s: &str) -> DateTimeOffset {
    DateTimeOffset::parse(s).unwrap()
}

fn identity(identifier: &str) -> ImportedDeviceIdentity {
    ImportedDeviceIdentity::new(
        identifier,
        ImportedDeviceIdentityType::SerialNumber,
        Platform::Ios,
    )
}

fn fields(identifier: &str) -> DraftFields {
    DraftFields {
        identifier: identifier.into(),
        type_choice: None,
        platform: "ios".into(),
        enrollment_state: "notContacted".into(),
        description: "cart 3".into(),
        last_contacted: String::new(),
        focus: "Description".into(),
    }
}

#[test]
fn a_draft_is_updated_in_place_then_becomes_the_queued_item() {
    let store = Store::open_in_memory().unwrap();
    let t = at("2026-01-01T10:00:00Z");
    let id = store.save_draft(None, "p", &fields("AB"), t).unwrap();
    assert_eq!(
        store.save_draft(Some(id), "p", &fields("ABC"), t).unwrap(),
        id
    );
    let draft = store.latest_draft("p").unwrap().unwrap();
    assert_eq!(draft.form, Some(fields("ABC")));
    assert_eq!(store.outbox_counts("p").unwrap().drafts, 1);
    let item = NewItem {
        identity: identity("ABC"),
        reason: "offline".into(),
        form: None,
        unknown_outcome: false,
        draft_id: Some(id),
    };
    assert_eq!(store.enqueue_item("p", &item, t).unwrap().id(), id);
    // A queued item is no longer a draft: saving the form again starts a new draft.
    assert_ne!(
        store.save_draft(Some(id), "p", &fields("X"), t).unwrap(),
        id
    );
    let pending = store.pending_items("p").unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending[0].form,
        Some(fields("ABC")),
        "the form is kept for editing"
    );
    assert_eq!(pending[0].identity, Some(identity("ABC")));
    assert!(store.pending_items("other").unwrap().is_empty());
}

#[test]
fn attempts_settle_items_and_the_journal_is_append_only() {
    let store = Store::open_in_memory().unwrap();
    let t = at("2026-01-01T10:00:00Z");
    let ids = store
        .enqueue("p", &[identity("A1"), identity("A2")], "offline", t)
        .unwrap();
    assert!(store.mark_sending(ids[0], None, t).unwrap());
    assert_eq!(
        store.outbox_item(ids[0]).unwrap().unwrap().state,
        ItemState::Sending
    );
    let attempt = Attempt {
        item_id: ids[0],
        at: t,
        action: "create".into(),
        request_id: Some("r1".into()),
        client_request_id: Some("c1".into()),
        http_status: Some(201),
        error: None,
        outcome: "created".into(),
    };
    let settled = Settlement {
        state: ItemState::Created,
        unknown_outcome: false,
        reason: None,
        service_id: Some("id-1".into()),
        result: Some(serde_json::json!({"id": "id-1"})),
    };
    store.record_attempt(&attempt, &settled).unwrap();
    let item = store.outbox_item(ids[0]).unwrap().unwrap();
    assert_eq!(
        (item.state, item.service_id.as_deref(), item.attempts),
        (ItemState::Created, Some("id-1"), 1)
    );
    assert_eq!(store.attempts(ids[0]).unwrap(), vec![attempt]);
    assert!(store.conn.execute("DELETE FROM attempts", []).is_err());
    assert!(
        store
            .conn
            .execute("UPDATE attempts SET outcome = 'x'", [])
            .is_err()
    );
    let counts = store.outbox_counts("p").unwrap();
    assert_eq!((counts.created, counts.pending), (1, 1));
    // Discarding keeps the row (the journal points at it) but hides it.
    assert!(store.discard_item(ids[0], t).unwrap());
    assert!(!store.discard_item(ids[0], t).unwrap());
    assert_eq!(store.outbox_items(Some("p")).unwrap().len(), 1);
    assert_eq!(store.attempts(ids[0]).unwrap().len(), 1);
    assert!(store.integrity_ok().unwrap());
}

#[test]
fn only_rejected_or_duplicate_items_are_requeued() {
    let store = Store::open_in_memory().unwrap();
    let t = at("2026-01-01T10:00:00Z");
    let ids = store.enqueue("p", &[identity("B1")], "offline", t).unwrap();
    assert!(!store.requeue(ids[0], None, true, t).unwrap());
    let attempt = Attempt {
        item_id: ids[0],
        at: t,
        action: "create".into(),
        request_id: None,
        client_request_id: None,
        http_status: Some(409),
        error: Some("exists".into()),
        outcome: "duplicate".into(),
    };
    let dup = Settlement {
        state: ItemState::Duplicate,
        unknown_outcome: false,
        reason: Some("already in the tenant".into()),
        service_id: None,
        result: None,
    };
    store.record_attempt(&attempt, &dup).unwrap();
    assert!(
        store
            .requeue(ids[0], Some(&identity("B2")), true, t)
            .unwrap()
    );
    let item = store.outbox_item(ids[0]).unwrap().unwrap();
    assert_eq!((item.state, item.overwrite), (ItemState::Queued, true));
    assert_eq!(item.identifier, "B2");
}
