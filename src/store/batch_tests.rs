//! The set-wise batch against the rules of queuing and journaling its rows
//! one by one (the implementation it replaced, kept here as the reference).

use proptest::prelude::*;
use rusqlite::params;

use super::super::lease::{held_by_other, lease_until, unix_ns};
use super::super::ledger::{holder, immediate};
use super::super::outbox::json;
use super::*;
use crate::domain::validate::identity_key;
use crate::domain::{ImportedDeviceIdentityType, Platform};
use crate::store::lease::new_owner;

/// Row by row: one lookup and one insert per row.
fn enqueue_rowwise(
    store: &Store,
    profile: &str,
    identities: &[ImportedDeviceIdentity],
    reason: &str,
    origin: &str,
    at: DateTimeOffset,
) -> Result<Vec<Queued>, StoreError> {
    let tx = immediate(store)?;
    let mut out = Vec::with_capacity(identities.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO outbox (profile, state, identifier, ident_key, identity_json, reason,
               origin, created_at, updated_at)
             VALUES (?1, 'queued', ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?;
        for identity in identities {
            let key = identity_key(identity);
            if let Some(h) = holder(&tx, profile, &key, None)? {
                out.push(Queued::Already {
                    id: h.id,
                    state: h.state,
                });
                continue;
            }
            insert.execute(params![
                profile,
                identity.identifier(),
                key,
                json(identity),
                reason,
                origin,
                at.to_string()
            ])?;
            out.push(Queued::New(tx.last_insert_rowid()));
        }
    }
    tx.commit()?;
    Ok(out)
}

/// Row by row: one lookup and one insert or claim per row.
#[allow(clippy::too_many_arguments)]
fn journal_rowwise(
    store: &Store,
    profile: &str,
    origin: &str,
    identities: &[ImportedDeviceIdentity],
    owner: &str,
    overwrite: bool,
    draft: Option<i64>,
    at: DateTimeOffset,
) -> Result<Vec<Slot>, StoreError> {
    let tx = immediate(store)?;
    let now_ns = unix_ns(at);
    let until = lease_until(at);
    let mut out = Vec::with_capacity(identities.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO outbox (profile, state, identifier, ident_key, identity_json, overwrite,
               origin, lease_owner, lease_until_ns, created_at, updated_at)
             VALUES (?1, 'sending', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?;
        let mut claim = tx.prepare_cached(
            "UPDATE outbox SET lost_answers = lost_answers + (state = 'sending'),
               state = 'sending', identity_json = ?2,
               overwrite = ?3, lease_owner = ?4, lease_until_ns = ?5, updated_at = ?6,
               identifier = ?7, ident_key = ?8
             WHERE id = ?1",
        )?;
        for identity in identities {
            let key = identity_key(identity);
            let identity_json = json(identity);
            let stamp = at.to_string();
            let found = holder(&tx, profile, &key, draft)?;
            match found {
                Some(h) if h.state == ItemState::Created && !overwrite => {
                    let same = h
                        .identity_json
                        .as_deref()
                        .and_then(|j| serde_json::from_str::<ImportedDeviceIdentity>(j).ok())
                        .is_some_and(|held| held.to_request() == identity.to_request());
                    out.push(Slot::Created {
                        id: h.id,
                        service_id: h.service_id,
                        same,
                    });
                }
                Some(h)
                    if h.state.is_pending()
                        && held_by_other(
                            h.lease_owner.as_deref(),
                            h.lease_until_ns,
                            owner,
                            now_ns,
                        ) =>
                {
                    out.push(Slot::Busy { id: h.id });
                }
                Some(h) => {
                    let check = h.state == ItemState::Sending || h.unknown;
                    claim.execute(params![
                        h.id,
                        identity_json,
                        overwrite,
                        owner,
                        until,
                        stamp,
                        identity.identifier(),
                        key
                    ])?;
                    out.push(Slot::Send { id: h.id, check });
                }
                None => {
                    if let Some(d) = draft {
                        let reused = tx.execute(
                            "UPDATE outbox SET state = 'sending',
                               identity_json = ?2, overwrite = ?3, lease_owner = ?4,
                               lease_until_ns = ?5, updated_at = ?6, identifier = ?7,
                               ident_key = ?8, origin = ?9
                             WHERE id = ?1 AND state = 'draft'",
                            params![
                                d,
                                identity_json,
                                overwrite,
                                owner,
                                until,
                                stamp,
                                identity.identifier(),
                                key,
                                origin
                            ],
                        )?;
                        if reused == 1 {
                            out.push(Slot::Send {
                                id: d,
                                check: false,
                            });
                            continue;
                        }
                    }
                    insert.execute(params![
                        profile,
                        identity.identifier(),
                        key,
                        json(identity),
                        overwrite,
                        origin,
                        owner,
                        until,
                        at.to_string()
                    ])?;
                    out.push(Slot::Send {
                        id: tx.last_insert_rowid(),
                        check: false,
                    });
                }
            }
        }
    }
    tx.commit()?;
    Ok(out)
}

const POOL: [&str; 6] = ["A1", "a1 ", "B2", "b2", "C3", "D4"];
const STATES: [&str; 7] = [
    "draft",
    "queued",
    "sending",
    "created",
    "rejected",
    "duplicate",
    "discarded",
];

fn identity(pick: usize, variant: bool) -> ImportedDeviceIdentity {
    let mut id = ImportedDeviceIdentity::new(
        POOL[pick % POOL.len()],
        ImportedDeviceIdentityType::SerialNumber,
        Platform::Ios,
    );
    id.description = variant.then(|| "cart 2".to_string());
    id
}

/// An item already in the ledger: identifier, state, lease (none, the
/// batch's own sender, another live one, a dead one, an expired one),
/// unknown outcome, another profile, other details.
type Existing = (usize, usize, usize, bool, bool, bool);

fn seed(store: &Store, existing: &[Existing], me: &str, other: &str, now_ns: i64) {
    for (n, &(pick, state, lease, unknown, elsewhere, variant)) in existing.iter().enumerate() {
        let identity = identity(pick, variant);
        let (owner, until) = match lease % 5 {
            0 => (None, None),
            1 => (Some(me), Some(now_ns + 1_000)),
            2 => (Some(other), Some(now_ns + 1_000)),
            3 => (Some("4000000000:0000000000000001"), Some(now_ns + 1_000)),
            _ => (Some(other), Some(now_ns - 1_000)),
        };
        store
            .conn
            .execute(
                "INSERT INTO outbox (profile, state, identifier, ident_key, identity_json,
                   unknown_outcome, lease_owner, lease_until_ns, service_id, lost_answers,
                   created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, '2026-01-01T09:00:00Z',
                   '2026-01-01T09:00:00Z')",
                params![
                    if elsewhere { "q" } else { "p" },
                    STATES[state % STATES.len()],
                    identity.identifier(),
                    identity_key(&identity),
                    json(&identity),
                    unknown,
                    owner,
                    until,
                    format!("svc-{n}"),
                    n as i64 % 2,
                ],
            )
            .unwrap();
    }
}

/// Every column of every item, in id order.
fn dump(store: &Store) -> Vec<Vec<rusqlite::types::Value>> {
    let mut stmt = store
        .conn
        .prepare("SELECT * FROM outbox ORDER BY id")
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn t() -> DateTimeOffset {
    DateTimeOffset::parse("2026-01-01T10:00:00Z").unwrap()
}

fn existing() -> impl Strategy<Value = Vec<Existing>> {
    proptest::collection::vec(
        (
            0..6usize,
            0..7usize,
            0..5usize,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        0..8,
    )
}

fn batch() -> impl Strategy<Value = Vec<(usize, bool)>> {
    proptest::collection::vec((0..6usize, any::<bool>()), 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn queuing_set_wise_gives_the_items_queuing_row_by_row_gives(
        existing in existing(),
        rows in batch(),
    ) {
        let (me, other) = (new_owner(), new_owner());
        let (set_wise, row_wise) = (Store::open_in_memory().unwrap(), Store::open_in_memory().unwrap());
        for s in [&set_wise, &row_wise] {
            seed(s, &existing, &me, &other, unix_ns(t()));
        }
        let ids: Vec<_> = rows.iter().map(|&(p, v)| identity(p, v)).collect();
        let a = set_wise.enqueue_checked("p", &ids, "offline", "import", t()).unwrap();
        let b = enqueue_rowwise(&row_wise, "p", &ids, "offline", "import", t()).unwrap();
        prop_assert_eq!(a, b);
        prop_assert_eq!(dump(&set_wise), dump(&row_wise));
    }

    #[test]
    fn journaling_set_wise_gives_the_slots_journaling_row_by_row_gives(
        existing in existing(),
        rows in batch(),
        overwrite in any::<bool>(),
        draft in proptest::option::of(0..8usize),
    ) {
        // The form's draft is an item of the ledger (any state).
        let draft = draft.filter(|d| *d < existing.len()).map(|d| d as i64 + 1);
        let (me, other) = (new_owner(), new_owner());
        let (set_wise, row_wise) = (Store::open_in_memory().unwrap(), Store::open_in_memory().unwrap());
        for s in [&set_wise, &row_wise] {
            seed(s, &existing, &me, &other, unix_ns(t()));
        }
        let ids: Vec<_> = rows.iter().map(|&(p, v)| identity(p, v)).collect();
        let a = set_wise.journal_sends("p", "scan", &ids, &me, overwrite, draft, t()).unwrap();
        let b = journal_rowwise(&row_wise, "p", "scan", &ids, &me, overwrite, draft, t()).unwrap();
        prop_assert_eq!(a, b);
        prop_assert_eq!(dump(&set_wise), dump(&row_wise));
    }
}

#[test]
fn a_batch_can_follow_a_batch_on_one_connection() {
    let store = Store::open_in_memory().unwrap();
    let me = new_owner();
    let first = store
        .journal_sends(
            "p",
            "import",
            &[identity(0, false), identity(2, false)],
            &me,
            false,
            None,
            t(),
        )
        .unwrap();
    let again = store
        .enqueue_checked(
            "p",
            &[identity(1, false), identity(3, true), identity(4, false)],
            "offline",
            "import",
            t(),
        )
        .unwrap();
    let Slot::Send { id: a1, .. } = first[0] else {
        panic!("{first:?}")
    };
    let Slot::Send { id: b2, .. } = first[1] else {
        panic!("{first:?}")
    };
    assert_eq!(
        again[0],
        Queued::Already {
            id: a1,
            state: ItemState::Sending
        }
    );
    assert_eq!(
        again[1],
        Queued::Already {
            id: b2,
            state: ItemState::Sending
        }
    );
    assert!(matches!(again[2], Queued::New(id) if id > b2));
    assert_eq!(store.pending_items("p").unwrap().len(), 3);
}
