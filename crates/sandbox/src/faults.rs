//! Fault injection on the identity routes: latency, throttling, server
//! errors and dropped connections, decided per request by (seedable) dice.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::Faults;
use super::Shared;
use super::errors::GraphFailure;
use super::server::ConnectionDrop;

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Pass,
    /// 429: nothing applied.
    Throttle,
    /// 500 or 503, after applying the write or not.
    Fail {
        status: StatusCode,
        applied: bool,
    },
    /// The connection is closed without an answer, after applying or not.
    Drop {
        applied: bool,
    },
}

/// The fault settings and their dice.
pub(crate) struct Dice {
    pub faults: Faults,
    rng: StdRng,
}

impl Dice {
    pub fn new(faults: Faults) -> Dice {
        let rng = match faults.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        Dice { faults, rng }
    }

    fn chance(&mut self, rate: f64) -> bool {
        rate > 0.0 && self.rng.random::<f64>() < rate
    }

    /// Throttling is checked first, then failure, then dropping; each with its own roll.
    pub fn roll(&mut self) -> Outcome {
        if self.chance(self.faults.throttle_rate) {
            return Outcome::Throttle;
        }
        if self.chance(self.faults.fail_rate) {
            let status = if self.rng.random::<bool>() {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            let applied = self.rng.random::<bool>();
            return Outcome::Fail { status, applied };
        }
        if self.chance(self.faults.drop_rate) {
            let applied = self.rng.random::<bool>();
            return Outcome::Drop { applied };
        }
        Outcome::Pass
    }
}

/// Middleware applying the dice to each request.
pub(crate) async fn inject(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let (latency_ms, retry_after, outcome) = {
        let mut dice = shared.lock_dice();
        let outcome = dice.roll();
        (
            dice.faults.latency_ms,
            dice.faults.retry_after_secs,
            outcome,
        )
    };
    if latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(latency_ms)).await;
    }
    match outcome {
        Outcome::Pass => next.run(req).await,
        Outcome::Throttle => GraphFailure::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Too many requests. Retry after the time in the Retry-After header.",
        )
        .with_retry_after(retry_after)
        .into_response(),
        Outcome::Fail { status, applied } => {
            if applied {
                let _ = next.run(req).await;
            }
            if status == StatusCode::SERVICE_UNAVAILABLE {
                GraphFailure::new(
                    status,
                    "ServiceUnavailable",
                    "The service is temporarily unavailable.",
                )
                .with_retry_after(retry_after)
                .into_response()
            } else {
                GraphFailure::internal("An internal server error occurred.").into_response()
            }
        }
        Outcome::Drop { applied } => {
            let dropper = req.extensions().get::<ConnectionDrop>().cloned();
            if applied {
                let _ = next.run(req).await;
            }
            match dropper {
                Some(d) => {
                    d.trigger();
                    // The connection is closed before this could answer.
                    std::future::pending::<Response>().await
                }
                None => GraphFailure::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    "The connection would have been dropped.",
                )
                .into_response(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(throttle: f64, fail: f64, drop: f64) -> Faults {
        Faults {
            throttle_rate: throttle,
            fail_rate: fail,
            drop_rate: drop,
            seed: Some(7),
            ..Faults::default()
        }
    }

    #[test]
    fn rates_of_one_and_zero_are_certain() {
        assert_eq!(Dice::new(faults(1.0, 1.0, 1.0)).roll(), Outcome::Throttle);
        assert!(matches!(
            Dice::new(faults(0.0, 1.0, 1.0)).roll(),
            Outcome::Fail { .. }
        ));
        assert!(matches!(
            Dice::new(faults(0.0, 0.0, 1.0)).roll(),
            Outcome::Drop { .. }
        ));
        assert_eq!(Dice::new(faults(0.0, 0.0, 0.0)).roll(), Outcome::Pass);
    }

    #[test]
    fn a_seed_repeats_the_same_outcomes_and_both_branches_occur() {
        let run = || {
            let mut d = Dice::new(faults(0.0, 1.0, 0.0));
            (0..64).map(|_| d.roll()).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let applied = a
            .iter()
            .filter(|o| matches!(o, Outcome::Fail { applied: true, .. }))
            .count();
        assert!(applied > 0 && applied < 64);
    }
}
