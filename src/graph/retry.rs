//! How long to wait between attempts, and how waiting is done (replaceable
//! in tests).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use rand::Rng;

/// Bounds for the retries of one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Sends (and checks) per submission, the first included.
    pub max_attempts: u32,
    /// The most time spent waiting between attempts, in total.
    pub max_total_wait: Duration,
    /// The first backoff when the service names no wait; doubles each time.
    pub base_backoff: Duration,
    /// The longest single backoff.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            max_total_wait: Duration::from_secs(30),
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// The backoff before attempt `attempt + 1` (`attempt` ≥ 1 attempts made),
    /// with "equal jitter": between half and all of the exponential step.
    pub fn backoff(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let shift = attempt.saturating_sub(1).min(16);
        let step = self
            .base_backoff
            .saturating_mul(1u32 << shift)
            .min(self.max_backoff);
        let half = step / 2;
        let jitter_ms = rng.random_range(0..=u64::try_from(half.as_millis()).unwrap_or(u64::MAX));
        half + Duration::from_millis(jitter_ms)
    }

    /// One attempt, no waiting.
    pub const fn once() -> Self {
        RetryPolicy {
            max_attempts: 1,
            max_total_wait: Duration::ZERO,
            base_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        }
    }

    /// The wait before the next attempt, given what the service asked for
    /// and what has been waited already; `None` when the wait does not fit
    /// in what is left of the budget. A wait is never shortened to fit: a
    /// spent budget ends the retries instead of turning them into a tight
    /// loop.
    pub fn next_wait(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        waited: Duration,
        rng: &mut impl Rng,
    ) -> Option<Duration> {
        let remaining = self.max_total_wait.saturating_sub(waited);
        let wait = match retry_after {
            // `Retry-After: 0` would be an immediate resend: back off instead.
            Some(asked) if !asked.is_zero() => asked,
            _ => self.backoff(attempt, rng),
        };
        (wait <= remaining && !remaining.is_zero()).then_some(wait)
    }
}

/// Waits for a duration. The default is `tokio::time::sleep` (so tests may
/// use paused time); tests may also record the waits instead.
#[derive(Clone)]
pub struct Sleeper(Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>);

impl Sleeper {
    pub fn new(f: impl Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync + 'static) -> Self {
        Sleeper(Arc::new(f))
    }

    /// `tokio::time::sleep`.
    pub fn tokio() -> Self {
        Sleeper::new(|d| Box::pin(tokio::time::sleep(d)))
    }

    pub async fn sleep(&self, d: Duration) {
        (self.0)(d).await;
    }
}

impl Default for Sleeper {
    fn default() -> Self {
        Sleeper::tokio()
    }
}

impl fmt::Debug for Sleeper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sleeper")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let p = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(7);
        for attempt in 1..10 {
            let step = (p.base_backoff * (1 << (attempt - 1))).min(p.max_backoff);
            for _ in 0..50 {
                let d = p.backoff(attempt, &mut rng);
                assert!(d >= step / 2 && d <= step, "{attempt}: {d:?}");
            }
        }
    }

    #[test]
    fn retry_after_is_honoured_or_given_up() {
        let p = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(1);
        let s = Duration::from_secs;
        assert_eq!(p.next_wait(1, Some(s(3)), s(0), &mut rng), Some(s(3)));
        assert_eq!(p.next_wait(2, Some(s(3)), s(28), &mut rng), None);
        assert_eq!(p.next_wait(2, Some(s(60)), s(0), &mut rng), None);
        // A backoff that does not fit what is left ends the retries; it is
        // never cut short (a spent budget must not become a tight loop).
        assert_eq!(
            p.next_wait(3, None, s(29) + Duration::from_millis(900), &mut rng),
            None
        );
        assert_eq!(p.next_wait(9, None, s(30), &mut rng), None);
        assert_eq!(p.next_wait(1, Some(s(0)), s(30), &mut rng), None);
        assert!(p.next_wait(1, Some(s(0)), s(0), &mut rng).unwrap() >= p.base_backoff / 2);
        for waited in 0..30 {
            if let Some(w) = p.next_wait(4, None, s(waited), &mut rng) {
                assert!(w >= p.base_backoff, "{waited}: {w:?}");
            }
        }
    }
}
