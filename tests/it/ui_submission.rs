//! Submission results on the pure `update`: success, status false, errors,
//! the switch to import, cancel and the check that follows.

use crate::ui_support;

use crossterm::event::KeyCode;
use enroll_console::app::form::submission::CREATE_ROUTE_MISSING_NOTICE;
use enroll_console::app::{App, Effect, FieldId, Msg, OutboxEffect, Screen, Submission};
use enroll_console::domain::{Platform, RecordedMethod};
use enroll_console::graph::UsedMethod;
use enroll_console::screens::render_to_string;
use enroll_console::widgets::Tone;
use ui_support::*;

fn sending_app() -> (App, u64) {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    let (request, _) = submitted(&app.update(ctrl('s'))).expect("submit");
    (app, request)
}

#[test]
fn a_second_ctrl_s_while_sending_does_nothing_and_the_form_is_locked() {
    let (mut app, _) = sending_app();
    assert!(app.update(ctrl('s')).is_empty());
    type_text(&mut app, "9");
    assert_eq!(app.form().identifier.value(), "490154203237518");
}

#[test]
fn success_opens_detail_records_recent_and_f2_gives_an_empty_form() {
    let (mut app, request) = sending_app();
    let result = created_result("490154203237518", "b6f3e8a0-51d4-4c1e-9a57-3c1f0e2d7a11");
    let effects = app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(outcome(result.clone(), UsedMethod::Create)),
    });
    assert!(
        matches!(effects.as_slice(), [Effect::RecordRecent(e), Effect::Outbox(OutboxEffect::FinishDraft)] if e.result == result && e.method == RecordedMethod::Create)
    );
    assert_eq!(app.screen(), Screen::Detail);
    assert_eq!(app.detail().map(|d| &d.result), Some(&result));
    assert_eq!(app.submission(), &Submission::Idle);
    assert_eq!(app.recent().len(), 1);
    assert_eq!(app.status().map(|s| s.tone), Some(Tone::Success));
    app.update(key(KeyCode::F(2)));
    assert_eq!(app.screen(), Screen::Form);
    assert_eq!(app.form().identifier.value(), "");
    assert_eq!(app.form().focus(), FieldId::Identifier);
}

#[test]
fn after_a_submit_the_batch_settings_stay_and_the_per_device_fields_clear() {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    app.update(key(KeyCode::Tab)); // Type
    app.update(key(KeyCode::Right)); // IMEI
    app.update(key(KeyCode::Tab)); // Platform
    app.update(key(KeyCode::Right));
    app.update(key(KeyCode::Tab)); // Enrollment state
    app.update(key(KeyCode::Right));
    app.update(key(KeyCode::Tab));
    type_text(&mut app, "Store 12");
    app.update(key(KeyCode::Tab));
    type_text(&mut app, "2024-05-01");
    let before = app.form().clone();
    assert_ne!(before.effective_platform(), Platform::Unknown);
    let (request, sent) = submitted(&app.update(ctrl('s'))).expect("submit");
    assert_eq!(
        sent.last_contacted_date_time.map(|d| d.to_string()),
        Some("2024-05-01T00:00:00Z".to_string()),
        "a bare date is midnight UTC"
    );
    app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(outcome(
            created_result("490154203237518", "b6f3e8a0-51d4-4c1e-9a57-3c1f0e2d7a11"),
            UsedMethod::Create,
        )),
    });
    app.update(key(KeyCode::F(2)));
    let after = app.form();
    assert_eq!(after.identifier.value(), "");
    assert_eq!(after.last_contacted.value(), "");
    assert_eq!(after.type_choice.selected(), before.type_choice.selected());
    assert_eq!(after.effective_platform(), before.effective_platform());
    assert_eq!(
        after.enrollment_state.selected(),
        before.enrollment_state.selected()
    );
    assert_eq!(after.description.value(), "Store 12");
    assert_eq!(after.focus(), FieldId::Identifier);
    assert!(after.is_blank(), "a carried-over description is no draft");
}

#[test]
fn status_false_is_shown_as_a_failure_and_keeps_the_form() {
    let (mut app, request) = sending_app();
    let mut result = created_result("490154203237518", "b6f3e8a0-51d4-4c1e-9a57-3c1f0e2d7a11");
    result.status = Some(false);
    let effects = app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(outcome(result, UsedMethod::Import)),
    });
    assert!(
        matches!(effects.as_slice(), [Effect::RecordRecent(e)] if e.method == RecordedMethod::Import)
    );
    assert_eq!(app.screen(), Screen::Detail);
    assert_eq!(app.status().map(|s| s.tone), Some(Tone::Error));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen(), Screen::Form);
    assert_eq!(app.form().identifier.value(), "490154203237518");
}

#[test]
fn switching_to_import_is_remembered_and_announced_once() {
    let (mut app, request) = sending_app();
    let mut switched = outcome(
        created_result("490154203237518", "id-1"),
        UsedMethod::Import,
    );
    switched.switched_to_import = true;
    let effects = app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(switched.clone()),
    });
    assert!(effects.contains(&Effect::RememberCreateRouteMissing {
        profile: "sandbox".into()
    }));
    assert_eq!(
        app.status().map(|s| s.text.as_str()),
        Some(CREATE_ROUTE_MISSING_NOTICE)
    );

    app.update(key(KeyCode::F(2)));
    type_text(&mut app, "35209900176148");
    let (request, _) = submitted(&app.update(ctrl('s'))).expect("submit");
    let effects = app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:31:00Z"),
        result: Ok(switched),
    });
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RememberCreateRouteMissing { .. }))
    );
    assert_ne!(
        app.status().map(|s| s.text.as_str()),
        Some(CREATE_ROUTE_MISSING_NOTICE)
    );
}

#[test]
fn esc_while_sending_cancels_then_the_outcome_is_checked() {
    let (mut app, request) = sending_app();
    assert_eq!(
        app.update(key(KeyCode::Esc)),
        vec![Effect::CancelSubmit { request }]
    );
    assert_eq!(app.screen(), Screen::Form);
    let effects = app.update(Msg::SubmitCancelled { request });
    assert!(
        matches!(effects.as_slice(), [Effect::CheckOutcome { request: r, identity }] if *r == request && identity.identifier() == "490154203237518")
    );
    let effects = app.update(Msg::SubmitChecked {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(None),
    });
    assert!(effects.is_empty());
    assert_eq!(app.submission(), &Submission::Idle);
    assert!(app.status().is_some_and(|s| s.text.contains("not created")));
    assert_eq!(
        app.form().identifier.value(),
        "490154203237518",
        "the form is kept"
    );
}

#[test]
fn esc_again_while_cancelling_or_checking_keeps_the_check_and_the_form_locked() {
    let (mut app, request) = sending_app();
    app.update(key(KeyCode::Esc));
    let still = |app: &mut App| {
        assert!(app.update(key(KeyCode::Esc)).is_empty());
        let status = app.status().expect("a status");
        assert_eq!(
            (status.text.as_str(), status.tone),
            ("Still checking whether it was created…", Tone::Info)
        );
        // Shown as a toast over the form.
        let screen = render_to_string(app, 80, 24);
        assert!(screen.contains("Still checking whether it was"), "{screen}");
        type_text(app, "9");
        assert_eq!(app.form().identifier.value(), "490154203237518", "locked");
    };
    still(&mut app);
    assert!(matches!(app.submission(), Submission::Cancelling { .. }));
    let effects = app.update(Msg::SubmitCancelled { request });
    assert!(
        matches!(effects.as_slice(), [Effect::CheckOutcome { request: r, .. }] if *r == request),
        "{effects:?}"
    );
    still(&mut app);
    assert!(matches!(app.submission(), Submission::Checking { .. }));
    app.update(Msg::SubmitChecked {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(None),
    });
    assert_eq!(app.submission(), &Submission::Idle);
    assert!(app.status().is_some_and(|s| s.text.contains("not created")));
}

#[test]
fn a_cancelled_submission_that_was_created_opens_detail() {
    let (mut app, request) = sending_app();
    app.update(key(KeyCode::Esc));
    app.update(Msg::SubmitCancelled { request });
    let found = created_result("490154203237518", "b6f3e8a0-51d4-4c1e-9a57-3c1f0e2d7a11").identity;
    let effects = app.update(Msg::SubmitChecked {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(Some(found)),
    });
    assert!(matches!(
        effects.as_slice(),
        [
            Effect::RecordRecent(e),
            Effect::Outbox(OutboxEffect::FinishDraft)
        ] if e.method == RecordedMethod::Checked
    ));
    assert_eq!(app.screen(), Screen::Detail);
    assert!(
        app.status()
            .is_some_and(|s| s.text.contains("had already created it: b6f3e8a0"))
    );
}

#[test]
fn a_result_that_arrives_while_cancelling_is_the_outcome() {
    let (mut app, request) = sending_app();
    app.update(key(KeyCode::Esc));
    app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(outcome(
            created_result("490154203237518", "id-1"),
            UsedMethod::Create,
        )),
    });
    assert_eq!(app.screen(), Screen::Detail);
    // The late cancel report is ignored.
    assert!(app.update(Msg::SubmitCancelled { request }).is_empty());
    assert_eq!(app.submission(), &Submission::Idle);
}

#[test]
fn results_of_an_unknown_request_are_ignored() {
    let (mut app, request) = sending_app();
    let effects = app.update(Msg::SubmitFinished {
        request: request + 1,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(outcome(created_result("1", "x"), UsedMethod::Create)),
    });
    assert!(effects.is_empty());
    assert!(matches!(app.submission(), Submission::Sending { .. }));
}

#[test]
fn an_error_keeps_the_form_and_shows_the_service_message() {
    use enroll_console::graph::GraphError;
    let (mut app, request) = sending_app();
    let effects = app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Err(GraphError::Service {
            status: 400,
            code: "BadRequest".into(),
            message: "IMEI must be numeric\u{1b}[2J".into(),
            request_id: Some("req-1".into()),
            client_request_id: "client-1".into(),
            retry_after_secs: None,
        }),
    });
    assert!(effects.is_empty());
    assert_eq!(app.screen(), Screen::Form);
    assert_eq!(app.form().identifier.value(), "490154203237518");
    assert_eq!(app.submission(), &Submission::Idle);
    let error = app.submit_error().expect("the error panel");
    assert!(error.contains("IMEI must be numeric"), "{error}");
    assert!(!error.contains('\u{1b}'));
    assert_eq!(app.status().map(|s| s.tone), Some(Tone::Error));
    // The next submit clears the panel.
    app.update(ctrl('s'));
    assert_eq!(app.submit_error(), None);
}
