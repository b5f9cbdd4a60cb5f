//! Key routing: the open overlay first (Help), then the focused widget (an
//! open picker list, a text field, a picker), then the screen's bindings,
//! then the global ones. Ctrl-C bypasses everything; key releases are dropped.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::keymap::{Action, Scope};
use super::msg::Effect;
use super::{App, ListTab, Screen};
use crate::widgets::Tone;

fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C'))
}

/// Lines PgUp/PgDn scroll Help by.
const HELP_PAGE: isize = 10;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.on_key_at(key, None)
    }

    /// A key with the time it arrived (scan mode tells scans from typing).
    pub(super) fn on_key_at(&mut self, key: KeyEvent, at_ms: Option<u64>) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if is_ctrl_c(&key) {
            return self.quit();
        }
        if self.notices.is_open() {
            return self.on_log_key(&key);
        }
        if self.screen == Screen::SignIn {
            return self.on_sign_in_key(&key);
        }
        if self.confirm.is_some() {
            return self.on_confirm_key(&key);
        }
        if self.help_open {
            match self.keymap.actions(Scope::Help, &key, false).first() {
                Some(Action::ToggleHelp) => self.help_open = false,
                Some(Action::MoveDown) => self.scroll_help(1),
                Some(Action::MoveUp) => self.scroll_help(-1),
                Some(Action::PageDown) => self.scroll_help(HELP_PAGE),
                Some(Action::PageUp) => self.scroll_help(-HELP_PAGE),
                Some(Action::First) => self.scroll_help(isize::MIN),
                Some(Action::Last) => self.scroll_help(isize::MAX),
                _ => {}
            }
            return Vec::new();
        }
        if let Some(effects) = self.on_recent_filter_key(&key) {
            return effects;
        }
        if let Some(effects) = self.on_tenant_key(&key) {
            return effects;
        }
        if self.screen == Screen::List && self.list_tab == ListTab::Outbox {
            let actions = self.keymap.actions(Scope::Outbox, &key, false);
            if let Some(action) = actions.first() {
                return self.apply(*action);
            }
        }
        let handled = match self.screen {
            Screen::Form => self.on_form_key(&key),
            Screen::List => self.on_screen_key(Scope::List, &key),
            Screen::Detail => self.on_screen_key(Scope::Detail, &key),
            Screen::Scan => self.on_scan_key(&key, at_ms),
            Screen::Import => self.on_import_key(&key),
            Screen::SignIn => None,
        };
        if let Some(effects) = handled {
            return effects;
        }
        let text_focus = self.text_focused();
        match self.keymap.actions(Scope::Global, &key, text_focus).first() {
            Some(action) => self.apply(*action),
            None => Vec::new(),
        }
    }

    fn on_screen_key(&mut self, scope: Scope, key: &KeyEvent) -> Option<Vec<Effect>> {
        self.keymap
            .actions(scope, key, false)
            .first()
            .map(|action| self.apply(*action))
    }

    pub(super) fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => return self.quit(),
            Action::ToggleHelp => {
                self.help_open = !self.help_open;
                self.mouse.help_scroll = 0;
            }
            Action::ToggleLog => self.notices.toggle_view(),
            Action::OpenForm | Action::NewForm => self.screen = Screen::Form,
            Action::OpenList => return self.open_recent(),
            Action::OpenScan => self.screen = Screen::Scan,
            Action::OpenImport => self.screen = Screen::Import,
            Action::ImportCommit
            | Action::ImportToggleOverwrite
            | Action::ImportSaveReport
            | Action::Confirm
            | Action::Keep
            | Action::ImportLoad
            | Action::Accept
            | Action::Cancel
            | Action::Clear
            | Action::CycleFormat
            | Action::Close
            | Action::CopyCode
            | Action::Retry => {}
            Action::ScanUndo
            | Action::ScanCycleType
            | Action::ScanCyclePlatform
            | Action::ScanEditSetting
            | Action::ScanToggleCommit
            | Action::ScanSendQueued => return self.on_scan_action(action),
            Action::Submit => return self.submit(),
            Action::CancelSubmit => return self.cancel_submit(),
            Action::EditInEditor => return self.open_editor(),
            Action::Refresh if self.recent_open() => return self.on_recent_action(action),
            // Drafts and the outbox (outbox/): discard and resend only on its tab.
            Action::Discard | Action::Resend | Action::ResendOverwrite
                if self.list_tab != ListTab::Outbox => {}
            Action::SaveDraft
            | Action::ToggleOffline
            | Action::SyncOutbox
            | Action::Discard
            | Action::Resend
            | Action::ResendOverwrite => return self.on_outbox_action(action),
            Action::NextField => {
                let next = self.form.focus().next();
                self.form.set_focus(next);
            }
            Action::PrevField => {
                let prev = self.form.focus().prev();
                self.form.set_focus(prev);
            }
            Action::Back => {
                self.screen = match self.screen {
                    Screen::Form => Screen::List,
                    Screen::List => Screen::Form,
                    Screen::Detail => self.detail_back,
                    Screen::Scan => return self.scan_back(),
                    Screen::Import => Screen::Form,
                    // Keys on Sign-in never reach the keymap.
                    Screen::SignIn => Screen::SignIn,
                };
            }
            // The moves act on the Drafts/Outbox list when it is the list's
            // tab, else on Recent's (recent/), whichever screen is shown.
            Action::MoveUp
            | Action::MoveDown
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last
            | Action::OpenSelected => {
                return if self.list_tab == ListTab::Outbox {
                    self.on_outbox_action(action)
                } else {
                    self.on_recent_action(action)
                };
            }
            Action::Filter | Action::CycleOrigin if self.recent_open() => {
                return self.on_recent_action(action);
            }
            Action::CycleOrigin => {}
            // The tabs (route_tabs.rs), the Tenant list and the Detail actions (tenant/keys.rs).
            Action::NextTab
            | Action::PrevTab
            | Action::SelectTab(_)
            | Action::Filter
            | Action::Sort
            | Action::ReverseSort
            | Action::StaleView
            | Action::Refresh
            | Action::CancelLoad
            | Action::ToggleMark
            | Action::Delete
            | Action::Export
            | Action::EditDescription
            | Action::CopyId
            | Action::RawJson => {}
        }
        Vec::new()
    }

    pub(super) fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        if self.notices.is_open() {
            return Vec::new();
        }
        let (text, breaks) = match crate::sanitize::clean_paste(text) {
            Ok(clean) => clean,
            Err(refused) => {
                self.set_status(refused.to_string(), Tone::Warning);
                return Vec::new();
            }
        };
        let mut effects = Vec::new();
        let taken = if self.help_open {
            false
        } else if self.on_tenant_paste(&text) {
            true
        } else if self.screen == Screen::List && self.list_tab == ListTab::Recent {
            match self.recent.paste_filter(&text) {
                Some(requery) => {
                    effects = requery;
                    true
                }
                None => false,
            }
        } else if self.screen == Screen::Scan {
            self.scan.paste(&text);
            true
        } else if self.screen == Screen::Import {
            self.import.paste(&text);
            true
        } else if self.screen == Screen::Form && !self.submission.is_busy() {
            let taken = self.form.paste(&text);
            if !taken {
                self.set_status("paste into a text field", Tone::Info);
            }
            taken
        } else {
            false
        };
        if taken && breaks > 0 {
            let s = if breaks == 1 { "" } else { "s" };
            self.set_status(
                format!("pasted: {breaks} line break{s} became spaces"),
                Tone::Info,
            );
        }
        effects
    }
}
