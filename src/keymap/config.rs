//! `[keys.SCOPE]` in `config.toml`: `action = "KEY"` or `action = ["KEY",
//! "KEY"]`. A configured action's keys REPLACE its default keys in that
//! scope. The result is checked: unknown names, empty lists, letters where a
//! text field has focus, and one key meaning two things at once are errors
//! naming the line, the scope, the action and the key.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use super::names::KeyNameError;
use super::{Action, Binding, DEFAULT_BINDINGS, KeySpec, Keymap, Scope};

/// The `[keys]` table: scope → action → keys, each with where it was written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct KeysConfig(pub BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<KeyList>>>);

/// One key name or a list of them, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyList(pub Vec<String>);

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyListVisitor;
        impl<'de> Visitor<'de> for KeyListVisitor {
            type Value = KeyList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"a key name such as "F10", or a list such as ["F10", "Ctrl-S"]"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyList, E> {
                Ok(KeyList(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyList, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<String>()? {
                    keys.push(key);
                }
                Ok(KeyList(keys))
            }
        }
        deserializer.deserialize_any(KeyListVisitor)
    }
}

impl fmt::Display for KeyList {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "{one:?}"),
            many => {
                let quoted: Vec<String> = many.iter().map(|k| format!("{k:?}")).collect();
                write!(f, "[{}]", quoted.join(", "))
            }
        }
    }
}

/// A bad `[keys]` entry: what is wrong, where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{binding}: {problem}")]
pub struct KeymapError {
    /// Byte offset in the file (for the line number).
    pub offset: usize,
    /// The entry as written: `[keys.form] submit = "F10"`.
    pub binding: String,
    pub problem: KeymapProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapProblem {
    #[error("unknown scope {scope:?} (scopes: {known})")]
    UnknownScope { scope: String, known: String },
    #[error("{scope} has no action {action:?} (its actions: {known}){elsewhere}")]
    UnknownAction {
        scope: &'static str,
        action: String,
        known: String,
        elsewhere: String,
    },
    #[error(transparent)]
    KeyName(#[from] KeyNameError),
    #[error("an empty list: give at least one key, or remove the line to keep the default keys")]
    EmptyList,
    #[error(
        "{key} is a letter key, and letters never act in {scope} (they go to the text field): use a Ctrl-, Alt- or F-key"
    )]
    LetterInTextScope { key: String, scope: &'static str },
    #[error("Ctrl-C always quits; it cannot be bound to {action}")]
    CtrlC { action: String },
    #[error(
        "{key} is also bound to {other}, and both could act on the same screen: pick another key for one of them"
    )]
    Conflict { key: String, other: String },
}

/// An action in a scope.
type Slot = (Scope, Action);

/// Key doubles that never fire together: which one acts depends on state.
const STATE_DEPENDENT_DOUBLES: &[(Slot, Slot)] = &[
    // Esc cancels while sending, else goes back.
    (
        (Scope::Form, Action::CancelSubmit),
        (Scope::Form, Action::Back),
    ),
    // Esc stops a Tenant load while it runs, else goes back.
    (
        (Scope::Tenant, Action::CancelLoad),
        (Scope::List, Action::Back),
    ),
    // r resends on the Drafts/Outbox tab and refreshes the live state on Recent.
    (
        (Scope::Outbox, Action::Resend),
        (Scope::List, Action::Refresh),
    ),
];

/// Whether keys of two scopes can be live at the same time: a screen sits on
/// Global, the Tenant and Drafts/Outbox tabs sit on List; Help and the
/// message log, the dialogs, prompts and the sign-in stand alone.
pub fn layered(a: Scope, b: Scope) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (a, b) if a.stands_alone() || b.stands_alone() => false,
        (Scope::Global, _) | (_, Scope::Global) => true,
        (Scope::Tenant | Scope::Outbox, Scope::List)
        | (Scope::List, Scope::Tenant | Scope::Outbox) => true,
        _ => false,
    }
}

impl Scope {
    /// A scope whose keys are the only ones live while it is open.
    fn stands_alone(self) -> bool {
        matches!(
            self,
            Scope::Help
                | Scope::Log
                | Scope::Confirm
                | Scope::Dialog
                | Scope::Results
                | Scope::Prompt
                | Scope::SignIn
        )
    }
}

fn state_dependent(a: &Binding, b: &Binding) -> bool {
    let (a, b) = ((a.scope, a.action), (b.scope, b.action));
    STATE_DEPENDENT_DOUBLES
        .iter()
        .any(|&(x, y)| (x, y) == (a, b) || (y, x) == (a, b))
}

/// Pairs of bindings (by index) sharing a key that could fire together.
pub fn conflicts(bindings: &[Binding]) -> Vec<(usize, usize, KeySpec)> {
    let mut found = Vec::new();
    for (i, a) in bindings.iter().enumerate() {
        for (j, b) in bindings.iter().enumerate().skip(i + 1) {
            if a.action == b.action || !layered(a.scope, b.scope) || state_dependent(a, b) {
                continue;
            }
            if let Some(key) = a.keys.iter().find(|k| b.keys.contains(k)) {
                found.push((i, j, *key));
            }
        }
    }
    found
}

/// Where a configured binding was written.
#[derive(Debug, Clone)]
struct Origin {
    offset: usize,
    text: String,
}

fn names_of(scope: Scope) -> String {
    let names: Vec<String> = DEFAULT_BINDINGS
        .iter()
        .filter(|b| b.scope == scope)
        .map(|b| b.action.name().into_owned())
        .collect();
    names.join(", ")
}

fn unknown_action(scope: Scope, action: &str) -> KeymapProblem {
    let elsewhere: Vec<&str> = Scope::ALL
        .into_iter()
        .filter(|s| Action::from_name(*s, action).is_some())
        .map(Scope::name)
        .collect();
    KeymapProblem::UnknownAction {
        scope: scope.name(),
        action: action.to_string(),
        known: names_of(scope),
        elsewhere: if elsewhere.is_empty() {
            String::new()
        } else {
            format!("; {action} is in [keys.{}]", elsewhere.join("], [keys."))
        },
    }
}

/// The keys of one entry, checked on their own.
fn read_keys(scope: Scope, action: Action, list: &KeyList) -> Result<Vec<KeySpec>, KeymapProblem> {
    if list.0.is_empty() {
        return Err(KeymapProblem::EmptyList);
    }
    let mut keys: Vec<KeySpec> = Vec::new();
    for name in &list.0 {
        let key = KeySpec::parse(name)?;
        if scope.is_text_entry() && key.is_text() {
            return Err(KeymapProblem::LetterInTextScope {
                key: name.clone(),
                scope: scope.name(),
            });
        }
        if key == KeySpec::ctrl('c') && (scope, action) != (Scope::Global, Action::Quit) {
            return Err(KeymapProblem::CtrlC {
                action: action.name().into_owned(),
            });
        }
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

impl Keymap {
    /// The defaults with `[keys]` merged over them; the first error (in file
    /// order) when an entry is wrong.
    pub fn from_config(config: &KeysConfig) -> Result<Keymap, KeymapError> {
        let mut bindings: Vec<Binding> = DEFAULT_BINDINGS.to_vec();
        let mut origins: Vec<Option<Origin>> = vec![None; bindings.len()];
        let mut errors: Vec<KeymapError> = Vec::new();
        for (scope_name, entries) in &config.0 {
            let scope = Scope::from_name(scope_name.get_ref());
            if entries.is_empty() && scope.is_none() {
                errors.push(KeymapError {
                    offset: scope_name.span().start,
                    binding: format!("[keys.{}]", scope_name.get_ref()),
                    problem: unknown_scope(scope_name.get_ref()),
                });
            }
            for (action_name, list) in entries {
                let text = format!(
                    "[keys.{}] {} = {}",
                    scope_name.get_ref(),
                    action_name.get_ref(),
                    list.get_ref()
                );
                let offset = action_name.span().start;
                let error = |problem| KeymapError {
                    offset,
                    binding: text.clone(),
                    problem,
                };
                let Some(scope) = scope else {
                    errors.push(error(unknown_scope(scope_name.get_ref())));
                    continue;
                };
                let Some(action) = Action::from_name(scope, action_name.get_ref()) else {
                    errors.push(error(unknown_action(scope, action_name.get_ref())));
                    continue;
                };
                let keys = match read_keys(scope, action, list.get_ref()) {
                    Ok(keys) => keys,
                    Err(problem) => {
                        errors.push(error(problem));
                        continue;
                    }
                };
                if let Some(i) = bindings
                    .iter()
                    .position(|b| b.scope == scope && b.action == action)
                {
                    bindings[i].keys = keys.into();
                    origins[i] = Some(Origin {
                        offset,
                        text: text.clone(),
                    });
                }
            }
        }
        if errors.is_empty() {
            errors = conflict_errors(&bindings, &origins);
        }
        match errors.into_iter().min_by_key(|e| e.offset) {
            Some(error) => Err(error),
            None => Ok(Keymap::from_bindings(bindings)),
        }
    }
}

fn unknown_scope(scope: &str) -> KeymapProblem {
    let known: Vec<&str> = Scope::ALL.into_iter().map(Scope::name).collect();
    KeymapProblem::UnknownScope {
        scope: scope.to_string(),
        known: known.join(", "),
    }
}

/// Conflicts, each told at the configured entry (the later one when both are).
fn conflict_errors(bindings: &[Binding], origins: &[Option<Origin>]) -> Vec<KeymapError> {
    let mut errors = Vec::new();
    for (i, j, key) in conflicts(bindings) {
        let (here, there) = match (&origins[i], &origins[j]) {
            (Some(a), Some(b)) if a.offset > b.offset => (i, j),
            (_, Some(_)) => (j, i),
            (Some(_), None) => (i, j),
            // Two defaults: the table itself is checked by a test.
            (None, None) => continue,
        };
        let Some(origin) = &origins[here] else {
            continue;
        };
        let other = &bindings[there];
        let other_text = match &origins[there] {
            Some(o) => o.text.clone(),
            None => format!(
                "[keys.{}] {} (default: {})",
                other.scope.name(),
                other.action.name(),
                other
                    .keys
                    .iter()
                    .map(KeySpec::config_name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        errors.push(KeymapError {
            offset: origin.offset,
            binding: origin.text.clone(),
            problem: KeymapProblem::Conflict {
                key: key.config_name(),
                other: other_text,
            },
        });
    }
    errors
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
