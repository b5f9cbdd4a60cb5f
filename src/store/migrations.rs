//! Schema migrations, applied in order; `PRAGMA user_version` records the
//! last one applied. Append new steps; never edit a shipped one.

use rusqlite::Connection;

use super::StoreError;

pub(super) const STEPS: &[&str] = &[
    // 1: Recent history and settings.
    "CREATE TABLE recent (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        recorded_at TEXT NOT NULL,
        recorded_unix_ns INTEGER NOT NULL,
        profile TEXT NOT NULL,
        method TEXT NOT NULL,
        service_id TEXT,
        identifier TEXT NOT NULL,
        result_json TEXT NOT NULL,
        raw_json TEXT NOT NULL
     );
     CREATE INDEX recent_by_time ON recent (recorded_unix_ns DESC);
     CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: Drafts and the outbox (one table: an item's life runs draft → queued →
    // sending → created | rejected | duplicate), and the append-only journal of
    // every attempt.
    "CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        profile TEXT NOT NULL,
        state TEXT NOT NULL,
        identifier TEXT NOT NULL DEFAULT '',
        form_json TEXT,
        identity_json TEXT,
        unknown_outcome INTEGER NOT NULL DEFAULT 0,
        overwrite INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        service_id TEXT,
        result_json TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
     );
     CREATE INDEX outbox_by_profile_state ON outbox (profile, state, id);
     CREATE TABLE attempts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id INTEGER NOT NULL REFERENCES outbox (id),
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        request_id TEXT,
        client_request_id TEXT,
        http_status INTEGER,
        error TEXT,
        outcome TEXT NOT NULL
     );
     CREATE INDEX attempts_by_item ON attempts (item_id, seq);
     CREATE TRIGGER attempts_append_only_update BEFORE UPDATE ON attempts
     BEGIN SELECT RAISE(ABORT, 'the attempt journal is append-only'); END;
     CREATE TRIGGER attempts_append_only_delete BEFORE DELETE ON attempts
     BEGIN SELECT RAISE(ABORT, 'the attempt journal is append-only'); END;",
    // 3: When an item whose attempts were spent may be tried again, and how
    // many times in a row that happened (the wait grows with it).
    "ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
     ALTER TABLE outbox ADD COLUMN spent_rounds INTEGER NOT NULL DEFAULT 0;",
    // 4: The outbox becomes the ledger of everything this machine sends:
    // where an item came from, the key its identifier compares by (no two
    // items wait for or hold one identifier), a sender's lease (owner and
    // expiry; a claim is a conditional update), how many sends may have been
    // applied without an answer (then "already exists" means ours),
    // when it was settled, and the live copy last read from the tenant.
    // What Recent held before is carried over as created items.
    "ALTER TABLE outbox ADD COLUMN origin TEXT NOT NULL DEFAULT 'form';
     ALTER TABLE outbox ADD COLUMN ident_key TEXT NOT NULL DEFAULT '';
     ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
     ALTER TABLE outbox ADD COLUMN lease_until_ns INTEGER;
     ALTER TABLE outbox ADD COLUMN lost_answers INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE outbox ADD COLUMN method TEXT;
     ALTER TABLE outbox ADD COLUMN settled_unix_ns INTEGER;
     ALTER TABLE outbox ADD COLUMN live_json TEXT;
     ALTER TABLE outbox ADD COLUMN live_fetched_at TEXT;
     UPDATE outbox SET ident_key = UPPER(TRIM(identifier));
     UPDATE outbox SET settled_unix_ns = CAST(unixepoch(updated_at, 'subsec') * 1000000000 AS INTEGER)
       WHERE state = 'created';
     INSERT INTO outbox (profile, state, origin, identifier, ident_key, identity_json, service_id,
       result_json, method, attempts, lost_answers, created_at, updated_at, settled_unix_ns)
       SELECT profile, 'created', 'form', identifier, UPPER(TRIM(identifier)), result_json, service_id,
         raw_json, method, 1, 0, recorded_at, recorded_at, recorded_unix_ns
       FROM recent ORDER BY seq;
     CREATE INDEX outbox_by_key ON outbox (profile, ident_key, state);
     CREATE INDEX outbox_ledger ON outbox (profile, state, settled_unix_ns DESC, id DESC);",
    // 5: `outbox_ledger` begins with (profile, state), so it serves every lookup
    // the older `outbox_by_profile_state` did (a profile's items in some states;
    // the few that are listed by id are sorted after): one index less to write
    // for every item a batch adds.
    "DROP INDEX IF EXISTS outbox_by_profile_state;",
    // 6: `outbox_by_key` without the state: an item's key never changes when
    // it is settled, so settling a sent item (sending → created) no longer
    // moves its entry in this index; the few items a key finds are read to
    // check their state.
    "DROP INDEX IF EXISTS outbox_by_key;
     CREATE INDEX outbox_by_key ON outbox (profile, ident_key);",
];

pub(super) fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let known = STEPS.len() as i64;
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for (i, step) in STEPS.iter().enumerate().skip(current as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
