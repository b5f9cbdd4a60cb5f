//! The records every layer names: the ledger's items and Recent's entries
//! (what the store reads and writes), a failed store call, an import's plan
//! and its report (what the bulk engine takes and gives). Plain data and pure
//! functions over it; it depends on the domain only, so the store, the bulk
//! engine, the app and the screens can all name it.

mod failure;
mod outbox;
mod plan;
mod recent;
mod report;

pub use failure::{SqliteError, StoreError, StoreFailure, StoreTask};
pub use outbox::{DraftFields, ItemState, OutboxCounts, OutboxItem};
pub use plan::{DEFAULT_CHUNK, ImportPlan, MAX_CHUNK, PlannedRow};
pub use recent::{LiveCopy, RecentEntry};
pub use report::{Counts, Report, RowResult, RowStatus, StopReason};
