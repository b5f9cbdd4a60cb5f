//! The sandbox tenant's identities: an in-memory working set in creation
//! order, indexed by id and by identifier key, written through to SQLite.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, params};

use super::rules::key_of;
use crate::domain::ImportedDeviceIdentity;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sandbox database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("sandbox database: cannot encode an identity: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("sandbox database: cannot create the folder {path}: {source}")]
    Folder {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// One stored identity.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    /// Creation sequence number: the list order and the paging position.
    pub seq: u64,
    pub identity: ImportedDeviceIdentity,
    /// The identifier lower-cased, for `$filter`.
    pub lower: String,
    pub key: String,
}

/// A write, applied by [`Store::commit`].
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// Insert or replace by id (the identity must have an id).
    Put(ImportedDeviceIdentity),
    Delete(String),
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS imported_device_identities (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    json TEXT NOT NULL
)";

#[derive(Default)]
pub(crate) struct Store {
    order: Vec<(u64, Arc<str>)>,
    by_id: HashMap<Arc<str>, Stored>,
    by_key: HashMap<String, Arc<str>>,
    next_seq: u64,
    db: Option<Connection>,
}

impl Store {
    pub fn in_memory() -> Store {
        Store {
            next_seq: 1,
            ..Store::default()
        }
    }

    /// Opens (or creates) the database file and loads every identity.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        // A fresh data folder: the first command run may be one that only talks to the sandbox.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let db = Connection::open(path)?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "NORMAL")?;
        db.execute(SCHEMA, [])?;
        let mut store = Store::in_memory();
        {
            let mut stmt =
                db.prepare("SELECT seq, json FROM imported_device_identities ORDER BY seq")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (seq, json) = row?;
                match serde_json::from_str::<ImportedDeviceIdentity>(&json) {
                    Ok(identity) if identity.id.is_some() => {
                        store.insert_memory(seq.unsigned_abs(), identity)
                    }
                    _ => tracing::warn!(seq, "skipping an unreadable sandbox identity"),
                }
            }
        }
        store.db = Some(db);
        Ok(store)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// The identity at a list position.
    pub fn at(&self, pos: usize) -> Option<&Stored> {
        self.order.get(pos).and_then(|(_, id)| self.by_id.get(id))
    }

    /// The list position of the first identity created after `seq`.
    pub fn position_after(&self, seq: u64) -> usize {
        self.order.partition_point(|(s, _)| *s <= seq)
    }

    pub fn get(&self, id: &str) -> Option<&Stored> {
        self.by_id.get(id.to_ascii_lowercase().as_str())
    }

    pub fn by_key(&self, key: &str) -> Option<&Stored> {
        self.by_key.get(key).and_then(|id| self.by_id.get(id))
    }

    /// Writes the changes to the database in one transaction, then to memory.
    /// On a database error nothing changes.
    pub fn commit(&mut self, changes: Vec<Change>) -> Result<(), StoreError> {
        let mut planned = Vec::with_capacity(changes.len());
        let mut next_seq = self.next_seq;
        let mut fresh: HashMap<String, u64> = HashMap::new();
        for change in changes {
            match change {
                Change::Put(identity) => {
                    let id = identity.id.clone().unwrap_or_default().to_ascii_lowercase();
                    let seq = match self.by_id.get(id.as_str()) {
                        Some(s) => s.seq,
                        None => *fresh.entry(id).or_insert_with(|| {
                            next_seq += 1;
                            next_seq - 1
                        }),
                    };
                    planned.push((seq, Change::Put(identity)));
                }
                Change::Delete(id) => planned.push((0, Change::Delete(id))),
            }
        }
        if let Some(db) = self.db.as_mut() {
            let tx = db.transaction()?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT OR REPLACE INTO imported_device_identities (seq, id, json) VALUES (?1, ?2, ?3)",
                )?;
                let mut del =
                    tx.prepare_cached("DELETE FROM imported_device_identities WHERE id = ?1")?;
                for (seq, change) in &planned {
                    match change {
                        Change::Put(identity) => {
                            let json = serde_json::to_string(identity)?;
                            let id = identity
                                .id
                                .as_deref()
                                .unwrap_or_default()
                                .to_ascii_lowercase();
                            put.execute(params![
                                i64::try_from(*seq).unwrap_or(i64::MAX),
                                id,
                                json
                            ])?;
                        }
                        Change::Delete(id) => {
                            del.execute(params![id.to_ascii_lowercase()])?;
                        }
                    }
                }
            }
            tx.commit()?;
        }
        for (seq, change) in planned {
            match change {
                Change::Put(identity) => self.insert_memory(seq, identity),
                Change::Delete(id) => self.remove_memory(&id),
            }
        }
        self.next_seq = next_seq;
        Ok(())
    }

    fn insert_memory(&mut self, seq: u64, mut identity: ImportedDeviceIdentity) {
        let id: Arc<str> = identity
            .id
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase()
            .into();
        identity.id = Some(id.to_string());
        let key = key_of(&identity);
        let lower = identity.identifier().to_lowercase();
        if let Some(old) = self.by_id.get(&id) {
            if old.key != key && self.by_key.get(&old.key) == Some(&id) {
                self.by_key.remove(&old.key);
            }
        } else {
            match self.order.last() {
                Some((last, _)) if *last >= seq => {
                    let pos = self.position_after(seq);
                    self.order.insert(pos, (seq, id.clone()));
                }
                _ => self.order.push((seq, id.clone())),
            }
        }
        self.by_key.insert(key.clone(), id.clone());
        self.by_id.insert(
            id,
            Stored {
                seq,
                identity,
                lower,
                key,
            },
        );
        self.next_seq = self.next_seq.max(seq + 1);
    }

    fn remove_memory(&mut self, id: &str) {
        let id = id.to_ascii_lowercase();
        if let Some(old) = self.by_id.remove(id.as_str()) {
            if self.by_key.get(&old.key).map(|k| &**k) == Some(id.as_str()) {
                self.by_key.remove(&old.key);
            }
            let pos = self.order.partition_point(|(s, _)| *s < old.seq);
            if self.order.get(pos).is_some_and(|(s, _)| *s == old.seq) {
                self.order.remove(pos);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ImportedDeviceIdentityType, Platform};

    fn identity(id: &str, identifier: &str) -> ImportedDeviceIdentity {
        let mut i = ImportedDeviceIdentity::new(
            identifier,
            ImportedDeviceIdentityType::SerialNumber,
            Platform::Ios,
        );
        i.id = Some(id.to_string());
        i
    }

    #[test]
    fn opens_in_a_data_folder_that_does_not_exist_yet() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("data").join("sandbox.db");
        let mut store = Store::open(&path).unwrap();
        store
            .commit(vec![Change::Put(identity("a", "C02XK0XXJGH5"))])
            .unwrap();
        drop(store);
        assert_eq!(Store::open(&path).unwrap().len(), 1);
    }

    #[test]
    fn keeps_creation_order_through_updates_and_deletes() {
        let mut s = Store::in_memory();
        s.commit(vec![
            Change::Put(identity("a", "one")),
            Change::Put(identity("b", "two")),
            Change::Put(identity("c", "three")),
        ])
        .unwrap();
        s.commit(vec![
            Change::Put(identity("A", "ONE")),
            Change::Delete("b".into()),
        ])
        .unwrap();
        let ids: Vec<&str> = (0..s.len())
            .map(|i| s.at(i).unwrap().identity.id.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(s.by_key("ONE").unwrap().identity.identifier(), "ONE");
        assert!(s.by_key("TWO").is_none());
        let first = s.at(0).unwrap().seq;
        assert_eq!(s.position_after(first), 1);
    }

    #[test]
    fn persists_to_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tenant.db");
        {
            let mut s = Store::open(&path).unwrap();
            s.commit(vec![
                Change::Put(identity("a", "one")),
                Change::Put(identity("b", "two")),
            ])
            .unwrap();
            s.commit(vec![Change::Delete("a".into())]).unwrap();
        }
        let mut s = Store::open(&path).unwrap();
        assert_eq!(s.len(), 1);
        assert!(s.get("b").is_some());
        s.commit(vec![Change::Put(identity("c", "three"))]).unwrap();
        assert!(s.at(1).unwrap().seq > s.at(0).unwrap().seq);
    }
}
