//! Routing between the List screen's tabs: the tab keys (next, previous,
//! a tab's number) and what showing a tab starts (Recent reads its page,
//! Tenant its first load, Drafts/Outbox a reload when stale).

use crossterm::event::KeyEvent;

use super::keymap::{Action, Scope};
use super::tabs::ListTab;
use super::{App, Effect};

impl App {
    pub fn list_tab(&self) -> ListTab {
        self.list_tab
    }

    /// A tab key on the List screen; `None` when the key is no tab key.
    pub(super) fn on_list_tab_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
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
        None
    }

    /// Shows a tab; the Tenant tab starts its first load when first shown.
    pub(super) fn show_tab(&mut self, tab: ListTab) -> Vec<Effect> {
        if tab == ListTab::Recent {
            return self.open_recent();
        }
        self.list_tab = tab;
        if tab == ListTab::Tenant {
            return self
                .tenant
                .on_shown()
                .into_iter()
                .map(Effect::Tenant)
                .collect();
        }
        if tab == ListTab::Outbox && std::mem::take(&mut self.outbox.stale) {
            return vec![Effect::Outbox(super::OutboxEffect::Load)];
        }
        Vec::new()
    }
}
