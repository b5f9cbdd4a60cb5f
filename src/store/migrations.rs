//! Schema migrations, applied in order; `PRAGMA user_version` records the
//! last one applied. Append new steps; never edit a shipped one.

use rusqlite::Connection;

use super::StoreError;

const STEPS: &[&str] = &[
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
