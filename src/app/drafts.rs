//! Drafts that can't be lost: opening an item of the Drafts/Outbox tab
//! saves the open form's draft as its own item first and never writes over
//! it; a draft opens in the form (which says which draft it edits), a
//! created item on Detail (it is sent; there is nothing to queue again),
//! any other item in the form as a new draft of its own.

use super::form::FormState;
use super::keymap::{Action, Scope};
use super::msg::Effect;
use super::outbox::OutboxEffect;
use super::{App, Screen};
use crate::model::{DraftFields, ItemState, OutboxItem};
use crate::widgets::Tone;

fn wrap(effects: Vec<OutboxEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Outbox).collect()
}

impl App {
    /// Opens the selected outbox item: a draft in the form (saves go to
    /// it), a created item on Detail (it is sent; nothing to queue again),
    /// any other item in the form as a new draft, to edit and send again.
    /// The form's own draft is saved as its own item first, never
    /// overwritten.
    pub(super) fn open_outbox_item(&mut self) -> Vec<Effect> {
        let Some(item) = self.outbox.selected().cloned() else {
            return Vec::new();
        };
        if item.state == ItemState::Created {
            return self.open_created_item(&item);
        }
        if item.state == ItemState::Draft && self.outbox.form_item == Some(item.id) {
            // The form holds it already, newer than the list.
            self.screen = Screen::Form;
            self.set_status(format!("Draft {} opened", item.id), Tone::Info);
            return Vec::new();
        }
        let mut effects = self.drafts_on_exit();
        let fields = item.form.clone().unwrap_or_else(|| DraftFields {
            identifier: item.identifier.clone(),
            ..FormState::new().draft_fields()
        });
        self.form = FormState::from_draft(&fields);
        self.screen = Screen::Form;
        self.submit_error = None;
        if item.state == ItemState::Draft {
            self.outbox.form_item = Some(item.id);
            effects.extend(wrap(vec![OutboxEffect::UseDraft(item.id)]));
            self.set_status(format!("Draft {} opened", item.id), Tone::Info);
        } else {
            self.outbox.form_item = None;
            self.outbox.draft_dirty = true;
            effects.extend(wrap(vec![OutboxEffect::NewDraft]));
            effects.extend(self.draft_save_effects());
            self.set_status(
                format!(
                    "Item {} opened as a new draft; {} sends it",
                    item.id,
                    self.keymap.key_for(Scope::Form, Action::Submit)
                ),
                Tone::Info,
            );
        }
        effects
    }

    /// A created item opens on Detail, as Recent shows it.
    fn open_created_item(&mut self, item: &OutboxItem) -> Vec<Effect> {
        match crate::model::RecentEntry::from_item(item.clone()) {
            Some(entry) => {
                self.detail = Some(super::DetailView::from_recent(&entry));
                self.detail_back = Screen::List;
                self.screen = Screen::Detail;
                self.tenant.raw_json = false;
            }
            None => self.set_status(
                format!(
                    "Item {} is created; the ledger holds no copy of it",
                    item.id
                ),
                Tone::Info,
            ),
        }
        Vec::new()
    }
}

#[cfg(test)]
#[path = "drafts_tests.rs"]
mod tests;
