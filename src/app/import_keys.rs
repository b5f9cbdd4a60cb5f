//! The Import screen inside the app: keys and messages, wrapping the pure
//! [`ImportState`](super::import::ImportState). Its actions come from the
//! keymap; typing the path and moving in the preview are the screen's own.

use crossterm::event::KeyEvent;

use super::import::{ImportEffect, ImportMsg, ImportPhase};
use super::keymap::{Action, Scope};
use super::msg::Effect;
use super::{App, Screen};

fn wrap(effects: Vec<ImportEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Import).collect()
}

impl App {
    pub(super) fn on_import_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        let text_focus = self.import.text_focused();
        for action in self.keymap.actions(Scope::Import, key, text_focus) {
            if action == Action::Back && self.import.phase == ImportPhase::Prompt {
                self.screen = Screen::Form;
                return Some(Vec::new());
            }
            if let Some(effects) = self.import.on_action(action) {
                return Some(wrap(effects));
            }
        }
        self.import.on_key(key).map(wrap)
    }

    pub(super) fn on_import_msg(&mut self, msg: ImportMsg) -> Vec<Effect> {
        wrap(self.import.on_msg(msg))
    }
}
