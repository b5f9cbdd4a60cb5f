//! The Sign-in screen: a 401 (after the transport's one renewal) opens it
//! with the identity waiting; approval sends that identity; Esc cancels;
//! `c` copies the code (or the browser sign-in's URL); failures can be
//! retried; a browser profile says so, and why it fell back to a code.
//! Snapshots at 80×24 and 60×20.

use crate::ui_support;

use crossterm::event::KeyCode;
use enroll_console::app::{
    App, Effect, Msg, Screen, SignInCode, SignInEffect, SignInMsg, SignInPhase,
};
use enroll_console::graph::{GraphError, UsedMethod};
use enroll_console::screens::render_to_string;
use ui_support::*;

const IMEI: &str = "490154203237518";

fn unauthorized() -> GraphError {
    GraphError::Service {
        status: 401,
        code: "InvalidAuthenticationToken".into(),
        message: "Access token has expired or is not valid yet.".into(),
        request_id: Some("req-1".into()),
        client_request_id: "crid-1".into(),
        retry_after_secs: None,
    }
}

fn code() -> SignInCode {
    SignInCode {
        user_code: "F7KQ2M9X".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        expires_in: 900,
    }
}

/// An app whose submission was refused with 401; returns its effects.
fn refused(available: bool) -> (App, Vec<Effect>) {
    let mut app = app().with_sign_in(available);
    type_text(&mut app, IMEI);
    let (request, _) = submitted(&app.update(ctrl('s'))).expect("submit");
    let effects = app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Err(unauthorized()),
    });
    (app, effects)
}

fn waiting() -> App {
    let (mut app, _) = refused(true);
    app.update(Msg::SignIn(SignInMsg::CodeReady(code())));
    app
}

#[test]
fn a_401_opens_sign_in_with_the_identity_waiting() {
    let (app, effects) = refused(true);
    assert_eq!(effects, vec![Effect::SignIn(SignInEffect::Start)]);
    assert_eq!(app.screen(), Screen::SignIn);
    let flow = app.sign_in().expect("flow");
    assert_eq!(flow.phase, SignInPhase::Requesting);
    assert_eq!(flow.pending.as_ref().map(|i| i.identifier()), Some(IMEI));
    assert!(!app.submission().is_busy());
    assert!(app.is_animating(), "the countdown needs ticks");
}

#[test]
fn without_interactive_sign_in_a_401_goes_to_the_outbox() {
    let (app, effects) = refused(false);
    assert!(!effects.iter().any(|e| matches!(e, Effect::SignIn(_))));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Outbox(_))),
        "{effects:?}"
    );
    assert_eq!(app.screen(), Screen::Form);
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("Sign-in missing or expired")
    );
}

#[test]
fn approval_sends_the_waiting_identity_without_retyping() {
    let mut app = waiting();
    let effects = app.update(Msg::SignIn(SignInMsg::Approved {
        account: Some("ana@contoso.test".into()),
        stored: Some("Tokens are kept in the test keychain.".into()),
    }));
    let (request, identity) = submitted(&effects).expect("resent");
    assert_eq!(identity.identifier(), IMEI);
    assert_eq!(app.screen(), Screen::Form);
    assert!(app.sign_in().is_none());
    // The answer to the resend is handled like any other.
    app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:20Z"),
        result: Ok(outcome(created_result(IMEI, "id-1"), UsedMethod::Create)),
    });
    assert_eq!(app.screen(), Screen::Detail);
}

#[test]
fn esc_cancels_and_keeps_the_form_c_copies_the_code() {
    let mut app = waiting();
    assert_eq!(
        app.update(key(KeyCode::Char('c'))),
        vec![Effect::SignIn(SignInEffect::Copy("F7KQ2M9X".into()))]
    );
    assert!(app.status().unwrap().text.contains("Copied"));
    assert_eq!(
        app.update(key(KeyCode::Esc)),
        vec![Effect::SignIn(SignInEffect::Cancel)]
    );
    assert_eq!(app.screen(), Screen::Form);
    // A late answer of the cancelled flow changes nothing.
    assert!(
        app.update(Msg::SignIn(SignInMsg::Approved {
            account: None,
            stored: None,
        }))
        .is_empty()
    );
    assert_eq!(app.screen(), Screen::Form);
    // The form still holds what was typed.
    let (_, identity) = submitted(&app.update(ctrl('s'))).expect("sent again");
    assert_eq!(identity.identifier(), IMEI);
}

#[test]
fn the_countdown_follows_the_ticks_and_a_failure_can_be_retried() {
    let mut app = waiting();
    for _ in 0..25 {
        app.update(Msg::Tick);
    }
    assert_eq!(app.sign_in().unwrap().seconds_left(app.tick()), Some(898));
    assert!(render_to_string(&app, 80, 24).contains("14:58"));

    app.update(Msg::SignIn(SignInMsg::Failed(
        "sign-in was declined".into(),
    )));
    assert!(matches!(
        app.sign_in().unwrap().phase,
        SignInPhase::Failed(_)
    ));
    assert!(app.update(key(KeyCode::Char('c'))).is_empty());
    assert_eq!(
        app.update(key(KeyCode::Enter)),
        vec![Effect::SignIn(SignInEffect::Start)]
    );
    assert_eq!(app.sign_in().unwrap().phase, SignInPhase::Requesting);
    assert!(app.sign_in().unwrap().pending.is_some());
}

#[test]
fn hostile_codes_are_shown_without_escapes() {
    let (mut app, _) = refused(true);
    app.update(Msg::SignIn(SignInMsg::CodeReady(SignInCode {
        user_code: "AB\u{1b}[2J\u{1b}]52;c;eA==\u{7}CD".into(),
        verification_uri: "https://x.test/\u{1b}[31mred".into(),
        expires_in: 60,
    })));
    let screen = render_to_string(&app, 80, 24);
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "{screen}"
    );
}

const AUTHORIZE: &str = "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=c&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A53123&state=s&code_challenge=x&code_challenge_method=S256";

/// A browser profile's app whose browser was opened.
fn in_browser() -> App {
    let mut app = app().with_sign_in(true).with_browser_sign_in(true);
    type_text(&mut app, IMEI);
    let (request, _) = submitted(&app.update(ctrl('s'))).expect("submit");
    app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Err(unauthorized()),
    });
    app.update(Msg::SignIn(SignInMsg::BrowserOpened {
        url: AUTHORIZE.into(),
        timeout_secs: 300,
    }));
    app
}

#[test]
fn the_browser_flow_shows_its_url_c_copies_it_and_no_browser_falls_back_to_a_code() {
    let mut app = in_browser();
    assert!(matches!(
        &app.sign_in().unwrap().phase,
        SignInPhase::Browser { url, timeout_secs: 300, .. } if url == AUTHORIZE
    ));
    assert_eq!(app.sign_in().unwrap().seconds_left(app.tick()), Some(300));
    let screen = render_to_string(&app, 100, 30);
    assert!(screen.contains("Sign in with the browser"), "{screen}");
    assert_eq!(
        app.update(key(KeyCode::Char('c'))),
        vec![Effect::SignIn(SignInEffect::Copy(AUTHORIZE.into()))]
    );

    let (mut fallback, _) = refused(true);
    fallback.update(Msg::SignIn(SignInMsg::BrowserUnavailable(
        "no display to open a browser on".into(),
    )));
    fallback.update(Msg::SignIn(SignInMsg::CodeReady(code())));
    let screen = render_to_string(&fallback, 100, 30);
    assert!(
        screen.contains("No browser could be opened (no display to open a browser on)")
            && screen.contains("F 7 K Q 2 M 9 X"),
        "{screen}"
    );
}

#[test]
fn snapshots() {
    let sizes = [(80, 24), (60, 20)];
    let (requesting, _) = refused(true);
    let mut failed = waiting();
    failed.update(Msg::SignIn(SignInMsg::Failed(
        "the sign-in code expired before it was used; start again".into(),
    )));
    for (name, app) in [
        ("sign_in_requesting", &requesting),
        ("sign_in_waiting", &waiting()),
        ("sign_in_failed", &failed),
        ("sign_in_browser", &in_browser()),
    ] {
        for (w, h) in sizes {
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), render_to_string(app, w, h));
        }
    }
}
