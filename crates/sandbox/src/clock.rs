//! The sandbox's clock: the wall clock, or a manual one tests move by hand.
//! It dates new identities, slides the write window and decides when an
//! identity counts as enrolled.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use time::OffsetDateTime;

/// Where the time comes from.
pub trait TimeSource: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

struct SystemTime;

impl TimeSource for SystemTime {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The clock handed to a sandbox (cheap to clone; clones share the time).
#[derive(Clone)]
pub struct Clock(Arc<dyn TimeSource>);

impl Clock {
    /// The wall clock.
    pub fn system() -> Clock {
        Clock(Arc::new(SystemTime))
    }

    pub fn from_source(source: impl TimeSource) -> Clock {
        Clock(Arc::new(source))
    }

    pub fn now(&self) -> OffsetDateTime {
        self.0.now()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// A clock that stands still until [`ManualClock::advance`]d.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<OffsetDateTime>>);

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> ManualClock {
        ManualClock(Arc::new(Mutex::new(start)))
    }

    /// Starting at the current wall-clock time.
    pub fn starting_now() -> ManualClock {
        ManualClock::new(OffsetDateTime::now_utc())
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    /// A [`Clock`] reading this one.
    pub fn clock(&self) -> Clock {
        Clock::from_source(self.clone())
    }
}

impl TimeSource for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let manual = ManualClock::new(time::macros::datetime!(2026-01-01 00:00 UTC));
        let clock = manual.clock();
        let before = clock.now();
        assert_eq!(clock.now(), before);
        manual.advance(Duration::from_secs(90));
        assert_eq!(clock.now() - before, time::Duration::seconds(90));
    }
}
