//! Recent past its first page and filtered: the next page is asked for as
//! the selection nears the end of what is loaded (`Last` follows the pages
//! to the very last entry); `/` opens the filter prompt (identifier text,
//! as on the Tenant tab) and the origin key steps through form, scan and
//! import. Each change of the filter loads the first page again.

use crossterm::event::KeyEvent;

use super::keymap::{Action, Scope};

use super::recent::{ORIGINS, RECENT_PAGE, RecentPage, RecentQuery};
use super::{App, Effect, ListTab, Screen};
use crate::model::RecentEntry;

impl App {
    /// The first page of Recent as filtered now.
    pub(super) fn first_recent_page(&self) -> Effect {
        Effect::LoadRecent(RecentPage {
            query: self.recent.query.clone(),
            offset: 0,
            limit: RECENT_PAGE,
        })
    }

    /// The next page, when the selection nears the end of what is loaded.
    pub(super) fn more_recent(&mut self) -> Vec<Effect> {
        if !self.recent.wants_more() {
            return Vec::new();
        }
        let offset = self.recent.next_offset();
        self.recent.page_in_flight = Some(offset);
        vec![Effect::LoadRecent(RecentPage {
            query: self.recent.query.clone(),
            offset,
            limit: RECENT_PAGE,
        })]
    }

    /// `Last`: the last entry loaded now, and the last one of all once the
    /// pages still to come are in.
    pub(super) fn last_recent(&mut self) -> Vec<Effect> {
        self.recent.last();
        self.recent.follow_last = self.recent.has_more();
        self.more_recent()
    }

    /// A page from the store: the first replaces the list, the next ones
    /// add to it; pages of an earlier filter are dropped.
    pub(super) fn on_recent_page(
        &mut self,
        page: RecentPage,
        entries: Vec<RecentEntry>,
    ) -> Vec<Effect> {
        if page.query != self.recent.query {
            return Vec::new();
        }
        if page.offset == 0 {
            self.recent.set_first_page(entries, page.limit);
            self.recent.page_in_flight = None;
        } else if self.recent.page_in_flight == Some(page.offset) {
            self.recent.page_in_flight = None;
            self.recent.append(entries, page.limit);
        } else {
            return Vec::new();
        }
        if self.recent.follow_last {
            self.recent.last();
            self.recent.follow_last = self.recent.has_more();
        }
        self.more_recent()
    }

    /// A new filter: listed from its first page.
    fn requery_recent(&mut self, query: RecentQuery) -> Vec<Effect> {
        if query == self.recent.query {
            return Vec::new();
        }
        self.recent.query = query;
        self.recent.page_in_flight = None;
        self.recent.follow_last = false;
        self.recent.first();
        vec![self.first_recent_page()]
    }

    /// `/` on Recent.
    pub(super) fn open_recent_filter(&mut self) {
        self.recent.filter_field = Some(crate::widgets::TextField::with_value(
            &self.recent.query.text,
        ));
    }

    /// The origin key: all → form → scan → import → all.
    pub(super) fn cycle_recent_origin(&mut self) -> Vec<Effect> {
        let next = match self.recent.query.origin.as_deref() {
            None => Some(ORIGINS[0]),
            Some(now) => ORIGINS
                .iter()
                .position(|o| *o == now)
                .and_then(|i| ORIGINS.get(i + 1))
                .copied(),
        };
        let query = RecentQuery {
            origin: next.map(str::to_string),
            ..self.recent.query.clone()
        };
        self.requery_recent(query)
    }

    /// Keys while Recent's filter prompt is open; `None` when it is not.
    pub(super) fn on_recent_filter_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        if self.screen != Screen::List || self.list_tab != ListTab::Recent {
            return None;
        }
        let action = self.keymap.action(Scope::Prompt, key, true);
        let field = self.recent.filter_field.as_mut()?;
        let effects = match action {
            Some(Action::Accept) => {
                self.recent.filter_field = None;
                Vec::new()
            }
            Some(Action::Clear) => {
                self.recent.filter_field = None;
                let query = RecentQuery {
                    text: String::new(),
                    ..self.recent.query.clone()
                };
                self.requery_recent(query)
            }
            Some(Action::MoveUp) => {
                self.recent.move_by(-1);
                Vec::new()
            }
            Some(Action::MoveDown) => {
                self.recent.move_by(1);
                self.more_recent()
            }
            _ => {
                if field.handle_key(key) {
                    let query = RecentQuery {
                        text: field.value().trim().to_string(),
                        ..self.recent.query.clone()
                    };
                    self.requery_recent(query)
                } else {
                    Vec::new()
                }
            }
        };
        Some(effects)
    }
}
