//! The Form feature's part of a submit: building and sending the identity,
//! cancelling, and the answers (finished, stopped, checked). What the form
//! cannot do itself (the status line, Recent, Detail, the outbox, a
//! sign-in) it returns in a [`FormOutcome`] for the app to apply.

use super::FormState;
use super::submission::{Submission, create_unusable_notice, recorded_method};
use crate::app::msg::{Effect, RequestId};
use crate::app::outbox::{OutboxEffect, belongs_in_outbox};
use crate::app::{DetailView, ledger_detail};
use crate::domain::{
    DateTimeOffset, ImportedDeviceIdentity, ImportedDeviceIdentityResult, RecordedMethod,
};
use crate::graph::{GraphError, SubmitOutcome};
use crate::model::RecentEntry;
use crate::sanitize::sanitize;
use crate::widgets::Tone;

/// The Form feature's state as the app holds it: the fields, the running
/// submission and its bookkeeping.
pub struct FormFeature<'a> {
    pub form: &'a mut FormState,
    pub submission: &'a mut Submission,
    /// The last submission's error, shown in the form's error panel.
    pub submit_error: &'a mut Option<String>,
    pub next_request: &'a mut RequestId,
    /// The create-route notice was shown once already.
    pub route_notice_shown: &'a mut bool,
}

/// What the form reads from the rest of the app.
#[derive(Debug, Clone)]
pub struct FormCtx {
    pub profile: String,
    pub tick: u64,
    /// Sending is paused (offline): a submit goes to the outbox.
    pub paused: bool,
    /// A 401 may open the Sign-in screen.
    pub sign_in_available: bool,
    /// The Form is the screen shown.
    pub on_form: bool,
}

/// Where the identity goes when it is not sent now.
#[derive(Debug, Clone, PartialEq)]
pub enum HandOff {
    /// Into the outbox, with why (and whether the outcome is unknown).
    Outbox {
        identity: ImportedDeviceIdentity,
        reason: String,
        unknown_outcome: bool,
    },
    /// To the Sign-in screen, sent once signed in.
    SignIn {
        identity: ImportedDeviceIdentity,
        why: String,
    },
}

/// What the app does after a form step, in this order: the status lines,
/// the entry for Recent, the hand-off, Detail; then it runs the effects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormOutcome {
    /// Lines for the status bar and the message log, oldest first.
    pub status: Vec<(String, Tone)>,
    /// Pushed at the top of Recent (its `RecordRecent` is in `effects`).
    pub recent: Option<RecentEntry>,
    pub hand_off: Option<HandOff>,
    /// Shown on Detail, Esc going back to the Form.
    pub detail: Option<DetailView>,
    /// The fields were changed by input (the drafts are told).
    pub typed: bool,
    pub effects: Vec<Effect>,
}

impl FormOutcome {
    fn status(text: impl Into<String>, tone: Tone) -> Self {
        FormOutcome {
            status: vec![(text.into(), tone)],
            ..FormOutcome::default()
        }
    }

    fn with_effect(mut self, effect: Effect) -> Self {
        self.effects.push(effect);
        self
    }
}

fn recent_entry(
    ctx: &FormCtx,
    method: RecordedMethod,
    result: ImportedDeviceIdentityResult,
    raw: serde_json::Value,
    at: DateTimeOffset,
) -> RecentEntry {
    RecentEntry {
        recorded_at: at,
        profile: ctx.profile.clone(),
        method,
        result,
        raw,
        origin: "form".to_string(),
        item_id: None,
        live: None,
    }
}

impl FormFeature<'_> {
    /// The submit key: the identity is built and sent, queued while
    /// paused, or the first field in error gets the focus.
    pub fn submit(&mut self, ctx: &FormCtx) -> FormOutcome {
        if self.submission.is_busy() {
            return FormOutcome::default();
        }
        match self.form.build_identity() {
            Err(field) => {
                self.form.set_focus(field);
                let reason = self
                    .form
                    .findings(field)
                    .into_iter()
                    .find(|f| f.is_error())
                    .map(|f| f.message)
                    .unwrap_or_else(|| "invalid".to_string());
                FormOutcome::status(
                    format!("Not sent — {}: {reason}", field.label()),
                    Tone::Error,
                )
            }
            Ok(identity) if ctx.paused => FormOutcome {
                hand_off: Some(HandOff::Outbox {
                    identity,
                    reason: "offline: sending paused".to_string(),
                    unknown_outcome: false,
                }),
                ..FormOutcome::default()
            },
            Ok(identity) => self.send(identity, ctx),
        }
    }

    /// Starts sending `identity` (typed now, or waiting for a sign-in).
    pub fn send(&mut self, identity: ImportedDeviceIdentity, ctx: &FormCtx) -> FormOutcome {
        let request = *self.next_request;
        *self.next_request = self.next_request.wrapping_add(1);
        *self.submit_error = None;
        let status = format!("Sending {}…", identity.identifier());
        let effect = self.submission.start(request, identity, ctx.tick);
        FormOutcome::status(status, Tone::Info).with_effect(effect)
    }

    /// Esc while sending; Esc again while the cancel or the check runs
    /// changes nothing (the outcome is still to be checked), and says so.
    pub fn cancel(&mut self) -> FormOutcome {
        match self.submission.cancel() {
            Some(effect) => FormOutcome::status("Cancelling…", Tone::Warning).with_effect(effect),
            None if self.submission.is_busy() => {
                FormOutcome::status("Still checking whether it was created…", Tone::Info)
            }
            None => FormOutcome::default(),
        }
    }

    /// The answer to `request`.
    pub fn finished(
        &mut self,
        request: RequestId,
        received_at: DateTimeOffset,
        result: Result<SubmitOutcome, GraphError>,
        ctx: &FormCtx,
    ) -> FormOutcome {
        if self.submission.request() != Some(request) {
            return FormOutcome::default();
        }
        // Cancelled, and the task failed before it could be stopped: an
        // answer that may have been applied is checked with the service like
        // any cancelled send, never taken as "not created".
        if let (Submission::Cancelling { .. }, Err(error)) = (&*self.submission, &result) {
            if error.outcome_unknown() {
                return self.stopped(request);
            }
            *self.submission = Submission::Idle;
            let why = sanitize(&error.user_message()).into_owned();
            return FormOutcome::status(format!("Cancelled — not created ({why})"), Tone::Info);
        }
        let sent = match std::mem::replace(self.submission, Submission::Idle) {
            Submission::Sending { identity, .. } => Some(identity),
            _ => None,
        };
        let outcome = match (result, sent) {
            (Ok(outcome), _) => outcome,
            (Err(error), Some(identity)) if error.is_auth() && ctx.sign_in_available => {
                // The transport already renewed once: the user signs in and
                // the identity, kept here, is sent afterwards.
                let why = format!("Sign-in needed: {}", error.user_message());
                return FormOutcome {
                    hand_off: Some(HandOff::SignIn { identity, why }),
                    ..FormOutcome::default()
                };
            }
            (Err(error), Some(identity)) if belongs_in_outbox(&error) => {
                return FormOutcome {
                    hand_off: Some(HandOff::Outbox {
                        identity,
                        reason: error.user_message(),
                        unknown_outcome: error.outcome_unknown(),
                    }),
                    ..FormOutcome::default()
                };
            }
            (Err(error), _) => {
                let text = sanitize(&error.user_message()).into_owned();
                *self.submit_error = Some(text.clone());
                return FormOutcome::status(format!("Not created: {text}"), Tone::Error);
            }
        };
        let entry = recent_entry(
            ctx,
            recorded_method(outcome.method),
            outcome.result.clone(),
            outcome.raw.clone(),
            received_at,
        );
        let mut out = FormOutcome {
            recent: Some(entry.clone()),
            effects: vec![Effect::RecordRecent(entry)],
            ..FormOutcome::default()
        };
        if outcome.found_existing || outcome.result.succeeded() {
            out.effects.push(Effect::Outbox(OutboxEffect::FinishDraft));
        }
        let id = sanitize(outcome.result.identity.id.as_deref().unwrap_or("(no id)")).into_owned();
        let identifier = sanitize(outcome.result.identity.identifier()).into_owned();
        if outcome.found_existing {
            out.status.push((
                format!("{identifier} already existed ({id}); not sent again"),
                Tone::Warning,
            ));
            *self.form = self.form.after_submit();
        } else if outcome.result.succeeded() {
            out.status
                .push((format!("Created {identifier} — id {id}"), Tone::Success));
            *self.form = self.form.after_submit();
        } else {
            out.status.push((
                format!("{identifier} not imported: the service returned status false"),
                Tone::Error,
            ));
        }
        if outcome.switched_to_import && !*self.route_notice_shown {
            *self.route_notice_shown = true;
            out.status.push((
                create_unusable_notice(outcome.create_unusable),
                Tone::Warning,
            ));
            out.effects.push(Effect::RememberCreateRouteMissing {
                profile: ctx.profile.clone(),
            });
        }
        out.detail = Some(DetailView::from_outcome(&outcome, received_at));
        out
    }

    /// The runtime stopped the cancelled submission's task.
    pub fn stopped(&mut self, request: RequestId) -> FormOutcome {
        match self.submission.stopped(request) {
            Some(effect) => FormOutcome::status(
                "Cancelled; checking whether the service created it…",
                Tone::Warning,
            )
            .with_effect(effect),
            None => FormOutcome::default(),
        }
    }

    /// What the service holds for the cancelled submission's identifier.
    pub fn checked(
        &mut self,
        request: RequestId,
        received_at: DateTimeOffset,
        result: Result<Option<ImportedDeviceIdentity>, GraphError>,
        ctx: &FormCtx,
    ) -> FormOutcome {
        if !matches!(self.submission, Submission::Checking { .. })
            || self.submission.request() != Some(request)
        {
            return FormOutcome::default();
        }
        *self.submission = Submission::Idle;
        match result {
            Ok(None) => FormOutcome::status("Cancelled — not created", Tone::Info),
            Ok(Some(found)) => {
                let id = sanitize(found.id.as_deref().unwrap_or("(no id)")).into_owned();
                let note = format!("cancelled, but the service had already created it: {id}");
                let raw = serde_json::to_value(&found).unwrap_or(serde_json::Value::Null);
                let result = ImportedDeviceIdentityResult {
                    identity: found,
                    status: None,
                };
                let entry = recent_entry(
                    ctx,
                    RecordedMethod::Checked,
                    result.clone(),
                    raw,
                    received_at,
                );
                *self.form = self.form.after_submit();
                FormOutcome {
                    status: vec![(note.clone(), Tone::Warning)],
                    recent: Some(entry.clone()),
                    detail: Some(DetailView {
                        result,
                        method: None,
                        found_existing: false,
                        request_id: None,
                        recorded_at: Some(received_at),
                        note: Some(note),
                        live_fetched_at: None,
                        provenance: ledger_detail::Provenance::Sent,
                    }),
                    effects: vec![
                        Effect::RecordRecent(entry),
                        Effect::Outbox(OutboxEffect::FinishDraft),
                    ],
                    ..FormOutcome::default()
                }
            }
            Err(error) => {
                let text = sanitize(&error.user_message()).into_owned();
                let message = format!("Cancelled; could not check whether it was created: {text}");
                *self.submit_error = Some(message.clone());
                FormOutcome::status(message, Tone::Error)
            }
        }
    }
}
