//! The keys of the dialogs, the filter prompt, the message log and the
//! Import preview come from the keymap: rebound in `config.toml`, the new
//! key acts, the old one no longer does, and the hint says the new key.

use crate::ui_support;

use std::path::Path;

use crossterm::event::KeyCode;
use enroll_console::app::{App, Effect, TenantEffect, TenantModal};
use enroll_console::config::Config;
use enroll_console::screens::render_to_string;
use ui_support::*;

fn app_with_keys(toml: &str) -> App {
    let config = Config::parse(toml, Path::new("config.toml")).expect("valid config");
    app().with_keymap(config.keymap().expect("valid keys"))
}

fn screen(app: &App) -> String {
    render_to_string(app, 100, 30)
}

#[test]
fn a_rebound_dialog_accept_key_saves_and_the_dialog_footer_names_it() {
    let mut app = app_with_keys("[keys.dialog]\naccept = \"F10\"\ncancel = \"F8\"\n");
    load_tenant(&mut app, vec![tenant_identity(1)]);
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Char('e'))]);
    assert!(matches!(
        app.tenant().modal(),
        Some(TenantModal::EditDescription { .. })
    ));
    let shown = screen(&app);
    assert!(shown.contains("F10 save · F8 cancel"), "{shown}");
    assert!(!shown.contains("Enter save"), "{shown}");
    // Enter and Esc are no longer the dialog's keys.
    assert!(send(&mut app, [key(KeyCode::Enter), key(KeyCode::Esc)]).is_empty());
    assert!(app.tenant().modal().is_some());
    let effects = send(&mut app, [key(KeyCode::F(10))]);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Tenant(TenantEffect::UpdateDescription { .. })]
        ),
        "{effects:?}"
    );
}

#[test]
fn a_rebound_cancel_closes_the_export_dialog_and_its_hints_follow() {
    let mut app = app_with_keys("[keys.dialog]\ncancel = \"F8\"\ncycle_format = \"F6\"\n");
    load_tenant(&mut app, vec![tenant_identity(1)]);
    send(&mut app, [key(KeyCode::Char('x'))]);
    let shown = screen(&app);
    assert!(shown.contains("Enter write · F8 cancel"), "{shown}");
    assert!(shown.contains("F6: csv · csv-admin · json"), "{shown}");
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(matches!(
        app.tenant().modal(),
        Some(TenantModal::Export { .. })
    ));
    send(&mut app, [key(KeyCode::F(8))]);
    assert!(app.tenant().modal().is_none());
}

#[test]
fn a_rebound_prompt_clear_key_clears_the_filter_and_the_footer_says_so() {
    let mut app = app_with_keys("[keys.prompt]\nclear = \"F8\"\n");
    load_tenant(&mut app, vec![tenant_identity(1), tenant_identity(2)]);
    type_text(&mut app, "/0002");
    assert_eq!(app.tenant().view().view().len(), 1);
    let shown = screen(&app);
    assert!(shown.contains("F8 clear filter"), "{shown}");
    assert!(shown.contains("Enter keep · F8 clear"), "{shown}");
    assert!(!shown.contains("Esc clear"), "{shown}");
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(
        app.tenant().filter_field().is_some(),
        "Esc no longer clears"
    );
    send(&mut app, [key(KeyCode::F(8))]);
    assert!(app.tenant().filter_field().is_none());
    assert_eq!(app.tenant().view().view().len(), 2);
}

#[test]
fn the_message_log_footer_names_its_rebound_keys() {
    let mut app = app_with_keys("[keys.log]\ntoggle_log = \"F8\"\nmove_up = \"Ctrl-P\"\n");
    send(&mut app, [key(KeyCode::F(9))]);
    assert!(app.notices().is_open());
    let shown = screen(&app);
    assert!(shown.contains(" F8 close · Ctrl-P/↓ move "), "{shown}");
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.notices().is_open(), "Esc no longer closes the log");
    send(&mut app, [key(KeyCode::F(8))]);
    assert!(!app.notices().is_open());
}

#[test]
fn the_import_preview_moves_with_its_keymap_keys() {
    let mut app = app_with_keys("[keys.import]\nmove_down = \"Ctrl-N\"\n");
    load_import_preview(&mut app);
    send(&mut app, [key(KeyCode::Char('j')), key(KeyCode::Down)]);
    assert_eq!(app.import().cursor, 0, "j and Down are no longer bound");
    send(&mut app, [ctrl('n'), ctrl('n')]);
    assert_eq!(app.import().cursor, 2);
    send(&mut app, [key(KeyCode::Char('k'))]);
    assert_eq!(app.import().cursor, 1);
}
