//! Bulk import: a validated file becomes a plan (rows to send in chunks,
//! rows refused locally), the plan is sent with `importDeviceIdentityList`
//! within the service's write throttle, and every row ends with one result.
//!
//! The plan, the throttle window and the report are pure; only [`run`]
//! talks to the service, through [`ImportService`] (the Graph client, or a
//! fake in tests). Used by the `import` command and the TUI's Import screen.

mod plan;
mod report;
mod run;
mod throttle;

pub use plan::{DEFAULT_CHUNK, ImportPlan, MAX_CHUNK, PlannedRow, dedupe_key};
pub use report::{Counts, Report, RowResult, RowStatus, StopReason};
pub use run::{ImportOptions, ImportService, OUTCOME_UNKNOWN, Progress, run};
pub use throttle::{INTUNE_WRITE_WINDOW, INTUNE_WRITES_PER_WINDOW, WriteWindow};
