//! Recent, the ledger view: entries from the local store, newest first,
//! loaded a page at a time as the selection nears the end of what is loaded,
//! with the filter (identifier text, origin), a selection and the scroll
//! offset the last draw used. `RecentList` owns its keys (`actions`), its
//! paging and filter (`query`), its live refresh (`live`) and what Detail
//! learns from the ledger (`ledger_detail`); what it cannot do itself it
//! returns as a [`RecentOutcome`] for the app to carry out.

mod actions;
pub mod ledger_detail;
pub mod live;
mod query;

use std::ops::Range;

use crate::domain::DateTimeOffset;

use std::collections::HashSet;

pub use live::{LIVE_REFRESH_SECS, LiveRefreshed, LiveTarget, live_label};

use self::live::is_enrolled;
use super::viewport::Viewport;
use super::{DetailView, Effect, StatusMessage};
use crate::model::{LiveCopy, RecentEntry};
use crate::widgets::Tone;

/// What Recent reads of the rest of the app.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecentCtx {
    /// Offline: nothing is read from the tenant.
    pub offline: bool,
    /// The wall time last sent by the runtime.
    pub now: Option<DateTimeOffset>,
}

/// What Recent cannot do by itself, for the app to carry out: the work to
/// start, a message for the user, an entry to open on Detail.
#[derive(Debug, Default)]
pub struct RecentOutcome {
    pub effects: Vec<Effect>,
    pub status: Option<StatusMessage>,
    /// Open this entry on Detail (back to the list).
    pub open: Option<DetailView>,
}

impl RecentOutcome {
    fn status(text: impl Into<String>, tone: Tone) -> Self {
        RecentOutcome {
            status: Some(StatusMessage {
                text: text.into(),
                tone,
            }),
            ..RecentOutcome::default()
        }
    }
}

impl From<Vec<Effect>> for RecentOutcome {
    fn from(effects: Vec<Effect>) -> Self {
        RecentOutcome {
            effects,
            ..RecentOutcome::default()
        }
    }
}

/// How many entries one load from the store brings.
pub const RECENT_PAGE: usize = 500;

/// Which entries Recent lists: those whose identifier contains `text`
/// (any case), of one origin ("form", "scan", "import") or all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecentQuery {
    pub text: String,
    pub origin: Option<String>,
}

impl RecentQuery {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.origin.is_none()
    }
}

/// One page of Recent to load: `limit` entries from `offset`, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentPage {
    pub query: RecentQuery,
    pub offset: usize,
    pub limit: usize,
}

/// The most entries one live refresh reads from the tenant.
pub const LIVE_TARGETS_MAX: usize = 1000;

/// The origins the origin filter steps through, after "all".
pub const ORIGINS: [&str; 3] = ["form", "scan", "import"];

#[derive(Debug, Clone, Default)]
pub struct RecentList {
    entries: Vec<RecentEntry>,
    selected: usize,
    /// Where it is scrolled to; kept by drawing so scrolling is stable.
    viewport: Viewport,
    loaded: bool,
    /// Entries recorded in this session, newest first.
    recorded: Vec<RecentEntry>,
    /// A live refresh is on its way (one at a time).
    live_in_flight: bool,
    /// When the last live refresh started (the next is due a minute later).
    live_started_at: Option<DateTimeOffset>,
    /// Items seen becoming enrolled in this session (highlighted).
    enrolled_seen: HashSet<i64>,
    /// What is listed.
    query: RecentQuery,
    /// The filter being typed, when its prompt is open.
    filter_field: Option<crate::widgets::TextField>,
    /// How many entries of `query` came from the store (the next page's offset).
    fetched: usize,
    /// The store may hold more entries than are loaded.
    more: bool,
    /// The offset of the page on its way, if one is.
    page_in_flight: Option<usize>,
    /// `Last` was asked for while pages were still to come: follow them.
    follow_last: bool,
}

impl RecentList {
    pub fn entries(&self) -> &[RecentEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Whether the store may hold more entries than are loaded.
    pub fn has_more(&self) -> bool {
        self.more
    }

    pub fn query(&self) -> &RecentQuery {
        &self.query
    }

    /// The filter being typed, when the prompt is open.
    pub fn filter_field(&self) -> Option<&crate::widgets::TextField> {
        self.filter_field.as_ref()
    }

    /// Adds the next page from the store; entries already listed (one
    /// recorded meanwhile moved the pages by one) are not listed twice.
    pub fn append(&mut self, page: Vec<RecentEntry>, limit: usize) {
        self.fetched += page.len();
        self.more = page.len() >= limit;
        for entry in page {
            let known = self.entries.iter().any(|e| same_entry(e, &entry));
            if !known {
                self.entries.push(entry);
            }
        }
    }

    /// The first page of a new query: what is listed is replaced.
    fn set_first_page(&mut self, page: Vec<RecentEntry>, limit: usize) {
        let more = page.len() >= limit;
        self.set(page);
        self.more = more;
    }

    pub fn selected_index(&self) -> usize {
        self.selected
    }

    pub fn selected(&self) -> Option<&RecentEntry> {
        self.entries.get(self.selected)
    }

    /// Replaces the entries with those from the store. Entries recorded in
    /// this session that the store did not return yet (a load that raced a
    /// submission) stay on top.
    pub fn set(&mut self, loaded: Vec<RecentEntry>) {
        self.fetched = loaded.len();
        self.more = loaded.len() >= RECENT_PAGE;
        let query = &self.query;
        let mut entries: Vec<RecentEntry> = self
            .recorded
            .iter()
            .filter(|mine| matches(query, mine))
            .filter(|mine| !loaded.iter().any(|l| same_entry(l, mine)))
            .cloned()
            .collect();
        entries.extend(loaded);
        self.entries = entries;
        self.loaded = true;
        self.selected = self.selected.min(self.entries.len().saturating_sub(1));
    }

    /// Entries with an id in the tenant not known to be enrolled yet: of
    /// the newest [`LIVE_TARGETS_MAX`] loaded (older pages scrolled into
    /// do not multiply the reads of each refresh).
    pub fn live_targets(&self) -> Vec<LiveTarget> {
        self.entries
            .iter()
            .take(LIVE_TARGETS_MAX)
            .filter(|e| !e.live.as_ref().is_some_and(|l| is_enrolled(&l.identity)))
            .filter_map(|e| {
                Some(LiveTarget {
                    item_id: e.item_id?,
                    service_id: e.result.identity.id.clone()?,
                })
            })
            .collect()
    }

    /// Stores a live copy on its entry; true when it became enrolled now.
    pub fn set_live(&mut self, item_id: i64, live: LiveCopy) -> bool {
        let Some(entry) = self.entries.iter_mut().find(|e| e.item_id == Some(item_id)) else {
            return false;
        };
        let was = entry
            .live
            .as_ref()
            .is_some_and(|l| is_enrolled(&l.identity))
            || is_enrolled(&entry.result.identity);
        let now = is_enrolled(&live.identity);
        entry.live = Some(Box::new(live));
        if now && !was {
            self.enrolled_seen.insert(item_id);
        }
        now && !was
    }

    /// A copy just written to the tenant (an edit on Detail) replaces the
    /// live copy of the entries of that identity.
    pub fn replace_live(&mut self, live: &LiveCopy) {
        let id = live.identity.id.as_deref();
        for entry in self.entries.iter_mut().chain(self.recorded.iter_mut()) {
            if id.is_some() && entry.result.identity.id.as_deref() == id {
                entry.live = Some(Box::new(live.clone()));
            }
        }
    }

    /// Whether this entry was seen becoming enrolled in this session.
    pub fn enrolled_here(&self, entry: &RecentEntry) -> bool {
        entry
            .item_id
            .is_some_and(|id| self.enrolled_seen.contains(&id))
    }

    /// How many entries were seen becoming enrolled in this session.
    pub fn enrolled_this_session(&self) -> usize {
        self.enrolled_seen.len()
    }

    /// A newly recorded entry goes on top and is selected.
    pub fn push_front(&mut self, entry: RecentEntry) {
        self.recorded.insert(0, entry.clone());
        if !matches(&self.query, &entry) {
            return;
        }
        self.entries.insert(0, entry);
        self.selected = 0;
        self.viewport.reset();
    }

    /// Whether the next page should be loaded now: the selection is within
    /// a page of the end of what is loaded, and more may come.
    fn wants_more(&self) -> bool {
        self.more
            && self.page_in_flight.is_none()
            && self.selected + self.viewport.height().max(1) * 2 >= self.entries.len()
    }

    /// The offset the next page starts at.
    fn next_offset(&self) -> usize {
        self.fetched
    }

    /// Moves the selection by `delta` rows, clamped.
    pub fn move_by(&mut self, delta: isize) {
        // A move of the user's own ends following `Last` through the pages.
        self.follow_last = false;
        let last = self.entries.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn page_size(&self) -> isize {
        self.viewport.page_size()
    }

    pub fn first(&mut self) {
        self.follow_last = false;
        self.selected = 0;
    }

    pub fn last(&mut self) {
        self.selected = self.entries.len().saturating_sub(1);
    }

    /// The rows to draw in `height` rows: keeps the selection visible with
    /// the least scrolling, and remembers the offset for the next draw.
    pub fn visible_range(&self, height: usize) -> Range<usize> {
        self.viewport
            .range(self.selected, self.entries.len(), height)
    }
}

/// The same identity: the same item, or the same id in the tenant (the
/// ledger's time of it may differ from the session's).
fn same_entry(a: &RecentEntry, b: &RecentEntry) -> bool {
    if let (Some(x), Some(y)) = (a.item_id, b.item_id) {
        return x == y;
    }
    match (&a.result.identity.id, &b.result.identity.id) {
        (Some(x), Some(y)) => x == y,
        _ => (&a.result.identity.id, a.recorded_at) == (&b.result.identity.id, b.recorded_at),
    }
}

/// Whether an entry recorded in this session belongs in `query`'s list
/// (as the store's query would say).
fn matches(query: &RecentQuery, entry: &RecentEntry) -> bool {
    let text = query.text.to_uppercase();
    entry
        .result
        .identity
        .identifier()
        .to_uppercase()
        .contains(&text)
        && query.origin.as_deref().is_none_or(|o| o == entry.origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ImportedDeviceIdentityResult;

    fn entries(n: usize) -> Vec<RecentEntry> {
        let at = DateTimeOffset::parse("2024-05-01T09:30:00Z").unwrap();
        (0..n)
            .map(|_| RecentEntry {
                recorded_at: at,
                profile: "sandbox".into(),
                method: crate::domain::RecordedMethod::Create,
                result: ImportedDeviceIdentityResult::default(),
                raw: serde_json::Value::Null,
                origin: "form".into(),
                item_id: None,
                live: None,
            })
            .collect()
    }

    #[test]
    fn scrolls_only_as_far_as_needed() {
        let mut list = RecentList::default();
        list.set(entries(100));
        assert_eq!(list.visible_range(10), 0..10);
        list.move_by(12);
        assert_eq!(list.visible_range(10), 3..13);
        list.move_by(-5);
        assert_eq!(list.visible_range(10), 3..13);
        list.move_by(-100);
        assert_eq!(list.visible_range(10), 0..10);
        list.last();
        assert_eq!(list.visible_range(10), 90..100);
        assert_eq!(list.visible_range(0), 0..0);
    }

    #[test]
    fn a_live_refresh_reads_at_most_the_newest_thousand() {
        let mut list = RecentList::default();
        let many: Vec<RecentEntry> = entries(1500)
            .into_iter()
            .enumerate()
            .map(|(i, mut e)| {
                e.item_id = Some(i as i64);
                e.result.identity.id = Some(format!("id-{i}"));
                e
            })
            .collect();
        list.set(many[..RECENT_PAGE].to_vec());
        list.append(many[RECENT_PAGE..].to_vec(), RECENT_PAGE);
        assert_eq!(list.len(), 1500);
        let targets = list.live_targets();
        assert_eq!(targets.len(), LIVE_TARGETS_MAX);
        assert_eq!(targets[0].item_id, 0);
    }

    #[test]
    fn a_late_load_keeps_entries_recorded_meanwhile() {
        let mut list = RecentList::default();
        let mut mine = entries(1).remove(0);
        mine.result.identity.id = Some("new".into());
        list.push_front(mine.clone());
        list.set(entries(3));
        assert_eq!(list.len(), 4);
        assert_eq!(list.entries()[0], mine);
        // Once the store returns it too, it is not shown twice.
        let mut with_mine = vec![mine.clone()];
        with_mine.extend(entries(3));
        list.set(with_mine);
        assert_eq!(list.len(), 4);
    }
}
