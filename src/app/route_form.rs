//! Routing for the Form feature: keys, the submit and its answers, and the
//! editor's text go to the form (`app::form`); its
//! [`FormOutcome`](super::form::FormOutcome) becomes the status line,
//! Recent, Detail, the outbox or a sign-in here.

use crossterm::event::KeyEvent;

use super::form::{EditorMsg, FormCtx, FormFeature, FormKey, FormOutcome, HandOff};
use super::msg::{Effect, RequestId};
use super::{App, Screen};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::graph::{GraphError, SubmitOutcome};

impl App {
    fn form_feature(&mut self) -> FormFeature<'_> {
        FormFeature {
            form: &mut self.form,
            submission: &mut self.submission,
            submit_error: &mut self.submit_error,
            next_request: &mut self.next_request,
            route_notice_shown: &mut self.create_route_notice_shown,
        }
    }

    fn form_ctx(&self) -> FormCtx {
        FormCtx {
            profile: self.info.profile.clone(),
            tick: self.tick,
            paused: self.outbox.paused(),
            sign_in_available: self.sign_in_available,
            on_form: self.screen == Screen::Form,
        }
    }

    /// Status lines, Recent, the hand-off and Detail, then the effects.
    fn apply_form(&mut self, outcome: FormOutcome) -> Vec<Effect> {
        for (text, tone) in outcome.status {
            self.set_status(text, tone);
        }
        if let Some(entry) = outcome.recent {
            self.recent.push_front(entry);
        }
        let mut effects = match outcome.hand_off {
            Some(HandOff::Outbox {
                identity,
                reason,
                unknown_outcome,
            }) => self.queue_from_form(identity, reason, unknown_outcome),
            Some(HandOff::SignIn { identity, why }) => self.begin_sign_in(Some(identity), &why),
            None => Vec::new(),
        };
        if let Some(detail) = outcome.detail {
            self.detail = Some(detail);
            self.detail_back = Screen::Form;
            self.screen = Screen::Detail;
            self.help_open = false;
        }
        effects.extend(outcome.effects);
        effects
    }

    pub(super) fn on_form_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        let busy = self.submission.is_busy();
        match self.form.on_screen_key(key, &self.keymap, busy)? {
            FormKey::Taken => Some(Vec::new()),
            FormKey::Apply(action) => Some(self.apply(action)),
        }
    }

    pub(super) fn submit(&mut self) -> Vec<Effect> {
        let ctx = self.form_ctx();
        let outcome = self.form_feature().submit(&ctx);
        self.apply_form(outcome)
    }

    /// Starts sending `identity` (typed now, or waiting for a sign-in).
    pub(super) fn send_identity(&mut self, identity: ImportedDeviceIdentity) -> Vec<Effect> {
        let ctx = self.form_ctx();
        let outcome = self.form_feature().send(identity, &ctx);
        self.apply_form(outcome)
    }

    pub(super) fn cancel_submit(&mut self) -> Vec<Effect> {
        let outcome = self.form_feature().cancel();
        self.apply_form(outcome)
    }

    pub(super) fn on_submit_finished(
        &mut self,
        request: RequestId,
        received_at: DateTimeOffset,
        result: Result<SubmitOutcome, GraphError>,
    ) -> Vec<Effect> {
        let ctx = self.form_ctx();
        let outcome = self
            .form_feature()
            .finished(request, received_at, result, &ctx);
        self.apply_form(outcome)
    }

    pub(super) fn on_submit_cancelled(&mut self, request: RequestId) -> Vec<Effect> {
        let outcome = self.form_feature().stopped(request);
        self.apply_form(outcome)
    }

    pub(super) fn on_submit_checked(
        &mut self,
        request: RequestId,
        received_at: DateTimeOffset,
        result: Result<Option<ImportedDeviceIdentity>, GraphError>,
    ) -> Vec<Effect> {
        let ctx = self.form_ctx();
        let outcome = self
            .form_feature()
            .checked(request, received_at, result, &ctx);
        self.apply_form(outcome)
    }

    /// Ctrl-E on the Form: hand the description to the editor.
    pub(super) fn open_editor(&mut self) -> Vec<Effect> {
        let ctx = self.form_ctx();
        let outcome = self.form_feature().open_editor(&ctx);
        self.apply_form(outcome)
    }

    pub(super) fn on_editor_msg(&mut self, msg: EditorMsg) -> Vec<Effect> {
        let before = self.form_snapshot();
        let outcome = self.form_feature().on_editor_msg(msg);
        let typed = outcome.typed;
        let mut effects = self.apply_form(outcome);
        if typed {
            effects.extend(self.after_form_input(before));
        }
        effects
    }
}
