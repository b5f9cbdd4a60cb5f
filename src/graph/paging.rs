//! Paging that always ends: every listing (the identities list and the
//! answers of the two actions, which the service may page too) follows
//! `@odata.nextLink` through a [`PageGuard`], which stops on a link already
//! followed — any cycle, A→A or A→B→A — and after [`MAX_PAGES`] pages, with
//! an error that names the request id of the page that sent the link.

use std::collections::HashSet;

use super::error::GraphError;

/// The most pages one listing follows (a million identities at 100 a page).
pub const MAX_PAGES: usize = 10_000;

/// The links a listing has followed, and how many pages it has read.
#[derive(Debug, Clone)]
pub struct PageGuard {
    seen: HashSet<String>,
    pages: usize,
    cap: usize,
}

impl Default for PageGuard {
    fn default() -> Self {
        PageGuard::new(MAX_PAGES)
    }
}

impl PageGuard {
    /// A guard that allows `cap` pages (the first one included).
    pub fn new(cap: usize) -> Self {
        PageGuard {
            seen: HashSet::new(),
            pages: 1,
            cap: cap.max(1),
        }
    }

    /// Pages read so far (the first page counts as read when the guard is made).
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Allows following `link`, sent by the page answered with `request_id`,
    /// or says why the listing must stop.
    pub fn follow(&mut self, link: &str, request_id: Option<&str>) -> Result<(), GraphError> {
        let request_id = request_id.map(str::to_string);
        if !self.seen.insert(link.to_string()) {
            return Err(GraphError::Paging {
                message: format!(
                    "the service sent a next-page link it had sent before, after {} pages",
                    self.pages
                ),
                request_id,
            });
        }
        if self.pages >= self.cap {
            return Err(GraphError::Paging {
                message: format!("more than {} pages", self.cap),
                request_id,
            });
        }
        self.pages += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_cycle_stops_the_listing() {
        let mut g = PageGuard::default();
        assert!(g.follow("A", Some("r1")).is_ok());
        let e = g.follow("A", Some("r2")).unwrap_err();
        assert_eq!(e.request_id(), Some("r2"));
        assert!(e.user_message().contains("next-page link"), "{e}");

        let mut g = PageGuard::default();
        g.follow("A", None).unwrap();
        g.follow("B", None).unwrap();
        assert!(matches!(
            g.follow("A", None),
            Err(GraphError::Paging { .. })
        ));
        assert_eq!(g.pages(), 3);
    }

    #[test]
    fn a_page_cap_ends_an_endless_listing() {
        let mut g = PageGuard::new(5);
        for i in 0..4 {
            g.follow(&format!("p{i}"), None).unwrap();
        }
        let e = g.follow("p4", Some("r5")).unwrap_err();
        assert!(e.user_message().contains("more than 5 pages"), "{e}");
        assert!(e.user_message().contains("r5"), "{e}");
    }
}
