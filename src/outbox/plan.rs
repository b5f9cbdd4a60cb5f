//! The outbox's rules, free of IO: which request an item needs next, and
//! how its answer settles the item and steers the rest of the pass.
//!
//! Exactly once: an item whose earlier attempt may have been applied (a
//! timeout, a dropped connection, a 5xx, an unreadable success, or a crash
//! while sending) is first looked up with `searchExistingIdentities`; only
//! when the identifier is not there is it sent again.

use std::time::Duration;

use crate::domain::ImportedDeviceIdentity;
use crate::graph::{GraphError, SubmitOutcome, UsedMethod, same_identifier};
use crate::store::{Attempt, ItemState, OutboxItem, Settlement};

/// The next request an item needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Ask whether the identifier exists (an earlier outcome is unknown).
    Check,
    /// Send it.
    Send,
}

/// What the next request for `item` is.
pub fn next_step(item: &OutboxItem) -> Step {
    if item.unknown_outcome || item.state == ItemState::Sending {
        Step::Check
    } else {
        Step::Send
    }
}

/// What one request for an item came to.
#[derive(Debug, Clone)]
pub enum Answer {
    Sent(SubmitOutcome),
    /// The search's answer: the matching identity and its raw JSON, if any.
    Found {
        existing: Option<(ImportedDeviceIdentity, serde_json::Value)>,
        request_id: Option<String>,
    },
    Failed(GraphError),
}

/// Why a pass stops before every item was tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The service cannot be reached (DNS, connect, TLS): nothing was sent.
    Unreachable(String),
    /// The sign-in is missing, expired or lacks permission.
    Auth(String),
    /// The service URL is not usable.
    Config(String),
    /// The retry budget was spent while the service kept failing.
    GaveUp(String),
}

impl Stop {
    pub fn message(&self) -> &str {
        match self {
            Stop::Unreachable(m) | Stop::Auth(m) | Stop::Config(m) | Stop::GaveUp(m) => m,
        }
    }
}

/// How the pass goes on after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    /// This item is settled for now; go to the next.
    Next,
    /// The check found nothing: send this item now.
    SendNow,
    /// A transient failure: wait (the service's Retry-After, else a backoff), then a new pass.
    Pause(Option<Duration>),
    /// Stop syncing.
    Stop(Stop),
}

/// Picks the row for `wanted` from a search answer.
pub fn pick_found(
    found: &[ImportedDeviceIdentity],
    raw: &serde_json::Value,
    wanted: &str,
) -> Option<(ImportedDeviceIdentity, serde_json::Value)> {
    let index = found
        .iter()
        .position(|candidate| same_identifier(candidate.identifier(), wanted))?;
    let row = raw
        .get("value")
        .and_then(|v| v.get(index))
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    Some((found[index].clone(), row))
}

fn settlement(state: ItemState, unknown: bool, reason: Option<String>) -> Settlement {
    Settlement {
        state,
        unknown_outcome: unknown,
        reason,
        service_id: None,
        result: None,
    }
}

/// An identity found after a lost answer: created by an earlier attempt,
/// or in the tenant since well before this was queued, and so not ours.
fn found_after_lost_answer(item: &OutboxItem, identity: &ImportedDeviceIdentity) -> Settlement {
    match identity
        .created_date_time
        .filter(|created| created.surely_before(item.created_at))
    {
        Some(created) => settlement(
            ItemState::Duplicate,
            false,
            Some(format!(
                "already in the tenant (created {}); not sent again",
                created.short()
            )),
        ),
        None => settlement(
            ItemState::Created,
            false,
            Some("created by an earlier attempt; not sent again".to_string()),
        ),
    }
}

/// This ledger sent the item before without a definite answer (a requeue
/// after a definite one starts the count again): "already exists" now means
/// that earlier send was applied.
fn sent_before(item: &OutboxItem) -> bool {
    item.lost_answers > 0 && !item.overwrite
}

fn created_by_earlier_send() -> Settlement {
    settlement(
        ItemState::Created,
        false,
        Some("created by an earlier attempt from this machine (the service says it exists)".into()),
    )
}

fn action_name(step: Step, answer: &Answer) -> &'static str {
    match (step, answer) {
        (Step::Check, _) => "check",
        (Step::Send, Answer::Sent(o)) => o.method.as_str(),
        (Step::Send, _) => "send",
    }
}

/// How an answer settles `item`, the journal line for it, and what the pass does next.
pub fn settle(
    item: &OutboxItem,
    step: Step,
    answer: &Answer,
    at: crate::domain::DateTimeOffset,
) -> (Settlement, Attempt, Then) {
    let mut attempt = Attempt {
        item_id: item.id,
        at,
        action: action_name(step, answer).to_string(),
        request_id: None,
        client_request_id: None,
        http_status: None,
        error: None,
        outcome: String::new(),
    };
    let (settled, then) = match answer {
        Answer::Found {
            existing,
            request_id,
        } => {
            attempt.request_id = request_id.clone();
            attempt.http_status = Some(200);
            match existing {
                Some((identity, raw)) => {
                    let mut s = found_after_lost_answer(item, identity);
                    s.service_id = identity.id.clone();
                    s.result = Some(raw.clone());
                    (s, Then::Next)
                }
                None => (
                    settlement(ItemState::Queued, false, item.reason.clone()),
                    Then::SendNow,
                ),
            }
        }
        Answer::Sent(outcome) => {
            attempt.request_id = outcome.request_id.clone();
            attempt.http_status = Some(match outcome.method {
                UsedMethod::Create => 201,
                UsedMethod::Import => 200,
            });
            let id = outcome.result.identity.id.clone();
            let mut s = if outcome.found_existing {
                found_after_lost_answer(item, &outcome.result.identity)
            } else if outcome.result.succeeded() {
                settlement(ItemState::Created, false, None)
            } else if sent_before(item) {
                created_by_earlier_send()
            } else {
                settlement(
                    ItemState::Duplicate,
                    false,
                    Some(
                        "not imported (status false): the identifier is already in the tenant"
                            .to_string(),
                    ),
                )
            };
            s.service_id = id;
            s.result = Some(outcome.raw.clone());
            (s, Then::Next)
        }
        Answer::Failed(error) => {
            attempt.http_status = error.status();
            attempt.request_id = error.request_id().map(str::to_string);
            attempt.client_request_id = error
                .client_request_id()
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            attempt.error = Some(error.user_message());
            failed(item, step, error)
        }
    };
    attempt.outcome = match (answer, &then) {
        (Answer::Found { existing: None, .. }, _) => "not-found".to_string(),
        _ => settled.state.as_str().to_string(),
    };
    (settled, attempt, then)
}

fn failed(item: &OutboxItem, step: Step, error: &GraphError) -> (Settlement, Then) {
    let reason = Some(error.user_message());
    // A check changes nothing: what was unknown stays unknown.
    let was_unknown = step == Step::Check;
    let unknown_now = step == Step::Send
        && (error.outcome_unknown() || matches!(error, GraphError::Decode { .. }));
    let queued = |unknown: bool| settlement(ItemState::Queued, unknown, reason.clone());
    if unknown_now || error.outcome_unknown() {
        return (
            queued(was_unknown || unknown_now),
            Then::Pause(error.retry_after()),
        );
    }
    match error {
        GraphError::Connect { .. } => (
            queued(was_unknown),
            Then::Stop(Stop::Unreachable(error.user_message())),
        ),
        GraphError::InsecureUrl { .. }
        | GraphError::InvalidUrl { .. }
        | GraphError::NotAvailable { .. } => (
            queued(was_unknown),
            Then::Stop(Stop::Config(error.user_message())),
        ),
        // `is_auth` also covers a missing sign-in (no request was made).
        _ if matches!(error.status(), Some(401 | 403)) || error.is_auth() => (
            queued(was_unknown),
            Then::Stop(Stop::Auth(error.user_message())),
        ),
        _ if error.is_retryable() => (queued(was_unknown), Then::Pause(error.retry_after())),
        _ if step == Step::Send && error.status() == Some(409) && sent_before(item) => {
            (created_by_earlier_send(), Then::Next)
        }
        _ if step == Step::Send && error.status() == Some(409) && !item.overwrite => (
            settlement(ItemState::Duplicate, false, reason.clone()),
            Then::Next,
        ),
        _ => (
            settlement(ItemState::Rejected, was_unknown, reason.clone()),
            Then::Next,
        ),
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
