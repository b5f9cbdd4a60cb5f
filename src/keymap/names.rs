//! Names as written in `config.toml`: keys (`Ctrl-S`, `F10`, `Shift-Tab`,
//! `?`), scopes (`form`) and actions (`submit`), both ways.

use std::borrow::Cow;

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Action, DEFAULT_BINDINGS, KeySpec, Scope};

/// Why a key name was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyNameError {
    #[error("an empty key name")]
    Empty,
    #[error(
        "unknown key name {0:?} (keys are written like F10, Ctrl-S, Alt-x, Shift-Tab, Esc, \
         Enter, Tab, Space, Up, Down, Left, Right, PgUp, PgDn, Home, End, Backspace, Delete, \
         Insert, or one character such as ? or J)"
    )]
    Unknown(String),
    #[error(
        "Shift in {0:?} goes with Tab only; write the character itself (J, not Shift-j; ?, not Shift-/)"
    )]
    Shift(String),
}

/// The named keys (lower case) and their codes; the first spelling of a
/// code is the one written back.
const NAMED_KEYS: &[(&str, KeyCode)] = &[
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("tab", KeyCode::Tab),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pgdown", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("ins", KeyCode::Insert),
];

/// Splits a leading modifier (`Ctrl-`, `ctrl+`, `Alt-`, `Shift-`) off.
fn split_modifier(text: &str) -> Option<(KeyModifiers, &str)> {
    let at = text.find(['-', '+'])?;
    if at == 0 || at + 1 >= text.len() {
        return None;
    }
    let modifier = match text[..at].to_ascii_lowercase().as_str() {
        "ctrl" | "control" => KeyModifiers::CONTROL,
        "alt" => KeyModifiers::ALT,
        "shift" => KeyModifiers::SHIFT,
        _ => return None,
    };
    Some((modifier, &text[at + 1..]))
}

fn base_key(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control() && !c.is_whitespace()).then_some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    if let Some(digits) = lower.strip_prefix('f')
        && !digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit())
        && let Ok(n) = digits.parse::<u8>()
        && (1..=24).contains(&n)
    {
        return Some(KeyCode::F(n));
    }
    NAMED_KEYS
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, code)| *code)
}

impl KeySpec {
    /// Reads a key as written in `config.toml`.
    pub fn parse(text: &str) -> Result<KeySpec, KeyNameError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(KeyNameError::Empty);
        }
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        while let Some((modifier, after)) = split_modifier(rest) {
            modifiers |= modifier;
            rest = after;
        }
        let Some(mut code) = base_key(rest) else {
            return Err(KeyNameError::Unknown(text.to_string()));
        };
        if modifiers.contains(KeyModifiers::SHIFT) {
            if code != KeyCode::Tab {
                return Err(KeyNameError::Shift(text.to_string()));
            }
            modifiers.remove(KeyModifiers::SHIFT);
            code = KeyCode::BackTab;
        }
        if let KeyCode::Char(c) = code
            && modifiers.contains(KeyModifiers::CONTROL)
        {
            code = KeyCode::Char(c.to_ascii_lowercase());
        }
        Ok(KeySpec { code, modifiers })
    }

    /// The key as written in `config.toml` (and read back by [`KeySpec::parse`]).
    pub fn config_name(&self) -> String {
        let base: Cow<'static, str> = match self.code {
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) if self.modifiers.contains(KeyModifiers::CONTROL) => {
                c.to_ascii_uppercase().to_string().into()
            }
            KeyCode::Char(c) => c.to_string().into(),
            KeyCode::F(n) => format!("F{n}").into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Delete".into(),
            KeyCode::Insert => "Insert".into(),
            _ => "?".into(),
        };
        let mut name = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            name.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            name.push_str("Alt-");
        }
        name.push_str(&base);
        name
    }
}

impl Scope {
    /// Every scope, in the order of the keymap table in the docs.
    pub const ALL: [Scope; 15] = [
        Scope::Global,
        Scope::Form,
        Scope::List,
        Scope::Tenant,
        Scope::Outbox,
        Scope::Detail,
        Scope::Scan,
        Scope::Import,
        Scope::Help,
        Scope::Log,
        Scope::Confirm,
        Scope::Dialog,
        Scope::Results,
        Scope::Prompt,
        Scope::SignIn,
    ];

    /// The name in `[keys.NAME]`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Form => "form",
            Scope::List => "list",
            Scope::Tenant => "tenant",
            Scope::Outbox => "outbox",
            Scope::Detail => "detail",
            Scope::Scan => "scan",
            Scope::Import => "import",
            Scope::Help => "help",
            Scope::Log => "log",
            Scope::Confirm => "confirm",
            Scope::Dialog => "dialog",
            Scope::Results => "results",
            Scope::Prompt => "prompt",
            Scope::SignIn => "sign_in",
        }
    }

    /// A scope by its name, any case, `-` or `_` alike.
    pub fn from_name(name: &str) -> Option<Scope> {
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether letters never act here because a text field has focus.
    pub fn is_text_entry(self) -> bool {
        matches!(
            self,
            Scope::Form | Scope::Scan | Scope::Dialog | Scope::Prompt
        )
    }
}

impl Action {
    /// The name in `config.toml`: the variant in snake_case; the list tabs
    /// are counted from 1 (`select_tab_1`). A new variant needs a name here.
    pub fn name(self) -> Cow<'static, str> {
        let name = match self {
            Action::Quit => "quit",
            Action::ToggleHelp => "toggle_help",
            Action::OpenForm => "open_form",
            Action::OpenList => "open_list",
            Action::Submit => "submit",
            Action::CancelSubmit => "cancel_submit",
            Action::SaveDraft => "save_draft",
            Action::NextField => "next_field",
            Action::PrevField => "prev_field",
            Action::Back => "back",
            Action::MoveUp => "move_up",
            Action::MoveDown => "move_down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::First => "first",
            Action::Last => "last",
            Action::OpenSelected => "open_selected",
            Action::NewForm => "new_form",
            Action::OpenScan => "open_scan",
            Action::ScanUndo => "scan_undo",
            Action::ScanCycleType => "scan_cycle_type",
            Action::ScanCyclePlatform => "scan_cycle_platform",
            Action::ScanEditSetting => "scan_edit_setting",
            Action::ScanToggleCommit => "scan_toggle_commit",
            Action::ScanSendQueued => "scan_send_queued",
            Action::OpenImport => "open_import",
            Action::ImportCommit => "import_commit",
            Action::ImportToggleOverwrite => "import_toggle_overwrite",
            Action::ImportSaveReport => "import_save_report",
            Action::NextTab => "next_tab",
            Action::PrevTab => "prev_tab",
            Action::SelectTab(n) => {
                return format!("select_tab_{}", u16::from(n) + 1).into();
            }
            Action::Filter => "filter",
            Action::Sort => "sort",
            Action::ReverseSort => "reverse_sort",
            Action::StaleView => "stale_view",
            Action::Refresh => "refresh",
            Action::CancelLoad => "cancel_load",
            Action::ToggleMark => "toggle_mark",
            Action::Delete => "delete",
            Action::Export => "export",
            Action::EditDescription => "edit_description",
            Action::CopyId => "copy_id",
            Action::RawJson => "raw_json",
            Action::ToggleOffline => "toggle_offline",
            Action::SyncOutbox => "sync_outbox",
            Action::Discard => "discard",
            Action::Resend => "resend",
            Action::ResendOverwrite => "resend_overwrite",
            Action::ToggleLog => "toggle_log",
            Action::EditInEditor => "edit_in_editor",
            Action::Confirm => "confirm",
            Action::Keep => "keep",
            Action::CycleOrigin => "cycle_origin",
            Action::ImportLoad => "import_load",
            Action::Accept => "accept",
            Action::Cancel => "cancel",
            Action::Clear => "clear",
            Action::CycleFormat => "cycle_format",
            Action::Close => "close",
            Action::CopyCode => "copy_code",
            Action::Retry => "retry",
        };
        name.into()
    }

    /// The action of a scope by its config name: only actions that scope
    /// has (those with a default binding there).
    pub fn from_name(scope: Scope, name: &str) -> Option<Action> {
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        DEFAULT_BINDINGS
            .iter()
            .filter(|b| b.scope == scope)
            .map(|b| b.action)
            .find(|a| a.name() == name)
    }
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
