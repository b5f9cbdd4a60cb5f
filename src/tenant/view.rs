//! The rows a user sees: all rows in sort order (`order`), and the subset
//! that passes the filter and the stale view (`view`), both as `u32`
//! indices. Typing on in the filter rescans only the current view; rows that
//! arrive while loading are sorted and merged in, never re-sorted whole.

use std::cmp::Ordering;
use std::sync::Arc;

use super::query::Query;
use super::rows::{RowRef, TenantRows};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};

/// The Stale view's default: not contacted for 90 days.
pub const DEFAULT_STALE_DAYS: u32 = 90;

/// The columns of the Tenant list, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Identifier,
    Type,
    Platform,
    State,
    LastContacted,
    Created,
    Description,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Identifier,
        Column::Type,
        Column::Platform,
        Column::State,
        Column::LastContacted,
        Column::Created,
        Column::Description,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Column::Identifier => "Identifier",
            Column::Type => "Type",
            Column::Platform => "Platform",
            Column::State => "State",
            Column::LastContacted => "Contacted",
            Column::Created => "Created",
            Column::Description => "Description",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Sort {
    /// The next sort of the `s` cycle: each column ascending then
    /// descending, then the service's order (`None`).
    pub fn cycle(current: Option<Sort>) -> Option<Sort> {
        match current {
            None => Some(Sort {
                column: Column::Identifier,
                descending: false,
            }),
            Some(Sort {
                column,
                descending: false,
            }) => Some(Sort {
                column,
                descending: true,
            }),
            Some(Sort { column, .. }) => {
                let i = Column::ALL.iter().position(|c| *c == column).unwrap_or(0);
                Column::ALL.get(i + 1).map(|&column| Sort {
                    column,
                    descending: false,
                })
            }
        }
    }
}

/// Never contacted, or last contacted more than `days` days before `now`.
pub fn is_stale(contacted: Option<&DateTimeOffset>, now: DateTimeOffset, days: u32) -> bool {
    match contacted {
        None => true,
        Some(d) if d.is_min() => true,
        Some(d) => d.0 < now.0 - time::Duration::days(i64::from(days)),
    }
}

/// The Stale view's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale {
    pub days: u32,
    pub now: DateTimeOffset,
}

fn rank_table(names: &super::rows::Interner, label: fn(&str) -> String) -> Vec<u32> {
    let mut labels: Vec<(String, u16)> = names
        .iter()
        .map(|(code, wire)| (label(wire).to_lowercase(), code))
        .collect();
    labels.sort();
    let mut ranks = vec![0u32; names.len()];
    for (rank, (_, code)) in labels.into_iter().enumerate() {
        if let Some(slot) = ranks.get_mut(usize::from(code)) {
            *slot = u32::try_from(rank).unwrap_or(u32::MAX);
        }
    }
    ranks
}

/// Compares rows by one column; absent values first.
struct Comparer {
    sort: Sort,
    ranks: Vec<u32>,
}

impl Comparer {
    fn new(rows: &TenantRows, sort: Sort) -> Self {
        use crate::domain::{EnrollmentState, ImportedDeviceIdentityType, Platform};
        let ranks = match sort.column {
            Column::Type => rank_table(&rows.types, |w| {
                ImportedDeviceIdentityType::parse(w).label().to_string()
            }),
            Column::Platform => {
                rank_table(&rows.platforms, |w| Platform::parse(w).label().to_string())
            }
            Column::State => rank_table(&rows.states, |w| {
                EnrollmentState::parse(w).label().to_string()
            }),
            _ => Vec::new(),
        };
        Comparer { sort, ranks }
    }

    fn rank(&self, code: u16) -> Option<u32> {
        self.ranks.get(usize::from(code)).copied()
    }

    fn compare(&self, a: &RowRef<'_>, b: &RowRef<'_>) -> Ordering {
        let ordering = match self.sort.column {
            Column::Identifier => a.identifier_lower().cmp(b.identifier_lower()),
            Column::Description => a.description_lower().cmp(b.description_lower()),
            Column::Type => self.rank(a.type_code()).cmp(&self.rank(b.type_code())),
            Column::Platform => self
                .rank(a.platform_code())
                .cmp(&self.rank(b.platform_code())),
            Column::State => self.rank(a.state_code()).cmp(&self.rank(b.state_code())),
            Column::LastContacted => a.last_contacted().cmp(&b.last_contacted()),
            Column::Created => a.created().cmp(&b.created()),
        };
        if self.sort.descending {
            ordering.reverse()
        } else {
            ordering
        }
    }
}

/// The Tenant list's rows and what is shown of them.
#[derive(Debug, Clone, Default)]
pub struct TenantView {
    /// Shared with a running export; copied only if changed meanwhile.
    rows: Arc<TenantRows>,
    order: Vec<u32>,
    view: Vec<u32>,
    sort: Option<Sort>,
    query: Query,
    stale: Option<Stale>,
}

impl TenantView {
    pub fn new() -> Self {
        TenantView::default()
    }

    pub fn rows(&self) -> &TenantRows {
        &self.rows
    }
    /// The shown rows, in order.
    pub fn view(&self) -> &[u32] {
        &self.view
    }
    pub fn sort(&self) -> Option<Sort> {
        self.sort
    }
    pub fn query(&self) -> &Query {
        &self.query
    }
    pub fn stale(&self) -> Option<Stale> {
        self.stale
    }
    /// Live rows.
    pub fn total(&self) -> usize {
        self.rows.live_len()
    }
    pub fn row_at(&self, position: usize) -> Option<RowRef<'_>> {
        self.view.get(position).and_then(|&i| self.rows.get(i))
    }

    /// Forgets every row (a reload); sort, filter and stale view stay.
    pub fn clear(&mut self) {
        self.rows = Arc::new(TenantRows::default());
        self.order.clear();
        self.view.clear();
    }

    fn passes(&self, matcher: &super::query::Matcher, index: u32) -> bool {
        let Some(row) = self.rows.get(index) else {
            return false;
        };
        !row.is_deleted()
            && matcher.matches(&row)
            && self
                .stale
                .is_none_or(|s| is_stale(row.last_contacted().as_ref(), s.now, s.days))
    }

    /// Adds a page of identities: sorted among themselves, then merged.
    pub fn append(&mut self, identities: &[ImportedDeviceIdentity]) {
        let rows = Arc::make_mut(&mut self.rows);
        let mut fresh: Vec<u32> = identities.iter().map(|i| rows.push(i)).collect();
        let matcher = self.query.compile(&self.rows);
        match self.sort {
            None => {
                self.order.extend_from_slice(&fresh);
                let shown: Vec<u32> = fresh
                    .into_iter()
                    .filter(|&i| self.passes(&matcher, i))
                    .collect();
                self.view.extend(shown);
            }
            Some(sort) => {
                let cmp = Comparer::new(&self.rows, sort);
                let rows = &self.rows;
                let by = |a: &u32, b: &u32| match (rows.get(*a), rows.get(*b)) {
                    (Some(a), Some(b)) => cmp.compare(&a, &b),
                    _ => Ordering::Equal,
                };
                fresh.sort_by(by);
                let shown: Vec<u32> = fresh
                    .iter()
                    .copied()
                    .filter(|&i| self.passes(&matcher, i))
                    .collect();
                self.order = merge(&self.order, &fresh, by);
                self.view = merge(&self.view, &shown, by);
            }
        }
    }

    /// Sorts by a column (or the service's order with `None`).
    pub fn set_sort(&mut self, sort: Option<Sort>) {
        self.sort = sort;
        match sort {
            None => self.order = self.rows.live_indices().collect(),
            Some(sort) => {
                let cmp = Comparer::new(&self.rows, sort);
                let rows = &self.rows;
                self.order
                    .sort_by(|a, b| match (rows.get(*a), rows.get(*b)) {
                        (Some(a), Some(b)) => cmp.compare(&a, &b),
                        _ => Ordering::Equal,
                    });
            }
        }
        self.refilter_all();
    }

    /// Sets the filter text; returns whether only the current view was rescanned.
    pub fn set_filter(&mut self, text: &str) -> bool {
        let query = Query::parse(text);
        if query == self.query {
            return true;
        }
        let narrowed = query.narrows(&self.query);
        self.query = query;
        if narrowed {
            let matcher = self.query.compile(&self.rows);
            let rows = &self.rows;
            self.view
                .retain(|&i| rows.get(i).is_some_and(|r| matcher.matches(&r)));
        } else {
            self.refilter_all();
        }
        narrowed
    }

    /// Shows only stale rows (or all with `None`).
    pub fn set_stale(&mut self, stale: Option<Stale>) {
        if stale != self.stale {
            self.stale = stale;
            self.refilter_all();
        }
    }

    fn refilter_all(&mut self) {
        let matcher = self.query.compile(&self.rows);
        let view: Vec<u32> = self
            .order
            .iter()
            .copied()
            .filter(|&i| self.passes(&matcher, i))
            .collect();
        self.view = view;
    }

    /// Removes rows by id (after deletes); returns how many were present.
    pub fn remove_ids(&mut self, ids: &[String]) -> usize {
        let mut removed = Vec::new();
        for id in ids {
            if let Some(i) = self.rows.find_id(id)
                && Arc::make_mut(&mut self.rows).delete(i)
            {
                removed.push(i);
            }
        }
        if !removed.is_empty() {
            self.order.retain(|i| !removed.contains(i));
            self.view.retain(|i| !removed.contains(i));
        }
        removed.len()
    }

    /// Replaces the row with this identity's id (after an edit); the row
    /// keeps its place until the next sort or filter change.
    pub fn replace(&mut self, identity: &ImportedDeviceIdentity) -> bool {
        let Some(id) = identity.id.as_deref() else {
            return false;
        };
        match self.rows.find_id(id) {
            Some(i) => {
                Arc::make_mut(&mut self.rows).replace(i, identity);
                true
            }
            None => false,
        }
    }

    /// The shown rows as they are now, for writing elsewhere without
    /// copying them (the rows are shared until the next change).
    pub fn snapshot(&self) -> ViewSnapshot {
        ViewSnapshot {
            rows: Arc::clone(&self.rows),
            view: self.view.clone(),
        }
    }

    /// The shown identities, in order.
    pub fn view_identities(&self) -> Vec<ImportedDeviceIdentity> {
        self.view
            .iter()
            .filter_map(|&i| self.rows.get(i))
            .map(|r| r.to_identity())
            .collect()
    }
}

/// The rows of a view at one moment (an export's input).
#[derive(Debug, Clone)]
pub struct ViewSnapshot {
    rows: Arc<TenantRows>,
    view: Vec<u32>,
}

impl ViewSnapshot {
    pub fn len(&self) -> usize {
        self.view.len()
    }

    pub fn is_empty(&self) -> bool {
        self.view.is_empty()
    }

    /// The identities, in view order, one at a time.
    pub fn identities(&self) -> impl Iterator<Item = ImportedDeviceIdentity> + '_ {
        self.view
            .iter()
            .filter_map(|&i| self.rows.get(i))
            .map(|r| r.to_identity())
    }
}

impl PartialEq for ViewSnapshot {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.rows, &other.rows) && self.view == other.view
    }
}

/// Merges two sorted index lists (stable: `a` first on ties).
fn merge(a: &[u32], b: &[u32], by: impl Fn(&u32, &u32) -> Ordering) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if by(&b[j], &a[i]) == Ordering::Less {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
