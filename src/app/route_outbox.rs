//! Routing for drafts and the outbox: the app's keys, actions and messages
//! handed to [`OutboxState`](super::outbox::OutboxState) with what it reads
//! of the app (the form, the keymap, what is shown), and what it returns
//! carried out (the form, the status line, a confirmation, Detail).

use super::outbox::{FormStep, OutboxCtx, OutboxMsg, OutboxOutcome, OutboxState};
use super::{Action, App, Effect, ListTab, Screen};
use crate::domain::ImportedDeviceIdentity;
use crate::model::DraftFields;

fn wrap(effects: Vec<super::OutboxEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Outbox).collect()
}

impl App {
    pub fn outbox(&self) -> &OutboxState {
        &self.outbox
    }

    pub(super) fn outbox_startup_effects(&self) -> Vec<Effect> {
        wrap(OutboxState::startup_effects())
    }

    /// What the form looked like before a key or paste (for change detection).
    pub(super) fn form_snapshot(&self) -> (DraftFields, Screen) {
        (self.form.draft_fields(), self.screen)
    }

    /// After a key or paste: a changed form arms the draft timer; leaving the
    /// form saves its draft at once.
    pub(super) fn after_form_input(&mut self, before: (DraftFields, Screen)) -> Vec<Effect> {
        let (fields, screen) = before;
        let changed = self.form.draft_fields() != fields;
        let left_form = screen == Screen::Form && self.screen != Screen::Form;
        wrap(self.outbox.after_form_input(changed, left_form, &self.form))
    }

    /// On every way out: the form's draft, saved before quitting.
    pub(super) fn drafts_on_exit(&mut self) -> Vec<Effect> {
        wrap(self.outbox.on_exit(&self.form))
    }

    /// Puts the identity the form built in the outbox and starts a fresh form.
    pub(super) fn queue_from_form(
        &mut self,
        identity: ImportedDeviceIdentity,
        reason: String,
        unknown_outcome: bool,
    ) -> Vec<Effect> {
        let fields = self.form.draft_fields();
        self.form = self.form.after_submit();
        self.outbox_step(|outbox, ctx| outbox.queue(identity, reason, fields, unknown_outcome, ctx))
    }

    pub(super) fn on_outbox(&mut self, msg: OutboxMsg) -> Vec<Effect> {
        self.outbox_step(|outbox, ctx| outbox.update(msg, ctx))
    }

    /// An action for the outbox (see `OutboxState::on_action`).
    pub(super) fn on_outbox_action(&mut self, action: Action) -> Vec<Effect> {
        self.outbox_step(|outbox, ctx| outbox.on_action(action, ctx))
    }

    /// Opens the selected item of the Drafts/Outbox tab.
    pub(super) fn open_outbox_item(&mut self) -> Vec<Effect> {
        self.on_outbox_action(Action::OpenSelected)
    }

    pub(super) fn move_outbox_selection(&mut self, by: isize) {
        self.outbox.move_selection(by);
    }

    /// A yes to "Discard item …?".
    pub(super) fn discard_item(&mut self, id: i64) -> Vec<Effect> {
        self.outbox_step(|outbox, _| outbox.discard(id))
    }

    /// A yes to "Send item … again?" (or a plain resend).
    pub(super) fn resend_item(&mut self, id: i64, overwrite: bool) -> Vec<Effect> {
        self.outbox_step(|outbox, ctx| outbox.resend(id, overwrite, ctx))
    }

    /// Runs one outbox step with what it reads of the app, then carries out
    /// its outcome.
    fn outbox_step(
        &mut self,
        step: impl FnOnce(&mut OutboxState, &OutboxCtx) -> OutboxOutcome,
    ) -> Vec<Effect> {
        let ctx = OutboxCtx {
            form: &self.form,
            keymap: &self.keymap,
            on_form: self.screen == Screen::Form,
            tab_shown: self.screen == Screen::List && self.list_tab == ListTab::Outbox,
        };
        let outcome = step(&mut self.outbox, &ctx);
        self.apply_outbox(outcome)
    }

    fn apply_outbox(&mut self, outcome: OutboxOutcome) -> Vec<Effect> {
        let OutboxOutcome {
            effects,
            status,
            confirm,
            form,
            open,
        } = outcome;
        match form {
            Some(FormStep::Restore(form)) => self.form = *form,
            Some(FormStep::Open(form)) => {
                self.form = *form;
                self.screen = Screen::Form;
                self.submit_error = None;
            }
            Some(FormStep::Show) => self.screen = Screen::Form,
            None => {}
        }
        if let Some(view) = open {
            self.open_detail_from_list(view);
        }
        if let Some(confirmation) = confirm {
            self.ask(confirmation);
        }
        if let Some(status) = status {
            self.set_status(status.text, status.tone);
        }
        wrap(effects)
    }
}
