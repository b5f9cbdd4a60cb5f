//! The default key bindings (PRODUCT §11), one row per action and scope,
//! in the order the footer hints and the Help overlay show them.

use std::borrow::Cow;

use crossterm::event::KeyCode;

use super::actions::{Action as A, Scope as S};
use super::{Binding, KeySpec};
use KeyCode as K;

const fn bind(
    scope: S,
    action: A,
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

const fn key(code: KeyCode) -> KeySpec {
    KeySpec::plain(code)
}
const fn ch(c: char) -> KeySpec {
    KeySpec::char(c)
}
const fn ctrl(c: char) -> KeySpec {
    KeySpec::ctrl(c)
}

/// The default bindings, in the order hints are shown.
#[rustfmt::skip]
pub static DEFAULT_BINDINGS: &[Binding] = &[
    // Form
    bind(S::Form, A::Submit, &[ctrl('s')], "submit", true),
    bind(S::Form, A::CancelSubmit, &[key(K::Esc)], "cancel sending", false),
    bind(S::Form, A::NextField, &[key(K::Tab), key(K::Down), key(K::Enter)], "next field", true),
    bind(S::Form, A::PrevField, &[key(K::BackTab), key(K::Up)], "previous field", false),
    bind(S::Form, A::Back, &[key(K::Esc)], "recent", true),
    bind(S::Form, A::SaveDraft, &[ctrl('d')], "save draft", false),
    bind(S::Form, A::EditInEditor, &[ctrl('e')], "edit in $EDITOR", false),
    // List
    bind(S::List, A::MoveDown, &[ch('j'), key(K::Down)], "down", false),
    bind(S::List, A::MoveUp, &[ch('k'), key(K::Up)], "up", false),
    bind(S::List, A::PageDown, &[key(K::PageDown)], "page down", false),
    bind(S::List, A::PageUp, &[key(K::PageUp)], "page up", false),
    bind(S::List, A::First, &[key(K::Home), ch('g')], "first", false),
    bind(S::List, A::Last, &[key(K::End), ch('G')], "last", false),
    bind(S::List, A::OpenSelected, &[key(K::Enter)], "detail", true),
    bind(S::List, A::NewForm, &[ch('n')], "new", true),
    bind(S::List, A::NextTab, &[key(K::Tab)], "next tab", true),
    bind(S::List, A::PrevTab, &[key(K::BackTab)], "previous tab", false),
    bind(S::List, A::Refresh, &[ch('r'), key(K::F(5))], "refresh live state", false),
    bind(S::List, A::SelectTab(0), &[ch('1')], "Recent tab", false),
    bind(S::List, A::SelectTab(1), &[ch('2')], "Tenant tab", false),
    bind(S::List, A::SelectTab(2), &[ch('3')], "Drafts/Outbox tab", false),
    bind(S::List, A::SyncOutbox, &[ch('y')], "sync outbox", false),
    // Recent (the List's own tab; Tenant has its own filter)
    bind(S::List, A::Filter, &[ch('/')], "filter", true),
    bind(S::List, A::CycleOrigin, &[ch('f')], "origin", true),
    // Drafts/Outbox tab
    bind(S::Outbox, A::SyncOutbox, &[ch('y')], "sync", true),
    bind(S::Outbox, A::Resend, &[ch('r')], "resend", true),
    bind(S::Outbox, A::ResendOverwrite, &[ch('o')], "overwrite", true),
    bind(S::Outbox, A::Discard, &[ch('d')], "discard", true),
    // Tenant tab (before List: Esc stops a load before it goes back)
    bind(S::Tenant, A::CancelLoad, &[key(K::Esc)], "stop loading", true),
    bind(S::Tenant, A::Filter, &[ch('/')], "filter", true),
    bind(S::Tenant, A::Sort, &[ch('s')], "sort", true),
    bind(S::Tenant, A::ReverseSort, &[ch('S')], "reverse sort", false),
    bind(S::Tenant, A::StaleView, &[ch('v')], "stale view", true),
    bind(S::Tenant, A::Refresh, &[ch('r'), key(K::F(5))], "reload", true),
    bind(S::Tenant, A::ToggleMark, &[ch(' ')], "select", true),
    bind(S::Tenant, A::Delete, &[ch('d')], "delete", true),
    bind(S::Tenant, A::Export, &[ch('x')], "export", true),
    bind(S::List, A::Back, &[ch('q'), key(K::Esc)], "back", true),
    // Detail
    bind(S::Detail, A::Back, &[key(K::Esc), ch('q')], "back", true),
    bind(S::Detail, A::EditDescription, &[ch('e')], "edit description", true),
    bind(S::Detail, A::Delete, &[ch('d')], "delete", true),
    bind(S::Detail, A::CopyId, &[ch('c')], "copy id", true),
    bind(S::Detail, A::RawJson, &[ch('J')], "raw JSON", true),
    bind(S::Detail, A::NewForm, &[ch('n')], "new", false),
    // Scan (Enter and Tab end a scan; they are the scanner's suffix)
    bind(S::Scan, A::ScanUndo, &[ctrl('z')], "undo last scan", true),
    bind(S::Scan, A::ScanCycleType, &[ctrl('t')], "type", true),
    bind(S::Scan, A::ScanCyclePlatform, &[ctrl('p')], "platform", false),
    bind(S::Scan, A::ScanEditSetting, &[ctrl('e')], "settings", true),
    bind(S::Scan, A::ScanToggleCommit, &[ctrl('k')], "commit mode", true),
    bind(S::Scan, A::ScanSendQueued, &[ctrl('s')], "send queued", false),
    bind(S::Scan, A::Back, &[key(K::Esc)], "back", true),
    // Import (keys read by the Import screen itself; listed for hints and Help)
    bind(S::Import, A::ImportCommit, &[ctrl('s')], "import the rows", true),
    bind(S::Import, A::ImportToggleOverwrite, &[ch(' ')], "overwrite this row in the tenant", true),
    bind(S::Import, A::ImportSaveReport, &[ch('w')], "save the report", true),
    bind(S::Import, A::Back, &[key(K::Esc)], "back", true),
    bind(S::Import, A::ImportLoad, &[key(K::Enter)], "load the file", false),
    bind(S::Import, A::MoveDown, &[ch('j'), key(K::Down)], "next row", false),
    bind(S::Import, A::MoveUp, &[ch('k'), key(K::Up)], "previous row", false),
    // Help
    bind(S::Help, A::ToggleHelp, &[key(K::Esc), key(K::F(1)), ch('?'), ch('q')], "close help", true),
    bind(S::Help, A::MoveDown, &[ch('j'), key(K::Down)], "scroll down", false),
    bind(S::Help, A::MoveUp, &[ch('k'), key(K::Up)], "scroll up", false),
    bind(S::Help, A::PageDown, &[key(K::PageDown)], "page down", false),
    bind(S::Help, A::PageUp, &[key(K::PageUp)], "page up", false),
    bind(S::Help, A::First, &[key(K::Home), ch('g')], "top", false),
    bind(S::Help, A::Last, &[key(K::End), ch('G')], "bottom", false),
    // A confirmation (delete, discard, overwrite): one convention everywhere
    bind(S::Confirm, A::Confirm, &[ch('y'), key(K::Enter)], "confirm", true),
    bind(S::Confirm, A::Keep, &[ch('n'), key(K::Esc)], "keep", true),
    // A dialog with a text field (the description editor, the export path)
    bind(S::Dialog, A::Accept, &[key(K::Enter)], "save", true),
    bind(S::Dialog, A::Cancel, &[key(K::Esc)], "cancel", true),
    bind(S::Dialog, A::CycleFormat, &[key(K::Tab), key(K::BackTab)], "file format", false),
    // Results of a finished step
    bind(S::Results, A::Close, &[key(K::Enter), key(K::Esc), ch('q')], "close", true),
    // A filter prompt (letters type the filter)
    bind(S::Prompt, A::Accept, &[key(K::Enter)], "keep filter", true),
    bind(S::Prompt, A::Clear, &[key(K::Esc)], "clear filter", true),
    bind(S::Prompt, A::MoveDown, &[key(K::Down)], "down", false),
    bind(S::Prompt, A::MoveUp, &[key(K::Up)], "up", false),
    // Sign-in
    bind(S::SignIn, A::CopyCode, &[ch('c'), ch('C')], "copy", true),
    bind(S::SignIn, A::Retry, &[key(K::Enter), ch('r')], "try again", true),
    bind(S::SignIn, A::Cancel, &[key(K::Esc)], "cancel", true),
    // Message log (moves with the List's keys)
    bind(S::Log, A::ToggleLog, &[key(K::Esc), key(K::F(9)), ch('q')], "close the log", true),
    bind(S::Log, A::MoveDown, &[ch('j'), key(K::Down)], "down", false),
    bind(S::Log, A::MoveUp, &[ch('k'), key(K::Up)], "up", false),
    bind(S::Log, A::PageDown, &[key(K::PageDown)], "page down", false),
    bind(S::Log, A::PageUp, &[key(K::PageUp)], "page up", false),
    bind(S::Log, A::First, &[key(K::Home), ch('g')], "oldest", true),
    bind(S::Log, A::Last, &[key(K::End), ch('G')], "newest", true),
    // Global
    bind(S::Global, A::ToggleLog, &[key(K::F(9))], "message log", false),
    bind(S::Global, A::ToggleHelp, &[key(K::F(1)), ch('?')], "help", true),
    bind(S::Global, A::OpenForm, &[key(K::F(2))], "new identity", true),
    bind(S::Global, A::OpenScan, &[key(K::F(3))], "scan", false),
    bind(S::Global, A::OpenImport, &[key(K::F(7))], "import a CSV file", false),
    bind(S::Global, A::OpenList, &[key(K::F(4))], "recent", true),
    bind(S::Global, A::Quit, &[ctrl('c')], "quit", true),
    bind(S::Global, A::ToggleOffline, &[ctrl('o'), key(K::F(6))], "online/offline", true),
];
