//! `Edm.DateTimeOffset` as Graph writes it: ISO 8601 with an offset and up to
//! seven fractional digits (100 ns ticks), e.g. `2017-01-01T00:00:35.1329464-08:00`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// How far this machine's clock and the service's may be apart, at most,
/// when telling what was in the tenant before we sent something.
pub const CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

/// A point in time with the offset the service gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTimeOffset(pub OffsetDateTime);

/// Why a date-time text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an ISO 8601 date-time with an offset (like 2024-05-01T09:30:00+02:00): {0}")]
pub struct DateTimeParseError(String);

impl DateTimeOffset {
    /// Parses ISO 8601 / RFC 3339 with an offset (`Z` or `±hh:mm`), any number
    /// of fractional digits; more than seven are truncated to 100 ns.
    pub fn parse(s: &str) -> Result<Self, DateTimeParseError> {
        let parsed = OffsetDateTime::parse(s.trim(), &Rfc3339)
            .map_err(|e| DateTimeParseError(e.to_string()))?;
        let ticks = parsed.nanosecond() / 100 * 100;
        let truncated = parsed
            .replace_nanosecond(ticks)
            .map_err(|e| DateTimeParseError(e.to_string()))?;
        Ok(DateTimeOffset(truncated))
    }

    pub fn from_unix_nanos(nanos: i128) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .map(|t| {
                DateTimeOffset(
                    t.replace_nanosecond(t.nanosecond() / 100 * 100)
                        .unwrap_or(t),
                )
            })
    }

    pub fn inner(&self) -> OffsetDateTime {
        self.0
    }

    /// Whether this is surely earlier than `other` (a time of another
    /// clock): earlier by more than [`CLOCK_SKEW`]. Graph's "never" is not.
    pub fn surely_before(&self, other: DateTimeOffset) -> bool {
        !self.is_min() && self.0 < other.0 - CLOCK_SKEW
    }

    /// Whether this is Graph's "never" value (year 1).
    pub fn is_min(&self) -> bool {
        self.0.year() <= 1
    }

    /// `2024-05-01T09:30:00`: whole seconds, no offset, as Graph writes an
    /// error's `innerError.date` (the time as it stands, in its own offset).
    pub fn whole_seconds(&self) -> String {
        WholeSeconds(self.0).to_string()
    }

    /// A short local-independent text for tables: `2024-05-01 09:30`.
    pub fn short(&self) -> String {
        let t = self.0;
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        )
    }
}

/// `2024-05-01T09:30:00`: the date and the time to the second, no fraction
/// and no offset (the start of every [`DateTimeOffset`] text).
struct WholeSeconds(OffsetDateTime);

impl fmt::Display for WholeSeconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(f, "{}", WholeSeconds(t))?;
        let ticks = t.nanosecond() / 100;
        if ticks != 0 {
            write!(f, ".{ticks:07}")?;
        }
        let offset = t.offset();
        if offset == UtcOffset::UTC {
            f.write_str("Z")
        } else {
            let (h, m, _) = offset.as_hms();
            let sign = if offset.is_negative() { '-' } else { '+' };
            write!(f, "{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
        }
    }
}

impl FromStr for DateTimeOffset {
    type Err = DateTimeParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTimeOffset::parse(s)
    }
}

impl Serialize for DateTimeOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTimeOffset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        DateTimeOffset::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A date-time property as it came from the service: read, or kept as the
/// text it was when it could not be read (most often written without an
/// offset, which leaves its time zone unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireDate {
    At(DateTimeOffset),
    Unreadable(String),
}

impl<'de> Deserialize<'de> for WireDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(match DateTimeOffset::parse(&s) {
            Ok(at) => WireDate::At(at),
            Err(e) => {
                tracing::warn!(error = %e, "a date-time field could not be read; kept as sent");
                WireDate::Unreadable(s.into_owned())
            }
        })
    }
}

/// The text of the date-time properties the service sent that could not be
/// read, by property, exactly as sent. Written back under the same names
/// when an identity is serialized (`list --json`, exports, the store).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnreadableDates {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_contacted_date_time: Option<String>,
}

/// How an unreadable date-time is shown in full (Detail): its own text,
/// marked, never a bare "—".
pub fn unreadable_label(raw: &str) -> String {
    if lacks_offset(raw) {
        format!("{} (no offset: time zone unknown)", raw.trim())
    } else {
        format!("{} (unreadable)", raw.trim())
    }
}

/// How an unreadable date-time is shown in a narrow column (10 characters).
pub fn unreadable_short(raw: &str) -> &'static str {
    if lacks_offset(raw) {
        "no offset?"
    } else {
        "unreadable"
    }
}

/// Whether `raw` is an ISO 8601 date-time that only lacks its offset.
pub fn lacks_offset(raw: &str) -> bool {
    let with_utc = format!("{}Z", raw.trim());
    DateTimeOffset::parse(&with_utc).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_digits_and_offset_round_trip_exactly() {
        for s in [
            "2017-01-01T00:00:35.1329464-08:00",
            "2016-12-31T23:58:44.2908994-08:00",
            "2024-06-07T10:11:12.0000001+05:30",
            "0001-01-01T00:00:00Z",
            "2026-11-29T20:49:31Z",
        ] {
            assert_eq!(DateTimeOffset::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn other_spellings_keep_their_value() {
        let a = DateTimeOffset::parse("2024-01-01T00:00:00.5+00:00").unwrap();
        assert_eq!(a.to_string(), "2024-01-01T00:00:00.5000000Z");
        let b = DateTimeOffset::parse("2024-01-01T00:00:00.123456789Z").unwrap();
        assert_eq!(b.to_string(), "2024-01-01T00:00:00.1234567Z");
        assert!(DateTimeOffset::parse("2024-01-01").is_err());
        assert!(DateTimeOffset::parse("2024-01-01T00:00:00").is_err());
    }

    #[test]
    fn whole_seconds_drop_the_fraction_and_the_offset() {
        let t = DateTimeOffset::parse("2017-01-01T00:00:35.1329464-08:00").unwrap();
        assert_eq!(t.whole_seconds(), "2017-01-01T00:00:35");
        assert!(t.to_string().starts_with(&t.whole_seconds()));
        let never = DateTimeOffset::parse("0001-01-01T00:00:00Z").unwrap();
        assert_eq!(never.whole_seconds(), "0001-01-01T00:00:00");
    }

    #[test]
    fn an_unreadable_date_is_shown_marked_with_its_own_text() {
        assert!(lacks_offset("2024-05-01T09:30:00.1234567"));
        assert!(!lacks_offset("yesterday"));
        assert_eq!(
            unreadable_label("2024-05-01T09:30:00"),
            "2024-05-01T09:30:00 (no offset: time zone unknown)"
        );
        assert_eq!(unreadable_label("soon"), "soon (unreadable)");
        assert_eq!(unreadable_short("2024-05-01T09:30:00"), "no offset?");
        assert!(unreadable_short("soon").chars().count() <= 10);
        let d: WireDate = serde_json::from_str("\"2024-05-01T09:30:00\"").unwrap();
        assert_eq!(d, WireDate::Unreadable("2024-05-01T09:30:00".into()));
        let d: WireDate = serde_json::from_str("\"2024-05-01T09:30:00Z\"").unwrap();
        assert!(matches!(d, WireDate::At(_)));
    }
}
