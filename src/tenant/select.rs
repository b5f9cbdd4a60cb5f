//! Picking identities page by page with the same filter and Stale rules as
//! the Tenant list, without keeping them (the CLI streams through this).

use super::query::Query;
use super::rows::TenantRows;
use super::view::{Stale, is_stale};
use crate::domain::ImportedDeviceIdentity;

/// A filter and an optional Stale view, applied one page at a time.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    query: Query,
    stale: Option<Stale>,
}

impl Selection {
    pub fn new(filter: Option<&str>, stale: Option<Stale>) -> Self {
        Selection {
            query: Query::parse(filter.unwrap_or("")),
            stale,
        }
    }

    /// Whether it keeps everything.
    pub fn is_all(&self) -> bool {
        self.query.is_empty() && self.stale.is_none()
    }

    /// The identities of `page` that are selected, in order.
    pub fn pick<'a>(&self, page: &'a [ImportedDeviceIdentity]) -> Vec<&'a ImportedDeviceIdentity> {
        if self.is_all() {
            return page.iter().collect();
        }
        let mut rows = TenantRows::new();
        for identity in page {
            rows.push(identity);
        }
        let matcher = self.query.compile(&rows);
        page.iter()
            .zip(rows.live_indices())
            .filter(|(identity, index)| {
                rows.get(*index).is_some_and(|r| matcher.matches(&r))
                    && self.stale.is_none_or(|s| {
                        is_stale(identity.last_contacted_date_time.as_ref(), s.now, s.days)
                    })
            })
            .map(|(identity, _)| identity)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DateTimeOffset, ImportedDeviceIdentityType, Platform};

    #[test]
    fn picks_like_the_tenant_list() {
        let now = DateTimeOffset::parse("2024-06-01T00:00:00Z").unwrap();
        let mut a = ImportedDeviceIdentity::new(
            "490154203237518",
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
        );
        a.last_contacted_date_time = Some(now);
        let b = ImportedDeviceIdentity::new(
            "C02XYZ123ABC",
            ImportedDeviceIdentityType::SerialNumber,
            Platform::Ios,
        );
        let page = vec![a.clone(), b.clone()];
        assert_eq!(Selection::default().pick(&page).len(), 2);
        assert_eq!(
            Selection::new(Some("platform:ios"), None).pick(&page),
            vec![&b]
        );
        let stale = Some(Stale { days: 90, now });
        assert_eq!(Selection::new(None, stale).pick(&page), vec![&b]);
        assert_eq!(Selection::new(Some("4901"), stale).pick(&page).len(), 0);
    }
}
