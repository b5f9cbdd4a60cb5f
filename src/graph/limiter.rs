//! The sliding-window write limiter: at most `limit` writes in any `window`,
//! plus a pause the service can impose (429 with Retry-After). Pure: the
//! time is passed in.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Intune: 100 POST/PUT/PATCH/DELETE requests per 20 s per app per tenant
/// (CONTRACT §3.2).
pub const INTUNE_WRITES_PER_WINDOW: usize = 100;
pub const INTUNE_WRITE_WINDOW: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct WriteWindow {
    limit: usize,
    window: Duration,
    /// When each write of the current window started, oldest first.
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl WriteWindow {
    /// `limit` writes per `window` (a limit of 0 is treated as 1).
    pub fn new(limit: usize, window: Duration) -> Self {
        WriteWindow {
            limit: limit.max(1),
            window,
            sent: VecDeque::new(),
            paused_until: None,
        }
    }

    /// Intune's per-app write limit.
    pub fn intune() -> Self {
        WriteWindow::new(INTUNE_WRITES_PER_WINDOW, INTUNE_WRITE_WINDOW)
    }

    /// Takes one write slot at `now`, or says how long to wait for one.
    pub fn try_acquire(&mut self, now: Instant) -> Result<(), Duration> {
        if let Some(until) = self.paused_until {
            if now < until {
                return Err(until - now);
            }
            self.paused_until = None;
        }
        while self
            .sent
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= self.window)
        {
            self.sent.pop_front();
        }
        if self.sent.len() < self.limit {
            self.sent.push_back(now);
            return Ok(());
        }
        // Full: the oldest write leaves the window first.
        let oldest = self.sent.front().copied().unwrap_or(now);
        Err((oldest + self.window).saturating_duration_since(now))
    }

    /// Holds every write until `now + wait` (the service said Retry-After).
    pub fn pause(&mut self, now: Instant, wait: Duration) {
        let until = now + wait;
        if self.paused_until.is_none_or(|p| p < until) {
            self.paused_until = Some(until);
        }
    }

    /// Writes in the current window as of the last call.
    pub fn in_window(&self) -> usize {
        self.sent.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_the_limit_in_any_window() {
        let start = Instant::now();
        let mut w = WriteWindow::new(3, Duration::from_secs(20));
        let mut granted = Vec::new();
        let mut now = start;
        while granted.len() < 10 {
            match w.try_acquire(now) {
                Ok(()) => granted.push(now),
                Err(wait) => {
                    assert!(wait > Duration::ZERO);
                    now += wait;
                }
            }
        }
        for (i, &t) in granted.iter().enumerate() {
            let in_window = granted[i..]
                .iter()
                .take_while(|&&u| u.duration_since(t) < Duration::from_secs(20))
                .count();
            assert!(in_window <= 3, "{i}: {in_window}");
        }
        // Saturated: the 4th write comes exactly when the 1st leaves.
        assert_eq!(granted[3] - granted[0], Duration::from_secs(20));
        assert_eq!(granted[9] - start, Duration::from_secs(60));
    }

    #[test]
    fn a_pause_holds_every_write_and_only_extends() {
        let t0 = Instant::now();
        let mut w = WriteWindow::intune();
        w.pause(t0, Duration::from_secs(5));
        w.pause(t0, Duration::from_secs(2));
        assert_eq!(w.try_acquire(t0), Err(Duration::from_secs(5)));
        assert_eq!(
            w.try_acquire(t0 + Duration::from_secs(4)),
            Err(Duration::from_secs(1))
        );
        assert_eq!(w.try_acquire(t0 + Duration::from_secs(5)), Ok(()));
        assert_eq!(w.in_window(), 1);
    }
}
