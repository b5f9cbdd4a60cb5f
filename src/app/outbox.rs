//! Drafts and the outbox as the console drives them (PRODUCT §5): the form
//! saved as a draft while typing (the runtime's timer says when) and on
//! every way out; submissions queued while offline or after a failure that
//! may pass; syncing automatically when the service is back (probed with
//! backoff by the runtime) and on demand. Pure: time and results arrive as
//! messages.

use super::confirm::{Confirmation, Pending};
use super::form::FormState;
use super::msg::Effect;
use super::{App, Screen};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::graph::GraphError;
use crate::model::{DraftFields, ItemState, OutboxCounts, OutboxItem};
use crate::outbox::{Stop, SyncProgress, SyncReport};
use crate::sanitize::sanitize;
use crate::widgets::Tone;

/// The longest a change to the form waits before it is saved, in ms (the
/// runtime's draft timer).
pub const DRAFT_DEBOUNCE_MS: u64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyncState {
    #[default]
    Idle,
    Syncing(SyncProgress),
    /// The service could not be reached; the runtime probes it (`probes` so far).
    Unreachable {
        probes: u32,
    },
}

#[derive(Debug)]
pub enum OutboxMsg {
    /// The outbox as stored now.
    Loaded {
        items: Vec<OutboxItem>,
        counts: OutboxCounts,
    },
    /// The newest draft (its item and fields), at start.
    LatestDraft(Option<(i64, DraftFields)>),
    /// The item the form saves to now (after a save, a switch or a send).
    FormItem(Option<i64>),
    /// The draft timer fired.
    DraftTimer,
    /// An item was queued.
    Queued,
    /// Nothing was queued: another item holds the identifier ("already
    /// queued as item 17"; user-facing text).
    AlreadyQueued(String),
    SyncProgress(SyncProgress),
    /// The error is user-facing text.
    SyncFinished(Result<SyncReport, String>),
    /// Whether the service answered a probe (error: user-facing text).
    Probed(Result<(), String>),
    /// The item that waited longest for its next attempt is due (`SyncLater` fired).
    SyncDue,
    /// A store failure, user-facing text.
    Error(String),
    /// The ledger changed (this console's other connection or another
    /// process wrote to it).
    LedgerChanged,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OutboxEffect {
    /// Load the items and counts (answered with `Loaded`).
    Load,
    /// Open the newest draft in the form (answered with `LatestDraft`).
    RestoreLatestDraft,
    /// Send `DraftTimer` after [`DRAFT_DEBOUNCE_MS`].
    ArmDraftTimer,
    /// Save the open form as its draft, now (before anything else happens).
    SaveDraft(DraftFields),
    /// The open form is done with (sent, or emptied): drop its draft.
    FinishDraft,
    /// Queue an identity; the open form's draft becomes the item.
    Enqueue {
        identity: Box<ImportedDeviceIdentity>,
        reason: String,
        form: DraftFields,
        unknown_outcome: bool,
    },
    /// Start a sync (answered with progress and `SyncFinished`).
    Sync,
    /// Stop a running sync (an interrupted send is checked next time).
    CancelSync,
    /// Probe the service after a backoff with jitter (attempt ≥ 1).
    ProbeLater {
        attempt: u32,
    },
    /// Send `SyncDue` after this wait (an item waits for its next attempt);
    /// replaces an earlier such timer.
    SyncLater {
        after: std::time::Duration,
    },
    Discard(i64),
    /// Queue a rejected or duplicate item again, overwriting the tenant's copy or not.
    Resend {
        id: i64,
        overwrite: bool,
    },
    /// Later draft saves go to this draft.
    UseDraft(i64),
    /// Later draft saves go to a new draft (the open one is kept as it is).
    NewDraft,
    /// Watch the ledger for changes, for as long as the console runs
    /// (answered with `LedgerChanged` each time it changed).
    WatchLedger,
}

#[derive(Debug, Clone, Default)]
pub struct OutboxState {
    paused: bool,
    counts: OutboxCounts,
    items: Vec<OutboxItem>,
    loaded: bool,
    sync: SyncState,
    /// New items arrived during a sync: the reload after it decides (from
    /// fresh counts) whether to sync again.
    sync_again: bool,
    /// The running sync was asked for (`y`, back online), not started
    /// automatically: its summary is shown even when nothing was settled.
    sync_asked: bool,
    /// The form changed since its draft was saved.
    pub(super) draft_dirty: bool,
    /// The ledger changed while the tab was not shown: load it when it is.
    pub(super) stale: bool,
    /// A `DraftTimer` is on its way.
    draft_timer: bool,
    /// The item the form edits (its draft), as the runtime last said.
    pub(super) form_item: Option<i64>,
    pub(super) selected: usize,
    /// The wall time of the current batch of messages (`Msg::Clock`).
    now: Option<DateTimeOffset>,
}

impl OutboxState {
    pub fn new(paused: bool) -> Self {
        OutboxState {
            paused,
            ..OutboxState::default()
        }
    }
    /// Sending is paused (offline mode).
    pub fn paused(&self) -> bool {
        self.paused
    }
    /// The time the outbox tab's "next try in …" is counted from.
    pub fn now(&self) -> Option<DateTimeOffset> {
        self.now
    }
    pub(super) fn set_now(&mut self, now: DateTimeOffset) {
        self.now = Some(now);
    }
    /// How long until `item` may be tried again, when it waits.
    pub fn waits_for(&self, item: &OutboxItem) -> Option<std::time::Duration> {
        match self.now {
            Some(now) => crate::outbox::backoff::wait_for(item, now),
            // No time known yet: an item with a next attempt is taken to wait.
            None => item.next_attempt_at.map(|_| std::time::Duration::ZERO),
        }
    }
    /// "next try in 4 min" for a pending item that waits for its next attempt.
    pub fn next_try(&self, item: &OutboxItem) -> Option<String> {
        let wait = self.waits_for(item).filter(|_| item.state.is_pending())?;
        Some(crate::outbox::backoff::next_try_text(wait))
    }
    /// Whether a sync has anything to try now: a pending item not known to
    /// wait for its next attempt.
    fn any_due(&self) -> bool {
        let waiting = self
            .items
            .iter()
            .filter(|i| i.state.is_pending() && self.waits_for(i).is_some())
            .count();
        self.counts.pending > waiting
    }
    pub fn counts(&self) -> OutboxCounts {
        self.counts
    }
    pub fn items(&self) -> &[OutboxItem] {
        &self.items
    }
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }
    pub fn sync(&self) -> SyncState {
        self.sync
    }
    pub fn selected_index(&self) -> usize {
        self.selected
    }
    pub fn selected(&self) -> Option<&OutboxItem> {
        self.items.get(self.selected)
    }
    /// The item the open form edits, once it is saved as one.
    pub fn form_item(&self) -> Option<i64> {
        self.form_item
    }

    pub fn draft_dirty(&self) -> bool {
        self.draft_dirty
    }

    /// The status bar's outbox text, e.g. "outbox 3 · syncing 1/3".
    pub fn badge(&self) -> Option<String> {
        let pending = self.counts.pending;
        let sync = match self.sync {
            SyncState::Syncing(p) => format!(" · syncing {}/{}", p.settled.min(p.total), p.total),
            SyncState::Unreachable { .. } if pending > 0 => " · no connection".to_string(),
            _ => String::new(),
        };
        let rejected = if self.counts.rejected + self.counts.duplicate > 0 {
            format!(
                " · {} need attention",
                self.counts.rejected + self.counts.duplicate
            )
        } else {
            String::new()
        };
        if pending == 0 && sync.is_empty() && rejected.is_empty() {
            return None;
        }
        Some(format!("outbox {pending}{sync}{rejected}"))
    }
}

/// A failed submission that belongs in the outbox rather than lost: the
/// network, throttling, a server error, an unknown outcome, an expired sign-in.
pub fn belongs_in_outbox(error: &GraphError) -> bool {
    error.is_retryable() || error.outcome_unknown() || error.is_auth()
}

fn wrap(effects: Vec<OutboxEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Outbox).collect()
}

impl App {
    pub fn outbox(&self) -> &OutboxState {
        &self.outbox
    }

    pub(super) fn outbox_startup_effects(&self) -> Vec<Effect> {
        wrap(vec![
            OutboxEffect::Load,
            OutboxEffect::RestoreLatestDraft,
            OutboxEffect::WatchLedger,
        ])
    }

    /// What the form looked like before a key or paste (for change detection).
    pub(super) fn form_snapshot(&self) -> (DraftFields, Screen) {
        (self.form.draft_fields(), self.screen)
    }

    /// After a key or paste: a changed form arms the draft timer; leaving the
    /// form saves its draft at once.
    pub(super) fn after_form_input(&mut self, before: (DraftFields, Screen)) -> Vec<Effect> {
        let (fields, screen) = before;
        if self.form.draft_fields() != fields {
            self.outbox.draft_dirty = true;
        }
        if screen == Screen::Form && self.screen != Screen::Form && self.outbox.draft_dirty {
            return self.draft_save_effects();
        }
        if self.outbox.draft_dirty && !self.outbox.draft_timer {
            self.outbox.draft_timer = true;
            return wrap(vec![OutboxEffect::ArmDraftTimer]);
        }
        Vec::new()
    }

    /// Saves the open form's draft now (or drops it when the form is empty).
    pub(super) fn draft_save_effects(&mut self) -> Vec<Effect> {
        self.outbox.draft_dirty = false;
        if self.form.is_blank() {
            wrap(vec![OutboxEffect::FinishDraft])
        } else {
            wrap(vec![OutboxEffect::SaveDraft(self.form.draft_fields())])
        }
    }

    /// On every way out: the form's draft, saved before quitting.
    pub(super) fn drafts_on_exit(&mut self) -> Vec<Effect> {
        if self.form.is_blank() && !self.outbox.draft_dirty {
            return Vec::new();
        }
        self.draft_save_effects()
    }

    /// Ctrl-D.
    pub(super) fn save_draft_now(&mut self) -> Vec<Effect> {
        if self.form.is_blank() {
            self.set_status("Nothing to save yet", Tone::Info);
            return Vec::new();
        }
        self.set_status("Draft saved", Tone::Success);
        self.draft_save_effects()
    }

    /// Puts the identity the form built in the outbox and starts a fresh form.
    pub(super) fn queue_from_form(
        &mut self,
        identity: ImportedDeviceIdentity,
        reason: String,
        unknown_outcome: bool,
    ) -> Vec<Effect> {
        let identifier = sanitize(identity.identifier()).into_owned();
        let form = self.form.draft_fields();
        self.form = self.form.after_submit();
        self.outbox.draft_dirty = false;
        self.outbox.counts.pending += 1;
        let mut effects = wrap(vec![OutboxEffect::Enqueue {
            identity: Box::new(identity),
            reason: reason.clone(),
            form,
            unknown_outcome,
        }]);
        if self.outbox.paused {
            self.set_status(
                format!(
                    "Queued {identifier} (offline) — {} in the outbox",
                    self.outbox.counts.pending
                ),
                Tone::Info,
            );
        } else {
            let reason = sanitize(&reason).into_owned();
            self.set_status(
                format!("Not sent: {reason} — {identifier} is queued and will be sent later"),
                Tone::Warning,
            );
        }
        effects.extend(self.start_sync(false));
        effects
    }

    /// Starts a sync unless paused or one runs (then once more after it).
    pub(super) fn start_sync(&mut self, asked: bool) -> Vec<Effect> {
        if self.outbox.paused {
            if asked {
                let key = self
                    .keymap
                    .first_key(super::Scope::Global, super::Action::ToggleOffline)
                    .unwrap_or_default();
                self.set_status(
                    format!("Offline: sending is paused ({key} to go online)"),
                    Tone::Warning,
                );
            }
            return Vec::new();
        }
        match self.outbox.sync {
            SyncState::Syncing(_) => {
                self.outbox.sync_again = true;
                Vec::new()
            }
            SyncState::Unreachable { .. } if !asked => Vec::new(),
            _ => {
                if !asked && (self.outbox.counts.pending == 0 || !self.outbox.any_due()) {
                    return Vec::new();
                }
                self.outbox.sync = SyncState::Syncing(SyncProgress {
                    settled: 0,
                    total: self.outbox.counts.pending,
                });
                self.outbox.sync_asked = asked;
                wrap(vec![OutboxEffect::Sync])
            }
        }
    }

    /// The online/offline key.
    pub(super) fn toggle_offline(&mut self) -> Vec<Effect> {
        self.outbox.paused = !self.outbox.paused;
        if self.outbox.paused {
            let was_syncing = matches!(self.outbox.sync, SyncState::Syncing(_));
            self.outbox.sync = SyncState::Idle;
            self.outbox.sync_again = false;
            self.set_status("Offline: submissions go to the outbox", Tone::Warning);
            return if was_syncing {
                wrap(vec![OutboxEffect::CancelSync, OutboxEffect::Load])
            } else {
                Vec::new()
            };
        }
        self.set_status("Online: sending the outbox", Tone::Info);
        self.outbox.sync = SyncState::Idle;
        self.start_sync(false)
    }

    pub(super) fn on_outbox(&mut self, msg: OutboxMsg) -> Vec<Effect> {
        match msg {
            OutboxMsg::Loaded { items, counts } => {
                self.outbox.stale = false;
                self.outbox.items = items;
                self.outbox.counts = counts;
                self.outbox.loaded = true;
                let last = self.outbox.items.len().saturating_sub(1);
                self.outbox.selected = self.outbox.selected.min(last);
                self.start_sync(false)
            }
            OutboxMsg::LatestDraft(Some((id, fields))) => {
                // Only into an empty form that edits no other item: else
                // the typing would go to that draft and overwrite it.
                if self.form.is_blank()
                    && self.screen == Screen::Form
                    && self.outbox.form_item.is_none()
                    && !self.outbox.draft_dirty
                {
                    self.form = FormState::from_draft(&fields);
                    self.outbox.form_item = Some(id);
                    self.set_status("Draft restored", Tone::Info);
                    return wrap(vec![OutboxEffect::UseDraft(id)]);
                }
                Vec::new()
            }
            OutboxMsg::LatestDraft(None) => Vec::new(),
            OutboxMsg::FormItem(id) => {
                self.outbox.form_item = id;
                Vec::new()
            }
            OutboxMsg::DraftTimer => {
                self.outbox.draft_timer = false;
                if self.outbox.draft_dirty {
                    self.draft_save_effects()
                } else {
                    Vec::new()
                }
            }
            OutboxMsg::Queued => wrap(vec![OutboxEffect::Load]),
            OutboxMsg::AlreadyQueued(note) => {
                self.set_status(format!("Nothing added: {}", sanitize(&note)), Tone::Warning);
                wrap(vec![OutboxEffect::Load])
            }
            OutboxMsg::SyncProgress(progress) => {
                if matches!(self.outbox.sync, SyncState::Syncing(_)) {
                    self.outbox.sync = SyncState::Syncing(progress);
                }
                Vec::new()
            }
            OutboxMsg::SyncFinished(result) => self.on_sync_finished(result),
            OutboxMsg::SyncDue => wrap(vec![OutboxEffect::Load]),
            OutboxMsg::Probed(result) => {
                let SyncState::Unreachable { probes } = self.outbox.sync else {
                    return Vec::new();
                };
                if self.outbox.paused {
                    return Vec::new();
                }
                match result {
                    Ok(()) => {
                        self.outbox.sync = SyncState::Idle;
                        self.start_sync(true)
                    }
                    Err(_) => {
                        let probes = probes.saturating_add(1);
                        self.outbox.sync = SyncState::Unreachable { probes };
                        wrap(vec![OutboxEffect::ProbeLater {
                            attempt: probes.saturating_add(1),
                        }])
                    }
                }
            }
            OutboxMsg::Error(text) => {
                self.set_status(sanitize(&text).into_owned(), Tone::Error);
                Vec::new()
            }
            OutboxMsg::LedgerChanged => {
                if self.screen == Screen::List && self.list_tab == super::ListTab::Outbox {
                    wrap(vec![OutboxEffect::Load])
                } else {
                    self.outbox.stale = true;
                    Vec::new()
                }
            }
        }
    }

    fn on_sync_finished(&mut self, result: Result<SyncReport, String>) -> Vec<Effect> {
        if !matches!(self.outbox.sync, SyncState::Syncing(_)) {
            return Vec::new();
        }
        self.outbox.sync = SyncState::Idle;
        let mut effects = wrap(vec![OutboxEffect::Load]);
        let report = match result {
            Ok(report) => report,
            Err(text) => {
                self.set_status(format!("Outbox: {}", sanitize(&text)), Tone::Error);
                return effects;
            }
        };
        let settled = report.created + report.rejected + report.duplicate;
        if settled == 0 && report.stopped.is_none() && !self.outbox.sync_asked {
            // An automatic sync that found nothing to do: the last summary
            // stays (it would otherwise be replaced by "0 created"). Items
            // that wait for their next attempt still bring the sync back.
            self.outbox.sync_again = false;
            if let Some(wait) = report.next_attempt_in {
                effects.extend(wrap(vec![OutboxEffect::SyncLater { after: wait }]));
            }
            return effects;
        }
        let mut text = format!("Outbox: {} created", report.created);
        if report.rejected > 0 {
            text.push_str(&format!(", {} rejected", report.rejected));
        }
        if report.duplicate > 0 {
            text.push_str(&format!(", {} already in the tenant", report.duplicate));
        }
        match &report.stopped {
            Some(Stop::Unreachable(_) | Stop::GaveUp(_)) => {
                self.outbox.sync = SyncState::Unreachable { probes: 0 };
                self.set_status(
                    format!("{text}; {} waiting for the service", report.pending),
                    Tone::Warning,
                );
                effects.extend(wrap(vec![OutboxEffect::ProbeLater { attempt: 1 }]));
                return effects;
            }
            Some(stop @ (Stop::Auth(_) | Stop::Config(_))) => {
                let why = sanitize(stop.message()).into_owned();
                self.set_status(format!("{text}; stopped: {why}"), Tone::Error);
                return effects;
            }
            None => {}
        }
        if let Some(wait) = report.next_attempt_in {
            // Items the service kept failing wait; come back when the first is due.
            self.set_status(
                format!(
                    "{text}; {} waiting ({})",
                    report.pending,
                    crate::outbox::backoff::next_try_text(wait)
                ),
                Tone::Warning,
            );
            effects.extend(wrap(vec![OutboxEffect::SyncLater { after: wait }]));
            if std::mem::take(&mut self.outbox.sync_again) {
                effects.extend(self.start_sync(false));
            }
            return effects;
        }
        let tone = if report.rejected + report.duplicate > 0 {
            Tone::Warning
        } else {
            Tone::Success
        };
        self.set_status(text, tone);
        // Not from the counts held now: they are from before this sync. The
        // `Load` above brings fresh ones, and `Loaded` syncs again if items
        // are still pending.
        self.outbox.sync_again = false;
        effects
    }

    /// `r` (and `o` to overwrite, after a yes) on a rejected or duplicate item.
    pub(super) fn resend_selected(&mut self, overwrite: bool) -> Vec<Effect> {
        let Some(item) = self.outbox.selected() else {
            return Vec::new();
        };
        if !matches!(item.state, ItemState::Rejected | ItemState::Duplicate) {
            self.set_status("Only rejected or duplicate items are resent", Tone::Info);
            return Vec::new();
        }
        let id = item.id;
        if overwrite {
            let identifier = sanitize(&item.identifier).into_owned();
            self.ask(Confirmation {
                title: "Overwrite".into(),
                question: format!(
                    "Send item {id} ({identifier}) again, replacing the tenant's copy?"
                ),
                verb: "overwrite",
                pending: Pending::OverwriteTenantCopy(id),
            });
            return Vec::new();
        }
        self.resend_item(id, false)
    }

    pub(super) fn resend_item(&mut self, id: i64, overwrite: bool) -> Vec<Effect> {
        self.outbox.counts.pending += 1;
        let mut effects = wrap(vec![OutboxEffect::Resend { id, overwrite }]);
        let how = if overwrite { " (overwriting)" } else { "" };
        self.set_status(format!("Item {id} queued again{how}"), Tone::Info);
        effects.extend(self.start_sync(false));
        effects
    }

    /// `d` asks first (see `confirm`).
    pub(super) fn discard_selected(&mut self) -> Vec<Effect> {
        let Some(item) = self.outbox.selected() else {
            return Vec::new();
        };
        let (id, identifier) = (item.id, sanitize(&item.identifier).into_owned());
        self.ask(Confirmation {
            title: "Discard".into(),
            question: format!("Discard item {id} ({identifier}) from the outbox?"),
            verb: "discard",
            pending: Pending::DiscardOutboxItem(id),
        });
        Vec::new()
    }

    pub(super) fn discard_item(&mut self, id: i64) -> Vec<Effect> {
        self.set_status(format!("Item {id} discarded"), Tone::Info);
        wrap(vec![OutboxEffect::Discard(id), OutboxEffect::Load])
    }

    pub(super) fn move_outbox_selection(&mut self, by: isize) {
        let len = self.outbox.items.len();
        if len == 0 {
            return;
        }
        let next = self.outbox.selected.saturating_add_signed(by);
        self.outbox.selected = next.min(len - 1);
    }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
