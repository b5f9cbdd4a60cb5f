//! The Tenant feature: the Tenant tab's state (rows, load progress,
//! selection, marks, filter, Stale view) and the modals it shares with
//! Detail (edit description, delete confirmation, per-row results, export
//! path), with its keys (`keys`), its actions (`actions`) and its messages
//! (`update`). Pure: loads, deletes, edits and exports are effects; "now"
//! arrives with the messages. What it cannot do itself (the status line,
//! opening or leaving Detail, the ledger) it returns as a [`TenantOutcome`]
//! for the router (`app::route_tenant`).

mod actions;
mod keys;
mod modal;
mod msg;
mod outcome;
mod update;

use std::collections::HashSet;
use std::ops::Range;

use super::viewport::Viewport;
use crate::domain::DateTimeOffset;
use crate::tenant::{DEFAULT_STALE_DAYS, Sort, Stale, TenantView};
use crate::widgets::TextField;

pub use actions::{DEFAULT_EXPORT_NAME, takes_description, thousands};
pub use modal::{LoadError, LoadOutcome, ResultLine, TenantModal};
pub use msg::{LoadId, TenantEffect, TenantMsg};
pub use outcome::{DetailChange, TenantCtx, TenantOutcome};

#[derive(Debug, Clone)]
pub struct TenantState {
    view: TenantView,
    load: LoadId,
    loading: bool,
    started: bool,
    pages: u32,
    outcome: LoadOutcome,
    selected: usize,
    viewport: Viewport,
    marked: HashSet<u32>,
    filter_text: String,
    filter_field: Option<TextField>,
    stale_on: bool,
    stale_days: u32,
    now: Option<DateTimeOffset>,
    modal: Option<TenantModal>,
    /// Detail shows the raw JSON; Recent and Outbox reset it when they open Detail.
    pub(in crate::app) raw_json: bool,
    /// The running export was asked for before the load reached its end.
    export_incomplete: bool,
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
            viewport: Viewport::default(),
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

    fn apply_stale(&mut self) {
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

    fn learn_now(&mut self, now: DateTimeOffset) {
        let first = self.now.is_none();
        self.now = Some(now);
        if first && self.stale_on {
            self.apply_stale();
        }
    }

    /// Starts a (re)load: forgets the rows, returns the load's id.
    fn start_load(&mut self) -> LoadId {
        self.load += 1;
        self.view.clear();
        self.marked.clear();
        self.loading = true;
        self.started = true;
        self.pages = 0;
        self.outcome = LoadOutcome::Pending;
        self.selected = 0;
        self.viewport.reset();
        self.load
    }

    fn set_filter(&mut self, text: &str) {
        self.filter_text = text.to_string();
        self.view.set_filter(text);
        self.selected = 0;
        self.viewport.reset();
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.view.view().len().saturating_sub(1));
    }

    /// Moves the selection (the mouse wheel and clicks move it too).
    pub(in crate::app) fn move_by(&mut self, delta: isize) {
        let last = self.view.view().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    fn page_size(&self) -> isize {
        self.viewport.page_size()
    }

    fn last(&mut self) {
        self.selected = self.view.view().len().saturating_sub(1);
    }

    /// The row index under the cursor.
    pub fn selected_row(&self) -> Option<u32> {
        self.view.view().get(self.selected).copied()
    }

    /// The positions to draw in `height` rows (as the Recent list does).
    pub fn visible_range(&self, height: usize) -> Range<usize> {
        self.viewport
            .range(self.selected, self.view.view().len(), height)
    }

    /// (id, identifier) of the marked rows, or of the selected one.
    fn delete_targets(&self) -> Vec<(String, String)> {
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

#[cfg(test)]
mod tests;
