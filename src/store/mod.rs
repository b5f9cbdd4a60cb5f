//! The local SQLite database in the data folder: what was submitted from this
//! machine (Recent), drafts and the outbox with its attempt journal, and
//! small remembered settings. Versioned migrations.

mod batch;
mod facts;
mod health;
pub mod lease;
mod ledger;
mod migrations;
mod outbox;
mod recent;

pub use crate::model::{
    DraftFields, ItemState, LiveCopy, OutboxCounts, OutboxItem, RecentEntry, SqliteError,
    StoreError, StoreFailure, StoreTask,
};
pub use facts::ProfileFact;
pub use ledger::{LedgerQuery, Queued, Slot};
pub use outbox::{Attempt, NewItem, Settlement};

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

/// SQLite's error, worded for the user (see `sqlite_message`).
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(SqliteError {
            message: sqlite_message(&e),
        })
    }
}

/// What a failed write tells the user: a full disk (or a file that may not
/// grow, which SQLite reports as a write error) is named as such.
fn sqlite_message(e: &rusqlite::Error) -> String {
    use rusqlite::ffi;
    let rusqlite::Error::SqliteFailure(failure, _) = e else {
        return e.to_string();
    };
    match failure.extended_code {
        ffi::SQLITE_FULL => format!("the disk is full ({e})"),
        ffi::SQLITE_IOERR_WRITE | ffi::SQLITE_IOERR_FSYNC | ffi::SQLITE_IOERR_TRUNCATE => {
            format!("it could not be written: the disk may be full or the file may not grow ({e})")
        }
        _ => e.to_string(),
    }
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
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        health::check_at_open(&conn, path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Checkpoint the WAL into the database at 16 MiB instead of SQLite's
        // 4 MiB: at the default, the commit journaling an import of a few
        // thousand rows — the one its first request waits for — also ran the
        // checkpoint and its fsyncs, about half of that commit's time
        // (docs/PERFORMANCE.md, "The ledger"). Durability is unchanged: a
        // commit is in the WAL either way; a checkpoint only copies it on.
        conn.pragma_update(None, "wal_autocheckpoint", 4_000)?;
        Store::init(conn)
    }

    /// A throwaway database (tests).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A batch is staged in temporary tables (store::batch): keep them off the disk.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        migrations::migrate(&conn)?;
        Ok(Store { conn })
    }

    /// Copies what the write-ahead log holds into the database file, as far
    /// as no reader needs it (`PRAGMA wal_checkpoint(PASSIVE)`): never waits
    /// for another connection and never blocks one.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// SQLite's `PRAGMA data_version`: changes when another connection (of
    /// this process or another) committed to the file since the last call.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
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

    #[test]
    fn settings_upsert() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.setting("k").unwrap(), None);
        store.set_setting("k", "1").unwrap();
        store.set_setting("k", "2").unwrap();
        assert_eq!(store.setting("k").unwrap().as_deref(), Some("2"));
    }

    #[test]
    fn a_full_disk_is_named_in_the_message() {
        let failure = |code, extended_code| {
            StoreError::from(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error {
                    code,
                    extended_code,
                },
                None,
            ))
            .to_string()
        };
        let full = failure(rusqlite::ErrorCode::DiskFull, rusqlite::ffi::SQLITE_FULL);
        assert!(full.contains("the disk is full"), "{full}");
        let too_big = failure(
            rusqlite::ErrorCode::SystemIoFailure,
            rusqlite::ffi::SQLITE_IOERR_WRITE,
        );
        assert!(too_big.contains("the disk may be full"), "{too_big}");
        let busy = failure(
            rusqlite::ErrorCode::DatabaseBusy,
            rusqlite::ffi::SQLITE_BUSY,
        );
        assert!(!busy.contains("full"), "{busy}");
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
