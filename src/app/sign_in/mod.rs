//! The Sign-in screen's state: opened when the service refuses the sign-in
//! (401 after one refresh) while an identity waits to be sent. It says
//! which flow runs: the browser (with the URL to open by hand, should the
//! browser not appear) or the device code and URL, each with a countdown;
//! on approval the waiting identity is sent without re-typing; Esc cancels
//! and leaves it in the form.
//!
//! This file holds the messages, effects and the flow's state; `update` the
//! keys and messages and what they ask of the app. The app's side is
//! `app::route_sign_in`.

mod update;

use super::{Screen, TICK_MS};
use crate::domain::ImportedDeviceIdentity;

pub use update::SignInOutcome;

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
