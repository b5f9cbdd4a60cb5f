//! The local SQLite database in the data folder: what was submitted from this
//! machine (Recent), drafts and the outbox with its attempt journal, and
//! small remembered settings. Versioned migrations.

mod facts;
mod migrations;
mod outbox;

pub use facts::ProfileFact;
pub use outbox::{Attempt, DraftFields, ItemState, NewItem, OutboxCounts, OutboxItem, Settlement};

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::{DateTimeOffset, ImportedDeviceIdentityResult};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("local database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not create the data folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the local database is from a newer enroll-console (schema {found}, this build knows {known})"
    )]
    TooNew { found: i64, known: i64 },
}

/// One identity submitted from this machine, with the service's response.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentEntry {
    pub recorded_at: DateTimeOffset,
    /// The profile name, or "sandbox".
    pub profile: String,
    /// "create" or "import".
    pub method: String,
    pub result: ImportedDeviceIdentityResult,
    /// The response body as the service sent it.
    pub raw: serde_json::Value,
}

/// The local database. Holds one connection: `Send`, not `Sync`.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database file, in WAL mode, migrated.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Store::init(conn)
    }

    /// A throwaway database (tests).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&conn)?;
        Ok(Store { conn })
    }

    pub fn record_recent(&self, entry: &RecentEntry) -> Result<(), StoreError> {
        let identity = &entry.result.identity;
        let result_json = serde_json::to_string(&entry.result).unwrap_or_default();
        self.conn.execute(
            "INSERT INTO recent (recorded_at, recorded_unix_ns, profile, method, service_id, identifier, result_json, raw_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                entry.recorded_at.to_string(),
                entry.recorded_at.inner().unix_timestamp_nanos() as i64,
                entry.profile,
                entry.method,
                identity.id,
                identity.identifier(),
                result_json,
                entry.raw.to_string(),
            ],
        )?;
        Ok(())
    }

    /// Newest first, at most `limit` entries.
    pub fn recent(&self, limit: usize) -> Result<Vec<RecentEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT recorded_at, profile, method, result_json, raw_json FROM recent
             ORDER BY recorded_unix_ns DESC, seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, profile, method, result_json, raw_json) = row?;
            // A row this build cannot read is skipped rather than failing the list.
            let (Ok(recorded_at), Ok(result)) = (
                DateTimeOffset::parse(&at),
                serde_json::from_str::<ImportedDeviceIdentityResult>(&result_json),
            ) else {
                tracing::warn!("skipping an unreadable Recent row");
                continue;
            };
            out.push(RecentEntry {
                recorded_at,
                profile,
                method,
                result,
                raw: serde_json::from_str(&raw_json).unwrap_or(serde_json::Value::Null),
            });
        }
        Ok(out)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};

    fn entry(identifier: &str, at: &str) -> RecentEntry {
        let mut identity = ImportedDeviceIdentity::new(
            identifier,
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
        );
        identity.id = Some(format!("id-{identifier}"));
        RecentEntry {
            recorded_at: DateTimeOffset::parse(at).unwrap(),
            profile: "sandbox".into(),
            method: "create".into(),
            result: ImportedDeviceIdentityResult {
                identity,
                status: Some(true),
            },
            raw: serde_json::json!({"id": format!("id-{identifier}")}),
        }
    }

    #[test]
    fn recent_is_newest_first_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("console.db");
        {
            let store = Store::open(&path).unwrap();
            store
                .record_recent(&entry("1", "2026-01-01T10:00:00Z"))
                .unwrap();
            store
                .record_recent(&entry("2", "2026-01-01T12:00:00+01:00"))
                .unwrap();
            store
                .record_recent(&entry("3", "2026-01-01T10:30:00Z"))
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let recent = store.recent(10).unwrap();
        let ids: Vec<_> = recent
            .iter()
            .map(|e| e.result.identity.identifier())
            .collect();
        // 12:00+01:00 is 11:00Z: ordered by instant, not by text.
        assert_eq!(ids, ["2", "3", "1"]);
        assert_eq!(recent[0], entry("2", "2026-01-01T12:00:00+01:00"));
        assert_eq!(store.recent(1).unwrap().len(), 1);
    }

    #[test]
    fn settings_upsert() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.setting("k").unwrap(), None);
        store.set_setting("k", "1").unwrap();
        store.set_setting("k", "2").unwrap();
        assert_eq!(store.setting("k").unwrap().as_deref(), Some("2"));
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("console.db");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        drop(conn);
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::TooNew { found: 999, .. })
        ));
    }
}
