//! A submission's life: Idle → Sending → (finished) Idle, or Sending →
//! Cancelling → Checking → Idle when the user cancels; the outcome of a
//! cancelled submission is checked with the service, never assumed (Esc
//! again while cancelling or checking changes nothing). What the app does
//! with the answers is in `sending`.

use crate::app::msg::{Effect, RequestId};
use crate::domain::{ImportedDeviceIdentity, RecordedMethod};
use crate::graph::UsedMethod;

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
                    crate::app::TICK_MS
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

impl Submission {
    /// Starts sending `identity` as `request`: the effect to run.
    pub fn start(
        &mut self,
        request: RequestId,
        identity: ImportedDeviceIdentity,
        tick: u64,
    ) -> Effect {
        *self = Submission::Sending {
            request,
            identity: identity.clone(),
            started_tick: tick,
        };
        Effect::Submit { request, identity }
    }

    /// Esc while sending: asks the runtime to stop the task. `None` when
    /// nothing is being sent; the submission is then left as it is (idle,
    /// or still cancelling or checking: the check must still come).
    pub fn cancel(&mut self) -> Option<Effect> {
        let Submission::Sending {
            request,
            identity,
            started_tick,
        } = &*self
        else {
            return None;
        };
        let request = *request;
        *self = Submission::Cancelling {
            request,
            identity: identity.clone(),
            started_tick: *started_tick,
        };
        Some(Effect::CancelSubmit { request })
    }

    /// The task of `request` was stopped: ask the service whether the
    /// identity was created (`None` when this is not the one cancelling).
    pub fn stopped(&mut self, request: RequestId) -> Option<Effect> {
        let Submission::Cancelling {
            request: current,
            identity,
            started_tick,
        } = &*self
        else {
            return None;
        };
        if *current != request {
            return None;
        }
        let identity = identity.clone();
        *self = Submission::Checking {
            request,
            identity: identity.clone(),
            started_tick: *started_tick,
        };
        Some(Effect::CheckOutcome { request, identity })
    }
}
