//! Bulk import: a validated file becomes a plan (rows to send in chunks,
//! rows refused locally), the plan is sent with `importDeviceIdentityList`
//! within the service's write throttle, and every row ends with one result.
//!
//! The plan and the report are plain records (`crate::model`, re-exported
//! here; the write limiter is the Graph client's, shared by every writer of
//! the process); only [`run`] talks to the service, through
//! [`ImportService`] (the Graph client, or a fake in tests). Used by the
//! `import` command and the TUI's Import screen.

mod plan;
mod run;

pub use crate::graph::limiter::{INTUNE_WRITE_WINDOW, INTUNE_WRITES_PER_WINDOW, WriteWindow};
pub use crate::model::{
    Counts, DEFAULT_CHUNK, ImportPlan, MAX_CHUNK, PlannedRow, Report, RowResult, RowStatus,
    StopReason,
};
pub use plan::plan_file;
pub use run::{ImportOptions, ImportService, OUTCOME_UNKNOWN, Progress, run};
