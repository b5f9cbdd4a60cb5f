//! Keys of the Tenant list, its filter prompt, the Detail actions and the
//! modals, through the keymap. The router asks these before the screen's
//! own bindings; `None` lets a key fall through to them (the tab keys,
//! Recent navigation, Back, globals).

use crossterm::event::KeyEvent;

use super::outcome::{TenantCtx, TenantOutcome};
use super::{TenantModal, TenantState};
use crate::app::Screen;
use crate::app::keymap::{Action, Keymap, Scope};
use crate::app::tabs::ListTab;

/// Whether the key answers `action` in the confirm scope.
fn confirm_key_is(keymap: &Keymap, key: &KeyEvent, action: Action) -> bool {
    keymap.actions(Scope::Confirm, key, false).contains(&action)
}

impl TenantState {
    /// Whether a modal or the filter prompt takes every key now (the List
    /// tab keys included).
    pub fn holds_keys(&self, ctx: &TenantCtx) -> bool {
        self.modal.is_some() || (ctx.list_tab == ListTab::Tenant && self.filter_field.is_some())
    }

    /// Pasted text (cleaned already) into the field that has focus: the
    /// edit-description or export dialog's, else the filter prompt's (on
    /// the Tenant tab). Returns whether a field took it.
    pub fn paste(&mut self, text: &str, ctx: &TenantCtx) -> bool {
        match &mut self.modal {
            Some(TenantModal::EditDescription {
                field,
                saving: false,
                ..
            })
            | Some(TenantModal::Export { field, .. }) => {
                field.insert_str(text);
                true
            }
            Some(_) => false,
            None if ctx.screen == crate::app::Screen::List && ctx.list_tab == ListTab::Tenant => {
                let Some(field) = self.filter_field.as_mut() else {
                    return false;
                };
                field.insert_str(text);
                let typed = field.value().to_string();
                if typed != self.filter_text {
                    self.set_filter(&typed);
                }
                true
            }
            None => false,
        }
    }

    /// A key on the List screen or Detail; `None` when it is not Tenant's.
    pub fn on_key(
        &mut self,
        key: &KeyEvent,
        keymap: &Keymap,
        ctx: &TenantCtx,
    ) -> Option<TenantOutcome> {
        if self.modal.is_some() && matches!(ctx.screen, Screen::List | Screen::Detail) {
            return Some(self.on_modal_key(key, keymap));
        }
        match ctx.screen {
            Screen::List if ctx.list_tab == ListTab::Tenant => {
                if self.filter_field.is_some() {
                    self.on_filter_key(key, keymap);
                    return Some(TenantOutcome::default());
                }
                let mut actions = keymap.actions(Scope::Tenant, key, false);
                actions.extend(keymap.actions(Scope::List, key, false));
                actions.into_iter().find_map(|a| self.on_action(a))
            }
            Screen::Detail => keymap
                .actions(Scope::Detail, key, false)
                .into_iter()
                .find_map(|a| self.on_detail_action(a, ctx)),
            Screen::List | Screen::Form | Screen::Scan | Screen::Import | Screen::SignIn => None,
        }
    }

    fn on_modal_key(&mut self, key: &KeyEvent, keymap: &Keymap) -> TenantOutcome {
        let results = keymap.action(Scope::Results, key, false);
        let dialog = keymap.action(Scope::Dialog, key, true);
        let Some(modal) = self.modal.as_mut() else {
            return TenantOutcome::default();
        };
        match modal {
            TenantModal::ConfirmDelete { .. } => {
                if confirm_key_is(keymap, key, Action::Confirm) {
                    return self.confirm_delete();
                }
                if confirm_key_is(keymap, key, Action::Keep) {
                    self.modal = None;
                }
            }
            // Waits for the results; Ctrl-C still quits (handled before).
            TenantModal::Deleting { .. } => {}
            TenantModal::Results { .. } => {
                if results == Some(Action::Close) {
                    self.modal = None;
                }
            }
            TenantModal::EditDescription { field, saving, .. } => {
                if *saving {
                    return TenantOutcome::default();
                }
                match dialog {
                    Some(Action::Accept) => return self.save_description(),
                    Some(Action::Cancel) => self.modal = None,
                    _ => {
                        field.handle_key(key);
                    }
                }
            }
            TenantModal::Export { field, .. } => match dialog {
                Some(Action::Accept) => return self.run_export(),
                Some(Action::Cancel) => self.modal = None,
                Some(Action::CycleFormat) => self.cycle_export_format(),
                _ => {
                    field.handle_key(key);
                }
            },
        }
        TenantOutcome::default()
    }

    fn on_filter_key(&mut self, key: &KeyEvent, keymap: &Keymap) {
        let action = keymap.action(Scope::Prompt, key, true);
        let Some(field) = self.filter_field.as_mut() else {
            return;
        };
        match action {
            Some(Action::Accept) => self.filter_field = None,
            Some(Action::Clear) => {
                self.filter_field = None;
                self.set_filter("");
            }
            Some(Action::MoveUp) => self.move_by(-1),
            Some(Action::MoveDown) => self.move_by(1),
            _ => {
                if field.handle_key(key) {
                    let text = field.value().to_string();
                    if text != self.filter_text {
                        self.set_filter(&text);
                    }
                }
            }
        }
    }

    /// One action on the Tenant tab; `None` when it does not apply now.
    pub fn on_action(&mut self, action: Action) -> Option<TenantOutcome> {
        match action {
            Action::CancelLoad if self.loading => return Some(self.cancel_load()),
            Action::CancelLoad => return None,
            Action::Refresh => return Some(TenantOutcome::effects(self.reload())),
            Action::Filter => {
                self.filter_field = Some(crate::widgets::TextField::with_value(&self.filter_text));
            }
            Action::Sort => self.cycle_sort(false),
            Action::ReverseSort => self.cycle_sort(true),
            Action::StaleView => self.toggle_stale(),
            Action::ToggleMark => self.toggle_mark(),
            Action::Delete => {
                let targets = self.delete_targets();
                return Some(self.ask_delete(targets));
            }
            Action::Export => self.start_export(),
            Action::MoveUp => self.move_by(-1),
            Action::MoveDown => self.move_by(1),
            Action::PageUp => self.move_by(-self.page_size()),
            Action::PageDown => self.move_by(self.page_size()),
            Action::First => self.selected = 0,
            Action::Last => self.last(),
            Action::OpenSelected => return Some(self.open_selected()),
            _ => return None,
        }
        Some(TenantOutcome::default())
    }

    /// One action on Detail; `None` when it is not a Tenant action.
    fn on_detail_action(&mut self, action: Action, ctx: &TenantCtx) -> Option<TenantOutcome> {
        match action {
            Action::EditDescription => Some(self.start_edit_description(ctx.detail)),
            Action::Delete => Some(self.ask_delete_detail(ctx.detail)),
            Action::CopyId => Some(copy_id(ctx)),
            Action::RawJson => {
                self.raw_json = !self.raw_json;
                Some(TenantOutcome::default())
            }
            Action::Back if self.raw_json => {
                self.raw_json = false;
                Some(TenantOutcome::default())
            }
            _ => None,
        }
    }
}

/// `c` on Detail: the identity's id to the clipboard.
fn copy_id(ctx: &TenantCtx) -> TenantOutcome {
    match ctx.detail.and_then(|i| i.id.clone()) {
        Some(text) => TenantOutcome::effect(super::TenantEffect::Copy { text }),
        None => TenantOutcome::status(
            "this identity has no id to copy",
            crate::widgets::Tone::Info,
        ),
    }
}
