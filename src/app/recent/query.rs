//! Recent past its first page and filtered: the next page is asked for as
//! the selection nears the end of what is loaded (`Last` follows the pages
//! to the very last entry); `/` opens the filter prompt (identifier text,
//! as on the Tenant tab) and the origin key steps through form, scan and
//! import. Each change of the filter loads the first page again.

use crossterm::event::KeyEvent;

use crate::app::{Action, Keymap, Scope};

use super::{ORIGINS, RECENT_PAGE, RecentList, RecentPage, RecentQuery};
use crate::app::Effect;
use crate::model::RecentEntry;

impl RecentList {
    /// The first page of Recent as filtered now.
    pub fn first_page(&self) -> Effect {
        Effect::LoadRecent(RecentPage {
            query: self.query.clone(),
            offset: 0,
            limit: RECENT_PAGE,
        })
    }

    /// Recent is shown again: read again from its first page (other paths
    /// and other processes add to the ledger).
    pub fn reopen(&mut self) -> Effect {
        self.page_in_flight = None;
        self.follow_last = false;
        self.first_page()
    }

    /// The next page, when the selection nears the end of what is loaded.
    pub(super) fn load_more(&mut self) -> Vec<Effect> {
        if !self.wants_more() {
            return Vec::new();
        }
        let offset = self.next_offset();
        self.page_in_flight = Some(offset);
        vec![Effect::LoadRecent(RecentPage {
            query: self.query.clone(),
            offset,
            limit: RECENT_PAGE,
        })]
    }

    /// `Last`: the last entry loaded now, and the last one of all once the
    /// pages still to come are in.
    pub(super) fn last_of_all(&mut self) -> Vec<Effect> {
        self.last();
        self.follow_last = self.has_more();
        self.load_more()
    }

    /// A page from the store: the first replaces the list, the next ones
    /// add to it; pages of an earlier filter are dropped.
    pub fn on_page(&mut self, page: RecentPage, entries: Vec<RecentEntry>) -> Vec<Effect> {
        if page.query != self.query {
            return Vec::new();
        }
        if page.offset == 0 {
            self.set_first_page(entries, page.limit);
            self.page_in_flight = None;
        } else if self.page_in_flight == Some(page.offset) {
            self.page_in_flight = None;
            self.append(entries, page.limit);
        } else {
            return Vec::new();
        }
        if self.follow_last {
            self.last();
            self.follow_last = self.has_more();
        }
        self.load_more()
    }

    /// A new filter: listed from its first page.
    fn requery(&mut self, query: RecentQuery) -> Vec<Effect> {
        if query == self.query {
            return Vec::new();
        }
        self.query = query;
        self.page_in_flight = None;
        self.follow_last = false;
        self.first();
        vec![self.first_page()]
    }

    /// `/` on Recent.
    pub(super) fn open_filter(&mut self) {
        self.filter_field = Some(crate::widgets::TextField::with_value(&self.query.text));
    }

    /// The origin key: all → form → scan → import → all.
    pub(super) fn cycle_origin(&mut self) -> Vec<Effect> {
        let next = match self.query.origin.as_deref() {
            None => Some(ORIGINS[0]),
            Some(now) => ORIGINS
                .iter()
                .position(|o| *o == now)
                .and_then(|i| ORIGINS.get(i + 1))
                .copied(),
        };
        let query = RecentQuery {
            origin: next.map(str::to_string),
            ..self.query.clone()
        };
        self.requery(query)
    }

    /// Pasted text (cleaned already) into the filter prompt; `None` when it
    /// is not open.
    pub fn paste_filter(&mut self, text: &str) -> Option<Vec<Effect>> {
        let field = self.filter_field.as_mut()?;
        field.insert_str(text);
        let query = RecentQuery {
            text: field.value().trim().to_string(),
            ..self.query.clone()
        };
        Some(self.requery(query))
    }

    /// Keys while the filter prompt is open; `None` when it is not.
    pub fn on_filter_key(&mut self, key: &KeyEvent, keymap: &Keymap) -> Option<Vec<Effect>> {
        let action = keymap.action(Scope::Prompt, key, true);
        let field = self.filter_field.as_mut()?;
        let effects = match action {
            Some(Action::Accept) => {
                self.filter_field = None;
                Vec::new()
            }
            Some(Action::Clear) => {
                self.filter_field = None;
                let query = RecentQuery {
                    text: String::new(),
                    ..self.query.clone()
                };
                self.requery(query)
            }
            Some(Action::MoveUp) => {
                self.move_by(-1);
                Vec::new()
            }
            Some(Action::MoveDown) => {
                self.move_by(1);
                self.load_more()
            }
            _ => {
                if field.handle_key(key) {
                    let query = RecentQuery {
                        text: field.value().trim().to_string(),
                        ..self.query.clone()
                    };
                    self.requery(query)
                } else {
                    Vec::new()
                }
            }
        };
        Some(effects)
    }
}
