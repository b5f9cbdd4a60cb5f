//! Routing for scan mode: keys, actions and messages go to
//! [`ScanState`](super::scan::ScanState); its [`ScanOutcome`] becomes
//! effects, an applied action or a screen change here.

use crossterm::event::KeyEvent;

use super::keymap::Action;
use super::msg::Effect;
use super::scan::{ScanMsg, ScanOutcome};
use super::{App, Screen};

impl App {
    /// A key on the Scan screen; `None` leaves it to the global bindings.
    pub(super) fn on_scan_key(
        &mut self,
        key: &KeyEvent,
        at_ms: Option<u64>,
    ) -> Option<Vec<Effect>> {
        let outcome = self.scan.on_screen_key(key, &self.keymap, at_ms);
        self.apply_scan(outcome)
    }

    pub(super) fn on_scan_action(&mut self, action: Action) -> Vec<Effect> {
        let outcome = self.scan.on_action(action, &self.keymap);
        self.apply_scan(outcome).unwrap_or_default()
    }

    /// Esc: leave a setting being edited, else leave the screen.
    pub(super) fn scan_back(&mut self) -> Vec<Effect> {
        let outcome = self.scan.back();
        self.apply_scan(outcome).unwrap_or_default()
    }

    pub(super) fn on_scan_msg(&mut self, msg: ScanMsg) -> Vec<Effect> {
        match msg {
            ScanMsg::Key { key, at_ms } => self.on_key_at(key, Some(at_ms)),
            other => self
                .scan
                .on_msg(other)
                .into_iter()
                .map(Effect::Scan)
                .collect(),
        }
    }

    fn apply_scan(&mut self, outcome: ScanOutcome) -> Option<Vec<Effect>> {
        match outcome {
            ScanOutcome::Effects(effects) => Some(effects.into_iter().map(Effect::Scan).collect()),
            ScanOutcome::Apply(action) => Some(self.apply(action)),
            ScanOutcome::Leave => {
                self.screen = Screen::Form;
                Some(Vec::new())
            }
            ScanOutcome::Unhandled => None,
        }
    }
}
