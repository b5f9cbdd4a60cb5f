//! The ledger's costs (docs/PERFORMANCE.md, "The ledger"): journaling a
//! 10,000-row import before its first request (one transaction, every row
//! claimed), recording one 1,000-row chunk's answers, and the
//! `PRAGMA quick_check` run at every open, on a 100,000-item ledger. Run
//! with `cargo bench --bench ledger`.
//!
//! The `floor_*` benchmarks are what SQLite alone costs for the same rows on
//! the same file and settings: one prepared statement per row, no lookup,
//! no staging, no Rust around it. No journal can cost less than its floor.

// A benchmark may unwrap: a panic here is a failed measurement, not a user's crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use enroll_console::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};
use enroll_console::store::lease::new_owner;
use enroll_console::store::{Attempt, ItemState, Settlement, Slot, Store};

fn rows(n: usize, prefix: &str) -> Vec<ImportedDeviceIdentity> {
    (0..n)
        .map(|i| {
            let mut id = ImportedDeviceIdentity::new(
                format!("{prefix}{i:08}"),
                ImportedDeviceIdentityType::SerialNumber,
                Platform::Ios,
            );
            id.description = Some(format!("PO-4711 cart {}", i % 7));
            id
        })
        .collect()
}

/// A raw connection to a migrated ledger file, with the store's settings.
fn raw_ledger(dir: &tempfile::TempDir) -> rusqlite::Connection {
    let path = dir.path().join("console.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 4_000)
        .unwrap();
    conn
}

/// The columns `journal_sends` writes for a new item, one statement per row.
fn floor_insert(conn: &rusqlite::Connection, identities: &[ImportedDeviceIdentity]) -> Vec<i64> {
    let (owner, stamp) = (new_owner(), enroll_console::outbox::now().to_string());
    let tx = conn.unchecked_transaction().unwrap();
    let mut ids = Vec::with_capacity(identities.len());
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO outbox (profile, state, identifier, ident_key, identity_json,
                   overwrite, origin, lease_owner, lease_until_ns, created_at, updated_at)
                 VALUES ('sandbox', 'sending', ?1, ?2, ?3, 0, 'import', ?4, ?5, ?6, ?6)",
            )
            .unwrap();
        for identity in identities {
            insert
                .execute(rusqlite::params![
                    identity.identifier(),
                    identity.identifier().to_uppercase(),
                    serde_json::to_string(identity).unwrap(),
                    owner,
                    i64::MAX,
                    stamp
                ])
                .unwrap();
            ids.push(tx.last_insert_rowid());
        }
    }
    tx.commit().unwrap();
    ids
}

fn floors(c: &mut Criterion) {
    let mut group = c.benchmark_group("ledger");
    group.sample_size(20);
    let identities = rows(10_000, "SN");
    group.bench_function("floor_insert_10k_rows", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let conn = raw_ledger(&dir);
                (dir, conn)
            },
            |(dir, conn)| {
                black_box(floor_insert(&conn, &identities).len());
                (dir, conn)
            },
            BatchSize::PerIteration,
        );
    });
    // What `settle_batch` writes for one answered row: its attempt, and the item settled.
    group.bench_function("floor_settle_1k_chunk", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let conn = raw_ledger(&dir);
                let ids = floor_insert(&conn, &rows(1_000, "CH"));
                (dir, conn, ids)
            },
            |(dir, conn, ids)| {
                let stamp = enroll_console::outbox::now().to_string();
                let tx = conn.unchecked_transaction().unwrap();
                {
                    let mut attempt = tx
                        .prepare(
                            "INSERT INTO attempts (item_id, at, action, outcome)
                             VALUES (?1, ?2, 'import', 'created')",
                        )
                        .unwrap();
                    let mut settle = tx
                        .prepare(
                            "UPDATE outbox SET state = 'created', service_id = ?2,
                               attempts = attempts + 1, updated_at = ?3, method = 'import',
                               settled_unix_ns = ?4, lease_owner = NULL, lease_until_ns = NULL
                             WHERE id = ?1",
                        )
                        .unwrap();
                    for &id in &ids {
                        attempt.execute(rusqlite::params![id, stamp]).unwrap();
                        settle
                            .execute(rusqlite::params![id, format!("svc-{id}"), stamp, id])
                            .unwrap();
                    }
                }
                tx.commit().unwrap();
                (dir, conn)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn journal(c: &mut Criterion) {
    let mut group = c.benchmark_group("ledger");
    group.sample_size(20);
    let identities = rows(10_000, "SN");
    group.bench_function("journal_10k_import_rows", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(&dir.path().join("console.db")).unwrap();
                (dir, store)
            },
            |(dir, store)| {
                let slots = store
                    .journal_sends(
                        "sandbox",
                        "import",
                        &identities,
                        &new_owner(),
                        false,
                        None,
                        enroll_console::outbox::now(),
                    )
                    .unwrap();
                black_box(slots.len());
                (dir, store)
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("journal_10k_in_memory", |b| {
        b.iter_batched(
            || Store::open_in_memory().unwrap(),
            |store| {
                let slots = store
                    .journal_sends(
                        "sandbox",
                        "import",
                        &identities,
                        &new_owner(),
                        false,
                        None,
                        enroll_console::outbox::now(),
                    )
                    .unwrap();
                black_box(slots.len());
                store
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("enqueue_10k_offline_rows", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(&dir.path().join("console.db")).unwrap();
                (dir, store)
            },
            |(dir, store)| {
                let queued = store
                    .enqueue_checked(
                        "sandbox",
                        &identities,
                        "offline",
                        "import",
                        enroll_console::outbox::now(),
                    )
                    .unwrap();
                black_box(queued.len());
                (dir, store)
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("settle_1k_chunk", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(&dir.path().join("console.db")).unwrap();
                let slots = store
                    .journal_sends(
                        "sandbox",
                        "import",
                        &rows(1_000, "CH"),
                        &new_owner(),
                        false,
                        None,
                        enroll_console::outbox::now(),
                    )
                    .unwrap();
                let settled: Vec<(Attempt, Settlement)> = slots
                    .iter()
                    .filter_map(|s| match s {
                        Slot::Send { id, .. } => Some(*id),
                        _ => None,
                    })
                    .map(|id| {
                        (
                            Attempt {
                                item_id: id,
                                at: enroll_console::outbox::now(),
                                action: "import".into(),
                                request_id: None,
                                client_request_id: None,
                                http_status: None,
                                error: None,
                                outcome: "created".into(),
                            },
                            Settlement {
                                state: ItemState::Created,
                                unknown_outcome: false,
                                reason: None,
                                service_id: Some(format!("svc-{id}")),
                                result: None,
                            },
                        )
                    })
                    .collect();
                (dir, store, settled)
            },
            |(dir, store, settled)| {
                store.settle_batch(&settled).unwrap();
                (dir, store)
            },
            BatchSize::PerIteration,
        );
    });
    // The check every open makes, on a 100,000-item ledger (built only when this benchmark is
    // selected, so `cargo bench --bench ledger journal` does not wait for it).
    group.bench_function("open_with_quick_check_100k", |b| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("console.db");
        {
            let store = Store::open(&path).unwrap();
            for part in rows(100_000, "BIG").chunks(10_000) {
                store
                    .enqueue("sandbox", part, "offline", enroll_console::outbox::now())
                    .unwrap();
            }
        }
        b.iter(|| black_box(Store::open(&path).unwrap()));
    });
    group.finish();
}

criterion_group!(benches, journal, floors);
criterion_main!(benches);
