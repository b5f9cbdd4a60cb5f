//! The List screen's tabs. A new tab is one more variant here, in `ALL`,
//! and in the screen's title and body dispatch.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListTab {
    #[default]
    Recent,
    Tenant,
    /// Drafts and the outbox (`app::outbox`).
    Outbox,
}

impl ListTab {
    /// The tabs in the order shown (and numbered 1, 2, …).
    pub const ALL: &'static [ListTab] = &[ListTab::Recent, ListTab::Tenant, ListTab::Outbox];

    pub fn title(self) -> &'static str {
        match self {
            ListTab::Recent => "Recent",
            ListTab::Tenant => "Tenant",
            ListTab::Outbox => "Drafts/Outbox",
        }
    }

    pub fn index(self) -> usize {
        ListTab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The tab numbered `index` (from 0), if there is one.
    pub fn from_index(index: usize) -> Option<ListTab> {
        ListTab::ALL.get(index).copied()
    }

    pub fn next(self) -> ListTab {
        ListTab::ALL[(self.index() + 1) % ListTab::ALL.len()]
    }

    pub fn prev(self) -> ListTab {
        let n = ListTab::ALL.len();
        ListTab::ALL[(self.index() + n - 1) % n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_wrap_both_ways() {
        for tab in ListTab::ALL {
            assert_eq!(tab.next().prev(), *tab);
            assert_eq!(ListTab::from_index(tab.index()), Some(*tab));
        }
        assert_eq!(ListTab::Recent.prev(), *ListTab::ALL.last().unwrap());
        assert_eq!(ListTab::from_index(ListTab::ALL.len()), None);
    }
}
