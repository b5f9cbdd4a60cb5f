//! Intune's write throttle: a sliding window per bearer token over write
//! requests; one over the limit is answered 429 with the seconds until the
//! window frees a slot.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use super::Shared;
use super::errors::GraphFailure;
use super::modes::WriteLimit;

/// Windows of tokens not seen for a while are dropped past this many.
const TOKENS_KEPT: usize = 1_000;

/// Whether a request uses the write budget. `searchExistingIdentities` is
/// sent as a POST but only reads (its permission is `…Read.All`, and Intune
/// counts requests by what they do), so it counts as a read like a GET.
pub(crate) fn is_write(method: &Method, path: &str) -> bool {
    let writes = *method == Method::POST || *method == Method::PATCH || *method == Method::DELETE;
    writes
        && !path
            .trim_end_matches('/')
            .ends_with("searchExistingIdentities")
}

/// The admitted writes per token, oldest first.
#[derive(Default)]
pub(crate) struct Windows {
    by_token: HashMap<String, VecDeque<OffsetDateTime>>,
}

impl Windows {
    /// Admits a write at `now`, or says how many seconds until one would be
    /// admitted (at least 1). Only admitted writes fill the window.
    pub fn admit(
        &mut self,
        limit: WriteLimit,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<(), u64> {
        let window = time::Duration::try_from(limit.window).unwrap_or(time::Duration::MAX);
        if self.by_token.len() > TOKENS_KEPT {
            self.by_token
                .retain(|_, w| w.back().is_some_and(|t| now - *t < window));
        }
        let writes = self.by_token.entry(token.to_string()).or_default();
        while writes.front().is_some_and(|t| now - *t >= window) {
            writes.pop_front();
        }
        let cap = usize::try_from(limit.writes).unwrap_or(usize::MAX);
        if writes.len() < cap {
            writes.push_back(now);
            return Ok(());
        }
        // The oldest admitted write leaves the window at `oldest + window`.
        let frees_at = writes.front().map_or(now, |oldest| *oldest + window);
        let wait = (frees_at - now).as_seconds_f64().ceil();
        Err(if wait >= 1.0 { wait as u64 } else { 1 })
    }
}

fn bearer(req: &Request) -> String {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .map(|(_, token)| token.trim().to_string())
        .unwrap_or_default()
}

/// Middleware on the identity routes, inside the bearer check.
pub(crate) async fn enforce(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(limit) = shared.write_limit else {
        return next.run(req).await;
    };
    if !is_write(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let token = bearer(&req);
    let verdict = shared
        .lock_windows()
        .admit(limit, &token, shared.clock.now());
    match verdict {
        Ok(()) => next.run(req).await,
        Err(secs) => GraphFailure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            format!(
                "Too many write requests: at most {} in {} seconds. Retry after {secs} seconds.",
                limit.writes,
                limit.window.as_secs()
            ),
        )
        .with_retry_after(secs)
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);

    fn at(ms: i64) -> OffsetDateTime {
        T0 + time::Duration::milliseconds(ms)
    }

    #[test]
    fn the_window_slides_and_says_when_a_slot_frees() {
        let limit = WriteLimit {
            writes: 3,
            window: Duration::from_secs(10),
        };
        let mut w = Windows::default();
        assert_eq!(w.admit(limit, "a", at(0)), Ok(()));
        assert_eq!(w.admit(limit, "a", at(4_000)), Ok(()));
        assert_eq!(w.admit(limit, "a", at(4_500)), Ok(()));
        // Full: the first write leaves at 10 s.
        assert_eq!(w.admit(limit, "a", at(5_000)), Err(5));
        assert_eq!(w.admit(limit, "a", at(9_990)), Err(1), "never 0");
        // Another token has its own window.
        assert_eq!(w.admit(limit, "b", at(5_000)), Ok(()));
        assert_eq!(w.admit(limit, "a", at(10_000)), Ok(()));
        // Now the write at 4.0 s is the oldest: 3.5 s to wait rounds up to 4.
        assert_eq!(w.admit(limit, "a", at(10_500)), Err(4));
        assert_eq!(w.admit(limit, "a", at(14_000)), Ok(()));
        assert_eq!(w.admit(limit, "a", at(14_000)), Err(1));
    }

    #[test]
    fn search_is_a_read() {
        assert!(is_write(&Method::POST, "/x/importedDeviceIdentities"));
        assert!(is_write(&Method::DELETE, "/x/importedDeviceIdentities/1"));
        assert!(is_write(&Method::PATCH, "/x/importedDeviceIdentities/1"));
        assert!(!is_write(
            &Method::POST,
            "/x/importedDeviceIdentities/microsoft.graph.searchExistingIdentities"
        ));
        assert!(!is_write(&Method::GET, "/x/importedDeviceIdentities"));
    }
}
