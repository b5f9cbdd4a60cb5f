//! The sign-in flow's keys and messages: what the flow does by itself and
//! what it asks of the app ([`SignInOutcome`]): a status line, work for the
//! runtime, closing the screen (sending the waiting identity), or a restart.

use crossterm::event::KeyEvent;

use super::{SignInCode, SignInEffect, SignInFlow, SignInMsg, SignInPhase};
use crate::app::Screen;
use crate::app::keymap::{Action, Keymap, Scope};
use crate::domain::ImportedDeviceIdentity;
use crate::sanitize::sanitize;
use crate::widgets::Tone;

/// What a key or a message of the sign-in asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInOutcome {
    /// The flow goes on: maybe a status line, maybe work.
    Continue {
        status: Option<(String, Tone)>,
        effect: Option<SignInEffect>,
    },
    /// The flow ended: the screen closes back to `back`, says so, and the
    /// identity waiting (when approved) is sent from the Form.
    Close {
        back: Screen,
        status: (String, Tone),
        effect: Option<SignInEffect>,
        send: Option<ImportedDeviceIdentity>,
    },
    /// Start the flow again, with why.
    Restart {
        pending: Option<ImportedDeviceIdentity>,
        why: String,
    },
}

impl SignInOutcome {
    fn status(text: impl Into<String>, tone: Tone, effect: Option<SignInEffect>) -> Self {
        SignInOutcome::Continue {
            status: Some((text.into(), tone)),
            effect,
        }
    }

    fn nothing() -> Self {
        SignInOutcome::Continue {
            status: None,
            effect: None,
        }
    }
}

impl SignInFlow {
    /// A new flow opened from `from` (where it returns) with `pending`
    /// waiting; the status line says why. The runtime starts it.
    pub fn begin(
        pending: Option<ImportedDeviceIdentity>,
        from: Screen,
        browser: bool,
        why: &str,
    ) -> (SignInFlow, SignInOutcome) {
        let back = match from {
            Screen::SignIn => Screen::Form,
            other => other,
        };
        let flow = SignInFlow {
            phase: SignInPhase::Requesting,
            pending,
            back,
            browser,
            no_browser: None,
        };
        let outcome = SignInOutcome::status(
            sanitize(why).into_owned(),
            Tone::Warning,
            Some(SignInEffect::Start),
        );
        (flow, outcome)
    }

    /// Progress of the flow (`tick`: the animation clock, for countdowns).
    pub fn on_msg(&mut self, msg: SignInMsg, tick: u64) -> SignInOutcome {
        match msg {
            SignInMsg::BrowserOpened { url, timeout_secs } => {
                self.phase = SignInPhase::Browser {
                    url: sanitize(&url).into_owned(),
                    started_tick: tick,
                    timeout_secs,
                };
                SignInOutcome::status("Waiting for the sign-in in the browser…", Tone::Info, None)
            }
            SignInMsg::BrowserUnavailable(why) => {
                self.no_browser = Some(sanitize(&why).into_owned());
                SignInOutcome::nothing()
            }
            SignInMsg::CodeReady(code) => {
                let code = SignInCode {
                    user_code: sanitize(&code.user_code).into_owned(),
                    verification_uri: sanitize(&code.verification_uri).into_owned(),
                    expires_in: code.expires_in,
                };
                self.phase = SignInPhase::Waiting {
                    code,
                    started_tick: tick,
                };
                SignInOutcome::status("Waiting for you to approve the sign-in…", Tone::Info, None)
            }
            SignInMsg::Failed(text) => {
                let text = sanitize(&text).into_owned();
                self.phase = SignInPhase::Failed(text.clone());
                SignInOutcome::status(format!("Sign-in failed: {text}"), Tone::Error, None)
            }
            SignInMsg::Approved { account, stored } => {
                let who = account
                    .map(|a| format!(" as {}", sanitize(&a)))
                    .unwrap_or_default();
                let store = stored
                    .map(|s| format!(" · {}", sanitize(&s)))
                    .unwrap_or_default();
                SignInOutcome::Close {
                    back: self.back,
                    status: (format!("Signed in{who}{store}"), Tone::Success),
                    effect: None,
                    send: self.pending.take(),
                }
            }
        }
    }

    /// A key on the Sign-in screen (only its own bindings apply).
    pub fn on_key(&self, key: &KeyEvent, keymap: &Keymap) -> SignInOutcome {
        match keymap.action(Scope::SignIn, key, false) {
            Some(Action::Cancel) => {
                let text = if self.pending.is_some() {
                    format!(
                        "Sign-in cancelled: the identity was not sent ({} sends it again)",
                        keymap.key_for(Scope::Form, Action::Submit)
                    )
                } else {
                    "Sign-in cancelled".to_string()
                };
                SignInOutcome::Close {
                    back: self.back,
                    status: (text, Tone::Warning),
                    effect: Some(SignInEffect::Cancel),
                    send: None,
                }
            }
            Some(Action::CopyCode) => match &self.phase {
                SignInPhase::Waiting { code, .. } => {
                    let user_code = code.user_code.clone();
                    SignInOutcome::status(
                        format!("Copied the code {user_code}"),
                        Tone::Info,
                        Some(SignInEffect::Copy(user_code)),
                    )
                }
                SignInPhase::Browser { url, .. } => SignInOutcome::status(
                    "Copied the sign-in URL",
                    Tone::Info,
                    Some(SignInEffect::Copy(url.clone())),
                ),
                _ => SignInOutcome::nothing(),
            },
            Some(Action::Retry) if matches!(self.phase, SignInPhase::Failed(_)) => {
                SignInOutcome::Restart {
                    pending: self.pending.clone(),
                    why: "Signing in again…".to_string(),
                }
            }
            _ => SignInOutcome::nothing(),
        }
    }
}
