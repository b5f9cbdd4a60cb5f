//! Scan mode inside the app: its keys, actions and messages, wrapping the
//! pure [`ScanState`](super::scan::ScanState).

use crossterm::event::{KeyCode, KeyEvent};

use super::keymap::{Action, Scope};
use super::msg::Effect;
use super::scan::{InputTarget, ScanEffect, ScanMsg};
use super::{App, Screen};

fn wrap(effects: Vec<ScanEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Scan).collect()
}

impl App {
    /// The input always has focus: the screen's bindings first, then F-keys
    /// and the global bindings (never letters), everything else to the input.
    pub(super) fn on_scan_key(
        &mut self,
        key: &KeyEvent,
        at_ms: Option<u64>,
    ) -> Option<Vec<Effect>> {
        if let Some(action) = self.keymap.actions(Scope::Scan, key, true).first() {
            return Some(self.apply(*action));
        }
        if matches!(key.code, KeyCode::F(_))
            || !self.keymap.actions(Scope::Global, key, true).is_empty()
        {
            return None;
        }
        Some(wrap(self.scan.on_key(key, at_ms)))
    }

    pub(super) fn on_scan_action(&mut self, action: Action) -> Vec<Effect> {
        let effects = match action {
            Action::ScanUndo => {
                let undo_key = self.keymap.key_for(Scope::Scan, Action::ScanUndo);
                self.scan.undo(&undo_key)
            }
            Action::ScanCycleType => {
                self.scan.cycle_type();
                Vec::new()
            }
            Action::ScanCyclePlatform => {
                self.scan.cycle_platform();
                Vec::new()
            }
            Action::ScanEditSetting => {
                self.scan.cycle_target();
                Vec::new()
            }
            Action::ScanToggleCommit => self.scan.toggle_commit(),
            Action::ScanSendQueued => self.scan.send_queued(),
            _ => Vec::new(),
        };
        wrap(effects)
    }

    /// Esc: leave a setting being edited, else leave the screen.
    pub(super) fn scan_back(&mut self) -> Vec<Effect> {
        if self.scan.target != InputTarget::Scan {
            self.scan.target = InputTarget::Scan;
            self.scan.input.clear();
        } else {
            self.screen = Screen::Form;
        }
        Vec::new()
    }

    pub(super) fn on_scan_msg(&mut self, msg: ScanMsg) -> Vec<Effect> {
        match msg {
            ScanMsg::Key { key, at_ms } => self.on_key_at(key, Some(at_ms)),
            other => wrap(self.scan.on_msg(other)),
        }
    }
}
