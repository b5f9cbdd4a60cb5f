//! How long an outbox item waits once its attempts are spent, free of IO:
//! 30 s, then 1, 2, 4, 8 minutes, up to 15, each jittered by up to a fifth
//! either way (so many consoles do not come back at the same instant), and
//! never less than what the service asked for with Retry-After.

use std::time::Duration;

use rand::Rng;

use crate::domain::DateTimeOffset;
use crate::store::OutboxItem;

/// The first wait after an item's attempts were spent.
pub const FIRST_DEFERRAL: Duration = Duration::from_secs(30);
/// The longest wait between two rounds of attempts.
pub const MAX_DEFERRAL: Duration = Duration::from_secs(15 * 60);

/// The wait after the `round`-th spent round in a row (1 = the first).
pub fn deferral(
    round: u32,
    retry_after: Option<Duration>,
    first: Duration,
    max: Duration,
    rng: &mut impl Rng,
) -> Duration {
    let shift = round.saturating_sub(1).min(16);
    let step = first.saturating_mul(1u32 << shift).min(max);
    let fifth = u64::try_from(step.as_millis() / 5).unwrap_or(u64::MAX);
    let jitter = rng.random_range(0..=fifth.saturating_mul(2));
    let jittered =
        (step + Duration::from_millis(jitter)).saturating_sub(Duration::from_millis(fifth));
    jittered.max(retry_after.unwrap_or_default())
}

/// Whether `item` may be tried at `now`.
pub fn is_due(item: &OutboxItem, now: DateTimeOffset) -> bool {
    item.next_attempt_at.is_none_or(|at| at.0 <= now.0)
}

/// How long until `item` may be tried, if it has to wait.
pub fn wait_for(item: &OutboxItem, now: DateTimeOffset) -> Option<Duration> {
    let at = item.next_attempt_at?;
    let secs = (at.0 - now.0).as_seconds_f64();
    (secs > 0.0).then(|| Duration::from_secs_f64(secs))
}

/// "next try in 4 min", for the Drafts/Outbox tab and the command line.
pub fn next_try_text(wait: Duration) -> String {
    let secs = wait.as_secs();
    if secs < 60 {
        format!("next try in {} s", secs.max(1))
    } else {
        format!("next try in {} min", secs.div_ceil(60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn waits_grow_from_30_s_to_15_min_with_jitter() {
        let mut rng = StdRng::seed_from_u64(3);
        let steps = [30, 60, 120, 240, 480, 900, 900, 900];
        for (i, step) in steps.iter().enumerate() {
            for _ in 0..50 {
                let d = deferral(i as u32 + 1, None, FIRST_DEFERRAL, MAX_DEFERRAL, &mut rng);
                let step = Duration::from_secs(*step);
                assert!(d >= step * 4 / 5 && d <= step * 6 / 5, "{i}: {d:?}");
            }
        }
        let asked = Duration::from_secs(3600);
        assert_eq!(
            deferral(1, Some(asked), FIRST_DEFERRAL, MAX_DEFERRAL, &mut rng),
            asked
        );
    }

    #[test]
    fn the_text_says_how_long() {
        assert_eq!(next_try_text(Duration::from_secs(29)), "next try in 29 s");
        assert_eq!(next_try_text(Duration::from_millis(200)), "next try in 1 s");
        assert_eq!(next_try_text(Duration::from_secs(200)), "next try in 4 min");
    }
}
