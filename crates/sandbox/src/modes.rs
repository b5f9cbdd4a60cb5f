//! The ways the sandbox can be told to answer: which create route the
//! service has, whether the import action fails, looping `@odata.nextLink`s,
//! and the write throttle. Each reads from and prints to the words used by
//! the `sandbox` flags and the `[sandbox]` settings of config.toml.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// What the documented create (`POST .../importedDeviceIdentities`) answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateRoute {
    /// The seed's 201 with an `importedDeviceIdentityResult`, as documented.
    Documented,
    /// 400 "No method match route template": the service from 2020 to 2024.
    NoRoute,
    /// 500 with a Graph error body, nothing created: the service since late 2025.
    ServerError,
}

/// The create route a sandbox has unless told otherwise: today's service,
/// whose documented create answers 500 and creates nothing.
pub const DEFAULT_CREATE_ROUTE: CreateRoute = CreateRoute::ServerError;

impl Default for CreateRoute {
    fn default() -> Self {
        DEFAULT_CREATE_ROUTE
    }
}

/// Whether action answers longer than the page size are paged with
/// `@odata.nextLink`, unless told otherwise.
///
/// The service may page them (both actions are marked pageable); off until
/// the console follows an action answer's `@odata.nextLink`.
pub const DEFAULT_PAGE_ACTIONS: bool = false;

/// What `importDeviceIdentityList` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImportRoute {
    /// Imports row by row, as documented.
    #[default]
    Working,
    /// 500 with a Graph error body, nothing imported.
    ServerError,
}

/// `@odata.nextLink`s that never end, for testing a client's paging guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NextLinkCycle {
    /// Links lead to the next page and stop at the last one.
    #[default]
    Off,
    /// Every page links to itself (A → A).
    SelfLoop,
    /// The first page links to a second, which links back (A → B → A).
    Pair,
}

/// At most `writes` write requests in any `window`, per bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteLimit {
    pub writes: u32,
    pub window: Duration,
}

impl WriteLimit {
    /// Intune's limit per app per tenant: 100 writes in 20 seconds.
    pub const INTUNE: WriteLimit = WriteLimit {
        writes: 100,
        window: Duration::from_secs(20),
    };
}

/// A mode word the sandbox does not know; the message lists the ones it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not one of: {expected}")]
pub struct ModeError {
    given: String,
    expected: &'static str,
}

fn word<T: Copy>(s: &str, table: &[(&str, T)], expected: &'static str) -> Result<T, ModeError> {
    let s = s.trim();
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(s))
        .map(|(_, v)| *v)
        .ok_or_else(|| ModeError {
            given: s.to_string(),
            expected,
        })
}

fn name_of<T: PartialEq>(v: &T, table: &[(&'static str, T)]) -> &'static str {
    table.iter().find(|(_, t)| t == v).map_or("", |(n, _)| n)
}

const CREATE_ROUTES: [(&str, CreateRoute); 3] = [
    ("documented", CreateRoute::Documented),
    ("no-route", CreateRoute::NoRoute),
    ("server-error", CreateRoute::ServerError),
];
const IMPORT_ROUTES: [(&str, ImportRoute); 2] = [
    ("none", ImportRoute::Working),
    ("server-error", ImportRoute::ServerError),
];
const CYCLES: [(&str, NextLinkCycle); 3] = [
    ("off", NextLinkCycle::Off),
    ("self", NextLinkCycle::SelfLoop),
    ("pair", NextLinkCycle::Pair),
];

macro_rules! words {
    ($ty:ty, $table:expr, $expected:literal) => {
        impl FromStr for $ty {
            type Err = ModeError;
            fn from_str(s: &str) -> Result<Self, ModeError> {
                word(s, &$table, $expected)
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(name_of(self, &$table))
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?
                    .parse()
                    .map_err(serde::de::Error::custom)
            }
        }
    };
}

words!(
    CreateRoute,
    CREATE_ROUTES,
    "documented, no-route, server-error"
);
words!(ImportRoute, IMPORT_ROUTES, "none, server-error");
words!(NextLinkCycle, CYCLES, "off, self, pair");

/// `N/SECONDS` (e.g. `100/20`) or `off`.
pub fn parse_write_limit(s: &str) -> Result<Option<WriteLimit>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let bad = || format!("{s:?} is not a write limit: give N/SECONDS (e.g. 100/20) or off");
    let (n, secs) = s.split_once('/').ok_or_else(bad)?;
    let writes: u32 = n.trim().parse().map_err(|_| bad())?;
    let secs: u64 = secs.trim().parse().map_err(|_| bad())?;
    if writes == 0 || secs == 0 {
        return Err(format!(
            "{s:?}: both the number of writes and the seconds must be at least 1 (or use off)"
        ));
    }
    Ok(Some(WriteLimit {
        writes,
        window: Duration::from_secs(secs),
    }))
}

/// Prints a limit the way [`parse_write_limit`] reads it.
pub fn write_limit_text(limit: Option<WriteLimit>) -> String {
    match limit {
        Some(l) => format!("{}/{}", l.writes, l.window.as_secs()),
        None => "off".to_string(),
    }
}

/// The `write_limit` setting: `"100/20"` or `"off"`.
pub fn deserialize_write_limit<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<WriteLimit>>, D::Error> {
    let s = String::deserialize(d)?;
    parse_write_limit(&s)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_unknown_ones_list_the_known() {
        for (name, v) in CREATE_ROUTES {
            assert_eq!(name.parse::<CreateRoute>(), Ok(v));
            assert_eq!(v.to_string(), name);
        }
        assert_eq!("SELF".parse::<NextLinkCycle>(), Ok(NextLinkCycle::SelfLoop));
        assert_eq!(
            "server-error".parse::<ImportRoute>(),
            Ok(ImportRoute::ServerError)
        );
        let e = "missing".parse::<CreateRoute>().unwrap_err().to_string();
        assert!(e.contains("documented, no-route, server-error"), "{e}");
    }

    #[test]
    fn write_limits() {
        assert_eq!(parse_write_limit("100/20"), Ok(Some(WriteLimit::INTUNE)));
        assert_eq!(parse_write_limit(" off "), Ok(None));
        for bad in ["100", "0/20", "10/0", "a/b", "-1/2", ""] {
            assert!(parse_write_limit(bad).is_err(), "{bad}");
        }
        assert_eq!(write_limit_text(Some(WriteLimit::INTUNE)), "100/20");
        assert_eq!(write_limit_text(None), "off");
    }
}
