//! The key bindings: one small static table of (scope, action, keys,
//! description) from which key dispatch, the footer hints and the Help
//! overlay are all derived. `[keys.SCOPE]` in `config.toml` replaces an
//! action's keys (see `keymap_config`); names are in `key_names`.

use std::borrow::Cow;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Form,
    List,
    /// The Tenant tab of the List screen (on top of `List`).
    Tenant,
    /// The Drafts/Outbox tab of the List screen (on top of `List`).
    Outbox,
    Detail,
    Scan,
    Import,
    Help,
    /// The message log overlay (F9).
    Log,
    /// A question before a destructive or overwriting step.
    Confirm,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Form => "New identity",
            Scope::List => "List",
            Scope::Tenant => "Tenant list",
            Scope::Outbox => "Drafts/Outbox",
            Scope::Detail => "Detail",
            Scope::Scan => "Scan",
            Scope::Import => "Import CSV",
            Scope::Help => "Help",
            Scope::Log => "Message log",
            Scope::Confirm => "Confirmation",
        }
    }
}

/// What a key asks for. Each has a name in `config.toml` (`Action::name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    OpenForm,
    OpenList,
    Submit,
    CancelSubmit,
    SaveDraft,
    NextField,
    PrevField,
    Back,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    First,
    Last,
    OpenSelected,
    NewForm,
    OpenScan,
    ScanUndo,
    ScanCycleType,
    ScanCyclePlatform,
    ScanEditSetting,
    ScanToggleCommit,
    ScanSendQueued,
    OpenImport,
    ImportCommit,
    ImportToggleOverwrite,
    ImportSaveReport,
    // List tabs and the Tenant list (see `app::tenant`).
    NextTab,
    PrevTab,
    SelectTab(u8),
    Filter,
    Sort,
    ReverseSort,
    StaleView,
    Refresh,
    CancelLoad,
    ToggleMark,
    Delete,
    Export,
    // Detail actions.
    EditDescription,
    CopyId,
    RawJson,
    // Drafts and the outbox (see `app::outbox`).
    /// Pause or resume sending (offline mode).
    ToggleOffline,
    SyncOutbox,
    /// Outbox tab: discard the selected item (asks first).
    Discard,
    /// Outbox tab: queue a rejected or duplicate item again.
    Resend,
    /// Outbox tab: queue it again, overwriting the tenant's copy.
    ResendOverwrite,
    /// Open or close the message log.
    ToggleLog,
    /// Form: edit the description in $VISUAL or $EDITOR.
    EditInEditor,
    /// A confirmation: go ahead.
    Confirm,
    /// A confirmation: keep things as they are.
    Keep,
    /// Recent: list one origin (form, scan, import), then all again.
    CycleOrigin,
}

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

const fn bind(
    scope: Scope,
    action: Action,
    keys: &'static [KeySpec],
    description: &'static str,
    hint: bool,
) -> Binding {
    Binding {
        scope,
        action,
        keys: Cow::Borrowed(keys),
        description,
        hint,
    }
}

use Action as A;
use KeyCode as K;
use Scope as S;

/// The default bindings (PRODUCT §11), in the order hints are shown.
pub static DEFAULT_BINDINGS: &[Binding] = &[
    // Form
    bind(S::Form, A::Submit, &[KeySpec::ctrl('s')], "submit", true),
    bind(
        S::Form,
        A::CancelSubmit,
        &[KeySpec::plain(K::Esc)],
        "cancel sending",
        false,
    ),
    bind(
        S::Form,
        A::NextField,
        &[
            KeySpec::plain(K::Tab),
            KeySpec::plain(K::Down),
            KeySpec::plain(K::Enter),
        ],
        "next field",
        true,
    ),
    bind(
        S::Form,
        A::PrevField,
        &[KeySpec::plain(K::BackTab), KeySpec::plain(K::Up)],
        "previous field",
        false,
    ),
    bind(S::Form, A::Back, &[KeySpec::plain(K::Esc)], "recent", true),
    bind(
        S::Form,
        A::SaveDraft,
        &[KeySpec::ctrl('d')],
        "save draft",
        false,
    ),
    bind(
        S::Form,
        A::EditInEditor,
        &[KeySpec::ctrl('e')],
        "edit in $EDITOR",
        false,
    ),
    // List
    bind(
        S::List,
        A::MoveDown,
        &[KeySpec::char('j'), KeySpec::plain(K::Down)],
        "down",
        false,
    ),
    bind(
        S::List,
        A::MoveUp,
        &[KeySpec::char('k'), KeySpec::plain(K::Up)],
        "up",
        false,
    ),
    bind(
        S::List,
        A::PageDown,
        &[KeySpec::plain(K::PageDown)],
        "page down",
        false,
    ),
    bind(
        S::List,
        A::PageUp,
        &[KeySpec::plain(K::PageUp)],
        "page up",
        false,
    ),
    bind(
        S::List,
        A::First,
        &[KeySpec::plain(K::Home), KeySpec::char('g')],
        "first",
        false,
    ),
    bind(
        S::List,
        A::Last,
        &[KeySpec::plain(K::End), KeySpec::char('G')],
        "last",
        false,
    ),
    bind(
        S::List,
        A::OpenSelected,
        &[KeySpec::plain(K::Enter)],
        "detail",
        true,
    ),
    bind(S::List, A::NewForm, &[KeySpec::char('n')], "new", true),
    bind(
        S::List,
        A::NextTab,
        &[KeySpec::plain(K::Tab)],
        "next tab",
        true,
    ),
    bind(
        S::List,
        A::PrevTab,
        &[KeySpec::plain(K::BackTab)],
        "previous tab",
        false,
    ),
    bind(
        S::List,
        A::Refresh,
        &[KeySpec::char('r'), KeySpec::plain(K::F(5))],
        "refresh live state",
        false,
    ),
    bind(
        S::List,
        A::SelectTab(0),
        &[KeySpec::char('1')],
        "Recent tab",
        false,
    ),
    bind(
        S::List,
        A::SelectTab(1),
        &[KeySpec::char('2')],
        "Tenant tab",
        false,
    ),
    bind(
        S::List,
        A::SelectTab(2),
        &[KeySpec::char('3')],
        "Drafts/Outbox tab",
        false,
    ),
    bind(
        S::List,
        A::SyncOutbox,
        &[KeySpec::char('y')],
        "sync outbox",
        false,
    ),
    // Recent (the List's own tab; Tenant has its own filter)
    bind(S::List, A::Filter, &[KeySpec::char('/')], "filter", true),
    bind(
        S::List,
        A::CycleOrigin,
        &[KeySpec::char('f')],
        "origin",
        true,
    ),
    // Drafts/Outbox tab
    bind(
        S::Outbox,
        A::SyncOutbox,
        &[KeySpec::char('y')],
        "sync",
        true,
    ),
    bind(S::Outbox, A::Resend, &[KeySpec::char('r')], "resend", true),
    bind(
        S::Outbox,
        A::ResendOverwrite,
        &[KeySpec::char('o')],
        "overwrite",
        true,
    ),
    bind(
        S::Outbox,
        A::Discard,
        &[KeySpec::char('d')],
        "discard",
        true,
    ),
    // Tenant tab (before List: Esc stops a load before it goes back)
    bind(
        S::Tenant,
        A::CancelLoad,
        &[KeySpec::plain(K::Esc)],
        "stop loading",
        true,
    ),
    bind(S::Tenant, A::Filter, &[KeySpec::char('/')], "filter", true),
    bind(S::Tenant, A::Sort, &[KeySpec::char('s')], "sort", true),
    bind(
        S::Tenant,
        A::ReverseSort,
        &[KeySpec::char('S')],
        "reverse sort",
        false,
    ),
    bind(
        S::Tenant,
        A::StaleView,
        &[KeySpec::char('v')],
        "stale view",
        true,
    ),
    bind(
        S::Tenant,
        A::Refresh,
        &[KeySpec::char('r'), KeySpec::plain(K::F(5))],
        "reload",
        true,
    ),
    bind(
        S::Tenant,
        A::ToggleMark,
        &[KeySpec::char(' ')],
        "select",
        true,
    ),
    bind(S::Tenant, A::Delete, &[KeySpec::char('d')], "delete", true),
    bind(S::Tenant, A::Export, &[KeySpec::char('x')], "export", true),
    bind(
        S::List,
        A::Back,
        &[KeySpec::char('q'), KeySpec::plain(K::Esc)],
        "back",
        true,
    ),
    // Detail
    bind(
        S::Detail,
        A::Back,
        &[KeySpec::plain(K::Esc), KeySpec::char('q')],
        "back",
        true,
    ),
    bind(
        S::Detail,
        A::EditDescription,
        &[KeySpec::char('e')],
        "edit description",
        true,
    ),
    bind(S::Detail, A::Delete, &[KeySpec::char('d')], "delete", true),
    bind(S::Detail, A::CopyId, &[KeySpec::char('c')], "copy id", true),
    bind(
        S::Detail,
        A::RawJson,
        &[KeySpec::char('J')],
        "raw JSON",
        true,
    ),
    bind(S::Detail, A::NewForm, &[KeySpec::char('n')], "new", false),
    // Scan (Enter and Tab end a scan; they are the scanner's suffix)
    bind(
        S::Scan,
        A::ScanUndo,
        &[KeySpec::ctrl('z')],
        "undo last scan",
        true,
    ),
    bind(
        S::Scan,
        A::ScanCycleType,
        &[KeySpec::ctrl('t')],
        "type",
        true,
    ),
    bind(
        S::Scan,
        A::ScanCyclePlatform,
        &[KeySpec::ctrl('p')],
        "platform",
        // Named with its key on the screen's settings line.
        false,
    ),
    bind(
        S::Scan,
        A::ScanEditSetting,
        &[KeySpec::ctrl('e')],
        "settings",
        true,
    ),
    bind(
        S::Scan,
        A::ScanToggleCommit,
        &[KeySpec::ctrl('k')],
        "commit mode",
        true,
    ),
    bind(
        S::Scan,
        A::ScanSendQueued,
        &[KeySpec::ctrl('s')],
        "send queued",
        false,
    ),
    bind(S::Scan, A::Back, &[KeySpec::plain(K::Esc)], "back", true),
    // Import (keys read by the Import screen itself; listed for hints and Help)
    bind(
        S::Import,
        A::ImportCommit,
        &[KeySpec::ctrl('s')],
        "import the rows",
        true,
    ),
    bind(
        S::Import,
        A::ImportToggleOverwrite,
        &[KeySpec::char(' ')],
        "overwrite this row in the tenant",
        true,
    ),
    bind(
        S::Import,
        A::ImportSaveReport,
        &[KeySpec::char('w')],
        "save the report",
        true,
    ),
    bind(S::Import, A::Back, &[KeySpec::plain(K::Esc)], "back", true),
    // Help
    bind(
        S::Help,
        A::ToggleHelp,
        &[
            KeySpec::plain(K::Esc),
            KeySpec::plain(K::F(1)),
            KeySpec::char('?'),
            KeySpec::char('q'),
        ],
        "close help",
        true,
    ),
    bind(
        S::Help,
        A::MoveDown,
        &[KeySpec::char('j'), KeySpec::plain(K::Down)],
        "scroll down",
        false,
    ),
    bind(
        S::Help,
        A::MoveUp,
        &[KeySpec::char('k'), KeySpec::plain(K::Up)],
        "scroll up",
        false,
    ),
    bind(
        S::Help,
        A::PageDown,
        &[KeySpec::plain(K::PageDown)],
        "page down",
        false,
    ),
    bind(
        S::Help,
        A::PageUp,
        &[KeySpec::plain(K::PageUp)],
        "page up",
        false,
    ),
    bind(
        S::Help,
        A::First,
        &[KeySpec::plain(K::Home), KeySpec::char('g')],
        "top",
        false,
    ),
    bind(
        S::Help,
        A::Last,
        &[KeySpec::plain(K::End), KeySpec::char('G')],
        "bottom",
        false,
    ),
    // A confirmation (delete, discard, overwrite): one convention everywhere
    bind(
        S::Confirm,
        A::Confirm,
        &[KeySpec::char('y'), KeySpec::plain(K::Enter)],
        "confirm",
        true,
    ),
    bind(
        S::Confirm,
        A::Keep,
        &[KeySpec::char('n'), KeySpec::plain(K::Esc)],
        "keep",
        true,
    ),
    // Message log (moves with the List's keys)
    bind(
        S::Log,
        A::ToggleLog,
        &[
            KeySpec::plain(K::Esc),
            KeySpec::plain(K::F(9)),
            KeySpec::char('q'),
        ],
        "close the log",
        true,
    ),
    bind(
        S::Log,
        A::MoveDown,
        &[KeySpec::char('j'), KeySpec::plain(K::Down)],
        "down",
        false,
    ),
    bind(
        S::Log,
        A::MoveUp,
        &[KeySpec::char('k'), KeySpec::plain(K::Up)],
        "up",
        false,
    ),
    bind(
        S::Log,
        A::PageDown,
        &[KeySpec::plain(K::PageDown)],
        "page down",
        false,
    ),
    bind(
        S::Log,
        A::PageUp,
        &[KeySpec::plain(K::PageUp)],
        "page up",
        false,
    ),
    bind(
        S::Log,
        A::First,
        &[KeySpec::plain(K::Home), KeySpec::char('g')],
        "oldest",
        true,
    ),
    bind(
        S::Log,
        A::Last,
        &[KeySpec::plain(K::End), KeySpec::char('G')],
        "newest",
        true,
    ),
    // Global
    bind(
        S::Global,
        A::ToggleLog,
        &[KeySpec::plain(K::F(9))],
        "message log",
        false,
    ),
    bind(
        S::Global,
        A::ToggleHelp,
        &[KeySpec::plain(K::F(1)), KeySpec::char('?')],
        "help",
        true,
    ),
    bind(
        S::Global,
        A::OpenForm,
        &[KeySpec::plain(K::F(2))],
        "new identity",
        true,
    ),
    bind(
        S::Global,
        A::OpenScan,
        &[KeySpec::plain(K::F(3))],
        "scan",
        false,
    ),
    bind(
        S::Global,
        A::OpenImport,
        &[KeySpec::plain(K::F(7))],
        "import a CSV file",
        false,
    ),
    bind(
        S::Global,
        A::OpenList,
        &[KeySpec::plain(K::F(4))],
        "recent",
        true,
    ),
    bind(S::Global, A::Quit, &[KeySpec::ctrl('c')], "quit", true),
    bind(
        S::Global,
        A::ToggleOffline,
        &[KeySpec::ctrl('o'), KeySpec::plain(K::F(6))],
        "online/offline",
        true,
    ),
];

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

    /// The first key of an action in a scope, for messages ("Esc to cancel").
    pub fn first_key(&self, scope: Scope, action: Action) -> Option<Cow<'static, str>> {
        self.bindings(scope)
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(KeySpec::label)
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
}
