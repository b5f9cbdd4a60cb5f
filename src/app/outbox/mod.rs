//! Drafts and the outbox as the console drives them (PRODUCT §5): the form
//! saved as a draft while typing (the runtime's timer says when) and on
//! every way out; submissions queued while offline or after a failure that
//! may pass; syncing automatically when the service is back (probed with
//! backoff by the runtime) and on demand. Pure: time and results arrive as
//! messages. `OutboxState` owns its keys (`actions`), its messages
//! (`update`), syncing (`sync`) and the form's drafts (`drafts`, `draft`);
//! what it cannot do itself it returns as an [`OutboxOutcome`].

mod actions;
mod draft;
mod drafts;
mod sync;
mod update;

use super::confirm::Confirmation;
use super::form::FormState;
use super::{DetailView, Keymap, StatusMessage};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::graph::GraphError;
use crate::model::{DraftFields, OutboxCounts, OutboxItem, StoreFailure};
use crate::outbox::{SyncProgress, SyncReport};
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
    /// A store failure (drawn as text on the status bar).
    Error(StoreFailure),
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
    draft_dirty: bool,
    /// The ledger changed while the tab was not shown: load it when it is.
    pub(super) stale: bool,
    /// A `DraftTimer` is on its way.
    draft_timer: bool,
    /// The item the form edits (its draft), as the runtime last said.
    form_item: Option<i64>,
    selected: usize,
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

/// What the outbox reads of the rest of the app.
#[derive(Clone, Copy)]
pub struct OutboxCtx<'a> {
    /// The form as it is now (its draft).
    pub form: &'a FormState,
    /// For the keys named in messages.
    pub keymap: &'a Keymap,
    /// The Form screen is shown.
    pub on_form: bool,
    /// The Drafts/Outbox tab is shown.
    pub tab_shown: bool,
}

/// What becomes of the form after an outbox step.
#[derive(Debug)]
pub enum FormStep {
    /// The newest draft, restored into the blank form at start.
    Restore(Box<FormState>),
    /// An item opened from the tab: the form holds it and is shown, without
    /// the last submission's error.
    Open(Box<FormState>),
    /// The form holds the opened draft already: it is shown.
    Show,
}

/// What the outbox cannot do by itself, for the app to carry out: the work
/// to start, a message for the user, a question to ask first, the form to
/// change, a created item to show on Detail.
#[derive(Debug, Default)]
pub struct OutboxOutcome {
    pub effects: Vec<OutboxEffect>,
    pub status: Option<StatusMessage>,
    pub confirm: Option<Confirmation>,
    pub form: Option<FormStep>,
    pub open: Option<DetailView>,
}

impl OutboxOutcome {
    fn effects(effects: Vec<OutboxEffect>) -> Self {
        OutboxOutcome {
            effects,
            ..OutboxOutcome::default()
        }
    }

    fn status(text: impl Into<String>, tone: Tone) -> Self {
        OutboxOutcome::default().with_status(text, tone)
    }

    fn with_status(mut self, text: impl Into<String>, tone: Tone) -> Self {
        self.status = Some(StatusMessage {
            text: text.into(),
            tone,
        });
        self
    }

    /// Adds what a later step asks (its effects after these).
    fn and(mut self, later: OutboxOutcome) -> Self {
        self.effects.extend(later.effects);
        self.status = later.status.or(self.status);
        self.confirm = later.confirm.or(self.confirm);
        self.form = later.form.or(self.form);
        self.open = later.open.or(self.open);
        self
    }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
