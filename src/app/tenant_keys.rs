//! Keys of the List tabs, the Tenant list, its filter prompt, the Detail
//! actions and the modals. Runs before the screen's own bindings; `None`
//! lets a key fall through to them (Recent navigation, Back, globals).

use crossterm::event::KeyEvent;

use super::keymap::{Action, Scope};
use super::tabs::ListTab;
use super::tenant::TenantModal;
use super::{App, Effect, Screen};

impl App {
    pub(super) fn on_tenant_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        if self.tenant.modal.is_some() && matches!(self.screen, Screen::List | Screen::Detail) {
            return Some(self.on_modal_key(key));
        }
        match self.screen {
            Screen::List => self.on_list_tab_key(key),
            Screen::Detail => self.on_detail_action_key(key),
            Screen::Form | Screen::Scan | Screen::Import | Screen::SignIn => None,
        }
    }

    fn on_modal_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let results = self.keymap.action(Scope::Results, key, false);
        let dialog = self.keymap.action(Scope::Dialog, key, true);
        let Some(modal) = self.tenant.modal.as_mut() else {
            return Vec::new();
        };
        match modal {
            TenantModal::ConfirmDelete { .. } => {
                if self.confirm_key_is(key, Action::Confirm) {
                    return self.confirm_delete();
                }
                if self.confirm_key_is(key, Action::Keep) {
                    self.tenant.modal = None;
                }
            }
            // Waits for the results; Ctrl-C still quits (handled before).
            TenantModal::Deleting { .. } => {}
            TenantModal::Results { .. } => {
                if results == Some(Action::Close) {
                    self.tenant.modal = None;
                }
            }
            TenantModal::EditDescription { field, saving, .. } => {
                if *saving {
                    return Vec::new();
                }
                match dialog {
                    Some(Action::Accept) => return self.save_description(),
                    Some(Action::Cancel) => self.tenant.modal = None,
                    _ => {
                        field.handle_key(key);
                    }
                }
            }
            TenantModal::Export { field, .. } => match dialog {
                Some(Action::Accept) => return self.run_export(),
                Some(Action::Cancel) => self.tenant.modal = None,
                Some(Action::CycleFormat) => self.cycle_export_format(),
                _ => {
                    field.handle_key(key);
                }
            },
        }
        Vec::new()
    }

    fn on_filter_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let action = self.keymap.action(Scope::Prompt, key, true);
        let Some(field) = self.tenant.filter_field.as_mut() else {
            return Vec::new();
        };
        match action {
            Some(Action::Accept) => self.tenant.filter_field = None,
            Some(Action::Clear) => {
                self.tenant.filter_field = None;
                self.tenant.set_filter("");
            }
            Some(Action::MoveUp) => self.tenant.move_by(-1),
            Some(Action::MoveDown) => self.tenant.move_by(1),
            _ => {
                if field.handle_key(key) {
                    let text = field.value().to_string();
                    if text != self.tenant.filter_text {
                        self.tenant.set_filter(&text);
                    }
                }
            }
        }
        Vec::new()
    }

    fn on_list_tab_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        if self.list_tab == ListTab::Tenant && self.tenant.filter_field.is_some() {
            return Some(self.on_filter_key(key));
        }
        for action in self.keymap.actions(Scope::List, key, false) {
            match action {
                Action::NextTab => return Some(self.show_tab(self.list_tab.next())),
                Action::PrevTab => return Some(self.show_tab(self.list_tab.prev())),
                Action::SelectTab(n) => {
                    return Some(match ListTab::from_index(usize::from(n)) {
                        Some(tab) => self.show_tab(tab),
                        None => Vec::new(),
                    });
                }
                _ => {}
            }
        }
        if self.list_tab != ListTab::Tenant {
            return None;
        }
        let mut actions = self.keymap.actions(Scope::Tenant, key, false);
        actions.extend(self.keymap.actions(Scope::List, key, false));
        for action in actions {
            if let Some(effects) = self.apply_tenant(action) {
                return Some(effects);
            }
        }
        None
    }

    /// One action on the Tenant tab; `None` when it does not apply now.
    fn apply_tenant(&mut self, action: Action) -> Option<Vec<Effect>> {
        let t = &mut self.tenant;
        match action {
            Action::CancelLoad if t.loading => return Some(self.cancel_tenant_load()),
            Action::CancelLoad => return None,
            Action::Refresh => return Some(self.reload_tenant()),
            Action::Filter => {
                t.filter_field = Some(crate::widgets::TextField::with_value(&t.filter_text));
            }
            Action::Sort => self.cycle_sort(false),
            Action::ReverseSort => self.cycle_sort(true),
            Action::StaleView => self.toggle_stale(),
            Action::ToggleMark => self.toggle_mark(),
            Action::Delete => {
                let targets = t.delete_targets();
                self.ask_delete(targets);
            }
            Action::Export => self.start_export(),
            Action::MoveUp => t.move_by(-1),
            Action::MoveDown => t.move_by(1),
            Action::PageUp => t.move_by(-t.page_size()),
            Action::PageDown => t.move_by(t.page_size()),
            Action::First => t.selected = 0,
            Action::Last => t.last(),
            Action::OpenSelected => return Some(self.open_tenant_detail()),
            _ => return None,
        }
        Some(Vec::new())
    }

    fn on_detail_action_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        for action in self.keymap.actions(Scope::Detail, key, false) {
            match action {
                Action::EditDescription => {
                    self.start_edit_description();
                    return Some(Vec::new());
                }
                Action::Delete => {
                    self.ask_delete_detail();
                    return Some(Vec::new());
                }
                Action::CopyId => return Some(self.copy_detail_id()),
                Action::RawJson => {
                    self.tenant.raw_json = !self.tenant.raw_json;
                    return Some(Vec::new());
                }
                Action::Back if self.tenant.raw_json => {
                    self.tenant.raw_json = false;
                    return Some(Vec::new());
                }
                _ => {}
            }
        }
        None
    }
}
