//! STUB — being implemented. The local SQLite database: Recent history and settings.
use std::path::Path;

use crate::domain::{DateTimeOffset, ImportedDeviceIdentityResult};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("local database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
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

pub struct Store {}

impl Store {
    pub fn open(_path: &Path) -> Result<Store, StoreError> {
        todo!()
    }
    pub fn open_in_memory() -> Result<Store, StoreError> {
        todo!()
    }
    pub fn record_recent(&self, _entry: &RecentEntry) -> Result<(), StoreError> {
        todo!()
    }
    /// Newest first.
    pub fn recent(&self, _limit: usize) -> Result<Vec<RecentEntry>, StoreError> {
        todo!()
    }
    pub fn setting(&self, _key: &str) -> Result<Option<String>, StoreError> {
        todo!()
    }
    pub fn set_setting(&self, _key: &str, _value: &str) -> Result<(), StoreError> {
        todo!()
    }
}
