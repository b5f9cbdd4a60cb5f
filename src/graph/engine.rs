//! The request engine under every Graph call, reads included: one place
//! that decides whether a failed request is sent again and after how long,
//! and one write limiter per process.
//!
//! - Reads (GET, `searchExistingIdentities`) and idempotent writes (PATCH,
//!   DELETE) are retried on 429, 500, 502, 503, 504, timeouts and dropped
//!   connections; a write that is not idempotent (create, import) only on
//!   429, which the service answers before applying anything — any other
//!   failure goes back to the caller, who checks with
//!   `searchExistingIdentities` before sending again.
//! - The wait is the service's `Retry-After` (seconds or an HTTP date), else
//!   a capped exponential backoff with jitter; a call's budget (attempts and
//!   total wait) is never shortened into a tight loop: when the next wait
//!   does not fit, the call fails instead.
//! - Every POST, PATCH and DELETE takes a slot of the write limiter
//!   (Intune's 100 writes / 20 s per app by default, the `write_limit`
//!   setting); a 429 on a write holds every writer of the process until
//!   its Retry-After has passed.
//! - Time comes from a [`Clock`]: tokio's by default, or a virtual one
//!   that moves by the waits (tests run hours of waiting in no time).

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::error::GraphError;
use super::limiter::{INTUNE_WRITE_WINDOW, INTUNE_WRITES_PER_WINDOW, WriteWindow};
use super::retry::{RetryPolicy, Sleeper};

/// Where the engine's time comes from.
#[derive(Clone)]
pub struct Clock {
    sleeper: Sleeper,
    /// Virtual time: frozen at its start and moved only by the waits.
    skew: Option<Arc<VirtualTime>>,
}

struct VirtualTime {
    start: Instant,
    start_wall: OffsetDateTime,
    waited: Mutex<Duration>,
}

impl Clock {
    /// tokio's clock and `tokio::time::sleep`.
    pub fn tokio() -> Self {
        Clock {
            sleeper: Sleeper::tokio(),
            skew: None,
        }
    }

    /// A virtual clock: its time stands still except for its waits, which
    /// are done with `sleeper` (which may return at once), so limits and
    /// next-attempt times see exactly the time waited.
    pub fn from_sleeper(sleeper: Sleeper) -> Self {
        Clock {
            sleeper,
            skew: Some(Arc::new(VirtualTime {
                start: Instant::now(),
                start_wall: OffsetDateTime::now_utc(),
                waited: Mutex::new(Duration::ZERO),
            })),
        }
    }

    /// A virtual clock whose waits return at once.
    pub fn virtual_time() -> Self {
        Clock::from_sleeper(Sleeper::new(|_| Box::pin(async {})))
    }

    /// How far the virtual time has moved (zero for tokio's clock).
    pub fn waited(&self) -> Duration {
        self.skew
            .as_ref()
            .map(|v| {
                *v.waited
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            })
            .unwrap_or_default()
    }

    /// A monotonic instant.
    pub fn now(&self) -> Instant {
        match &self.skew {
            Some(v) => v.start + self.waited(),
            None => tokio::time::Instant::now().into_std(),
        }
    }

    /// The wall-clock time.
    pub fn wall(&self) -> OffsetDateTime {
        match &self.skew {
            Some(v) => v.start_wall + self.waited(),
            None => OffsetDateTime::now_utc(),
        }
    }

    pub async fn sleep(&self, d: Duration) {
        if let Some(v) = &self.skew {
            *v.waited
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) += d;
        }
        self.sleeper.sleep(d).await;
    }

    /// The sleeper this clock waits with.
    pub fn sleeper(&self) -> Sleeper {
        self.sleeper.clone()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::tokio()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.skew.is_some() {
            "Clock(virtual)"
        } else {
            "Clock(tokio)"
        })
    }
}

/// The `write_limit` setting: at most `writes` POST/PATCH/DELETE requests
/// in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteLimit {
    pub writes: usize,
    pub window: Duration,
}

impl Default for WriteLimit {
    fn default() -> Self {
        WriteLimit {
            writes: INTUNE_WRITES_PER_WINDOW,
            window: INTUNE_WRITE_WINDOW,
        }
    }
}

impl fmt::Display for WriteLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.writes, self.window.as_secs())
    }
}

/// A `write_limit` that is not `WRITES/SECONDS` with both above zero.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("write_limit must be WRITES/SECONDS (e.g. \"100/20\"), both above zero, not {0:?}")]
pub struct ParseWriteLimitError(pub String);

impl FromStr for WriteLimit {
    type Err = ParseWriteLimitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseWriteLimitError(s.to_string());
        let (writes, secs) = s.trim().split_once('/').ok_or_else(bad)?;
        let writes: usize = writes.trim().parse().map_err(|_| bad())?;
        let secs: u64 = secs
            .trim()
            .trim_end_matches('s')
            .parse()
            .map_err(|_| bad())?;
        if writes == 0 || secs == 0 {
            return Err(bad());
        }
        Ok(WriteLimit {
            writes,
            window: Duration::from_secs(secs),
        })
    }
}

/// What kind of request a call is, which decides what may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// GET: safe to send again.
    Read,
    /// `searchExistingIdentities`: a POST (it counts as a write for the
    /// service's limits) that changes nothing.
    Search,
    /// PATCH, DELETE, and an import that overwrites: sending twice leaves
    /// the same result.
    Idempotent,
    /// Create, and an import that does not overwrite: sent again only when
    /// the service said it applied nothing (429).
    Write,
}

impl CallKind {
    fn takes_write_slot(self) -> bool {
        !matches!(self, CallKind::Read)
    }

    fn retries(self, e: &GraphError) -> bool {
        match self {
            CallKind::Write => e.status() == Some(429),
            _ => match e {
                GraphError::Timeout { .. } | GraphError::Dropped { .. } => true,
                GraphError::Service { status, .. } => {
                    matches!(status, 429 | 500 | 502 | 503 | 504)
                }
                _ => false,
            },
        }
    }
}

/// What the attempt being made knows about the earlier ones of the call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tried {
    /// An earlier attempt may have been applied (no answer, or a 5xx).
    pub unknown: bool,
}

/// The default budget of one call.
pub const CALL_POLICY: RetryPolicy = RetryPolicy {
    max_attempts: 8,
    max_total_wait: Duration::from_secs(180),
    base_backoff: Duration::from_secs(1),
    max_backoff: Duration::from_secs(30),
};

/// Requests sent through an engine, by kind.
#[derive(Debug, Default)]
struct Counters {
    reads: AtomicUsize,
    writes: AtomicUsize,
}

/// The retry rules, the write limiter and the clock. Clones share the
/// limiter and the counters.
#[derive(Clone)]
pub struct Engine {
    policy: RetryPolicy,
    clock: Clock,
    limiter: Arc<Mutex<WriteWindow>>,
    counters: Arc<Counters>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("policy", &self.policy)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl Engine {
    pub fn new(policy: RetryPolicy, limit: WriteLimit, clock: Clock) -> Self {
        Engine {
            policy,
            clock,
            limiter: Arc::new(Mutex::new(WriteWindow::new(limit.writes, limit.window))),
            counters: Arc::default(),
        }
    }

    /// The same limiter and counters, waiting with another clock.
    pub fn with_clock(&self, clock: Clock) -> Self {
        Engine {
            clock,
            ..self.clone()
        }
    }

    /// The same limiter and counters, with another budget per call.
    pub fn with_policy(&self, policy: RetryPolicy) -> Self {
        Engine {
            policy,
            ..self.clone()
        }
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }

    /// Requests sent so far: (reads, writes), retries included.
    pub fn sent(&self) -> (usize, usize) {
        (
            self.counters.reads.load(Ordering::Relaxed),
            self.counters.writes.load(Ordering::Relaxed),
        )
    }

    fn lock_limiter(&self) -> std::sync::MutexGuard<'_, WriteWindow> {
        self.limiter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits for a write slot.
    pub async fn acquire_write(&self) {
        loop {
            let verdict = self.lock_limiter().try_acquire(self.clock.now());
            match verdict {
                Ok(()) => return,
                Err(wait) => {
                    tracing::debug!(wait_ms = wait.as_millis() as u64, "write limiter: waiting");
                    self.clock.sleep(wait).await;
                }
            }
        }
    }

    /// Runs one call: `attempt` is made until it succeeds, fails in a way
    /// that is not retried for its kind, or the call's budget is spent.
    pub async fn run<T, F, Fut>(&self, kind: CallKind, mut attempt: F) -> Result<T, GraphError>
    where
        F: FnMut(Tried) -> Fut,
        Fut: Future<Output = Result<T, GraphError>>,
    {
        let mut tries = 0u32;
        let mut waited = Duration::ZERO;
        let mut tried = Tried::default();
        loop {
            if kind.takes_write_slot() {
                self.acquire_write().await;
                self.counters.writes.fetch_add(1, Ordering::Relaxed);
            } else {
                self.counters.reads.fetch_add(1, Ordering::Relaxed);
            }
            tries += 1;
            let error = match attempt(tried).await {
                Ok(value) => return Ok(value),
                Err(e) => e,
            };
            if kind.takes_write_slot()
                && error.status() == Some(429)
                && let Some(asked) = error.retry_after()
            {
                self.lock_limiter().pause(self.clock.now(), asked);
            }
            if !kind.retries(&error) || tries >= self.policy.max_attempts {
                return Err(error);
            }
            let wait = self
                .policy
                .next_wait(tries, error.retry_after(), waited, &mut rand::rng());
            let Some(wait) = wait else {
                return Err(error);
            };
            tried.unknown |= error.outcome_unknown();
            tracing::debug!(?kind, tries, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
            // A throttled write already holds the limiter for its Retry-After.
            let held_by_limiter = kind.takes_write_slot() && error.status() == Some(429);
            if !(held_by_limiter && error.retry_after().is_some()) {
                self.clock.sleep(wait).await;
            }
            waited += wait;
        }
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(CALL_POLICY, WriteLimit::default(), Clock::tokio())
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
