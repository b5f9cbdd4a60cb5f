//! The outbox: identities waiting to be sent (offline, or after a failure
//! that may pass), kept in the local database and sent exactly once by a
//! [`Syncer`]. The rules live in [`plan`] (no IO); this module holds the
//! handle on the store and the connectivity probe.
//!
//! Other parts of the console hand identities over with
//! [`Outbox::enqueue`] (e.g. the rows a bulk import could not send).

pub mod backoff;
mod journal;
pub mod plan;
mod sync;

use std::sync::{Arc, Mutex};

pub use journal::{JournalNotes, run_journaled};
pub use plan::{Step, Stop};
pub use sync::{SyncPolicy, SyncProgress, SyncReport, Syncer};

use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::graph::{GraphClient, GraphError, ListQuery};
use crate::store::{
    Attempt, DraftFields, NewItem, OutboxCounts, OutboxItem, Queued, Settlement, Store, StoreError,
};

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the local database is unavailable after an earlier failure")]
    Poisoned,
    #[error("local database task failed: {0}")]
    Task(String),
}

impl From<OutboxError> for StoreError {
    /// The same failure, as the store names it (the text is unchanged).
    fn from(error: OutboxError) -> Self {
        match error {
            OutboxError::Store(e) => e,
            OutboxError::Poisoned => StoreError::Unavailable,
            OutboxError::Task(message) => StoreError::Task(message),
        }
    }
}

/// Now, for timestamps in the store.
pub fn now() -> DateTimeOffset {
    let now = time::OffsetDateTime::now_utc();
    DateTimeOffset::from_unix_nanos(now.unix_timestamp_nanos()).unwrap_or(DateTimeOffset(now))
}

/// One profile's drafts and outbox. Cheap to clone (one shared connection).
#[derive(Clone)]
pub struct Outbox {
    store: Arc<Mutex<Store>>,
    profile: String,
}

impl Outbox {
    pub fn new(store: Store, profile: impl Into<String>) -> Self {
        Outbox {
            store: Arc::new(Mutex::new(store)),
            profile: profile.into(),
        }
    }

    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// Runs a store call now, on this thread (fast local writes; used where
    /// the write must be done before going on, e.g. a draft on exit).
    pub fn with_store_now<T>(
        &self,
        call: impl FnOnce(&Store, &str) -> Result<T, StoreError>,
    ) -> Result<T, OutboxError> {
        let guard = self.store.lock().map_err(|_| OutboxError::Poisoned)?;
        Ok(call(&guard, &self.profile)?)
    }

    /// Runs a store call on a blocking thread.
    pub async fn with_store<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Store, &str) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, OutboxError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.with_store_now(call))
            .await
            .map_err(|e| OutboxError::Task(e.to_string()))?
    }

    /// Queues identities with the reason they wait; returns their item ids.
    pub async fn enqueue(
        &self,
        identities: Vec<ImportedDeviceIdentity>,
        reason: impl Into<String>,
    ) -> Result<Vec<i64>, OutboxError> {
        let reason = reason.into();
        self.with_store(move |s, p| s.enqueue(p, &identities, &reason, now()))
            .await
    }

    /// Queues one identity (from the form; its draft becomes the item).
    /// An identifier another item already holds adds nothing.
    pub async fn enqueue_item(&self, item: NewItem) -> Result<Queued, OutboxError> {
        self.with_store(move |s, p| s.enqueue_item(p, &item, now()))
            .await
    }

    pub async fn save_draft(
        &self,
        id: Option<i64>,
        fields: DraftFields,
    ) -> Result<i64, OutboxError> {
        self.with_store(move |s, p| s.save_draft(id, p, &fields, now()))
            .await
    }

    pub async fn items(&self) -> Result<Vec<OutboxItem>, OutboxError> {
        self.with_store(|s, p| s.outbox_items(Some(p))).await
    }

    pub async fn pending(&self) -> Result<Vec<OutboxItem>, OutboxError> {
        self.with_store(|s, p| s.pending_items(p)).await
    }

    pub async fn counts(&self) -> Result<OutboxCounts, OutboxError> {
        self.with_store(|s, p| s.outbox_counts(p)).await
    }

    pub async fn discard(&self, id: i64) -> Result<bool, OutboxError> {
        self.with_store(move |s, _| s.discard_item(id, now())).await
    }

    /// Marks an item `owner` holds as being sent; false when it no longer holds it.
    pub(crate) async fn mark_sending(&self, id: i64, owner: &str) -> Result<bool, OutboxError> {
        let owner = owner.to_string();
        self.with_store(move |s, _| s.mark_sending(id, Some(&owner), now()))
            .await
    }

    /// Claims a pending item for `owner` (see [`crate::store::lease`]).
    pub(crate) async fn claim(
        &self,
        id: i64,
        owner: &str,
    ) -> Result<Option<OutboxItem>, OutboxError> {
        let owner = owner.to_string();
        self.with_store(move |s, _| s.claim(id, &owner, now()))
            .await
    }

    /// Lets go of an item `owner` holds.
    pub(crate) async fn release(&self, id: i64, owner: &str) -> Result<(), OutboxError> {
        let owner = owner.to_string();
        self.with_store(move |s, _| s.release(id, &owner)).await
    }

    pub(crate) async fn record(
        &self,
        attempt: Attempt,
        settlement: Settlement,
    ) -> Result<(), OutboxError> {
        self.with_store(move |s, _| s.record_attempt(&attempt, &settlement))
            .await
    }
}

/// Whether the service answers at all: one small list request. Any HTTP
/// answer (even an error status) means it is reachable.
pub async fn probe(client: &GraphClient) -> Result<(), GraphError> {
    let query = ListQuery {
        top: Some(1),
        ..ListQuery::default()
    };
    match client.list_first(&query).await {
        Ok(_) => Ok(()),
        Err(e @ (GraphError::Connect { .. } | GraphError::Timeout { .. })) => Err(e),
        Err(e @ (GraphError::InsecureUrl { .. } | GraphError::InvalidUrl { .. })) => Err(e),
        Err(_) => Ok(()),
    }
}
