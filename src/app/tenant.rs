//! The Tenant tab's state (rows, load progress, selection, marks, filter,
//! Stale view) and the modals it shares with Detail (edit description,
//! delete confirmation, per-row results, export path). Pure: loads, deletes,
//! edits and exports are effects; "now" arrives with the messages.

use std::cell::Cell;
use std::collections::HashSet;
use std::ops::Range;

use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::graph::GraphError;
use crate::tenant::{DEFAULT_STALE_DAYS, ExportFormat, Sort, Stale, TenantView};
use crate::widgets::TextField;

pub use super::tenant_msg::{LoadId, TenantEffect, TenantMsg};

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
    /// retries, or paging that went round in a cycle or past the page cap.
    Graph(GraphError),
    /// No tenant to list in this session (user-facing text).
    Unavailable(String),
}

impl LoadError {
    /// One line for the status bar and the message log.
    pub fn user_message(&self) -> String {
        match self {
            LoadError::Graph(e) => e.user_message(),
            LoadError::Unavailable(text) => text.clone(),
        }
    }

    /// The id support asks for: the service's request id, else the
    /// `client-request-id` this console sent.
    pub fn support_id(&self) -> Option<String> {
        let LoadError::Graph(e) = self else {
            return None;
        };
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
    /// A per-row report: (succeeded, text).
    Results {
        title: String,
        lines: Vec<(bool, String)>,
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

impl TenantModal {
    /// Whether a text field inside has focus.
    pub fn text_focused(&self) -> bool {
        matches!(
            self,
            TenantModal::EditDescription { saving: false, .. } | TenantModal::Export { .. }
        )
    }
}

#[derive(Debug, Clone)]
pub struct TenantState {
    pub(super) view: TenantView,
    pub(super) load: LoadId,
    pub(super) loading: bool,
    pub(super) started: bool,
    pub(super) pages: u32,
    pub(super) outcome: LoadOutcome,
    pub(super) selected: usize,
    offset: Cell<usize>,
    page: Cell<usize>,
    pub(super) marked: HashSet<u32>,
    pub(super) filter_text: String,
    pub(super) filter_field: Option<TextField>,
    pub(super) stale_on: bool,
    pub(super) stale_days: u32,
    pub(super) now: Option<DateTimeOffset>,
    pub(super) modal: Option<TenantModal>,
    pub(super) raw_json: bool,
    /// The running export was asked for before the load reached its end.
    pub(super) export_incomplete: bool,
}

impl Default for TenantState {
    fn default() -> Self {
        TenantState {
            view: TenantView::new(),
            load: 0,
            loading: false,
            started: false,
            pages: 0,
            outcome: LoadOutcome::Pending,
            selected: 0,
            offset: Cell::new(0),
            page: Cell::new(0),
            marked: HashSet::new(),
            filter_text: String::new(),
            filter_field: None,
            stale_on: false,
            stale_days: DEFAULT_STALE_DAYS,
            now: None,
            modal: None,
            raw_json: false,
            export_incomplete: false,
        }
    }
}

impl TenantState {
    pub fn view(&self) -> &TenantView {
        &self.view
    }
    pub fn is_loading(&self) -> bool {
        self.loading
    }
    pub fn has_started(&self) -> bool {
        self.started
    }
    pub fn pages(&self) -> u32 {
        self.pages
    }
    pub fn outcome(&self) -> &LoadOutcome {
        &self.outcome
    }
    pub fn selected(&self) -> usize {
        self.selected
    }
    pub fn is_marked(&self, row: u32) -> bool {
        self.marked.contains(&row)
    }
    pub fn marked_count(&self) -> usize {
        self.marked.len()
    }
    pub fn filter_text(&self) -> &str {
        &self.filter_text
    }
    /// The filter being typed, when the prompt is open.
    pub fn filter_field(&self) -> Option<&TextField> {
        self.filter_field.as_ref()
    }
    pub fn stale_on(&self) -> bool {
        self.stale_on
    }
    pub fn stale_days(&self) -> u32 {
        self.stale_days
    }
    pub fn sort(&self) -> Option<Sort> {
        self.view.sort()
    }
    pub fn modal(&self) -> Option<&TenantModal> {
        self.modal.as_ref()
    }
    pub fn raw_json(&self) -> bool {
        self.raw_json
    }

    /// Whether a text field of the Tenant list or its modals has focus.
    pub fn text_focused(&self) -> bool {
        self.filter_field.is_some() || self.modal.as_ref().is_some_and(|m| m.text_focused())
    }

    pub fn set_stale_days(&mut self, days: u32) {
        self.stale_days = days;
        self.apply_stale();
    }

    pub(super) fn apply_stale(&mut self) {
        let stale = match (self.stale_on, self.now) {
            (true, Some(now)) => Some(Stale {
                days: self.stale_days,
                now,
            }),
            _ => None,
        };
        self.view.set_stale(stale);
        self.clamp();
    }

    pub(super) fn learn_now(&mut self, now: DateTimeOffset) {
        let first = self.now.is_none();
        self.now = Some(now);
        if first && self.stale_on {
            self.apply_stale();
        }
    }

    /// Starts a (re)load: forgets the rows, returns the load's id.
    pub(super) fn start_load(&mut self) -> LoadId {
        self.load += 1;
        self.view.clear();
        self.marked.clear();
        self.loading = true;
        self.started = true;
        self.pages = 0;
        self.outcome = LoadOutcome::Pending;
        self.selected = 0;
        self.offset.set(0);
        self.load
    }

    pub(super) fn set_filter(&mut self, text: &str) {
        self.filter_text = text.to_string();
        self.view.set_filter(text);
        self.selected = 0;
        self.offset.set(0);
    }

    pub(super) fn clamp(&mut self) {
        self.selected = self.selected.min(self.view.view().len().saturating_sub(1));
    }

    pub(super) fn move_by(&mut self, delta: isize) {
        let last = self.view.view().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub(super) fn page_size(&self) -> isize {
        isize::try_from(self.page.get().max(1)).unwrap_or(1)
    }

    pub(super) fn last(&mut self) {
        self.selected = self.view.view().len().saturating_sub(1);
    }

    /// The row index under the cursor.
    pub fn selected_row(&self) -> Option<u32> {
        self.view.view().get(self.selected).copied()
    }

    /// The positions to draw in `height` rows (as the Recent list does).
    pub fn visible_range(&self, height: usize) -> Range<usize> {
        self.page.set(height);
        let len = self.view.view().len();
        if height == 0 || len == 0 {
            return 0..0;
        }
        let mut offset = self.offset.get();
        if self.selected < offset {
            offset = self.selected;
        } else if self.selected >= offset + height {
            offset = self.selected + 1 - height;
        }
        offset = offset.min(len.saturating_sub(height));
        self.offset.set(offset);
        offset..(offset + height).min(len)
    }

    /// (id, identifier) of the marked rows, or of the selected one.
    pub(super) fn delete_targets(&self) -> Vec<(String, String)> {
        let rows = self.view.rows();
        let pick = |i: u32| {
            rows.get(i)
                .filter(|r| !r.is_deleted() && !r.id().is_empty())
                .map(|r| (r.id().to_string(), r.identifier().to_string()))
        };
        if self.marked.is_empty() {
            return self.selected_row().and_then(pick).into_iter().collect();
        }
        let mut marked: Vec<u32> = self.marked.iter().copied().collect();
        marked.sort_unstable();
        marked.into_iter().filter_map(pick).collect()
    }
}
