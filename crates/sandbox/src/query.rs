//! The list's query options and its opaque `$skiptoken`.

use url::form_urlencoded;

use super::errors::GraphFailure;
use super::filter::{Filter, FilterError};

/// Where a page starts: after the identity with creation number `seq`, with
/// `skip` more matches still to pass over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub seq: u64,
    pub skip: u64,
}

const MASK: u64 = 0x9e37_79b9_7f4a_7c15;

fn check(seq: u64, skip: u64) -> u32 {
    let mixed =
        (seq ^ MASK).wrapping_mul(0x0100_0000_01b3) ^ skip.wrapping_mul(0xff51_afd7_ed55_8ccd);
    (mixed >> 17) as u32
}

impl Position {
    /// The token clients get in `@odata.nextLink`.
    pub fn token(&self) -> String {
        format!(
            "{:016x}{:08x}{:08x}",
            self.seq ^ MASK,
            self.skip,
            check(self.seq, self.skip)
        )
    }

    pub fn from_token(token: &str) -> Option<Position> {
        if token.len() != 32 || !token.is_ascii() {
            return None;
        }
        let seq = u64::from_str_radix(&token[..16], 16).ok()? ^ MASK;
        let skip = u64::from_str_radix(&token[16..24], 16).ok()?;
        let sum = u32::from_str_radix(&token[24..], 16).ok()?;
        (sum == check(seq, skip)).then_some(Position { seq, skip })
    }
}

/// The options of a list request.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub top: Option<usize>,
    pub skip: usize,
    pub filter: Filter,
    pub count: bool,
    pub position: Option<Position>,
}

impl From<FilterError> for GraphFailure {
    fn from(e: FilterError) -> Self {
        GraphFailure::bad_request(e.to_string())
    }
}

/// The name of an option without its optional `$`, if it is a system option.
fn option_name(name: &str) -> String {
    name.strip_prefix('$').unwrap_or(name).to_ascii_lowercase()
}

fn number(name: &str, value: &str) -> Result<usize, GraphFailure> {
    value.trim().parse::<usize>().map_err(|_| {
        GraphFailure::bad_request(format!(
            "Invalid value '{value}' for query option '${name}': a non-negative integer is expected."
        ))
    })
}

impl ListQuery {
    /// Reads `$top`, `$skip`, `$filter`, `$count` and `$skiptoken`; other options are ignored.
    pub fn parse(raw: Option<&str>) -> Result<ListQuery, GraphFailure> {
        let mut q = ListQuery::default();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            match option_name(&name).as_str() {
                "top" => q.top = Some(number("top", &value)?),
                "skip" => q.skip = number("skip", &value)?,
                "filter" => q.filter = Filter::parse(&value)?,
                "count" => {
                    q.count = match value.to_ascii_lowercase().as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(GraphFailure::bad_request(format!(
                                "Invalid value '{value}' for query option '$count'."
                            )));
                        }
                    }
                }
                "skiptoken" => {
                    q.position =
                        Some(Position::from_token(&value).ok_or_else(|| {
                            GraphFailure::bad_request("The $skiptoken is not valid.")
                        })?)
                }
                _ => {}
            }
        }
        Ok(q)
    }

    /// `$filter` only, for `$count`.
    pub fn parse_filter(raw: Option<&str>) -> Result<Filter, GraphFailure> {
        for (name, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if option_name(&name) == "filter" {
                return Ok(Filter::parse(&value)?);
            }
        }
        Ok(Filter::default())
    }
}

/// The original query without its `$skiptoken` (the first page's query).
pub(crate) fn query_without_skiptoken(raw: Option<&str>) -> String {
    other_parts(raw).join("&")
}

/// The original query with its `$skiptoken` replaced by one for `position`.
pub(crate) fn next_query(raw: Option<&str>, position: Position) -> String {
    let mut parts = other_parts(raw);
    parts.push(format!("$skiptoken={}", position.token()));
    parts.join("&")
}

fn other_parts(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let name = p.split('=').next().unwrap_or("");
            let decoded: String = form_urlencoded::parse(name.as_bytes())
                .map(|(k, _)| k.into_owned())
                .collect();
            option_name(&decoded) != "skiptoken"
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_tampering() {
        let p = Position {
            seq: 12345,
            skip: 7,
        };
        let t = p.token();
        assert_eq!(Position::from_token(&t), Some(p));
        let mut bad = t.clone().into_bytes();
        bad[3] = if bad[3] == b'0' { b'1' } else { b'0' };
        assert_eq!(Position::from_token(&String::from_utf8(bad).unwrap()), None);
        assert_eq!(Position::from_token("42"), None);
    }

    #[test]
    fn options_with_and_without_dollar() {
        let q = ListQuery::parse(Some(
            "$top=5&skip=2&%24count=true&$filter=platform+eq+%27ios%27&$select=id",
        ))
        .unwrap();
        assert_eq!((q.top, q.skip, q.count), (Some(5), 2, true));
        assert_eq!(q.filter.clauses.len(), 1);
        assert!(ListQuery::parse(Some("$top=-1")).is_err());
        assert!(ListQuery::parse(Some("$count=maybe")).is_err());
        assert!(ListQuery::parse(Some("$skiptoken=nope")).is_err());
    }

    #[test]
    fn next_query_keeps_the_rest_and_replaces_the_token() {
        let p = Position { seq: 1, skip: 0 };
        let q = next_query(Some("$top=5&%24skiptoken=old&$filter=x"), p);
        assert_eq!(q, format!("$top=5&$filter=x&$skiptoken={}", p.token()));
        assert_eq!(next_query(None, p), format!("$skiptoken={}", p.token()));
        assert_eq!(
            query_without_skiptoken(Some("$top=5&$skiptoken=old&$filter=x")),
            "$top=5&$filter=x"
        );
        assert_eq!(query_without_skiptoken(None), "");
    }
}
