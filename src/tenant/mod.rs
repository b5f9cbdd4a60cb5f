//! The tenant's identities at scale, shared by the TUI's Tenant tab and the
//! CLI's `list` and `export`: compact rows, the filter language, sorting,
//! the Stale view, and the export writers. Nothing here draws or does IO
//! beyond the writer it is given, except the files of a split admin-center
//! export (`export::write_admin_files`).

pub mod export;
pub mod osc52;
pub mod query;
pub mod rows;
pub mod select;
pub mod view;

pub use export::{
    AdminDialect, ExportError, ExportFormat, Exporter, admin_targets, create_file,
    write_admin_files, write_admin_files_to,
};
pub use query::Query;
pub use rows::{RowRef, TenantRows};
pub use select::Selection;
pub use view::{Column, DEFAULT_STALE_DAYS, Sort, Stale, TenantView, ViewSnapshot, is_stale};
