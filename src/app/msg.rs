//! What flows into `App::update` (input and results of background work) and
//! what comes out of it (work for the runtime to do).

use crossterm::event::KeyEvent;

use super::scan::{ScanEffect, ScanMsg};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::graph::{GraphError, SubmitOutcome};
use crate::model::RecentEntry;

/// Identifies one submission, so late results of an older one are ignored.
pub type RequestId = u64;

#[derive(Debug)]
pub enum Msg {
    // Input.
    Key(KeyEvent),
    Paste(String),
    /// A mouse button pressed (only with `mouse = true`), with what the
    /// runtime found drawn under it.
    Clicked(super::mouse::Click),
    /// The mouse wheel turned (only with `mouse = true`): rows, down positive.
    Wheel(isize),
    /// How many lines of Help do not fit, as last drawn: how far it scrolls.
    HelpFits(u16),
    /// The animation clock (only sent while something animates).
    Tick,
    /// The wall time, sent by the runtime before each batch of messages
    /// (update reads no clock; the message log shows it).
    Clock(DateTimeOffset),
    /// Leave now (a signal such as SIGTERM or SIGHUP).
    Quit,
    // Results.
    SubmitFinished {
        request: RequestId,
        /// When the runtime received the answer (update reads no clock).
        received_at: DateTimeOffset,
        result: Result<SubmitOutcome, GraphError>,
    },
    /// The submission task was stopped before it finished.
    SubmitCancelled {
        request: RequestId,
    },
    /// What the service holds for a cancelled submission's identifier.
    SubmitChecked {
        request: RequestId,
        received_at: DateTimeOffset,
        result: Result<Option<ImportedDeviceIdentity>, crate::graph::GraphError>,
    },
    /// The Import screen's results.
    Import(super::import::ImportMsg),
    /// Scan mode (keys with their times, results of its work).
    Scan(ScanMsg),
    RecentLoaded(Vec<RecentEntry>),
    /// A page of Recent from the store, with the request it answers.
    RecentPage {
        page: super::recent::RecentPage,
        entries: Vec<RecentEntry>,
    },
    /// The live state of Recent's entries, read from the tenant.
    RecentLive(super::recent::LiveRefreshed),
    /// Drafts and the outbox.
    Outbox(super::outbox::OutboxMsg),
    RecentRecorded,
    SettingSaved,
    /// A local-database call failed (drawn as text on the status bar).
    StoreError(crate::model::StoreFailure),
    /// What the ledger says about the identity on Detail.
    Ledger(super::ledger_detail::LedgerMsg),
    /// Progress of the device code sign-in.
    SignIn(super::sign_in::SignInMsg),
    /// The Tenant list and the Detail actions.
    Tenant(super::tenant::TenantMsg),
    /// The description came back from the user's editor.
    Editor(super::form::EditorMsg),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Submit {
        request: RequestId,
        identity: ImportedDeviceIdentity,
    },
    /// Stop a running submission; the runtime answers `SubmitCancelled`
    /// (or the submission's own `SubmitFinished` if it had already ended).
    CancelSubmit {
        request: RequestId,
    },
    /// Ask the service whether a cancelled submission was created after all.
    CheckOutcome {
        request: RequestId,
        identity: ImportedDeviceIdentity,
    },
    /// The Import screen's work.
    Import(super::import::ImportEffect),
    /// Scan mode's work.
    Scan(ScanEffect),
    RecordRecent(RecentEntry),
    /// Load a page of Recent (answered with `RecentPage`).
    LoadRecent(super::recent::RecentPage),
    /// Read these entries from the tenant (GET by id) and store the copies.
    RefreshLive(Vec<super::recent::LiveTarget>),
    /// Remember for the profile that create is unusable (`ProfileFact::CreateUnusable`).
    RememberCreateRouteMissing {
        profile: String,
    },
    /// Sign-in work (device code flow, copying the code).
    SignIn(super::sign_in::SignInEffect),
    /// Drafts and the outbox.
    Outbox(super::outbox::OutboxEffect),
    /// Questions to and records in the ledger for Detail.
    Ledger(super::ledger_detail::LedgerEffect),
    /// The Tenant list and the Detail actions.
    Tenant(super::tenant::TenantEffect),
    /// Hand the terminal to the user's editor (the runtime's loop does it).
    Editor(super::form::EditorEffect),
    Quit,
}
