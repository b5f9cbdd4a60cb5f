//! What the Tenant list shows besides its rows: how the last load ended
//! (and why it stopped), and the dialogs over the list or Detail (the
//! delete confirmation, per-row results, the description editor and the
//! export path), with the per-row report lines.

use crate::domain::ImportedDeviceIdentity;
use crate::graph::GraphError;
use crate::tenant::ExportFormat;
use crate::widgets::TextField;

/// How the last load ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    /// Not loaded yet, or loading.
    Pending,
    Complete,
    Cancelled,
    Failed(LoadError),
}

/// Why a load stopped before its end, kept as it came (the request id
/// included) and turned into text only when drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// A page the service refused or that failed after the engine's
    /// retries, paging that went round in a cycle or past the page cap, or
    /// no tenant to list in this session ([`GraphError::NotAvailable`]).
    Graph(GraphError),
}

impl LoadError {
    /// One line for the status bar and the message log.
    pub fn user_message(&self) -> String {
        match self {
            LoadError::Graph(e) => e.user_message(),
        }
    }

    /// The id support asks for: the service's request id, else the
    /// `client-request-id` this console sent.
    pub fn support_id(&self) -> Option<String> {
        let LoadError::Graph(e) = self;
        match (e.request_id(), e.client_request_id()) {
            (Some(r), _) if !r.is_empty() => Some(format!("request-id {r}")),
            (_, Some(c)) if !c.is_empty() => Some(format!("client-request-id {c}")),
            _ => None,
        }
    }
}

impl From<GraphError> for LoadError {
    fn from(e: GraphError) -> Self {
        LoadError::Graph(e)
    }
}

/// A dialog over the Tenant list or Detail; it takes every key while open.
#[derive(Debug, Clone)]
pub enum TenantModal {
    /// (id, identifier) of each identity to delete.
    ConfirmDelete {
        targets: Vec<(String, String)>,
    },
    Deleting {
        count: usize,
    },
    /// A per-row report.
    Results {
        title: String,
        lines: Vec<ResultLine>,
    },
    EditDescription {
        identity: Box<ImportedDeviceIdentity>,
        field: TextField,
        error: Option<String>,
        saving: bool,
    },
    Export {
        field: TextField,
        format: ExportFormat,
    },
}

/// One row of a per-row report: what was done to it, or why it was not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultLine {
    Succeeded(String),
    Failed(String),
}

impl ResultLine {
    /// A row that failed: its (sanitized) name and the error's message.
    pub fn failed(name: &str, error: &GraphError) -> Self {
        let why = crate::sanitize::sanitize(&error.user_message()).into_owned();
        ResultLine::Failed(format!("{name}: {why}"))
    }

    pub fn succeeded(&self) -> bool {
        matches!(self, ResultLine::Succeeded(_))
    }

    /// The text shown after its mark (already sanitized).
    pub fn text(&self) -> &str {
        match self {
            ResultLine::Succeeded(text) | ResultLine::Failed(text) => text,
        }
    }
}

impl TenantModal {
    /// Whether a text field inside has focus.
    pub fn text_focused(&self) -> bool {
        matches!(
            self,
            TenantModal::EditDescription { saving: false, .. } | TenantModal::Export { .. }
        )
    }
}
