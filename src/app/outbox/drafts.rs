//! Drafts that can't be lost: the form saved as its draft while typing (a
//! change arms the draft timer), on leaving the form and on every way out;
//! a submission that is not sent becomes the form draft's item. Opening an
//! item of the Drafts/Outbox tab saves the open form's draft as its own
//! item first and never writes over it; a draft opens in the form (which
//! says which draft it edits), a created item on Detail (it is sent; there
//! is nothing to queue again), any other item in the form as a new draft of
//! its own.

use super::{FormStep, OutboxCtx, OutboxEffect, OutboxOutcome, OutboxState};
use crate::app::form::FormState;
use crate::app::{Action, DetailView, Scope};
use crate::domain::ImportedDeviceIdentity;
use crate::model::{DraftFields, ItemState, OutboxItem};
use crate::sanitize::sanitize;
use crate::widgets::Tone;

impl OutboxState {
    /// The work to do at start: load the outbox, restore the newest draft,
    /// watch the ledger.
    pub fn startup_effects() -> Vec<OutboxEffect> {
        vec![
            OutboxEffect::Load,
            OutboxEffect::RestoreLatestDraft,
            OutboxEffect::WatchLedger,
        ]
    }

    /// After a key or paste: a changed form arms the draft timer; leaving the
    /// form saves its draft at once.
    pub fn after_form_input(
        &mut self,
        changed: bool,
        left_form: bool,
        form: &FormState,
    ) -> Vec<OutboxEffect> {
        if changed {
            self.draft_dirty = true;
        }
        if left_form && self.draft_dirty {
            return self.save_draft(form);
        }
        if self.draft_dirty && !self.draft_timer {
            self.draft_timer = true;
            return vec![OutboxEffect::ArmDraftTimer];
        }
        Vec::new()
    }

    /// Saves the open form's draft now (or drops it when the form is empty).
    pub(super) fn save_draft(&mut self, form: &FormState) -> Vec<OutboxEffect> {
        self.draft_dirty = false;
        if form.is_blank() {
            vec![OutboxEffect::FinishDraft]
        } else {
            vec![OutboxEffect::SaveDraft(form.draft_fields())]
        }
    }

    /// On every way out: the form's draft, saved before quitting.
    pub fn on_exit(&mut self, form: &FormState) -> Vec<OutboxEffect> {
        if form.is_blank() && !self.draft_dirty {
            return Vec::new();
        }
        self.save_draft(form)
    }

    /// Ctrl-D.
    pub(super) fn save_draft_now(&mut self, form: &FormState) -> OutboxOutcome {
        if form.is_blank() {
            return OutboxOutcome::status("Nothing to save yet", Tone::Info);
        }
        OutboxOutcome::effects(self.save_draft(form)).with_status("Draft saved", Tone::Success)
    }

    /// Puts the identity the form built (its fields: `form`) in the outbox;
    /// the app starts a fresh form.
    pub fn queue(
        &mut self,
        identity: ImportedDeviceIdentity,
        reason: String,
        form: DraftFields,
        unknown_outcome: bool,
        ctx: &OutboxCtx,
    ) -> OutboxOutcome {
        let identifier = sanitize(identity.identifier()).into_owned();
        self.draft_dirty = false;
        self.counts.pending += 1;
        let queued = OutboxOutcome::effects(vec![OutboxEffect::Enqueue {
            identity: Box::new(identity),
            reason: reason.clone(),
            form,
            unknown_outcome,
        }]);
        let queued = if self.paused {
            queued.with_status(
                format!(
                    "Queued {identifier} (offline) — {} in the outbox",
                    self.counts.pending
                ),
                Tone::Info,
            )
        } else {
            let reason = sanitize(&reason).into_owned();
            queued.with_status(
                format!("Not sent: {reason} — {identifier} is queued and will be sent later"),
                Tone::Warning,
            )
        };
        queued.and(self.start_sync(false, ctx.keymap))
    }

    /// Opens the selected item: a draft in the form (saves go to it), a
    /// created item on Detail (it is sent; nothing to queue again), any
    /// other item in the form as a new draft, to edit and send again. The
    /// form's own draft is saved as its own item first, never overwritten.
    pub(super) fn open_selected(&mut self, ctx: &OutboxCtx) -> OutboxOutcome {
        let Some(item) = self.selected().cloned() else {
            return OutboxOutcome::default();
        };
        if item.state == ItemState::Created {
            return open_created_item(&item);
        }
        if item.state == ItemState::Draft && self.form_item == Some(item.id) {
            // The form holds it already, newer than the list.
            return OutboxOutcome {
                form: Some(FormStep::Show),
                ..OutboxOutcome::status(format!("Draft {} opened", item.id), Tone::Info)
            };
        }
        let mut effects = self.on_exit(ctx.form);
        let fields = item.form.clone().unwrap_or_else(|| DraftFields {
            identifier: item.identifier.clone(),
            ..FormState::new().draft_fields()
        });
        let form = FormState::from_draft(&fields);
        let text = if item.state == ItemState::Draft {
            self.form_item = Some(item.id);
            effects.push(OutboxEffect::UseDraft(item.id));
            format!("Draft {} opened", item.id)
        } else {
            self.form_item = None;
            self.draft_dirty = true;
            effects.push(OutboxEffect::NewDraft);
            effects.extend(self.save_draft(&form));
            format!(
                "Item {} opened as a new draft; {} sends it",
                item.id,
                ctx.keymap.key_for(Scope::Form, Action::Submit)
            )
        };
        OutboxOutcome {
            form: Some(FormStep::Open(Box::new(form))),
            ..OutboxOutcome::effects(effects)
        }
        .with_status(text, Tone::Info)
    }
}

/// A created item opens on Detail, as Recent shows it.
fn open_created_item(item: &OutboxItem) -> OutboxOutcome {
    match crate::model::RecentEntry::from_item(item.clone()) {
        Some(entry) => OutboxOutcome {
            open: Some(DetailView::from_recent(&entry)),
            ..OutboxOutcome::default()
        },
        None => OutboxOutcome::status(
            format!(
                "Item {} is created; the ledger holds no copy of it",
                item.id
            ),
            Tone::Info,
        ),
    }
}

#[cfg(test)]
#[path = "drafts_tests.rs"]
mod tests;
