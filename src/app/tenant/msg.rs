//! Messages and effects of the Tenant list and the Detail actions, wrapped
//! by `Msg::Tenant` and `Effect::Tenant`.

use std::path::PathBuf;

use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::graph::GraphError;
use crate::tenant::{ExportFormat, ViewSnapshot};

/// Identifies one load of the tenant list (late pages of an older one are dropped).
pub type LoadId = u64;

#[derive(Debug)]
pub enum TenantMsg {
    /// One page of the list; `last` when no next link followed.
    Page {
        load: LoadId,
        received_at: DateTimeOffset,
        identities: Vec<ImportedDeviceIdentity>,
        last: bool,
    },
    /// The load stopped before its end; the pages before it were sent.
    LoadFailed {
        load: LoadId,
        error: super::LoadError,
    },
    /// The load was stopped on request.
    LoadCancelled {
        load: LoadId,
    },
    /// One result per id, in the order asked.
    Deleted {
        received_at: DateTimeOffset,
        results: Vec<(String, Result<(), GraphError>)>,
    },
    /// The identity as it is after a description edit.
    Updated {
        received_at: DateTimeOffset,
        id: String,
        result: Result<Box<ImportedDeviceIdentity>, GraphError>,
    },
    /// Where the export went and how many rows it holds.
    Exported(Result<Vec<(PathBuf, usize)>, String>),
    /// Nothing was written: the export was not to replace files, and these
    /// of its files are there (the export to `path` as `format` asks first).
    ExportExists {
        path: PathBuf,
        format: ExportFormat,
        existing: Vec<PathBuf>,
    },
    Copied(Result<(), String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TenantEffect {
    /// Load every page, following `@odata.nextLink` verbatim.
    Load {
        load: LoadId,
    },
    /// Stop a load; the runtime answers `LoadCancelled` if it was running.
    CancelLoad {
        load: LoadId,
    },
    Delete {
        ids: Vec<String>,
    },
    /// PATCH the description; `identity` is the row as known, with the new
    /// description (what the row becomes when the service answers 204).
    UpdateDescription {
        id: String,
        description: String,
        identity: Box<ImportedDeviceIdentity>,
    },
    /// Write the identities to `path` (relative paths: the current folder).
    /// Unless `overwrite`, a file already there is left as it is and the
    /// runtime answers `ExportExists`.
    Export {
        path: PathBuf,
        format: ExportFormat,
        rows: ViewSnapshot,
        overwrite: bool,
    },
    /// Put text on the clipboard with OSC 52.
    Copy {
        text: String,
    },
}
