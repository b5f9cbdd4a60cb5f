//! Routing for the Sign-in screen: keys and messages go to the
//! [`SignInFlow`](super::sign_in::SignInFlow); its
//! [`SignInOutcome`](super::sign_in::SignInOutcome) becomes the status line,
//! work for the runtime, the screen shown or a submit here.

use crossterm::event::KeyEvent;

use super::msg::Effect;
use super::sign_in::{SignInFlow, SignInMsg, SignInOutcome};
use super::{App, Screen};
use crate::domain::ImportedDeviceIdentity;

impl App {
    /// Opens the Sign-in screen with `pending` waiting; starts the flow.
    pub(super) fn begin_sign_in(
        &mut self,
        pending: Option<ImportedDeviceIdentity>,
        why: &str,
    ) -> Vec<Effect> {
        let (flow, outcome) = SignInFlow::begin(pending, self.screen, self.sign_in_browser, why);
        self.sign_in = Some(flow);
        self.screen = Screen::SignIn;
        self.help_open = false;
        self.apply_sign_in(outcome)
    }

    pub(super) fn on_sign_in_msg(&mut self, msg: SignInMsg) -> Vec<Effect> {
        let tick = self.tick;
        let Some(flow) = self.sign_in.as_mut() else {
            return Vec::new();
        };
        let outcome = flow.on_msg(msg, tick);
        self.apply_sign_in(outcome)
    }

    pub(super) fn on_sign_in_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let Some(flow) = self.sign_in.as_ref() else {
            self.screen = Screen::Form;
            return Vec::new();
        };
        let outcome = flow.on_key(key, &self.keymap);
        self.apply_sign_in(outcome)
    }

    fn apply_sign_in(&mut self, outcome: SignInOutcome) -> Vec<Effect> {
        match outcome {
            SignInOutcome::Continue { status, effect } => {
                if let Some((text, tone)) = status {
                    self.set_status(text, tone);
                }
                effect.map(Effect::SignIn).into_iter().collect()
            }
            SignInOutcome::Close {
                back,
                status: (text, tone),
                effect,
                send,
            } => {
                self.sign_in = None;
                self.screen = back;
                self.set_status(text, tone);
                let mut effects: Vec<Effect> = effect.map(Effect::SignIn).into_iter().collect();
                if let Some(identity) = send {
                    self.screen = Screen::Form;
                    effects.extend(self.send_identity(identity));
                }
                effects
            }
            SignInOutcome::Restart { pending, why } => self.begin_sign_in(pending, &why),
        }
    }
}
