//! Routing for the Import screen: keys and messages go to
//! [`ImportState`](super::import::ImportState); its
//! [`ImportOutcome`](super::import::ImportOutcome) becomes effects or a
//! screen change here.

use crossterm::event::KeyEvent;

use super::import::{ImportEffect, ImportMsg, ImportOutcome};
use super::msg::Effect;
use super::{App, Screen};

fn wrap(effects: Vec<ImportEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Import).collect()
}

impl App {
    pub(super) fn on_import_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        let outcome = self.import.on_screen_key(key, &self.keymap)?;
        Some(self.apply_import(outcome))
    }

    pub(super) fn on_import_msg(&mut self, msg: ImportMsg) -> Vec<Effect> {
        wrap(self.import.on_msg(msg))
    }

    fn apply_import(&mut self, outcome: ImportOutcome) -> Vec<Effect> {
        match outcome {
            ImportOutcome::Effects(effects) => wrap(effects),
            ImportOutcome::Leave => {
                self.screen = Screen::Form;
                Vec::new()
            }
        }
    }
}
