//! The Sign-in screen's state: opened when the service refuses the sign-in
//! (401 after one refresh) while an identity waits to be sent. It says
//! which flow runs: the browser (with the URL to open by hand, should the
//! browser not appear) or the device code and URL, each with a countdown;
//! on approval the waiting identity is sent without re-typing; Esc cancels
//! and leaves it in the form.

use crossterm::event::KeyEvent;

use super::keymap::{Action, Scope};
use super::msg::Effect;
use super::{App, Screen, TICK_MS};
use crate::domain::ImportedDeviceIdentity;
use crate::sanitize::sanitize;
use crate::widgets::Tone;

/// The code to show, as the identity service gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInCode {
    pub user_code: String,
    pub verification_uri: String,
    /// Seconds the code stays valid.
    pub expires_in: u64,
}

#[derive(Debug)]
pub enum SignInMsg {
    /// The browser was asked to open `url`; the console waits for its answer.
    BrowserOpened { url: String, timeout_secs: u64 },
    /// No browser could be opened (why); a device code follows.
    BrowserUnavailable(String),
    /// The service gave a code; polling runs.
    CodeReady(SignInCode),
    /// Approved and stored; the account when known, and where the tokens are kept.
    Approved {
        account: Option<String>,
        stored: Option<String>,
    },
    /// The flow stopped (declined, expired, network…); user-facing text.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInEffect {
    /// Ask for a code, report it, poll until approved.
    Start,
    /// Stop the running flow.
    Cancel,
    /// Put the text on the clipboard (OSC 52).
    Copy(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInPhase {
    Requesting,
    /// The browser sign-in runs: `url` to open by hand if need be.
    Browser {
        url: String,
        started_tick: u64,
        timeout_secs: u64,
    },
    Waiting {
        code: SignInCode,
        started_tick: u64,
    },
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInFlow {
    pub phase: SignInPhase,
    /// The identity to send once signed in.
    pub pending: Option<ImportedDeviceIdentity>,
    /// Where the console returns afterwards.
    pub back: Screen,
    /// The profile signs in with the browser first.
    pub browser: bool,
    /// Why the browser flow gave way to the device code.
    pub no_browser: Option<String>,
}

impl SignInFlow {
    /// Whole seconds left before the code expires or the browser wait ends.
    pub fn seconds_left(&self, tick: u64) -> Option<u64> {
        let (total, started) = match &self.phase {
            SignInPhase::Waiting { code, started_tick } => (code.expires_in, *started_tick),
            SignInPhase::Browser {
                timeout_secs,
                started_tick,
                ..
            } => (*timeout_secs, *started_tick),
            _ => return None,
        };
        let elapsed = tick.saturating_sub(started).saturating_mul(TICK_MS) / 1000;
        Some(total.saturating_sub(elapsed))
    }
}

impl App {
    /// Opens the Sign-in screen with `pending` waiting; starts the flow.
    pub(super) fn begin_sign_in(
        &mut self,
        pending: Option<ImportedDeviceIdentity>,
        why: &str,
    ) -> Vec<Effect> {
        let back = match self.screen {
            Screen::SignIn => Screen::Form,
            other => other,
        };
        self.sign_in = Some(SignInFlow {
            phase: SignInPhase::Requesting,
            pending,
            back,
            browser: self.sign_in_browser,
            no_browser: None,
        });
        self.screen = Screen::SignIn;
        self.help_open = false;
        self.set_status(sanitize(why).into_owned(), Tone::Warning);
        vec![Effect::SignIn(SignInEffect::Start)]
    }

    pub(super) fn on_sign_in_msg(&mut self, msg: SignInMsg) -> Vec<Effect> {
        let Some(flow) = self.sign_in.as_mut() else {
            return Vec::new();
        };
        match msg {
            SignInMsg::BrowserOpened { url, timeout_secs } => {
                flow.phase = SignInPhase::Browser {
                    url: sanitize(&url).into_owned(),
                    started_tick: self.tick,
                    timeout_secs,
                };
                self.set_status("Waiting for the sign-in in the browser…", Tone::Info);
                Vec::new()
            }
            SignInMsg::BrowserUnavailable(why) => {
                flow.no_browser = Some(sanitize(&why).into_owned());
                Vec::new()
            }
            SignInMsg::CodeReady(code) => {
                let code = SignInCode {
                    user_code: sanitize(&code.user_code).into_owned(),
                    verification_uri: sanitize(&code.verification_uri).into_owned(),
                    expires_in: code.expires_in,
                };
                flow.phase = SignInPhase::Waiting {
                    code,
                    started_tick: self.tick,
                };
                self.set_status("Waiting for you to approve the sign-in…", Tone::Info);
                Vec::new()
            }
            SignInMsg::Failed(text) => {
                let text = sanitize(&text).into_owned();
                flow.phase = SignInPhase::Failed(text.clone());
                self.set_status(format!("Sign-in failed: {text}"), Tone::Error);
                Vec::new()
            }
            SignInMsg::Approved { account, stored } => {
                let Some(flow) = self.sign_in.take() else {
                    return Vec::new();
                };
                self.screen = flow.back;
                let who = account
                    .map(|a| format!(" as {}", sanitize(&a)))
                    .unwrap_or_default();
                let store = stored
                    .map(|s| format!(" · {}", sanitize(&s)))
                    .unwrap_or_default();
                self.set_status(format!("Signed in{who}{store}"), Tone::Success);
                match flow.pending {
                    Some(identity) => {
                        self.screen = Screen::Form;
                        self.send_identity(identity)
                    }
                    None => Vec::new(),
                }
            }
        }
    }

    pub(super) fn on_sign_in_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let Some(flow) = self.sign_in.as_ref() else {
            self.screen = Screen::Form;
            return Vec::new();
        };
        match self.keymap.action(Scope::SignIn, key, false) {
            Some(Action::Cancel) => {
                let back = flow.back;
                let had_pending = flow.pending.is_some();
                self.sign_in = None;
                self.screen = back;
                let text = if had_pending {
                    format!(
                        "Sign-in cancelled: the identity was not sent ({} sends it again)",
                        self.keymap.key_for(Scope::Form, Action::Submit)
                    )
                } else {
                    "Sign-in cancelled".to_string()
                };
                self.set_status(text, Tone::Warning);
                vec![Effect::SignIn(SignInEffect::Cancel)]
            }
            Some(Action::CopyCode) => match &flow.phase {
                SignInPhase::Waiting { code, .. } => {
                    let user_code = code.user_code.clone();
                    self.set_status(format!("Copied the code {user_code}"), Tone::Info);
                    vec![Effect::SignIn(SignInEffect::Copy(user_code))]
                }
                SignInPhase::Browser { url, .. } => {
                    let url = url.clone();
                    self.set_status("Copied the sign-in URL", Tone::Info);
                    vec![Effect::SignIn(SignInEffect::Copy(url))]
                }
                _ => Vec::new(),
            },
            Some(Action::Retry) if matches!(flow.phase, SignInPhase::Failed(_)) => {
                let pending = flow.pending.clone();
                self.begin_sign_in(pending, "Signing in again…")
            }
            _ => Vec::new(),
        }
    }
}
