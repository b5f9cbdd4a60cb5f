use super::*;
use crate::domain::{ImportedDeviceIdentityType, Platform};
use crate::store::lease::new_owner;

fn at(s: &str) -> DateTimeOffset {
    DateTimeOffset::parse(s).unwrap()
}

fn serial(identifier: &str) -> ImportedDeviceIdentity {
    ImportedDeviceIdentity::new(
        identifier,
        ImportedDeviceIdentityType::SerialNumber,
        Platform::Ios,
    )
}

#[test]
fn an_identifier_is_queued_once_per_profile() {
    let store = Store::open_in_memory().unwrap();
    let t = at("2026-01-01T10:00:00Z");
    let first = store
        .enqueue_checked("p", &[serial("A1"), serial("a1 ")], "offline", "import", t)
        .unwrap();
    let Queued::New(id) = first[0] else {
        panic!("{first:?}")
    };
    assert_eq!(
        first[1],
        Queued::Already {
            id,
            state: ItemState::Queued
        }
    );
    assert_eq!(
        first[1].note().as_deref(),
        Some(format!("already queued as item {id}").as_str())
    );
    // Another profile is another tenant.
    assert!(matches!(
        store
            .enqueue_checked("q", &[serial("A1")], "offline", "import", t)
            .unwrap()[0],
        Queued::New(_)
    ));
    let item = NewItem {
        identity: serial("A1"),
        reason: "offline".into(),
        form: None,
        unknown_outcome: false,
        draft_id: None,
    };
    assert_eq!(store.enqueue_item("p", &item, t).unwrap().id(), id);
    assert_eq!(store.pending_items("p").unwrap().len(), 1);
}

#[test]
fn a_claimed_item_is_skipped_by_every_other_sender() {
    let store = Store::open_in_memory().unwrap();
    let t = at("2026-01-01T10:00:00Z");
    let ids = store.enqueue("p", &[serial("C1")], "offline", t).unwrap();
    let (a, b) = (new_owner(), new_owner());
    let claimed = store.claim(ids[0], &a, t).unwrap().unwrap();
    assert_eq!(claimed.lease_owner.as_deref(), Some(a.as_str()));
    assert!(store.claim(ids[0], &b, t).unwrap().is_none(), "held by a");
    assert!(store.mark_sending(ids[0], Some(&a), t).unwrap());
    assert!(!store.mark_sending(ids[0], Some(&b), t).unwrap());
    // Once the lease has run out, b may take it; it is still `sending`, so checked first.
    let later = at("2026-01-01T10:05:00Z");
    let taken = store.claim(ids[0], &b, later).unwrap().unwrap();
    assert_eq!(taken.state, ItemState::Sending);
    assert_eq!(taken.lost_answers, 1, "a send without an answer");
}

#[test]
fn a_dead_senders_item_is_taken_at_once() {
    let store = Store::open_in_memory().unwrap();
    let t = at("2026-01-01T10:00:00Z");
    let ids = store.enqueue("p", &[serial("D1")], "offline", t).unwrap();
    // A process id far above any pid_max: gone.
    let dead = "4000000000:0000000000000001";
    assert!(store.claim(ids[0], dead, t).unwrap().is_some());
    let alive = store.claim(ids[0], &new_owner(), t).unwrap();
    assert_eq!(
        alive.is_some(),
        std::path::Path::new("/proc/self").exists(),
        "taken before its lease ends only where a dead process can be told"
    );
}

#[test]
fn journaling_sends_claims_new_rows_and_skips_what_is_created_or_busy() {
    let store = Store::open_in_memory().unwrap();
    let t = at("2026-01-01T10:00:00Z");
    let me = new_owner();
    let other = new_owner();
    let queued = store.enqueue("p", &[serial("Q1")], "offline", t).unwrap();
    let busy = store.enqueue("p", &[serial("B1")], "offline", t).unwrap();
    assert!(store.claim(busy[0], &other, t).unwrap().is_some());
    let slots = store
        .journal_sends(
            "p",
            "import",
            &[serial("N1"), serial("Q1"), serial("B1")],
            &me,
            false,
            None,
            t,
        )
        .unwrap();
    let Slot::Send {
        id: n1,
        check: false,
    } = slots[0]
    else {
        panic!("{slots:?}")
    };
    assert_eq!(
        slots[1..],
        [
            Slot::Send {
                id: queued[0],
                check: false
            },
            Slot::Busy { id: busy[0] }
        ]
    );
    let item = store.outbox_item(n1).unwrap().unwrap();
    assert_eq!(
        (item.state, item.origin.as_str(), item.lost_answers),
        (ItemState::Sending, "import", 0)
    );
    // Settled as created, the identifier is not sent again by a re-run.
    let attempt = Attempt {
        item_id: n1,
        at: t,
        action: "import".into(),
        request_id: None,
        client_request_id: None,
        http_status: Some(200),
        error: None,
        outcome: "created".into(),
    };
    let settled = Settlement {
        state: ItemState::Created,
        unknown_outcome: false,
        reason: None,
        service_id: Some("svc-1".into()),
        result: None,
    };
    store.settle_batch(&[(attempt, settled)]).unwrap();
    let again = store
        .journal_sends("p", "import", &[serial("N1")], &me, false, None, t)
        .unwrap();
    assert_eq!(
        again,
        [Slot::Created {
            id: n1,
            service_id: Some("svc-1".into()),
            same: true
        }]
    );
    let recent = store.recent(10).unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].origin, "import");
    assert_eq!(recent[0].result.identity.id.as_deref(), Some("svc-1"));
}

#[test]
fn the_ledger_pages_and_filters() {
    let store = Store::open_in_memory().unwrap();
    let t = at("2026-01-01T10:00:00Z");
    let rows: Vec<_> = (0..30).map(|i| serial(&format!("L{i:03}"))).collect();
    store.enqueue("p", &rows, "offline", t).unwrap();
    let page = |offset, text| {
        store
            .ledger(&LedgerQuery {
                text,
                limit: 10,
                offset,
                ..LedgerQuery::default()
            })
            .unwrap()
            .into_iter()
            .map(|i| i.identifier)
            .collect::<Vec<_>>()
    };
    assert_eq!(page(0, None).len(), 10);
    assert_eq!(page(0, None)[0], "L029", "newest first");
    assert_eq!(page(25, None).len(), 5);
    assert_eq!(page(0, Some("l01")).len(), 10);
}
