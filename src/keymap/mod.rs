//! The key bindings and their lookup: one table of (scope, action, keys,
//! description) — the defaults in `defaults` — from which key
//! dispatch, the footer hints and the Help overlay are all derived. `[keys.SCOPE]` in `config.toml` replaces an
//! action's keys (see `config`); names are in `names`, `docs/KEYS.md` is
//! generated in `docs`. It names nothing of the app: the app, the
//! configuration and the widgets all read it.

use std::borrow::Cow;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub mod actions;
pub mod config;
pub mod defaults;
pub mod docs;
pub mod names;

pub use actions::{Action, Scope};
pub use config::{KeymapError, KeysConfig};
pub use defaults::DEFAULT_BINDINGS;

/// A key with its modifiers; `const`-constructible for the static table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeySpec {
    pub const fn plain(code: KeyCode) -> Self {
        KeySpec {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }
    pub const fn ctrl(c: char) -> Self {
        KeySpec {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }
    pub const fn char(c: char) -> Self {
        KeySpec::plain(KeyCode::Char(c))
    }

    /// Whether a pressed key is this one. Shift is ignored where the key
    /// itself carries it (`?`, `J`, Shift-Tab); Ctrl letters match either case.
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let (code, modifiers) = normalize(key);
        code == self.code && modifiers == self.modifiers
    }

    /// How the key is written in hints: `Ctrl-S`, `F1`, `Shift-Tab`, `↑`.
    pub fn label(&self) -> Cow<'static, str> {
        let arrow = match self.code {
            KeyCode::Up => "↑",
            KeyCode::Down => "↓",
            KeyCode::Left => "←",
            KeyCode::Right => "→",
            _ => return self.config_name().into(),
        };
        if self.modifiers.is_empty() {
            arrow.into()
        } else {
            self.config_name().into()
        }
    }

    /// A letter, digit or symbol key without Ctrl/Alt: never acts while a
    /// text field has focus.
    pub fn is_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && self.modifiers.is_empty()
    }
}

/// The code and modifiers a binding is compared against.
fn normalize(key: &KeyEvent) -> (KeyCode, KeyModifiers) {
    let mut modifiers = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    let code = match key.code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        KeyCode::BackTab => {
            modifiers.remove(KeyModifiers::ALT);
            KeyCode::BackTab
        }
        other => other,
    };
    (code, modifiers)
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Binding {
    pub scope: Scope,
    pub action: Action,
    pub keys: Cow<'static, [KeySpec]>,
    pub description: &'static str,
    /// Shown in the footer (all bindings are shown in Help).
    pub hint: bool,
}

impl Binding {
    /// All keys, e.g. `j, ↓`.
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The effective bindings.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Cow<'static, [Binding]>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: Cow::Borrowed(DEFAULT_BINDINGS),
        }
    }
}

impl Keymap {
    /// A keymap from other bindings (see `Keymap::from_config`).
    pub fn from_bindings(bindings: Vec<Binding>) -> Self {
        Keymap {
            bindings: Cow::Owned(bindings),
        }
    }

    /// The bindings of one scope, in table order.
    pub fn bindings(&self, scope: Scope) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.scope == scope)
    }

    /// The actions a key is bound to in a scope, in table order (a key may
    /// mean different things by state, e.g. Esc: cancel sending or back).
    /// With `text_focus`, letter keys never match.
    pub fn actions(&self, scope: Scope, key: &KeyEvent, text_focus: bool) -> Vec<Action> {
        self.bindings(scope)
            .filter(|b| {
                b.keys
                    .iter()
                    .any(|k| k.matches(key) && !(text_focus && k.is_text()))
            })
            .map(|b| b.action)
            .collect()
    }

    /// The first action a key is bound to in a scope (see [`Keymap::actions`]).
    pub fn action(&self, scope: Scope, key: &KeyEvent, text_focus: bool) -> Option<Action> {
        self.actions(scope, key, text_focus).first().copied()
    }

    /// The first key of an action in a scope, for messages ("Esc to cancel").
    pub fn first_key(&self, scope: Scope, action: Action) -> Option<Cow<'static, str>> {
        self.bindings(scope)
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(KeySpec::label)
    }

    /// The first key of an action that is not a letter (`↑` before `k`),
    /// else its first key: for a footer that names one key per action.
    pub fn plain_key_for(&self, scope: Scope, action: Action) -> String {
        let keys = self
            .bindings(scope)
            .find(|b| b.action == action)
            .map(|b| &b.keys);
        match keys.and_then(|keys| keys.iter().find(|k| !k.is_text())) {
            Some(key) => key.label().into_owned(),
            None => self.key_for(scope, action),
        }
    }

    /// [`Keymap::first_key`] for text: every action of a scope has a key
    /// (an empty list is a config error), so the fallback is never shown.
    pub fn key_for(&self, scope: Scope, action: Action) -> String {
        self.first_key(scope, action)
            .map_or_else(|| "?".to_string(), Cow::into_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_do_not_match_with_text_focus() {
        let map = Keymap::default();
        let q = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(
            map.actions(Scope::Global, &q, false),
            vec![Action::ToggleHelp]
        );
        assert!(map.actions(Scope::Global, &q, true).is_empty());
        let f1 = KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE);
        assert_eq!(
            map.actions(Scope::Global, &f1, true),
            vec![Action::ToggleHelp]
        );
    }

    #[test]
    fn ctrl_letters_and_back_tab_normalise() {
        let map = Keymap::default();
        let ctrl_s = KeyEvent::new(
            KeyCode::Char('S'),
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        );
        assert_eq!(
            map.actions(Scope::Form, &ctrl_s, true),
            vec![Action::Submit]
        );
        let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            map.actions(Scope::Form, &back_tab, true),
            vec![Action::PrevField]
        );
        assert_eq!(KeySpec::ctrl('s').label(), "Ctrl-S");
    }

    #[test]
    fn footers_name_the_arrow_before_the_letter_and_dialog_keys_are_actions() {
        let map = Keymap::default();
        assert_eq!(map.plain_key_for(Scope::Log, Action::MoveUp), "↑");
        assert_eq!(map.key_for(Scope::Log, Action::MoveUp), "k");
        assert_eq!(map.plain_key_for(Scope::Outbox, Action::Discard), "d");
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(
            map.action(Scope::Dialog, &enter, true),
            Some(Action::Accept)
        );
        assert_eq!(
            map.action(Scope::Results, &enter, false),
            Some(Action::Close)
        );
        assert_eq!(
            map.action(Scope::SignIn, &enter, false),
            Some(Action::Retry)
        );
        // Letters never act in a dialog's text field.
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(map.action(Scope::Dialog, &q, true), None);
    }
}
