//! Routing for the Import screen: keys and messages go to
//! [`ImportState`](super::import::ImportState); its
//! [`ImportOutcome`](super::import::ImportOutcome) becomes effects, a
//! screen change or a confirmation (writing over a report) here.

use crossterm::event::KeyEvent;

use super::confirm::{Confirmation, Pending};
use super::import::{ImportEffect, ImportMsg, ImportOutcome};
use super::msg::Effect;
use super::{App, Screen};
use crate::sanitize::sanitize;

fn wrap(effects: Vec<ImportEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Import).collect()
}

impl App {
    pub(super) fn on_import_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        let outcome = self.import.on_screen_key(key, &self.keymap)?;
        Some(self.apply_import(outcome))
    }

    pub(super) fn on_import_msg(&mut self, msg: ImportMsg) -> Vec<Effect> {
        let outcome = self.import.on_msg(msg);
        self.apply_import(outcome)
    }

    /// Yes to writing the report over its file.
    pub(super) fn overwrite_import_report(&mut self, path: String) -> Vec<Effect> {
        wrap(self.import.overwrite_report(path))
    }

    fn apply_import(&mut self, outcome: ImportOutcome) -> Vec<Effect> {
        match outcome {
            ImportOutcome::Effects(effects) => wrap(effects),
            ImportOutcome::Leave => {
                self.screen = Screen::Form;
                Vec::new()
            }
            ImportOutcome::ConfirmOverwrite { path } => {
                self.ask(Confirmation {
                    title: "Overwrite".into(),
                    question: format!("{} exists. Replace it with this report?", sanitize(&path)),
                    verb: "overwrite",
                    pending: Pending::OverwriteImportReport(path),
                });
                Vec::new()
            }
        }
    }
}
