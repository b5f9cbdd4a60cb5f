//! The application state and its pure `update`: messages in, effects out.
//! No IO, no clock, no randomness here; the runtime does the work that the
//! returned effects describe and reports back with messages.

pub mod confirm;
pub mod form;
pub mod import;
mod keys;
pub mod mouse;
pub mod msg;
pub mod notices;
pub mod outbox;
pub mod recent;
mod route_form;
mod route_import;
mod route_outbox;
mod route_recent;
mod route_scan;
mod route_sign_in;
mod route_tabs;
mod route_tenant;
pub mod scan;
pub mod sign_in;
pub mod tabs;
pub mod tenant;
pub mod viewport;

pub use crate::keymap::{Action, Keymap, KeymapError, KeysConfig, Scope};
pub use confirm::{Confirmation, Pending};
pub use form::{EditorEffect, EditorMsg, FieldId, FormState, Submission, TypeChoice};
pub use import::{ImportEffect, ImportMsg, ImportState};
pub use msg::{Effect, Msg, RequestId};
pub use notices::{LogEntry, Notices, Toast};
pub use outbox::{OutboxEffect, OutboxMsg, OutboxState, SyncState};
pub use recent::{RecentList, ledger_detail};
pub use scan::{ScanEffect, ScanMsg, ScanState};
pub use sign_in::{SignInCode, SignInEffect, SignInFlow, SignInMsg, SignInPhase};
pub use tabs::ListTab;
pub use tenant::{TenantEffect, TenantModal, TenantMsg, TenantState, thousands};

// The keymap lives below the app; the features name it as `super::keymap`.
pub(crate) use crate::keymap;

use crate::domain::{DateTimeOffset, ImportedDeviceIdentityResult, RecordedMethod};
use crate::graph::SubmitOutcome;
use crate::model::RecentEntry;
use crate::session::{Paths, Session, Target};
use crate::widgets::{Theme, Tone};

/// How often the runtime sends `Msg::Tick` while something animates.
pub const TICK_MS: u64 = 100;

/// What the drawing needs to know about the session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub target: Target,
    pub profile: String,
    pub paths: Paths,
    pub offline: bool,
}

impl SessionInfo {
    pub fn from_session(session: &Session) -> Self {
        SessionInfo {
            target: session.target.clone(),
            profile: session.profile.clone(),
            paths: session.paths.clone(),
            offline: session.offline,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Form,
    List,
    Detail,
    Scan,
    Import,
    SignIn,
}

/// The last message set (drawn as a toast or in the status bar, see
/// `notices`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub tone: Tone,
}

/// One identity as Detail shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailView {
    pub result: ImportedDeviceIdentityResult,
    /// How it was sent, or how it was learnt otherwise.
    pub method: Option<RecordedMethod>,
    /// The identifier already existed after an unknown outcome; not sent again.
    pub found_existing: bool,
    pub request_id: Option<String>,
    pub recorded_at: Option<DateTimeOffset>,
    /// Anything else to say, e.g. about a cancelled submission.
    pub note: Option<String>,
    /// When `result` is the live copy read from the tenant, when it was read.
    pub live_fetched_at: Option<DateTimeOffset>,
    /// Whether it was sent from here or read from the tenant.
    pub provenance: ledger_detail::Provenance,
}

impl DetailView {
    pub fn from_recent(entry: &RecentEntry) -> Self {
        let mut result = entry.result.clone();
        if let Some(live) = &entry.live {
            result.identity = live.identity.clone();
        }
        DetailView {
            result,
            method: Some(entry.method),
            found_existing: false,
            request_id: None,
            recorded_at: Some(entry.recorded_at),
            note: None,
            live_fetched_at: entry.live.as_ref().map(|l| l.fetched_at),
            provenance: ledger_detail::Provenance::Sent,
        }
    }

    pub fn from_outcome(outcome: &SubmitOutcome, received_at: DateTimeOffset) -> Self {
        DetailView {
            result: outcome.result.clone(),
            method: Some(form::recorded_method(outcome.method)),
            found_existing: outcome.found_existing,
            request_id: outcome.request_id.clone(),
            recorded_at: Some(received_at),
            note: outcome.create_unusable.map(|why| why.detail_note()),
            live_fetched_at: None,
            provenance: ledger_detail::Provenance::Sent,
        }
    }
}

pub struct App {
    info: SessionInfo,
    theme: Theme,
    keymap: Keymap,
    screen: Screen,
    detail: Option<DetailView>,
    /// Where Esc on Detail goes.
    detail_back: Screen,
    help_open: bool,
    form: FormState,
    /// The last submission's error, shown in the form's error panel.
    submit_error: Option<String>,
    recent: RecentList,
    scan: ScanState,
    import: ImportState,
    list_tab: ListTab,
    tenant: TenantState,
    submission: Submission,
    next_request: RequestId,
    tick: u64,
    status: Option<StatusMessage>,
    create_route_notice_shown: bool,
    should_quit: bool,
    /// A device code sign-in can be run when the service asks for one.
    sign_in_available: bool,
    /// Sign-in opens the browser first (else a device code).
    sign_in_browser: bool,
    sign_in: Option<SignInFlow>,
    outbox: OutboxState,
    /// Toasts, the sticky error and the message log.
    notices: Notices,
    mouse: mouse::MouseState,
    /// A question before a destructive or overwriting step (see `confirm`).
    confirm: Option<Confirmation>,
}

impl App {
    /// A sandbox session's app, for state tests.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        App::new(SessionInfo {
            target: Target::Sandbox,
            profile: "sandbox".into(),
            paths: Paths::under(std::path::PathBuf::from("/h")),
            offline: false,
        })
    }

    pub fn new(info: SessionInfo) -> Self {
        let status = if info.offline {
            Some(StatusMessage {
                text: "Offline: submissions go to the outbox".into(),
                tone: Tone::Warning,
            })
        } else if info.target == Target::Sandbox {
            Some(StatusMessage {
                text: "sandbox: a local emulator, no real tenant is changed".into(),
                tone: Tone::Info,
            })
        } else {
            None
        };
        App {
            theme: Theme::default(),
            keymap: Keymap::default(),
            screen: Screen::Form,
            detail: None,
            detail_back: Screen::Form,
            help_open: false,
            form: FormState::new(),
            submit_error: None,
            recent: RecentList::default(),
            scan: ScanState::default(),
            import: ImportState::default(),
            list_tab: ListTab::default(),
            tenant: TenantState::default(),
            submission: Submission::Idle,
            next_request: 1,
            tick: 0,
            status,
            create_route_notice_shown: false,
            should_quit: false,
            sign_in_available: false,
            sign_in_browser: false,
            sign_in: None,
            outbox: OutboxState::new(info.offline),
            notices: Notices::default(),
            mouse: mouse::MouseState::default(),
            confirm: None,
            info,
        }
    }

    pub fn with_theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    /// Whether the Sign-in screen starts with the browser (not a device code).
    pub fn with_browser_sign_in(mut self, browser: bool) -> Self {
        self.sign_in_browser = browser;
        self
    }

    /// Lets a 401 open the Sign-in screen (browser and device-code profiles).
    pub fn with_sign_in(mut self, available: bool) -> Self {
        self.sign_in_available = available;
        self
    }

    pub fn sign_in(&self) -> Option<&SignInFlow> {
        self.sign_in.as_ref()
    }

    pub fn with_keymap(mut self, keymap: Keymap) -> Self {
        self.keymap = keymap;
        self
    }

    /// The work to do at start: load Recent.
    pub fn startup_effects(&self) -> Vec<Effect> {
        let mut effects = vec![self.recent.first_page()];
        effects.extend(self.outbox_startup_effects());
        effects
    }

    pub fn info(&self) -> &SessionInfo {
        &self.info
    }
    pub fn theme(&self) -> &Theme {
        &self.theme
    }
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }
    pub fn screen(&self) -> Screen {
        self.screen
    }
    pub fn detail(&self) -> Option<&DetailView> {
        self.detail.as_ref()
    }
    pub fn help_open(&self) -> bool {
        self.help_open
    }
    pub fn form(&self) -> &FormState {
        &self.form
    }
    pub fn submit_error(&self) -> Option<&str> {
        self.submit_error.as_deref()
    }
    pub fn recent(&self) -> &RecentList {
        &self.recent
    }
    pub fn import(&self) -> &ImportState {
        &self.import
    }
    pub fn scan(&self) -> &ScanState {
        &self.scan
    }
    /// Whether keys should reach `update` with their times (scan mode).
    pub fn wants_key_times(&self) -> bool {
        self.screen == Screen::Scan && !self.overlay_open()
    }
    pub fn submission(&self) -> &Submission {
        &self.submission
    }
    pub fn tick(&self) -> u64 {
        self.tick
    }
    pub fn status(&self) -> Option<&StatusMessage> {
        self.status.as_ref()
    }
    pub fn should_quit(&self) -> bool {
        self.should_quit
    }
    pub fn notices(&self) -> &Notices {
        &self.notices
    }
    /// Whether an overlay (Help, the message log) takes the keys.
    pub(super) fn overlay_open(&self) -> bool {
        self.help_open || self.notices.is_open()
    }

    /// Whether something animates (the runtime ticks only then).
    pub fn is_animating(&self) -> bool {
        self.submission.is_busy() || self.sign_in.is_some() || self.notices.toast().is_some()
    }

    /// Whether a text field has focus (letters are text, never hotkeys).
    pub fn text_focused(&self) -> bool {
        !self.overlay_open()
            && match self.screen {
                Screen::Form => self.form.text_focused(),
                Screen::List if self.list_tab == ListTab::Recent => {
                    self.recent.filter_field().is_some()
                }
                Screen::List | Screen::Detail => self.tenant.text_focused(),
                Screen::Scan => true,
                Screen::Import => self.import.text_focused(),
                Screen::SignIn => false,
            }
    }

    /// The scopes whose keys apply now, most specific first (footer, Help).
    pub fn scopes(&self) -> Vec<Scope> {
        match (self.screen, self.list_tab) {
            (Screen::List, ListTab::Tenant) => vec![Scope::Tenant, Scope::List, Scope::Global],
            (Screen::List, ListTab::Outbox) => vec![Scope::Outbox, Scope::List, Scope::Global],
            _ => vec![self.scope(), Scope::Global],
        }
    }

    /// The scope whose keys apply now (for the footer and Help).
    pub fn scope(&self) -> Scope {
        match self.screen {
            Screen::Form => Scope::Form,
            Screen::List => Scope::List,
            Screen::Detail => Scope::Detail,
            Screen::Scan => Scope::Scan,
            Screen::Import => Scope::Import,
            Screen::SignIn => Scope::Global,
        }
    }

    /// The one entry point for messages to the user: the last one is kept
    /// (`status`), and it becomes a toast or the sticky error, and a line
    /// in the message log (see `notices`).
    fn set_status(&mut self, text: impl Into<String>, tone: Tone) {
        let text = text.into();
        self.notices.push(&text, tone);
        self.status = Some(StatusMessage { text, tone });
    }

    fn quit(&mut self) -> Vec<Effect> {
        // A submission in flight is its item in the ledger already; the
        // runtime puts it in the outbox with an unknown outcome on the way
        // out. Saving the form too would add a draft of the same identity.
        let mut effects = if self.submission.is_busy() {
            Vec::new()
        } else {
            self.drafts_on_exit()
        };
        self.should_quit = true;
        effects.push(Effect::Quit);
        effects
    }

    /// Applies one message; returns the work the runtime should do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => {
                if key.kind != crossterm::event::KeyEventKind::Release {
                    self.notices.on_user_action();
                }
                let before = self.form_snapshot();
                let mut effects = self.on_key(key);
                effects.extend(self.after_form_input(before));
                effects
            }
            Msg::Paste(text) => {
                let before = self.form_snapshot();
                let mut effects = self.on_paste(&text);
                effects.extend(self.after_form_input(before));
                effects
            }
            Msg::Outbox(msg) => self.on_outbox(msg),
            Msg::Clicked(click) => self.on_click(click),
            Msg::Wheel(delta) => self.on_wheel(delta),
            Msg::HelpFits(max) => self.on_help_fits(max),
            Msg::Tick => {
                self.tick = self.tick.wrapping_add(1);
                self.notices.tick();
                Vec::new()
            }
            Msg::Clock(now) => {
                self.notices.set_now(now);
                self.outbox.set_now(now);
                self.on_clock_live(now)
            }
            Msg::RecentLive(done) => self.on_live_refreshed(done),
            Msg::Quit => self.quit(),
            Msg::SubmitFinished {
                request,
                received_at,
                result,
            } => self.on_submit_finished(request, received_at, result),
            Msg::SubmitCancelled { request } => self.on_submit_cancelled(request),
            Msg::SubmitChecked {
                request,
                received_at,
                result,
            } => self.on_submit_checked(request, received_at, result),
            Msg::Scan(msg) => self.on_scan_msg(msg),
            Msg::Import(msg) => self.on_import_msg(msg),
            Msg::RecentLoaded(entries) => {
                self.recent.set(entries);
                Vec::new()
            }
            Msg::RecentPage { page, entries } => self.on_recent_page(page, entries),
            Msg::RecentRecorded | Msg::SettingSaved => Vec::new(),
            Msg::SignIn(msg) => self.on_sign_in_msg(msg),
            Msg::Tenant(msg) => self.on_tenant_msg(msg),
            Msg::Editor(msg) => self.on_editor_msg(msg),
            Msg::Ledger(msg) => self.on_ledger_msg(msg),
            Msg::StoreError(failure) => {
                let text = crate::sanitize::sanitize(&failure.to_string()).into_owned();
                self.set_status(text, Tone::Error);
                Vec::new()
            }
        }
    }
}
