//! Every screen draws at any size without panicking, and hostile text from
//! the service, the store or a paste reaches the buffer only as printable text.

use crate::ui_support;

use crossterm::event::KeyCode;
use enroll_console::app::{App, Msg, OutboxMsg, SignInCode, SignInMsg};
use enroll_console::domain::ImportedDeviceIdentityResult;
use enroll_console::graph::GraphError;
use enroll_console::graph::UsedMethod;
use enroll_console::screens::{MIN_HEIGHT, MIN_WIDTH, render_to_string};
use enroll_console::store::RecentEntry;
use proptest::prelude::*;
use ui_support::*;

/// The app in each state worth drawing.
fn states() -> Vec<App> {
    let mut states = Vec::new();
    states.push(app());

    let mut form_error = app();
    type_text(&mut form_error, "490154203237517");
    form_error.update(ctrl('s'));
    states.push(form_error);

    let mut picker = app();
    send(&mut picker, [key(KeyCode::Tab), key(KeyCode::Enter)]);
    states.push(picker);

    let mut sending = app();
    type_text(&mut sending, "490154203237518");
    sending.update(ctrl('s'));
    sending.update(Msg::Tick);
    states.push(sending);

    let mut detail = app();
    type_text(&mut detail, "490154203237518");
    let (request, _) = submitted(&detail.update(ctrl('s'))).expect("submit");
    detail.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(outcome(
            created_result("490154203237518", "id-1"),
            UsedMethod::Create,
        )),
    });
    states.push(detail);

    let mut list = app();
    list.update(Msg::RecentLoaded(recent_entries()));
    list.update(key(KeyCode::F(4)));
    states.push(list);

    let mut help = app();
    help.update(key(KeyCode::F(1)));
    states.push(help);

    // The Tenant tab, its Detail, and the Detail's dialogs.
    states.push(tenant_loaded(25));
    let tenant_detail = || {
        let mut app = tenant_loaded(25);
        send(&mut app, [key(KeyCode::Enter)]);
        app
    };
    states.push(tenant_detail());
    let mut editing = tenant_detail();
    send(&mut editing, [key(KeyCode::Char('e'))]);
    states.push(editing);
    let mut deleting = tenant_detail();
    send(&mut deleting, [key(KeyCode::Char('d'))]);
    states.push(deleting);

    // The Drafts/Outbox tab with items.
    let mut outbox = app();
    outbox.update(Msg::Outbox(OutboxMsg::Loaded {
        items: Vec::new(),
        counts: Default::default(),
    }));
    send(&mut outbox, [key(KeyCode::F(4)), key(KeyCode::Char('3'))]);
    states.push(outbox);

    // Import: the prompt, then the preview of a file.
    let mut import = app();
    send(&mut import, [key(KeyCode::F(7))]);
    type_text(&mut import, "devices.csv");
    states.push(import);
    let mut preview = app();
    load_import_preview(&mut preview);
    states.push(preview);

    // Scan mode.
    let mut scan = app();
    send(&mut scan, [key(KeyCode::F(3))]);
    states.push(scan);

    // Sign-in, waiting for approval of a code.
    states.push(signing_in());

    // A toast over the form, and the message log (F9) with a long message.
    let mut toast = app();
    type_text(&mut toast, "490154203237518");
    toast.update(ctrl('d'));
    states.push(toast);
    let mut log = app();
    log.update(store_failed(&"disk full ".repeat(40)));
    log.update(ctrl('d'));
    log.update(key(KeyCode::F(9)));
    states.push(log);
    states
}

fn signing_in() -> App {
    let mut app = app().with_sign_in(true);
    type_text(&mut app, "490154203237518");
    let (request, _) = submitted(&app.update(ctrl('s'))).expect("submit");
    app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Err(GraphError::Service {
            status: 401,
            code: "InvalidAuthenticationToken".into(),
            message: "Access token has expired or is not valid yet.".into(),
            request_id: None,
            client_request_id: "crid-1".into(),
            retry_after_secs: None,
        }),
    });
    app.update(Msg::SignIn(SignInMsg::CodeReady(SignInCode {
        user_code: "F7KQ2M9X".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        expires_in: 900,
    })));
    app
}

/// The Tenant tab with `n` identities loaded.
fn tenant_loaded(n: usize) -> App {
    let mut app = app();
    load_tenant(&mut app, (0..n).map(tenant_identity).collect());
    app
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_screen_renders_at_any_size(width in 1u16..=300, height in 1u16..=100) {
        for app in states() {
            let text = render_to_string(&app, width, height);
            prop_assert_eq!(text.lines().count(), usize::from(height));
        }
    }
}

#[test]
fn too_small_terminals_ask_for_a_larger_window() {
    let states = states();
    let screens: std::collections::BTreeSet<String> =
        states.iter().map(|a| format!("{:?}", a.screen())).collect();
    for screen in ["Import", "Scan", "SignIn", "Detail", "List", "Form"] {
        assert!(screens.contains(screen), "{screen} not drawn: {screens:?}");
    }
    for app in states {
        for (w, h) in [(MIN_WIDTH - 1, 24), (80, MIN_HEIGHT - 1), (30, 8)] {
            let text = render_to_string(&app, w, h)
                .split_whitespace()
                .collect::<String>();
            assert!(text.contains("larger"), "{w}x{h}: {text}");
        }
        let text = render_to_string(&app, MIN_WIDTH, MIN_HEIGHT);
        assert!(!text.contains("Please make the window larger"), "{text}");
    }
}

#[test]
fn tiny_and_boundary_sizes_render() {
    for app in states() {
        for (w, h) in [
            (1, 1),
            (2, 1),
            (1, 2),
            (39, 10),
            (40, 9),
            (40, 10),
            (41, 11),
            (300, 100),
        ] {
            render_to_string(&app, w, h);
        }
    }
}

const HOSTILE: &str =
    "\u{1b}]0;pwned\u{7}\u{1b}[2J\0evil\u{202E}txt.exe\u{2066}\u{9b}31m\u{1b}P1$r\u{1b}\\";

fn hostile_entry() -> RecentEntry {
    let mut entry = recent_entries().remove(0);
    let identity = &mut entry.result.identity;
    identity.id = Some(format!("id{HOSTILE}"));
    identity.imported_device_identifier = Some(format!("4901{HOSTILE}"));
    identity.description = Some(format!("desc{HOSTILE}"));
    identity.platform = Some(enroll_console::domain::Platform::Other(HOSTILE.into()));
    entry
}

fn assert_printable(screen: &str) {
    for c in screen.chars() {
        assert!(
            c == '\n'
                || !(c.is_control()
                    || ('\u{202A}'..='\u{202E}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c)),
            "unprintable {c:?} in\n{screen}"
        );
    }
    assert!(
        !screen.contains("]0;"),
        "an OSC sequence survived:\n{screen}"
    );
    assert!(
        !screen.contains("[2J"),
        "a CSI sequence survived:\n{screen}"
    );
}

#[test]
fn hostile_text_from_store_service_and_paste_is_drawn_printable() {
    let mut app = app();
    app.update(Msg::RecentLoaded(vec![hostile_entry()]));
    app.update(store_failed(&format!("store{HOSTILE}")));
    app.update(Msg::Paste(format!("C02{HOSTILE}\n")));
    assert_printable(&render_to_string(&app, 100, 30));

    app.update(key(KeyCode::F(4)));
    let list = render_to_string(&app, 120, 30);
    assert_printable(&list);
    assert!(list.contains("4901"), "{list}");

    app.update(key(KeyCode::Enter));
    let detail = render_to_string(&app, 120, 30);
    assert_printable(&detail);
    assert!(detail.contains("descevil"), "{detail}");

    // A service answer on submit.
    let mut app2 = ui_support::app();
    type_text(&mut app2, "490154203237518");
    let (request, _) = submitted(&app2.update(ctrl('s'))).expect("submit");
    let result = ImportedDeviceIdentityResult {
        identity: hostile_entry().result.identity,
        status: Some(false),
    };
    app2.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(outcome(result, UsedMethod::Import)),
    });
    assert_printable(&render_to_string(&app2, 120, 30));
}

#[test]
fn hostile_text_in_toasts_and_the_message_log_is_drawn_printable() {
    let mut app = app();
    app.update(store_failed(&format!("store{HOSTILE}")));
    app.update(Msg::Paste(format!("C02{HOSTILE}\n")));
    type_text(&mut app, "4901");
    app.update(ctrl('d'));
    assert_printable(&render_to_string(&app, 100, 30));
    assert_printable(&render_to_string(&app, 60, 20));
    app.update(key(KeyCode::F(9)));
    let log = render_to_string(&app, 100, 30);
    assert_printable(&log);
    assert!(log.contains("storeevil"), "{log}");
}
