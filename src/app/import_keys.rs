//! The Import screen inside the app: keys and messages, wrapping the pure
//! [`ImportState`](super::import::ImportState).

use crossterm::event::{KeyCode, KeyEvent};

use super::import::{ImportEffect, ImportMsg, ImportPhase};
use super::msg::Effect;
use super::{App, Screen};

fn wrap(effects: Vec<ImportEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Import).collect()
}

impl App {
    pub(super) fn on_import_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        if key.code == KeyCode::Esc && self.import.phase == ImportPhase::Prompt {
            self.screen = Screen::Form;
            return Some(Vec::new());
        }
        self.import.on_key(key).map(wrap)
    }

    pub(super) fn on_import_msg(&mut self, msg: ImportMsg) -> Vec<Effect> {
        wrap(self.import.on_msg(msg))
    }
}
