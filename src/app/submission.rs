//! A submission's life: Idle → Sending → (finished) Idle, or Sending →
//! Cancelling → Checking → Idle when the user cancels; the outcome of a
//! cancelled submission is checked with the service, never assumed.

use super::msg::{Effect, RequestId};
use super::{App, DetailView, Screen};
use crate::domain::{
    DateTimeOffset, ImportedDeviceIdentity, ImportedDeviceIdentityResult, RecordedMethod,
};
use crate::graph::{GraphError, SubmitOutcome, UsedMethod};
use crate::model::RecentEntry;
use crate::sanitize::sanitize;
use crate::widgets::Tone;

/// Shown once when auto mode had to fall back to the import action.
pub const CREATE_ROUTE_MISSING_NOTICE: &str = "The create route is not available on this service: sent with importDeviceIdentityList (remembered)";

/// The notice when create answered a server error and import was used.
pub fn create_unusable_notice(why: Option<crate::graph::CreateUnusable>) -> String {
    match why {
        Some(crate::graph::CreateUnusable::ServerError(status)) => format!(
            "Create answered {status} and nothing was created: sent with importDeviceIdentityList (remembered)"
        ),
        _ => CREATE_ROUTE_MISSING_NOTICE.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    Idle,
    Sending {
        request: RequestId,
        identity: ImportedDeviceIdentity,
        started_tick: u64,
    },
    /// Esc was pressed; waiting for the runtime to stop the task.
    Cancelling {
        request: RequestId,
        identity: ImportedDeviceIdentity,
        started_tick: u64,
    },
    /// Asking the service whether the cancelled identity was created.
    Checking {
        request: RequestId,
        identity: ImportedDeviceIdentity,
        started_tick: u64,
    },
}

impl Submission {
    pub fn request(&self) -> Option<RequestId> {
        match self {
            Submission::Idle => None,
            Submission::Sending { request, .. }
            | Submission::Cancelling { request, .. }
            | Submission::Checking { request, .. } => Some(*request),
        }
    }

    /// The identity being sent (or checked).
    pub fn identity(&self) -> Option<&ImportedDeviceIdentity> {
        match self {
            Submission::Idle => None,
            Submission::Sending { identity, .. }
            | Submission::Cancelling { identity, .. }
            | Submission::Checking { identity, .. } => Some(identity),
        }
    }

    pub fn is_busy(&self) -> bool {
        !matches!(self, Submission::Idle)
    }

    pub fn is_sending(&self) -> bool {
        matches!(self, Submission::Sending { .. })
    }

    /// What runs, as the status bar says it (without the spinner).
    pub fn activity(&self, tick: u64) -> Option<String> {
        match self {
            Submission::Idle => None,
            Submission::Sending { started_tick, .. } => Some(format!(
                "sending {}",
                crate::widgets::spinner::elapsed(
                    tick.saturating_sub(*started_tick),
                    super::TICK_MS
                )
            )),
            Submission::Cancelling { .. } => Some("cancelling…".to_string()),
            Submission::Checking { .. } => Some("checking whether it was created…".to_string()),
        }
    }
}

/// The method a sent identity is recorded with in Recent and on Detail.
pub fn recorded_method(method: UsedMethod) -> RecordedMethod {
    match method {
        UsedMethod::Create => RecordedMethod::Create,
        UsedMethod::Import => RecordedMethod::Import,
    }
}

impl App {
    pub(super) fn submit(&mut self) -> Vec<Effect> {
        if self.submission.is_busy() {
            return Vec::new();
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
                self.set_status(
                    format!("Not sent — {}: {reason}", field.label()),
                    Tone::Error,
                );
                Vec::new()
            }
            Ok(identity) if self.outbox.paused() => {
                self.queue_from_form(identity, "offline: sending paused".to_string(), false)
            }
            Ok(identity) => self.send_identity(identity),
        }
    }

    /// Starts sending `identity` (typed now, or waiting for a sign-in).
    pub(super) fn send_identity(&mut self, identity: ImportedDeviceIdentity) -> Vec<Effect> {
        let request = self.next_request;
        self.next_request = self.next_request.wrapping_add(1);
        self.submit_error = None;
        self.set_status(format!("Sending {}…", identity.identifier()), Tone::Info);
        self.submission = Submission::Sending {
            request,
            identity: identity.clone(),
            started_tick: self.tick,
        };
        vec![Effect::Submit { request, identity }]
    }

    pub(super) fn cancel_submit(&mut self) -> Vec<Effect> {
        let Submission::Sending {
            request,
            identity,
            started_tick,
        } = std::mem::replace(&mut self.submission, Submission::Idle)
        else {
            return Vec::new();
        };
        self.submission = Submission::Cancelling {
            request,
            identity,
            started_tick,
        };
        self.set_status("Cancelling…", Tone::Warning);
        vec![Effect::CancelSubmit { request }]
    }

    fn recent_entry(
        &self,
        method: RecordedMethod,
        result: ImportedDeviceIdentityResult,
        raw: serde_json::Value,
        at: DateTimeOffset,
    ) -> RecentEntry {
        RecentEntry {
            recorded_at: at,
            profile: self.info.profile.clone(),
            method,
            result,
            raw,
            origin: "form".to_string(),
            item_id: None,
            live: None,
        }
    }

    fn show_detail_after_submit(&mut self, detail: DetailView) {
        self.detail = Some(detail);
        self.detail_back = Screen::Form;
        self.screen = Screen::Detail;
        self.help_open = false;
    }

    pub(super) fn on_submit_finished(
        &mut self,
        request: RequestId,
        received_at: DateTimeOffset,
        result: Result<SubmitOutcome, GraphError>,
    ) -> Vec<Effect> {
        if self.submission.request() != Some(request) {
            return Vec::new();
        }
        let sent = match std::mem::replace(&mut self.submission, Submission::Idle) {
            Submission::Sending { identity, .. } => Some(identity),
            _ => None,
        };
        let outcome = match (result, sent) {
            (Ok(outcome), _) => outcome,
            (Err(error), Some(identity)) if error.is_auth() && self.sign_in_available => {
                // The transport already renewed once: the user signs in and
                // the identity, kept here, is sent afterwards.
                let why = format!("Sign-in needed: {}", error.user_message());
                return self.begin_sign_in(Some(identity), &why);
            }
            (Err(error), Some(identity)) if super::outbox::belongs_in_outbox(&error) => {
                let reason = error.user_message();
                return self.queue_from_form(identity, reason, error.outcome_unknown());
            }
            (Err(error), _) => {
                let text = sanitize(&error.user_message()).into_owned();
                self.set_status(format!("Not created: {text}"), Tone::Error);
                self.submit_error = Some(text);
                return Vec::new();
            }
        };
        let entry = self.recent_entry(
            recorded_method(outcome.method),
            outcome.result.clone(),
            outcome.raw.clone(),
            received_at,
        );
        self.recent.push_front(entry.clone());
        let mut effects = vec![Effect::RecordRecent(entry)];
        if outcome.found_existing || outcome.result.succeeded() {
            effects.push(Effect::Outbox(super::outbox::OutboxEffect::FinishDraft));
        }
        let id = sanitize(outcome.result.identity.id.as_deref().unwrap_or("(no id)")).into_owned();
        let identifier = sanitize(outcome.result.identity.identifier()).into_owned();
        if outcome.found_existing {
            self.set_status(
                format!("{identifier} already existed ({id}); not sent again"),
                Tone::Warning,
            );
            self.form = self.form.after_submit();
        } else if outcome.result.succeeded() {
            self.set_status(format!("Created {identifier} — id {id}"), Tone::Success);
            self.form = self.form.after_submit();
        } else {
            self.set_status(
                format!("{identifier} not imported: the service returned status false"),
                Tone::Error,
            );
        }
        if outcome.switched_to_import && !self.create_route_notice_shown {
            self.create_route_notice_shown = true;
            self.set_status(
                create_unusable_notice(outcome.create_unusable),
                Tone::Warning,
            );
            effects.push(Effect::RememberCreateRouteMissing {
                profile: self.info.profile.clone(),
            });
        }
        self.show_detail_after_submit(DetailView::from_outcome(&outcome, received_at));
        effects
    }

    pub(super) fn on_submit_cancelled(&mut self, request: RequestId) -> Vec<Effect> {
        let Submission::Cancelling {
            request: current,
            identity,
            started_tick,
        } = &self.submission
        else {
            return Vec::new();
        };
        if *current != request {
            return Vec::new();
        }
        let identity = identity.clone();
        self.submission = Submission::Checking {
            request,
            identity: identity.clone(),
            started_tick: *started_tick,
        };
        self.set_status(
            "Cancelled; checking whether the service created it…",
            Tone::Warning,
        );
        vec![Effect::CheckOutcome { request, identity }]
    }

    pub(super) fn on_submit_checked(
        &mut self,
        request: RequestId,
        received_at: DateTimeOffset,
        result: Result<Option<ImportedDeviceIdentity>, GraphError>,
    ) -> Vec<Effect> {
        if !matches!(self.submission, Submission::Checking { .. })
            || self.submission.request() != Some(request)
        {
            return Vec::new();
        }
        self.submission = Submission::Idle;
        match result {
            Ok(None) => {
                self.set_status("Cancelled — not created", Tone::Info);
                Vec::new()
            }
            Ok(Some(found)) => {
                let id = sanitize(found.id.as_deref().unwrap_or("(no id)")).into_owned();
                let note = format!("cancelled, but the service had already created it: {id}");
                self.set_status(note.clone(), Tone::Warning);
                let raw = serde_json::to_value(&found).unwrap_or(serde_json::Value::Null);
                let result = ImportedDeviceIdentityResult {
                    identity: found,
                    status: None,
                };
                let entry =
                    self.recent_entry(RecordedMethod::Checked, result.clone(), raw, received_at);
                self.recent.push_front(entry.clone());
                self.form = self.form.after_submit();
                self.show_detail_after_submit(DetailView {
                    result,
                    method: None,
                    found_existing: false,
                    request_id: None,
                    recorded_at: Some(received_at),
                    note: Some(note),
                    live_fetched_at: None,
                    provenance: super::ledger_detail::Provenance::Sent,
                });
                vec![
                    Effect::RecordRecent(entry),
                    Effect::Outbox(super::outbox::OutboxEffect::FinishDraft),
                ]
            }
            Err(error) => {
                let text = sanitize(&error.user_message()).into_owned();
                let message = format!("Cancelled; could not check whether it was created: {text}");
                self.set_status(message.clone(), Tone::Error);
                self.submit_error = Some(message);
                Vec::new()
            }
        }
    }
}
