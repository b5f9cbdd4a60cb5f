//! The filter language of the Tenant list and the CLI: words separated by
//! spaces, all of which must match. A plain word is a case-insensitive
//! substring of any column; `state:`, `type:` and `platform:` words match
//! that column only, by the start of its wire name or its label (e.g.
//! `state:notcon`, `platform:ios`; `type:serial` is serialNumber, not
//! manufacturerModelSerial).

use memchr::memmem::Finder;

use super::rows::{Interner, NONE, RowRef, TenantRows};
use crate::domain::{EnrollmentState, ImportedDeviceIdentityType, Platform};

/// Which column a word is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Any,
    State,
    Type,
    Platform,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Field,
    /// Lowercase.
    pub value: String,
}

/// A parsed filter; the empty filter matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let terms = text
            .split_whitespace()
            .map(|word| {
                let lower = word.to_lowercase();
                for (prefix, field) in [
                    ("state:", Field::State),
                    ("type:", Field::Type),
                    ("platform:", Field::Platform),
                ] {
                    if let Some(value) = lower.strip_prefix(prefix) {
                        return Term {
                            field,
                            value: value.to_string(),
                        };
                    }
                }
                Term {
                    field: Field::Any,
                    value: lower,
                }
            })
            .collect();
        Query { terms }
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether every row this query matches is also matched by `previous`,
    /// so only `previous`'s matches need scanning again (typing on).
    pub fn narrows(&self, previous: &Query) -> bool {
        previous.terms.len() <= self.terms.len()
            && previous.terms.iter().zip(&self.terms).all(|(old, new)| {
                old.field == new.field
                    && if new.field == Field::Any {
                        new.value.contains(&old.value)
                    } else {
                        new.value.starts_with(&old.value)
                    }
            })
    }

    /// Prepares the query for the rows' current enum tables.
    pub fn compile(&self, rows: &TenantRows) -> Matcher {
        fn codes(interner: &Interner, value: &str, label: fn(&str) -> String) -> Vec<bool> {
            interner
                .iter()
                .map(|(_, wire)| {
                    wire.to_lowercase().starts_with(value)
                        || label(wire).to_lowercase().starts_with(value)
                })
                .collect()
        }
        let state_label = |w: &str| EnrollmentState::parse(w).label().to_string();
        let type_label = |w: &str| ImportedDeviceIdentityType::parse(w).label().to_string();
        let platform_label = |w: &str| Platform::parse(w).label().to_string();
        let mut finders = Vec::new();
        let mut states = Vec::new();
        let mut types = Vec::new();
        let mut platforms = Vec::new();
        for term in &self.terms {
            match term.field {
                Field::Any => finders.push(Finder::new(term.value.as_bytes()).into_owned()),
                Field::State => states.push(codes(&rows.states, &term.value, state_label)),
                Field::Type => types.push(codes(&rows.types, &term.value, type_label)),
                Field::Platform => {
                    platforms.push(codes(&rows.platforms, &term.value, platform_label))
                }
            }
        }
        Matcher {
            finders,
            states,
            types,
            platforms,
        }
    }
}

/// A compiled query: substring finders and per-code tables.
pub struct Matcher {
    finders: Vec<Finder<'static>>,
    states: Vec<Vec<bool>>,
    types: Vec<Vec<bool>>,
    platforms: Vec<Vec<bool>>,
}

fn code_ok(tables: &[Vec<bool>], code: u16) -> bool {
    tables
        .iter()
        .all(|table| code != NONE && table.get(usize::from(code)).copied().unwrap_or(false))
}

impl Matcher {
    pub fn matches(&self, row: &RowRef<'_>) -> bool {
        code_ok(&self.states, row.state_code())
            && code_ok(&self.types, row.type_code())
            && code_ok(&self.platforms, row.platform_code())
            && {
                let hay = row.haystack().as_bytes();
                self.finders.iter().all(|f| f.find(hay).is_some())
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ImportedDeviceIdentity;

    fn rows() -> TenantRows {
        let mut rows = TenantRows::new();
        let mut a = ImportedDeviceIdentity::new(
            "490154203237518",
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
        );
        a.description = Some("Cart 3 Berlin".into());
        let mut b = ImportedDeviceIdentity::new(
            "C02XYZ123ABC",
            ImportedDeviceIdentityType::SerialNumber,
            Platform::Ios,
        );
        b.enrollment_state = Some(EnrollmentState::Enrolled);
        let c = ImportedDeviceIdentity::new(
            "Contoso,Laptop 7,SN0042",
            ImportedDeviceIdentityType::ManufacturerModelSerial,
            Platform::Windows,
        );
        rows.push(&a);
        rows.push(&b);
        rows.push(&c);
        rows
    }

    fn matching(rows: &TenantRows, text: &str) -> Vec<u32> {
        let m = Query::parse(text).compile(rows);
        rows.live_indices()
            .filter(|&i| m.matches(&rows.get(i).unwrap()))
            .collect()
    }

    #[test]
    fn words_prefixes_and_case() {
        let rows = rows();
        assert_eq!(matching(&rows, ""), vec![0, 1, 2]);
        assert_eq!(matching(&rows, "berlin"), vec![0]);
        assert_eq!(matching(&rows, "CART berlin"), vec![0]);
        assert_eq!(matching(&rows, "cart c02"), Vec::<u32>::new());
        assert_eq!(matching(&rows, "state:enrolled"), vec![1]);
        assert_eq!(matching(&rows, "state:not"), vec![0, 2]);
        assert_eq!(matching(&rows, "state:notcon"), vec![0, 2]);
        assert_eq!(matching(&rows, "platform:ios"), vec![1]);
        // The start of a name: serialNumber, not manufacturerModelSerial.
        assert_eq!(matching(&rows, "type:serial"), vec![1]);
        assert_eq!(matching(&rows, "type:manufacturer"), vec![2]);
        assert_eq!(matching(&rows, "platform:win"), vec![2]);
        assert_eq!(matching(&rows, "type:imei 4901"), vec![0]);
        // Any column: the platform's label and the type's wire name.
        assert_eq!(matching(&rows, "ipados"), vec![1]);
        assert_eq!(matching(&rows, "serialnumber"), vec![1]);
    }

    #[test]
    fn narrowing_is_recognised_only_when_safe() {
        let q = Query::parse;
        assert!(q("ab").narrows(&q("a")));
        assert!(q("a b").narrows(&q("a")));
        assert!(q("state:enr").narrows(&q("state:e")));
        assert!(q("x").narrows(&q("")));
        assert!(!q("a").narrows(&q("ab")));
        assert!(!q("state:").narrows(&q("stat")));
        assert!(!q("b").narrows(&q("a")));
    }
}
