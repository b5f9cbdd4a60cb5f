//! Routing for Recent (the ledger view): the app's keys, actions and
//! messages handed to [`RecentList`](super::recent::RecentList), and what it
//! returns carried out (the status line, Detail).

use crossterm::event::KeyEvent;

use super::recent::ledger_detail::LedgerMsg;
use super::recent::{LiveRefreshed, RecentCtx, RecentOutcome, RecentPage};
use super::{Action, App, DetailView, Effect, ListTab, Screen};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::model::RecentEntry;

impl App {
    /// Whether Recent is on screen (the live timer runs only then).
    pub fn recent_open(&self) -> bool {
        self.screen == Screen::List && self.list_tab == ListTab::Recent
    }

    /// The wall time last sent by the runtime (for "2 min ago").
    pub fn now(&self) -> Option<DateTimeOffset> {
        self.notices.now()
    }

    fn recent_ctx(&self) -> RecentCtx {
        RecentCtx {
            offline: self.info.offline,
            now: self.notices.now(),
        }
    }

    /// Opens the Recent tab, reading it again from the ledger (other paths
    /// and other processes add to it).
    pub(super) fn open_recent(&mut self) -> Vec<Effect> {
        self.screen = Screen::List;
        self.list_tab = ListTab::Recent;
        vec![self.recent.reopen()]
    }

    /// An action for Recent (see `RecentList::on_action`).
    pub(super) fn on_recent_action(&mut self, action: Action) -> Vec<Effect> {
        let outcome = self.recent.on_action(action, self.recent_ctx());
        self.apply_recent(outcome)
    }

    /// Keys while Recent's filter prompt is open; `None` when it is not.
    pub(super) fn on_recent_filter_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        if !self.recent_open() {
            return None;
        }
        self.recent.on_filter_key(key, &self.keymap)
    }

    pub(super) fn on_recent_page(
        &mut self,
        page: RecentPage,
        entries: Vec<RecentEntry>,
    ) -> Vec<Effect> {
        self.recent.on_page(page, entries)
    }

    /// The wall time arrived: the live refresh runs while Recent is open.
    pub(super) fn on_clock_live(&mut self, now: DateTimeOffset) -> Vec<Effect> {
        if !self.recent_open() {
            return Vec::new();
        }
        let outcome = self.recent.on_clock(now, self.recent_ctx());
        self.apply_recent(outcome)
    }

    pub(super) fn on_live_refreshed(&mut self, done: LiveRefreshed) -> Vec<Effect> {
        let outcome = self.recent.on_live_refreshed(done);
        self.apply_recent(outcome)
    }

    /// Detail shows a Tenant row: ask the ledger whether it is ours.
    pub(super) fn ask_ledger_about_detail(&self) -> Vec<Effect> {
        self.detail
            .as_ref()
            .and_then(DetailView::ledger_question)
            .map(Effect::Ledger)
            .into_iter()
            .collect()
    }

    pub(super) fn on_ledger_msg(&mut self, msg: LedgerMsg) -> Vec<Effect> {
        if let Some(view) = self.detail.as_mut() {
            view.on_ledger_msg(msg);
        }
        Vec::new()
    }

    /// A description saved on Detail, carried to Recent and the ledger.
    pub(super) fn carry_edit_into_ledger(
        &mut self,
        identity: ImportedDeviceIdentity,
        at: DateTimeOffset,
    ) -> Vec<Effect> {
        let shown = self
            .detail
            .as_mut()
            .filter(|_| self.screen == Screen::Detail);
        self.recent.carry_edit(identity, at, shown)
    }

    /// Opens an entry of a list on Detail; Esc goes back to the list.
    pub(super) fn open_detail_from_list(&mut self, view: DetailView) {
        self.detail = Some(view);
        self.detail_back = Screen::List;
        self.screen = Screen::Detail;
        self.tenant.raw_json = false;
    }

    fn apply_recent(&mut self, outcome: RecentOutcome) -> Vec<Effect> {
        let RecentOutcome {
            effects,
            status,
            open,
        } = outcome;
        if let Some(status) = status {
            self.set_status(status.text, status.tone);
        }
        if let Some(view) = open {
            self.open_detail_from_list(view);
        }
        effects
    }
}
