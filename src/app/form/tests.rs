//! State tests of the Form feature's submission: a send, Esc (once or
//! again while the cancel and the check run), then the runtime's answers
//! in the orders they can come.

use super::*;
use crate::app::msg::{Effect, RequestId};
use crate::app::outbox::OutboxEffect;
use crate::domain::{ImportedDeviceIdentityResult, RecordedMethod};
use crate::graph::{SubmitOutcome, UsedMethod};
use crate::widgets::Tone;

const IMEI: &str = "490154203237518";

/// What the app holds for the Form feature.
struct Held {
    form: FormState,
    submission: Submission,
    submit_error: Option<String>,
    next_request: RequestId,
    route_notice_shown: bool,
}

impl Held {
    /// `IMEI` being sent: the app and the request.
    fn sending() -> (Held, RequestId) {
        let mut held = Held {
            form: FormState::new(),
            submission: Submission::Idle,
            submit_error: None,
            next_request: 7,
            route_notice_shown: false,
        };
        let outcome = held.feature().send(identity(), &ctx());
        let request = match outcome.effects.as_slice() {
            [Effect::Submit { request, identity }] if identity.identifier() == IMEI => *request,
            other => panic!("{other:?}"),
        };
        (held, request)
    }

    fn feature(&mut self) -> FormFeature<'_> {
        FormFeature {
            form: &mut self.form,
            submission: &mut self.submission,
            submit_error: &mut self.submit_error,
            next_request: &mut self.next_request,
            route_notice_shown: &mut self.route_notice_shown,
        }
    }

    /// Esc while sending: the runtime is asked to stop the task.
    fn esc(&mut self, request: RequestId) {
        let outcome = self.feature().cancel();
        assert_eq!(outcome.effects, vec![Effect::CancelSubmit { request }]);
        assert!(matches!(self.submission, Submission::Cancelling { .. }));
    }

    /// Esc while the cancel or the check runs: only the status says so;
    /// the submission waits for its answer as before.
    fn esc_again(&mut self) {
        let before = self.submission.clone();
        let outcome = self.feature().cancel();
        let expected = FormOutcome {
            status: vec![(
                "Still checking whether it was created…".to_string(),
                Tone::Info,
            )],
            ..FormOutcome::default()
        };
        assert_eq!(outcome, expected);
        assert_eq!(self.submission, before);
        assert!(self.submission.is_busy(), "the form stays locked");
    }

    /// The runtime stopped the task: the check is asked for.
    fn stopped(&mut self, request: RequestId) {
        let outcome = self.feature().stopped(request);
        assert!(
            matches!(outcome.effects.as_slice(), [Effect::CheckOutcome { request: r, identity }] if *r == request && identity.identifier() == IMEI),
            "{outcome:?}"
        );
        assert!(matches!(self.submission, Submission::Checking { .. }));
    }

    /// The task's answer to `request`.
    fn finished(
        &mut self,
        request: RequestId,
        result: Result<SubmitOutcome, crate::graph::GraphError>,
    ) -> FormOutcome {
        self.feature()
            .finished(request, received_at(), result, &ctx())
    }

    fn checked(
        &mut self,
        request: RequestId,
        found: Option<ImportedDeviceIdentity>,
    ) -> FormOutcome {
        self.feature()
            .checked(request, received_at(), Ok(found), &ctx())
    }
}

fn ctx() -> FormCtx {
    FormCtx {
        profile: "sandbox".into(),
        tick: 0,
        paused: false,
        sign_in_available: false,
        on_form: true,
    }
}

fn identity() -> ImportedDeviceIdentity {
    ImportedDeviceIdentity::new(
        IMEI,
        crate::domain::ImportedDeviceIdentityType::Imei,
        crate::domain::Platform::Android,
    )
}

/// `identity` as the service holds it once created.
fn created() -> ImportedDeviceIdentity {
    let mut identity = identity();
    identity.id = Some("id-1".into());
    identity
}

fn received_at() -> DateTimeOffset {
    DateTimeOffset::parse("2024-05-01T09:30:13Z").expect("a fixed time")
}

#[test]
fn esc_once_the_check_answered_does_nothing() {
    let (mut held, request) = Held::sending();
    held.esc(request);
    held.stopped(request);
    held.checked(request, None);
    assert_eq!(held.feature().cancel(), FormOutcome::default());
    assert_eq!(held.submission, Submission::Idle);
}

#[test]
fn a_second_esc_while_cancelling_or_checking_keeps_the_check() {
    let (mut held, request) = Held::sending();
    held.esc(request);
    held.esc_again();
    held.stopped(request);
    held.esc_again();
    let outcome = held.checked(request, None);
    assert_eq!(
        outcome.status,
        vec![("Cancelled — not created".to_string(), Tone::Info)]
    );
    assert_eq!(held.submission, Submission::Idle);
}

#[test]
fn a_second_esc_while_checking_still_shows_what_the_service_created() {
    let (mut held, request) = Held::sending();
    held.esc(request);
    held.stopped(request);
    held.esc_again();
    let outcome = held.checked(request, Some(created()));
    assert!(
        matches!(outcome.effects.as_slice(), [Effect::RecordRecent(e), Effect::Outbox(OutboxEffect::FinishDraft)] if e.method == RecordedMethod::Checked),
        "{outcome:?}"
    );
    assert!(outcome.detail.is_some());
    assert_eq!(held.submission, Submission::Idle);
}

/// A service error as the task ended it: `status` 503 (the outcome is
/// unknown) or 400 (refused: nothing was created).
fn failed(status: u16) -> crate::graph::GraphError {
    crate::graph::GraphError::Service {
        status,
        code: String::new(),
        message: "boom".into(),
        request_id: None,
        client_request_id: "c-1".into(),
        retry_after_secs: None,
    }
}

#[test]
fn a_cancelled_send_that_failed_with_an_unknown_outcome_is_checked() {
    let (mut held, request) = Held::sending();
    held.esc(request);
    let outcome = held.finished(request, Err(failed(503)));
    assert!(
        matches!(outcome.effects.as_slice(), [Effect::CheckOutcome { request: r, .. }] if *r == request),
        "{outcome:?}"
    );
    assert!(outcome.hand_off.is_none(), "{outcome:?}");
    assert!(matches!(held.submission, Submission::Checking { .. }));
    let outcome = held.checked(request, Some(created()));
    assert!(outcome.detail.is_some(), "{outcome:?}");
}

#[test]
fn a_cancelled_send_the_service_refused_is_not_created() {
    let (mut held, request) = Held::sending();
    held.esc(request);
    let outcome = held.finished(request, Err(failed(400)));
    assert!(outcome.effects.is_empty(), "{outcome:?}");
    assert_eq!(outcome.status.len(), 1, "{outcome:?}");
    assert!(outcome.status[0].0.starts_with("Cancelled — not created"));
    assert_eq!(held.submission, Submission::Idle);
}

#[test]
fn after_a_second_esc_a_result_already_on_its_way_is_the_outcome() {
    let (mut held, request) = Held::sending();
    held.esc(request);
    held.esc_again();
    // The task had finished before it could be stopped.
    let result = ImportedDeviceIdentityResult {
        identity: created(),
        status: None,
    };
    let answer = SubmitOutcome {
        raw: serde_json::Value::Null,
        result,
        method: UsedMethod::Create,
        switched_to_import: false,
        create_unusable: None,
        found_existing: false,
        request_id: None,
    };
    let outcome = held.finished(request, Ok(answer));
    assert!(
        outcome.recent.is_some() && outcome.detail.is_some(),
        "{outcome:?}"
    );
    assert_eq!(held.submission, Submission::Idle);
    // A cancel report that comes after it is ignored.
    assert_eq!(held.feature().stopped(request), FormOutcome::default());
}
