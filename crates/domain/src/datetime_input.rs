//! Dates and times typed by a person (the Form's `Last contacted`, a CSV
//! cell): a bare date means midnight UTC, and a text that is not a date says
//! what is wrong in plain words ("month 13 is not a month (1–12)") instead of
//! the parser's terms.

use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

use super::datetime::DateTimeOffset;

/// Why a typed date could not be read, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateInputError(String);

impl DateInputError {
    fn new(text: impl Into<String>) -> Self {
        DateInputError(text.into())
    }
}

const SHAPE: &str = "write a date like 2024-05-01 or a date and time like 2024-05-01T09:30:00Z";

impl DateTimeOffset {
    /// Reads what a person typed: `2024-05-01` (midnight UTC), or a date and
    /// time with an offset (`2024-05-01T09:30:00Z`, `…+02:00`, a space for
    /// the `T`, seconds optional).
    pub fn parse_input(text: &str) -> Result<Self, DateInputError> {
        let text = text.trim();
        if let Ok(parsed) = DateTimeOffset::parse(text) {
            return Ok(parsed);
        }
        let (date_text, rest) = match text.find(['T', 't', ' ']) {
            Some(at) => (&text[..at], Some(&text[at + 1..])),
            None => (text, None),
        };
        let date = parse_date(date_text)?;
        let Some(rest) = rest else {
            return Ok(DateTimeOffset(OffsetDateTime::new_utc(
                date,
                Time::MIDNIGHT,
            )));
        };
        let rest = rest.trim();
        let offset_at = rest.find(['Z', 'z', '+', '-']);
        let (time_text, offset_text) = match offset_at {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        };
        let time = parse_time(time_text)?;
        if offset_text.is_empty() {
            return Err(DateInputError::new(
                "add the time zone after the time: Z for UTC or an offset like +02:00",
            ));
        }
        let offset = parse_offset(offset_text)?;
        let at = OffsetDateTime::new_in_offset(date, time, offset);
        // The typed text goes through the strict reader once more, so both
        // ways in agree on the value (and its 100 ns precision).
        DateTimeOffset::parse(&DateTimeOffset(at).to_string())
            .map_err(|_| DateInputError::new(SHAPE))
    }
}

fn number(part: &str, what: &str, digits: usize) -> Result<u32, DateInputError> {
    if part.len() != digits || !part.bytes().all(|b| b.is_ascii_digit()) {
        let example = "0".repeat(digits);
        return Err(DateInputError::new(format!(
            "the {what} should be {digits} digits ({example}), not “{part}”; {SHAPE}"
        )));
    }
    part.parse()
        .map_err(|_| DateInputError::new(format!("the {what} “{part}” is not a number")))
}

fn parse_date(text: &str) -> Result<Date, DateInputError> {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(DateInputError::new(SHAPE));
    };
    let year = number(year, "year", 4)?;
    let month = number(month, "month", 2)?;
    let day = number(day, "day", 2)?;
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| DateInputError::new(format!("month {month} is not a month (1–12)")))?;
    let year = i32::try_from(year).map_err(|_| DateInputError::new(SHAPE))?;
    let days = time::util::days_in_month(month, year);
    if day == 0 || day > u32::from(days) {
        return Err(DateInputError::new(format!(
            "day {day} is not a day of {month} {year} (1–{days})"
        )));
    }
    let day = u8::try_from(day).map_err(|_| DateInputError::new(SHAPE))?;
    Date::from_calendar_date(year, month, day).map_err(|_| DateInputError::new(SHAPE))
}

fn parse_time(text: &str) -> Result<Time, DateInputError> {
    let (clock, fraction) = match text.split_once(['.', ',']) {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (hour, minute, second) = match parts.as_slice() {
        [h, m] => (*h, *m, "00"),
        [h, m, s] => (*h, *m, *s),
        _ => {
            return Err(DateInputError::new(format!(
                "write the time as hh:mm or hh:mm:ss, not “{text}”"
            )));
        }
    };
    let hour = number(hour, "hour", 2)?;
    let minute = number(minute, "minute", 2)?;
    let second = number(second, "second", 2)?;
    if hour > 23 {
        return Err(DateInputError::new(format!(
            "hour {hour} is not an hour (0–23)"
        )));
    }
    if minute > 59 {
        return Err(DateInputError::new(format!(
            "minute {minute} is not a minute (0–59)"
        )));
    }
    if second > 59 {
        return Err(DateInputError::new(format!(
            "second {second} is not a second (0–59)"
        )));
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            let digits: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
            digits.parse().unwrap_or(0)
        }
        Some(f) => {
            return Err(DateInputError::new(format!(
                "the fraction of a second should be digits, not “{f}”"
            )));
        }
    };
    let small = |n: u32| u8::try_from(n).unwrap_or(0);
    Time::from_hms_nano(small(hour), small(minute), small(second), nanos)
        .map_err(|_| DateInputError::new(SHAPE))
}

fn parse_offset(text: &str) -> Result<UtcOffset, DateInputError> {
    if text.eq_ignore_ascii_case("z") {
        return Ok(UtcOffset::UTC);
    }
    let bad = || {
        DateInputError::new(format!(
            "the time zone should be Z or an offset like +02:00, not “{text}”"
        ))
    };
    let (sign, rest) = text.split_at(1);
    let (hours, minutes) = rest.split_once(':').ok_or_else(bad)?;
    let hours = number(hours, "offset's hours", 2).map_err(|_| bad())?;
    let minutes = number(minutes, "offset's minutes", 2).map_err(|_| bad())?;
    if hours > 23 || minutes > 59 {
        return Err(bad());
    }
    let sign = if sign == "-" { -1 } else { 1 };
    let hours = i8::try_from(hours).map_err(|_| bad())? * sign;
    let minutes = i8::try_from(minutes).map_err(|_| bad())? * sign;
    UtcOffset::from_hms(hours, minutes, 0).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<String, String> {
        DateTimeOffset::parse_input(text)
            .map(|d| d.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_bare_date_is_midnight_utc() {
        assert_eq!(read("2024-05-01"), Ok("2024-05-01T00:00:00Z".into()));
        assert_eq!(read(" 2024-02-29 "), Ok("2024-02-29T00:00:00Z".into()));
    }

    #[test]
    fn full_date_times_read_as_the_service_writes_them() {
        assert_eq!(
            read("2024-05-01T09:30:00+02:00"),
            Ok("2024-05-01T09:30:00+02:00".into())
        );
        assert_eq!(read("2024-05-01 09:30Z"), Ok("2024-05-01T09:30:00Z".into()));
        assert_eq!(
            read("2024-05-01T09:30:00.25-05:00"),
            Ok("2024-05-01T09:30:00.2500000-05:00".into())
        );
    }

    #[test]
    fn bad_dates_are_explained_in_plain_words() {
        assert_eq!(
            read("2024-13-01"),
            Err("month 13 is not a month (1–12)".into())
        );
        assert_eq!(
            read("2024-00-01"),
            Err("month 0 is not a month (1–12)".into())
        );
        assert_eq!(
            read("2023-02-29"),
            Err("day 29 is not a day of February 2023 (1–28)".into())
        );
        assert_eq!(
            read("2024-05-01T25:00:00Z"),
            Err("hour 25 is not an hour (0–23)".into())
        );
        let no_zone = read("2024-05-01T09:30:00").unwrap_err();
        assert!(no_zone.contains("time zone"), "{no_zone}");
        for text in [
            "yesterday",
            "01/05/2024",
            "2024-5-1",
            "2024-05-01T09:30:00+2",
        ] {
            let why = read(text).unwrap_err();
            assert!(!why.contains("component"), "{text}: {why}");
            assert!(!why.is_empty());
        }
    }
}
