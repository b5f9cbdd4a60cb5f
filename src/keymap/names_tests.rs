//! Key, scope and action names read and written both ways.

use super::*;
use crate::keymap::DEFAULT_BINDINGS;

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeySpec {
    KeySpec { code, modifiers }
}

#[test]
fn every_documented_key_name_parses() {
    let none = KeyModifiers::NONE;
    let cases = [
        ("F1", key(KeyCode::F(1), none)),
        ("F10", key(KeyCode::F(10), none)),
        ("f24", key(KeyCode::F(24), none)),
        ("Ctrl-S", KeySpec::ctrl('s')),
        ("ctrl+s", KeySpec::ctrl('s')),
        ("CTRL-s", KeySpec::ctrl('s')),
        ("Control+S", KeySpec::ctrl('s')),
        ("Alt-x", key(KeyCode::Char('x'), KeyModifiers::ALT)),
        ("alt+X", key(KeyCode::Char('X'), KeyModifiers::ALT)),
        (
            "Ctrl-Alt-Del",
            key(KeyCode::Delete, KeyModifiers::CONTROL | KeyModifiers::ALT),
        ),
        ("Shift-Tab", key(KeyCode::BackTab, none)),
        ("shift+tab", key(KeyCode::BackTab, none)),
        ("Esc", key(KeyCode::Esc, none)),
        ("Escape", key(KeyCode::Esc, none)),
        ("Enter", key(KeyCode::Enter, none)),
        ("Return", key(KeyCode::Enter, none)),
        ("Tab", key(KeyCode::Tab, none)),
        ("Space", KeySpec::char(' ')),
        ("Up", key(KeyCode::Up, none)),
        ("Down", key(KeyCode::Down, none)),
        ("Left", key(KeyCode::Left, none)),
        ("Right", key(KeyCode::Right, none)),
        ("PgUp", key(KeyCode::PageUp, none)),
        ("PageUp", key(KeyCode::PageUp, none)),
        ("PgDn", key(KeyCode::PageDown, none)),
        ("PageDown", key(KeyCode::PageDown, none)),
        ("Home", key(KeyCode::Home, none)),
        ("End", key(KeyCode::End, none)),
        ("Backspace", key(KeyCode::Backspace, none)),
        ("Delete", key(KeyCode::Delete, none)),
        ("Insert", key(KeyCode::Insert, none)),
        ("?", KeySpec::char('?')),
        ("J", KeySpec::char('J')),
        ("/", KeySpec::char('/')),
        ("-", KeySpec::char('-')),
        ("+", KeySpec::char('+')),
        ("Ctrl--", key(KeyCode::Char('-'), KeyModifiers::CONTROL)),
        (" F2 ", key(KeyCode::F(2), none)),
    ];
    for (name, expected) in cases {
        assert_eq!(KeySpec::parse(name), Ok(expected), "{name}");
    }
}

#[test]
fn bad_key_names_are_refused() {
    for name in [
        "F0", "F25", "F01", "Hyper-x", "Ctrl-", "Ctrl-Foo", "Esc2", "ü?",
    ] {
        assert!(
            matches!(KeySpec::parse(name), Err(KeyNameError::Unknown(ref n)) if n == name),
            "{name}: {:?}",
            KeySpec::parse(name)
        );
    }
    assert_eq!(KeySpec::parse("  "), Err(KeyNameError::Empty));
    assert_eq!(
        KeySpec::parse("Shift-j"),
        Err(KeyNameError::Shift("Shift-j".into()))
    );
    let message = KeySpec::parse("F99").unwrap_err().to_string();
    assert!(
        message.contains("\"F99\"") && message.contains("Ctrl-S"),
        "{message}"
    );
}

#[test]
fn default_keys_write_back_to_what_they_are() {
    for binding in DEFAULT_BINDINGS {
        for key in binding.keys.iter() {
            assert_eq!(KeySpec::parse(&key.config_name()), Ok(*key), "{key:?}");
        }
    }
    assert_eq!(KeySpec::ctrl('s').config_name(), "Ctrl-S");
    assert_eq!(KeySpec::parse("alt+x").unwrap().config_name(), "Alt-x");
    assert_eq!(KeySpec::parse("Up").unwrap().label(), "↑");
}

#[test]
fn scope_and_action_names_round_trip() {
    for scope in Scope::ALL {
        assert_eq!(Scope::from_name(scope.name()), Some(scope));
    }
    assert_eq!(Scope::from_name("Form"), Some(Scope::Form));
    assert_eq!(Scope::from_name("forms"), None);
    for binding in DEFAULT_BINDINGS {
        assert!(Scope::ALL.contains(&binding.scope), "{:?}", binding.scope);
        let name = binding.action.name();
        assert_eq!(
            Action::from_name(binding.scope, &name),
            Some(binding.action),
            "{name}"
        );
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{name}"
        );
    }
    assert_eq!(Action::SelectTab(0).name(), "select_tab_1");
    assert_eq!(
        Action::from_name(Scope::Form, "save-draft"),
        Some(Action::SaveDraft)
    );
    // An action of another scope is not an action of this one.
    assert_eq!(Action::from_name(Scope::Form, "filter"), None);
}
