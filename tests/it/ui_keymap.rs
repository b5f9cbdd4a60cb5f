//! The keymap from config.toml drives the console: a rebound action acts on
//! its new key only, and the footer, Help and the messages that name a key
//! say the new key.

use crate::ui_support;

use std::path::Path;

use crossterm::event::KeyCode;
use enroll_console::app::{App, Effect, Msg};
use enroll_console::config::Config;
use enroll_console::screens::{footer_hints, render_to_string};
use ui_support::*;

fn app_with_keys(toml: &str) -> App {
    let config = Config::parse(toml, Path::new("config.toml")).expect("valid config");
    app().with_keymap(config.keymap().expect("valid keys"))
}

fn f10_submit() -> App {
    app_with_keys("[keys.form]\nsubmit = \"F10\"\n")
}

fn footer(app: &App) -> Vec<String> {
    footer_hints(app)
        .into_iter()
        .map(|h| format!("{} {}", h.key, h.description))
        .collect()
}

#[test]
fn f10_submits_and_ctrl_s_no_longer_does() {
    let mut app = f10_submit();
    type_text(&mut app, "490154203237518");
    assert!(submitted(&app.update(ctrl('s'))).is_none());
    assert!(!app.submission().is_busy());
    let (_, identity) = submitted(&app.update(key(KeyCode::F(10)))).expect("F10 submits");
    assert_eq!(
        identity.imported_device_identifier.as_deref(),
        Some("490154203237518")
    );
}

#[test]
fn the_footer_says_f10_for_submit() {
    let app = f10_submit();
    let hints = footer(&app);
    assert!(hints.contains(&"F10 submit".to_string()), "{hints:?}");
    assert!(!hints.iter().any(|h| h.starts_with("Ctrl-S")), "{hints:?}");
    // The default keymap says Ctrl-S.
    assert!(footer(&ui_support::app()).contains(&"Ctrl-S submit".to_string()));
}

#[test]
fn help_lists_f10_for_submit() {
    let mut app = f10_submit();
    app.update(key(KeyCode::F(1)));
    assert!(app.help_open());
    let screen = render_to_string(&app, 80, 24);
    let line = screen
        .lines()
        .find(|l| l.contains("submit"))
        .unwrap_or_else(|| panic!("no submit line in Help:\n{screen}"));
    assert!(line.contains("F10") && !line.contains("Ctrl-S"), "{line}");
}

#[test]
fn a_rebound_cancel_is_named_while_sending_and_cancels() {
    let mut app = app_with_keys("[keys.form]\ncancel_submit = \"F8\"\n");
    type_text(&mut app, "490154203237518");
    submitted(&app.update(ctrl('s'))).expect("submit");
    let screen = render_to_string(&app, 80, 24);
    assert!(screen.contains("F8 to cancel"), "{screen}");
    assert!(!screen.contains("Esc to cancel"), "{screen}");
    // Esc no longer cancels while sending; F8 does.
    app.update(key(KeyCode::Esc));
    assert!(app.submission().is_sending());
    let effects = app.update(key(KeyCode::F(8)));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CancelSubmit { .. })),
        "{effects:?}"
    );
}

#[test]
fn the_empty_recent_list_names_the_configured_keys() {
    let mut app =
        app_with_keys("[keys.global]\nopen_form = \"F12\"\n[keys.list]\nnew_form = \"a\"\n");
    app.update(key(KeyCode::F(4)));
    app.update(Msg::RecentLoaded(Vec::new()));
    let screen = render_to_string(&app, 100, 24);
    assert!(screen.contains("Press a or F12 to register"), "{screen}");
    app.update(key(KeyCode::Char('a')));
    assert_eq!(app.screen(), enroll_console::app::Screen::Form);
}

#[test]
fn import_keys_follow_the_keymap() {
    let mut app = app_with_keys("[keys.import]\nback = \"F12\"\n");
    app.update(key(KeyCode::F(7)));
    assert_eq!(app.screen(), enroll_console::app::Screen::Import);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen(), enroll_console::app::Screen::Import);
    app.update(key(KeyCode::F(12)));
    assert_eq!(app.screen(), enroll_console::app::Screen::Form);
}

#[test]
fn form_footer_and_help_with_f10_for_submit() {
    // The Help title carries the build's git revision: the same width whatever it is.
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\(git [0-9a-f]{12}\)", "(git ************)");
    settings.add_filter(r"\(git unknown\)( ─+)─{5}", "(git ************)$1");
    settings.bind(|| {
        let mut app = f10_submit();
        for (width, height) in [(80, 24), (60, 20)] {
            insta::assert_snapshot!(
                format!("form_f10_submit_{width}x{height}"),
                render_to_string(&app, width, height)
            );
        }
        app.update(key(KeyCode::F(1)));
        for (width, height) in [(80, 24), (60, 20)] {
            insta::assert_snapshot!(
                format!("help_f10_submit_{width}x{height}"),
                render_to_string(&app, width, height)
            );
        }
    });
}

#[test]
fn a_ctrl_key_bound_on_the_form_beats_the_text_field() {
    let mut app = app_with_keys("[keys.form]\nsubmit = \"Ctrl-A\"\n");
    type_text(&mut app, "490154203237518");
    assert!(
        submitted(&app.update(ctrl('a'))).is_some(),
        "Ctrl-A submits"
    );
    // Unbound, Ctrl-A still moves the cursor in the field.
    let mut app = ui_support::app();
    type_text(&mut app, "490154203237518");
    assert!(submitted(&app.update(ctrl('a'))).is_none());
}

#[test]
fn ctrl_keys_work_on_detail_and_global_keys_work_in_scan() {
    let mut app = app_with_keys(
        "[keys.detail]\nraw_json = \"Ctrl-R\"\n[keys.global]\ntoggle_offline = \"Ctrl-Q\"\n",
    );
    type_text(&mut app, "490154203237518");
    let (request, _) = submitted(&app.update(ctrl('s'))).expect("submit");
    app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(outcome(
            created_result("490154203237518", "0f1e2d3c-0000-4000-8000-000000000001"),
            enroll_console::graph::UsedMethod::Create,
        )),
    });
    assert_eq!(app.screen(), enroll_console::app::Screen::Detail);
    app.update(ctrl('r'));
    assert!(app.tenant().raw_json(), "Ctrl-R shows the raw JSON");
    app.update(ctrl('r'));
    assert!(!app.tenant().raw_json(), "and hides it");

    let mut app = app_with_keys("[keys.global]\ntoggle_offline = \"Ctrl-Q\"\n");
    app.update(key(KeyCode::F(3)));
    assert_eq!(app.screen(), enroll_console::app::Screen::Scan);
    let paused = app.outbox().paused();
    app.update(ctrl('q'));
    assert_ne!(
        app.outbox().paused(),
        paused,
        "Ctrl-Q toggles offline in Scan"
    );
    // Ctrl-O is no longer bound: nothing toggles.
    app.update(ctrl('o'));
    assert_ne!(app.outbox().paused(), paused);
}
