//! Sending the outbox: rounds over the items that are due, one request per
//! item at a time, each journalled and settled in the store before the next.
//! An item that keeps failing gets a few tries in a round (Retry-After, else
//! a short backoff, between them), then waits with a growing next-attempt
//! time stored on it; the sync goes on with the other items and waits for
//! the next due item while its wait budget lasts. One failing item costs a
//! few requests a minute at most, never a loop.

use std::time::Duration;

use super::backoff::{FIRST_DEFERRAL, MAX_DEFERRAL, deferral, is_due, wait_for};
use super::plan::{Answer, Step, Stop, Then, next_step, pick_found, settle};
use super::{Outbox, OutboxError};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity, ImportedDeviceIdentityResult};
use crate::graph::{Clock, GraphError, RetryPolicy, Sleeper, SubmitOutcome, Submitter, UsedMethod};
use crate::store::{ItemState, OutboxItem, ProfileFact};

/// How hard a sync tries while the service fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncPolicy {
    /// The first wait between two tries of an item when the service names
    /// none; doubles per try.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The most one sync waits in total (between tries and for due items).
    pub max_total_wait: Duration,
    /// Tries of one item in a round before it waits for its next attempt.
    pub tries_per_round: u32,
    /// The first next-attempt wait; doubles per spent round up to `max_deferral`.
    pub first_deferral: Duration,
    pub max_deferral: Duration,
}

impl Default for SyncPolicy {
    fn default() -> Self {
        SyncPolicy {
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(8),
            max_total_wait: Duration::from_secs(120),
            tries_per_round: 3,
            first_deferral: FIRST_DEFERRAL,
            max_deferral: MAX_DEFERRAL,
        }
    }
}

/// Rounds end early after this many items in a row had their tries spent:
/// the service is failing for everyone, not for one item.
const DEFERRED_IN_A_ROW: usize = 3;

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Items settled in this sync, by the state they reached.
    pub created: usize,
    pub rejected: usize,
    pub duplicate: usize,
    /// Items still waiting when the sync ended.
    pub pending: usize,
    /// Requests made (sends and checks).
    pub requests: usize,
    /// Why the sync stopped early, if it did.
    pub stopped: Option<Stop>,
    /// Items whose tries were spent in this sync (they wait for a next attempt).
    pub deferred: usize,
    /// When the sync ended, how long until the next item is due, if any waits.
    pub next_attempt_in: Option<Duration>,
}

/// Progress for a screen: items settled so far, of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncProgress {
    pub settled: usize,
    pub total: usize,
}

/// Sends an [`Outbox`] through a [`Submitter`].
#[derive(Clone)]
pub struct Syncer {
    outbox: Outbox,
    /// This sender's name on the items it claims (clones share it).
    owner: std::sync::Arc<str>,
    submitter: Submitter,
    policy: SyncPolicy,
}

/// How one item's round ended.
enum ItemEnd {
    Settled,
    /// Another sender has it now.
    Lost,
    Deferred,
    Stopped(Stop),
}

impl Syncer {
    /// The submitter is used for single attempts: retries are the sync's,
    /// so every request is journalled and survives a restart.
    pub fn new(outbox: Outbox, submitter: &Submitter) -> Self {
        let single = submitter.clone().with_retry_policy(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        });
        Syncer {
            outbox,
            owner: crate::store::lease::new_owner().into(),
            submitter: single,
            policy: SyncPolicy::default(),
        }
    }

    /// Waits with `sleeper` on a virtual clock (tests).
    pub fn with_sleeper(self, sleeper: Sleeper) -> Self {
        self.with_clock(Clock::from_sleeper(sleeper))
    }

    /// The clock of the sync, its submitter and its request engine.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.submitter = self.submitter.with_clock(clock);
        self
    }

    pub fn with_policy(mut self, policy: SyncPolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    pub fn submitter(&self) -> &Submitter {
        &self.submitter
    }

    fn clock(&self) -> &Clock {
        self.submitter.client().engine().clock()
    }

    fn now(&self) -> DateTimeOffset {
        let wall = self.clock().wall();
        DateTimeOffset::from_unix_nanos(wall.unix_timestamp_nanos()).unwrap_or(DateTimeOffset(wall))
    }

    /// Sends the pending items of the outbox's profile that are due, and
    /// those that fall due while the wait budget lasts; stops when the
    /// service cannot be reached or refuses the sign-in.
    pub async fn sync(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, OutboxError> {
        let mut report = SyncReport::default();
        let mut waited = Duration::ZERO;
        let total = self.outbox.pending().await?.len();
        let mut settled = 0usize;
        progress(SyncProgress { settled, total });
        let learnt_before = self.submitter.create_route_missing();
        loop {
            let pending = self.outbox.pending().await?;
            if pending.is_empty() {
                break;
            }
            let now = self.now();
            let due: Vec<OutboxItem> = pending.iter().filter(|i| is_due(i, now)).cloned().collect();
            let mut cut = false;
            let mut in_a_row = 0usize;
            let mut claimed_any = false;
            for listed in due.iter() {
                // Claim before send: an item another sender holds is theirs.
                let Some(item) = self.outbox.claim(listed.id, &self.owner).await? else {
                    continue;
                };
                claimed_any = true;
                match self.run_item(item, &mut report, &mut waited).await? {
                    ItemEnd::Lost => {}
                    ItemEnd::Settled => {
                        in_a_row = 0;
                        settled += 1;
                        progress(SyncProgress { settled, total });
                    }
                    ItemEnd::Deferred => {
                        report.deferred += 1;
                        in_a_row += 1;
                        if in_a_row >= DEFERRED_IN_A_ROW {
                            cut = true;
                            break;
                        }
                    }
                    ItemEnd::Stopped(stop) => {
                        report.stopped = Some(stop);
                        return self.finish(report, learnt_before).await;
                    }
                }
            }
            if !due.is_empty() && !claimed_any {
                // What is due is being sent by other senders.
                break;
            }
            // Wait for the next item to fall due, if the budget allows.
            let now = self.now();
            let pending = self.outbox.pending().await?;
            if pending.is_empty() {
                break;
            }
            if !cut && pending.iter().any(|i| is_due(i, now)) {
                continue;
            }
            let Some(wait) = pending.iter().filter_map(|i| wait_for(i, now)).min() else {
                break;
            };
            if waited + wait > self.policy.max_total_wait {
                break;
            }
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "outbox: waiting for the next due item"
            );
            self.clock().sleep(wait).await;
            waited += wait;
        }
        self.finish(report, learnt_before).await
    }

    async fn finish(
        &self,
        mut report: SyncReport,
        learnt_before: bool,
    ) -> Result<SyncReport, OutboxError> {
        if self.submitter.create_route_missing() && !learnt_before {
            self.outbox
                .with_store(|s, p| s.learn(ProfileFact::CreateUnusable, p))
                .await?;
        }
        let pending = self.outbox.pending().await?;
        let now = self.now();
        report.pending = pending.len();
        report.next_attempt_in = pending.iter().filter_map(|i| wait_for(i, now)).min();
        Ok(report)
    }

    /// One round of tries for an item.
    async fn run_item(
        &self,
        mut item: OutboxItem,
        report: &mut SyncReport,
        waited: &mut Duration,
    ) -> Result<ItemEnd, OutboxError> {
        let mut tries = 0u32;
        loop {
            let step = next_step(&item);
            // A lost claim: it expired and another sender took the item.
            if step == Step::Send && !self.outbox.mark_sending(item.id, &self.owner).await? {
                return Ok(ItemEnd::Lost);
            }
            let answer = self.attempt(&item, step).await;
            report.requests += 1;
            let (settlement, attempt, then) = settle(&item, step, &answer, self.now());
            self.outbox.record(attempt, settlement.clone()).await?;
            match settlement.state {
                ItemState::Created => report.created += 1,
                ItemState::Rejected => report.rejected += 1,
                ItemState::Duplicate => report.duplicate += 1,
                _ => {}
            }
            item.state = settlement.state;
            item.unknown_outcome = settlement.unknown_outcome;
            match then {
                Then::Next => return Ok(ItemEnd::Settled),
                Then::SendNow => {
                    item.unknown_outcome = false;
                    item.state = ItemState::Queued;
                }
                Then::Stop(stop) => {
                    self.outbox.release(item.id, &self.owner).await?;
                    return Ok(ItemEnd::Stopped(stop));
                }
                Then::Pause(retry_after) => {
                    tries += 1;
                    let backoff = RetryPolicy {
                        max_attempts: u32::MAX,
                        max_total_wait: self.policy.max_backoff,
                        base_backoff: self.policy.base_backoff,
                        max_backoff: self.policy.max_backoff,
                    }
                    .next_wait(
                        tries,
                        retry_after,
                        Duration::ZERO,
                        &mut rand::rng(),
                    );
                    let fits = backoff.filter(|w| *waited + *w <= self.policy.max_total_wait);
                    match fits {
                        Some(wait) if tries < self.policy.tries_per_round => {
                            self.clock().sleep(wait).await;
                            *waited += wait;
                        }
                        _ => {
                            self.defer(&item, retry_after).await?;
                            self.outbox.release(item.id, &self.owner).await?;
                            return Ok(ItemEnd::Deferred);
                        }
                    }
                }
            }
        }
    }

    /// Holds an item whose tries are spent until its next attempt.
    async fn defer(
        &self,
        item: &OutboxItem,
        retry_after: Option<Duration>,
    ) -> Result<(), OutboxError> {
        let rounds = item.spent_rounds.saturating_add(1);
        let wait = deferral(
            rounds,
            retry_after,
            self.policy.first_deferral,
            self.policy.max_deferral,
            &mut rand::rng(),
        );
        let now = self.now();
        let until = DateTimeOffset(now.0 + wait);
        tracing::debug!(
            item = item.id,
            rounds,
            wait_s = wait.as_secs(),
            "outbox: item waits for its next attempt"
        );
        let id = item.id;
        self.outbox
            .with_store(move |s, _| s.defer_item(id, until, rounds))
            .await
    }

    async fn attempt(&self, item: &OutboxItem, step: Step) -> Answer {
        let Some(identity) = item.identity.as_ref() else {
            return Answer::Failed(GraphError::Decode {
                message: "the outbox item holds no identity".to_string(),
                client_request_id: String::new(),
                request_id: None,
            });
        };
        let request = identity.to_request();
        match step {
            Step::Check => {
                let client = self.submitter.client();
                match client
                    .search_existing_sent(std::slice::from_ref(&request))
                    .await
                {
                    Ok(sent) => Answer::Found {
                        existing: pick_found(&sent.value, &sent.raw, request.identifier()),
                        request_id: sent.request_id,
                    },
                    Err(e) => Answer::Failed(e),
                }
            }
            Step::Send if item.overwrite => match self.overwrite(&request).await {
                Ok(outcome) => Answer::Sent(outcome),
                Err(e) => Answer::Failed(e),
            },
            Step::Send => match self.submitter.submit(&request).await {
                Ok(outcome) => Answer::Sent(outcome),
                Err(e) => Answer::Failed(e),
            },
        }
    }

    /// Import with `overwriteImportedDeviceIdentities` (an explicit per-item choice).
    async fn overwrite(
        &self,
        request: &ImportedDeviceIdentity,
    ) -> Result<SubmitOutcome, GraphError> {
        let sent = self
            .submitter
            .client()
            .import_list(std::slice::from_ref(request), true)
            .await?;
        let raw = sent
            .raw
            .get("value")
            .and_then(|v| v.get(0))
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        let result = sent
            .value
            .into_iter()
            .next()
            .unwrap_or(ImportedDeviceIdentityResult {
                identity: request.clone(),
                status: Some(false),
            });
        Ok(SubmitOutcome {
            result,
            raw,
            method: UsedMethod::Import,
            switched_to_import: false,
            create_unusable: None,
            found_existing: false,
            request_id: sent.request_id,
        })
    }
}
