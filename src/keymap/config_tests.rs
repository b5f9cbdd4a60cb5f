//! `[keys]` in `config.toml` read into a keymap: replaced keys, and each
//! kind of error with the line it names.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::config::Config;

fn keymap(text: &str) -> Result<Keymap, String> {
    Config::parse(text, Path::new("/home/u/config.toml"))
        .map_err(|e| e.to_string())
        .and_then(|c| c.keymap().map_err(|e| e.to_string()))
}

fn error(text: &str) -> String {
    match keymap(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e,
    }
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn the_defaults_have_no_conflicts_and_one_row_per_action() {
    let bindings = DEFAULT_BINDINGS.to_vec();
    assert_eq!(conflicts(&bindings), Vec::new());
    for (i, a) in bindings.iter().enumerate() {
        assert!(!a.keys.is_empty(), "{a:?}");
        for b in &bindings[i + 1..] {
            assert!((a.scope, a.action) != (b.scope, b.action), "{a:?}");
        }
        if a.scope.is_text_entry() {
            assert!(a.keys.iter().all(|k| !k.is_text()), "{a:?}");
        }
    }
    assert!(Keymap::from_config(&KeysConfig::default()).is_ok());
}

#[test]
fn a_configured_action_replaces_its_default_keys() {
    let map = keymap("[keys.form]\nsubmit = \"F10\"\n").unwrap();
    let f10 = press(KeyCode::F(10), KeyModifiers::NONE);
    let ctrl_s = press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(map.actions(Scope::Form, &f10, true), vec![Action::Submit]);
    assert!(map.actions(Scope::Form, &ctrl_s, true).is_empty());
    assert_eq!(
        map.first_key(Scope::Form, Action::Submit).as_deref(),
        Some("F10")
    );
    // Other actions and scopes keep their defaults.
    let ctrl_d = press(KeyCode::Char('d'), KeyModifiers::CONTROL);
    assert_eq!(
        map.actions(Scope::Form, &ctrl_d, true),
        vec![Action::SaveDraft]
    );
    assert_eq!(
        map.actions(Scope::Scan, &ctrl_s, true),
        vec![Action::ScanSendQueued]
    );
}

#[test]
fn lists_kebab_case_and_any_case_names_are_read() {
    let text = "[keys.list]\nmove-down = [\"j\", \"Down\", \"ctrl+n\"]\n[keys.Global]\nopen_list = \"F12\"\n";
    let map = keymap(text).unwrap();
    let ctrl_n = press(KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(
        map.actions(Scope::List, &ctrl_n, false),
        vec![Action::MoveDown]
    );
    let f12 = press(KeyCode::F(12), KeyModifiers::NONE);
    assert_eq!(
        map.actions(Scope::Global, &f12, false),
        vec![Action::OpenList]
    );
    let f4 = press(KeyCode::F(4), KeyModifiers::NONE);
    assert!(map.actions(Scope::Global, &f4, false).is_empty());
}

#[test]
fn an_unknown_scope_names_file_line_scope_action_and_key() {
    let e = error("mouse = true\n\n[keys.forms]\nsubmit = \"F10\"\n");
    assert!(e.starts_with("/home/u/config.toml:4: "), "{e}");
    assert!(e.contains("[keys.forms] submit = \"F10\""), "{e}");
    assert!(
        e.contains("unknown scope \"forms\"") && e.contains("form, list"),
        "{e}"
    );
    let e = error("[keys.nowhere]\n");
    assert!(
        e.starts_with("/home/u/config.toml:1: [keys.nowhere]"),
        "{e}"
    );
}

#[test]
fn an_unknown_action_or_one_of_another_scope_is_an_error() {
    let e = error("[keys.form]\nsubmitt = \"F10\"\n");
    assert!(
        e.starts_with("/home/u/config.toml:2: [keys.form] submitt = \"F10\""),
        "{e}"
    );
    assert!(
        e.contains("form has no action \"submitt\"") && e.contains("save_draft"),
        "{e}"
    );
    let e = error("[keys.form]\nfilter = \"F10\"\n");
    assert!(e.contains("filter is in [keys.list], [keys.tenant]"), "{e}");
}

#[test]
fn an_unknown_key_name_is_an_error() {
    let e = error("[keys.form]\n\nsubmit = [\"F10\", \"F99\"]\n");
    assert!(
        e.starts_with("/home/u/config.toml:3: [keys.form] submit = [\"F10\", \"F99\"]: unknown key name \"F99\""),
        "{e}"
    );
}

#[test]
fn an_empty_list_is_an_error() {
    let e = error("[keys.list]\nnew_form = []\n");
    assert!(
        e.starts_with("/home/u/config.toml:2: [keys.list] new_form = []"),
        "{e}"
    );
    assert!(e.contains("empty list"), "{e}");
}

#[test]
fn a_value_that_is_not_a_key_is_an_error() {
    let e = error("[keys.list]\nnew_form = 5\n");
    assert!(e.starts_with("/home/u/config.toml:2:"), "{e}");
    assert!(e.contains("a key name such as"), "{e}");
}

#[test]
fn a_letter_in_a_text_entry_scope_is_an_error() {
    let e = error("[keys.form]\nsave_draft = \"d\"\n");
    assert!(
        e.starts_with("/home/u/config.toml:2: [keys.form] save_draft = \"d\""),
        "{e}"
    );
    assert!(
        e.contains("\"d\" is a letter key") || e.contains("d is a letter key"),
        "{e}"
    );
    let e = error("[keys.scan]\nscan_undo = \"Space\"\n");
    assert!(e.contains("letter key"), "{e}");
    // Letters are fine where no text field has focus.
    assert!(keymap("[keys.detail]\nraw_json = \"r\"\n").is_ok());
}

#[test]
fn ctrl_c_cannot_be_bound_to_anything_but_quit() {
    let e = error("[keys.form]\nsubmit = \"Ctrl-C\"\n");
    assert!(e.contains("Ctrl-C always quits"), "{e}");
    assert!(keymap("[keys.global]\nquit = [\"Ctrl-C\", \"Ctrl-Q\"]\n").is_ok());
}

#[test]
fn a_conflict_in_one_scope_names_both_actions() {
    let e = error("[keys.form]\nsave_draft = \"Ctrl-S\"\n");
    assert!(
        e.starts_with("/home/u/config.toml:2: [keys.form] save_draft = \"Ctrl-S\""),
        "{e}"
    );
    assert!(
        e.contains("Ctrl-S is also bound to [keys.form] submit (default: Ctrl-S)"),
        "{e}"
    );
}

#[test]
fn a_conflict_with_a_layered_scope_is_an_error() {
    // Form sits on Global: F2 would either submit or open a new form.
    let e = error("[keys.form]\nsubmit = \"F2\"\n");
    assert!(e.contains("[keys.global] open_form"), "{e}");
    // Tenant sits on List.
    let e = error("[keys.tenant]\nsort = \"j\"\n");
    assert!(e.contains("[keys.list] move_down"), "{e}");
    // Two configured entries: told at the later one, naming the earlier.
    let e = error("[keys.global]\nopen_scan = \"F10\"\n\n[keys.form]\nsubmit = \"F10\"\n");
    assert!(
        e.starts_with("/home/u/config.toml:5: [keys.form] submit = \"F10\""),
        "{e}"
    );
    assert!(
        e.contains("also bound to [keys.global] open_scan = \"F10\""),
        "{e}"
    );
    // Screens that are never on together may share keys.
    assert!(keymap("[keys.detail]\nraw_json = \"s\"\n[keys.tenant]\nsort = \"s\"\n").is_ok());
    assert!(
        keymap("[keys.scan]\nscan_send_queued = \"F10\"\n[keys.form]\nsubmit = \"F10\"\n").is_ok()
    );
}

#[test]
fn state_dependent_doubles_stay_legal() {
    assert!(keymap("[keys.form]\ncancel_submit = \"F8\"\nback = \"F8\"\n").is_ok());
    assert!(keymap("[keys.tenant]\ncancel_load = \"q\"\n").is_ok());
    // But a different pair on the same key is still a conflict.
    assert!(keymap("[keys.form]\ncancel_submit = \"Ctrl-D\"\n").is_err());
}

#[test]
fn the_first_error_in_the_file_is_the_one_told() {
    let e = error("[keys.list]\nnew_form = \"F99\"\n[keys.form]\nsubmit = \"F98\"\n");
    assert!(e.contains(":2:") && e.contains("F99"), "{e}");
}
