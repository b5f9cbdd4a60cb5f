//! Sending the outbox: passes over the pending items, one request per item
//! at a time, each journalled and settled in the store before the next;
//! between passes a backoff with jitter, or the service's Retry-After.

use std::time::Duration;

use super::plan::{Answer, Step, Stop, Then, next_step, pick_found, settle};
use super::{Outbox, OutboxError};
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityResult};
use crate::graph::{GraphError, RetryPolicy, Sleeper, SubmitOutcome, Submitter, UsedMethod};
use crate::store::{ItemState, OutboxItem};

/// How long a sync keeps trying while the service fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncPolicy {
    /// The first backoff when the service names no wait; doubles per failed pass.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The most time spent waiting in one sync, in total.
    pub max_total_wait: Duration,
}

impl Default for SyncPolicy {
    fn default() -> Self {
        SyncPolicy {
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(120),
        }
    }
}

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
    sleeper: Sleeper,
    policy: SyncPolicy,
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
            sleeper: Sleeper::default(),
            policy: SyncPolicy::default(),
        }
    }

    pub fn with_sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
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

    /// Sends every pending item of the outbox's profile until none is left,
    /// the service cannot be reached, or the wait budget is spent.
    pub async fn sync(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, OutboxError> {
        let retry = RetryPolicy {
            max_attempts: u32::MAX,
            max_total_wait: self.policy.max_total_wait,
            base_backoff: self.policy.base_backoff,
            max_backoff: self.policy.max_backoff,
        };
        let mut report = SyncReport::default();
        let mut waited = Duration::ZERO;
        let mut failed_passes = 0u32;
        let total = self.outbox.pending().await?.len();
        let mut settled = 0usize;
        progress(SyncProgress { settled, total });
        loop {
            let pending = self.outbox.pending().await?;
            if pending.is_empty() {
                break;
            }
            let mut pause = None;
            let mut claimed_any = false;
            'items: for listed in pending {
                // Claim before send: an item another sender holds is theirs.
                let Some(mut item) = self.outbox.claim(listed.id, &self.owner).await? else {
                    continue;
                };
                claimed_any = true;
                loop {
                    let step = next_step(&item);
                    if step == Step::Send && !self.outbox.mark_sending(item.id, &self.owner).await?
                    {
                        break;
                    }
                    let answer = self.attempt(&item, step).await;
                    report.requests += 1;
                    let (settlement, attempt, then) = settle(&item, step, &answer, super::now());
                    self.outbox.record(attempt, settlement.clone()).await?;
                    match settlement.state {
                        ItemState::Created => report.created += 1,
                        ItemState::Rejected => report.rejected += 1,
                        ItemState::Duplicate => report.duplicate += 1,
                        _ => {}
                    }
                    if !settlement.state.is_pending() {
                        settled += 1;
                        progress(SyncProgress { settled, total });
                    }
                    match then {
                        Then::Next => {
                            failed_passes = 0;
                            break;
                        }
                        Then::SendNow => {
                            item.unknown_outcome = false;
                            item.state = ItemState::Queued;
                        }
                        Then::Pause(retry_after) => {
                            self.outbox.release(item.id, &self.owner).await?;
                            pause = Some(retry_after);
                            break 'items;
                        }
                        Then::Stop(stop) => {
                            self.outbox.release(item.id, &self.owner).await?;
                            report.stopped = Some(stop);
                            report.pending = self.outbox.pending().await?.len();
                            return Ok(report);
                        }
                    }
                }
            }
            if !claimed_any {
                // What is left is being sent by other senders.
                break;
            }
            if let Some(retry_after) = pause {
                failed_passes = failed_passes.saturating_add(1);
                let wait = {
                    let mut rng = rand::rng();
                    retry.next_wait(failed_passes, retry_after, waited, &mut rng)
                };
                let Some(wait) = wait.filter(|w| waited + *w <= retry.max_total_wait) else {
                    report.stopped = Some(Stop::GaveUp(
                        "the service kept failing; the rest stays in the outbox".to_string(),
                    ));
                    break;
                };
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "outbox: waiting before the next pass"
                );
                self.sleeper.sleep(wait).await;
                waited += wait;
            }
        }
        report.pending = self.outbox.pending().await?.len();
        Ok(report)
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
            found_existing: false,
            request_id: sent.request_id,
        })
    }
}
