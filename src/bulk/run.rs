//! Sending a plan: chunks of `importDeviceIdentityList`, several in flight,
//! every write through one sliding-window limiter, Retry-After honoured,
//! and exactly once per row: a chunk whose earlier attempt may have been
//! applied is checked with `searchExistingIdentities`, and only the rows
//! still missing are sent again. A call the service refuses as a whole
//! (400: one bad row fails every row) is split in halves until the bad rows
//! stand alone, so they get the service's message and the others go in.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::mpsc::UnboundedSender;

use crate::domain::{DateTimeOffset, ImportedDeviceIdentity, ImportedDeviceIdentityResult};
use crate::graph::limiter::WriteWindow;
use crate::graph::{GraphClient, GraphError, RetryPolicy, Sleeper, same_identifier};
use crate::model::{ImportPlan, PlannedRow, Report, RowResult, RowStatus, StopReason};

/// The two calls an import makes. The Graph client implements it; tests may fake it.
pub trait ImportService: Sync {
    fn import<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
        overwrite: bool,
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentityResult>, GraphError>>;
    fn search<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentity>, GraphError>>;
    /// The service paces its own writes (the Graph client's request engine
    /// holds the process's one write limiter): the import adds no window.
    fn paces_writes(&self) -> bool {
        false
    }
}

impl ImportService for GraphClient {
    fn import<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
        overwrite: bool,
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentityResult>, GraphError>> {
        Box::pin(self.import_list_results(rows, overwrite))
    }
    fn search<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentity>, GraphError>> {
        Box::pin(self.search_existing(rows))
    }
    fn paces_writes(&self) -> bool {
        true
    }
}

/// How to send.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Replace identities that already exist (`overwriteImportedDeviceIdentities`).
    pub overwrite: bool,
    /// Calls in flight at once.
    pub in_flight: usize,
    /// Attempts and waits per chunk.
    pub retry: RetryPolicy,
    /// Writes allowed per window (POSTs: imports and searches alike), for a
    /// service that does not pace its own writes (the Graph client does).
    pub window: WriteWindow,
    /// Extra calls allowed for splitting refused chunks, per import.
    pub split_budget: usize,
    pub sleeper: Sleeper,
    /// When the import began (the clock is read at the start when unset):
    /// a row found after an unanswered request that the tenant already held
    /// well before this is reported as already present, not as created.
    pub started_at: Option<DateTimeOffset>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            overwrite: false,
            in_flight: 4,
            retry: RetryPolicy {
                max_attempts: 6,
                max_total_wait: Duration::from_secs(120),
                base_backoff: Duration::from_millis(500),
                max_backoff: Duration::from_secs(15),
            },
            window: WriteWindow::intune(),
            split_budget: 64,
            sleeper: Sleeper::tokio(),
            started_at: None,
        }
    }
}

/// What an import reports while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A chunk finished: its rows' results; `done` of `of` sendable rows answered.
    Chunk {
        done: usize,
        of: usize,
        results: Vec<RowResult>,
    },
    /// Waiting before sending again (throttled, or the service failed).
    Waiting { wait: Duration, reason: String },
}

const CONFIRMED: &str = "confirmed by searchExistingIdentities after an unanswered request";

/// What a row found by `searchExistingIdentities` after an unanswered
/// request was: created by that request, or in the tenant before the import.
fn found_after_unknown(
    row: &PlannedRow,
    found: Option<&ImportedDeviceIdentity>,
    started: DateTimeOffset,
) -> RowResult {
    let id = found.and_then(|f| f.id.clone());
    match found.and_then(|f| f.created_date_time) {
        Some(created) if created.surely_before(started) => RowResult::new(
            row.line,
            &row.identity,
            RowStatus::AlreadyPresent,
            id,
            Some(format!(
                "already in the tenant (created {}); not imported",
                created.short()
            )),
        ),
        _ => RowResult::new(
            row.line,
            &row.identity,
            RowStatus::Created,
            id,
            Some(CONFIRMED.into()),
        ),
    }
}

/// The message of an unsent row whose last attempt may have been applied.
pub const OUTCOME_UNKNOWN: &str =
    "no answer from the service: it may have been created; check before sending again";

struct Ctx<'a, S> {
    service: &'a S,
    options: &'a ImportOptions,
    progress: Option<&'a UnboundedSender<Progress>>,
    window: Mutex<WriteWindow>,
    stop: Mutex<Option<StopReason>>,
    rng: Mutex<StdRng>,
    split_budget: AtomicUsize,
    imports: AtomicUsize,
    searches: AtomicUsize,
    /// When the import began (identities created well before were there already).
    started: DateTimeOffset,
}

/// How one attempt at a part ended.
enum PartEnd {
    Done(Vec<RowResult>),
    /// Refused as a whole: answered rows, then the two halves to try apart.
    Split(Vec<RowResult>, Vec<PlannedRow>, Vec<PlannedRow>),
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn identities(rows: &[PlannedRow]) -> Vec<ImportedDeviceIdentity> {
    rows.iter().map(|r| r.identity.clone()).collect()
}

/// Pairs each row with its result: in order when the counts agree,
/// otherwise by identifier.
fn match_results(
    rows: &[PlannedRow],
    results: Vec<ImportedDeviceIdentityResult>,
) -> Vec<RowResult> {
    let row_result = |row: &PlannedRow, r: Option<&ImportedDeviceIdentityResult>| match r {
        Some(r) if r.status == Some(false) => RowResult::new(
            row.line,
            &row.identity,
            RowStatus::AlreadyPresent,
            r.identity.id.clone(),
            Some("not imported (status false): already in the tenant".into()),
        ),
        Some(r) => RowResult::new(
            row.line,
            &row.identity,
            RowStatus::Created,
            r.identity.id.clone(),
            None,
        ),
        None => RowResult::new(
            row.line,
            &row.identity,
            RowStatus::Rejected,
            None,
            Some("the service returned no result for this row".into()),
        ),
    };
    if results.len() == rows.len() {
        return rows
            .iter()
            .zip(&results)
            .map(|(row, r)| row_result(row, Some(r)))
            .collect();
    }
    rows.iter()
        .map(|row| {
            let found = results
                .iter()
                .find(|r| same_identifier(r.identity.identifier(), row.identity.identifier()));
            row_result(row, found)
        })
        .collect()
}

impl<S: ImportService> Ctx<'_, S> {
    fn stopped(&self) -> Option<StopReason> {
        lock(&self.stop).clone()
    }

    fn stop_with(&self, reason: StopReason) {
        lock(&self.stop).get_or_insert(reason);
    }

    fn tell(&self, p: Progress) {
        if let Some(tx) = self.progress {
            let _ = tx.send(p);
        }
    }

    /// Waits for a write slot (of the import's own window, for a service
    /// that does not pace its writes).
    async fn acquire(&self) {
        if self.service.paces_writes() {
            return;
        }
        loop {
            let now = tokio::time::Instant::now().into_std();
            let verdict = lock(&self.window).try_acquire(now);
            match verdict {
                Ok(()) => return,
                Err(wait) => {
                    self.tell(Progress::Waiting {
                        wait,
                        reason: "write throttle".into(),
                    });
                    self.options.sleeper.sleep(wait).await;
                }
            }
        }
    }

    async fn process_chunk(&self, chunk: Vec<PlannedRow>) -> Vec<RowResult> {
        let mut parts = vec![chunk];
        let mut out = Vec::new();
        while let Some(part) = parts.pop() {
            match self.send_part(part).await {
                PartEnd::Done(results) => out.extend(results),
                PartEnd::Split(results, first, second) => {
                    out.extend(results);
                    parts.push(second);
                    parts.push(first);
                }
            }
        }
        out
    }

    async fn send_part(&self, mut pending: Vec<PlannedRow>) -> PartEnd {
        let mut done = Vec::new();
        let mut attempt = 0u32;
        let mut waited = Duration::ZERO;
        // An earlier attempt may have been applied: check before re-sending.
        // With overwrite a re-send is idempotent, so no check is needed.
        let mut unknown = false;
        loop {
            if let Some(reason) = self.stopped() {
                let message = match (&reason, unknown) {
                    (_, true) => OUTCOME_UNKNOWN.to_string(),
                    (StopReason::Service(m) | StopReason::Auth(m), false) => {
                        format!("not sent: {m}")
                    }
                };
                done.extend(pending.iter().map(|r| {
                    RowResult::new(
                        r.line,
                        &r.identity,
                        RowStatus::Unsent,
                        None,
                        Some(message.clone()),
                    )
                }));
                return PartEnd::Done(done);
            }
            self.acquire().await;
            let error = if unknown && !self.options.overwrite {
                self.searches.fetch_add(1, Ordering::Relaxed);
                match self.service.search(&identities(&pending)).await {
                    Ok(found) => {
                        let (present, missing): (Vec<_>, Vec<_>) =
                            pending.into_iter().partition(|row| {
                                found.iter().any(|f| {
                                    same_identifier(f.identifier(), row.identity.identifier())
                                })
                            });
                        done.extend(present.iter().map(|row| {
                            let f = found.iter().find(|f| {
                                same_identifier(f.identifier(), row.identity.identifier())
                            });
                            found_after_unknown(row, f, self.started)
                        }));
                        pending = missing;
                        unknown = false;
                        if pending.is_empty() {
                            return PartEnd::Done(done);
                        }
                        continue;
                    }
                    Err(e) => e,
                }
            } else {
                self.imports.fetch_add(1, Ordering::Relaxed);
                match self
                    .service
                    .import(&identities(&pending), self.options.overwrite)
                    .await
                {
                    Ok(results) => {
                        done.extend(match_results(&pending, results));
                        return PartEnd::Done(done);
                    }
                    Err(e) => e,
                }
            };
            attempt += 1;
            if error.is_auth() || error.status() == Some(403) {
                self.stop_with(StopReason::Auth(error.user_message()));
                continue;
            }
            let undecodable = matches!(error, GraphError::Decode { .. });
            if error.is_retryable() || undecodable {
                unknown |= error.outcome_unknown() || undecodable;
                let now = tokio::time::Instant::now().into_std();
                if let Some(asked) = error.retry_after() {
                    lock(&self.window).pause(now, asked);
                }
                let wait = (attempt < self.options.retry.max_attempts)
                    .then(|| {
                        let mut rng = lock(&self.rng);
                        self.options.retry.next_wait(
                            attempt,
                            error.retry_after(),
                            waited,
                            &mut *rng,
                        )
                    })
                    .flatten();
                match wait {
                    Some(wait) => {
                        self.tell(Progress::Waiting {
                            wait,
                            reason: error.user_message(),
                        });
                        self.options.sleeper.sleep(wait).await;
                        waited += wait;
                    }
                    None => self.stop_with(StopReason::Service(error.user_message())),
                }
                continue;
            }
            let row_level = matches!(error.status(), Some(400 | 413 | 422));
            if !row_level {
                self.stop_with(StopReason::Service(error.user_message()));
                continue;
            }
            let can_split = pending.len() > 1
                && self
                    .split_budget
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(2))
                    .is_ok();
            if can_split {
                let second = pending.split_off(pending.len() / 2);
                return PartEnd::Split(done, pending, second);
            }
            let message = error.user_message();
            done.extend(pending.iter().map(|r| {
                RowResult::new(
                    r.line,
                    &r.identity,
                    RowStatus::Rejected,
                    None,
                    Some(message.clone()),
                )
            }));
            return PartEnd::Done(done);
        }
    }
}

/// Sends `plan` and returns every row's result (refused rows included).
pub async fn run<S: ImportService>(
    service: &S,
    plan: ImportPlan,
    options: &ImportOptions,
    progress: Option<&UnboundedSender<Progress>>,
) -> Report {
    let ctx = Ctx {
        service,
        options,
        progress,
        window: Mutex::new(options.window.clone()),
        stop: Mutex::new(None),
        rng: Mutex::new(StdRng::from_os_rng()),
        split_budget: AtomicUsize::new(options.split_budget),
        imports: AtomicUsize::new(0),
        searches: AtomicUsize::new(0),
        started: options
            .started_at
            .unwrap_or_else(|| DateTimeOffset(time::OffsetDateTime::now_utc())),
    };
    let of = plan.valid_rows();
    let mut rows = plan.refused;
    let mut done = 0;
    let ctx_ref = &ctx;
    let mut chunks = stream::iter(plan.chunks)
        .map(|chunk| ctx_ref.process_chunk(chunk))
        .buffer_unordered(options.in_flight.max(1));
    while let Some(results) = chunks.next().await {
        done += results.len();
        ctx.tell(Progress::Chunk {
            done,
            of,
            results: results.clone(),
        });
        rows.extend(results);
    }
    drop(chunks);
    let mut report = Report::new(rows);
    report.stopped = ctx.stopped();
    report.import_calls = ctx.imports.load(Ordering::Relaxed);
    report.search_calls = ctx.searches.load(Ordering::Relaxed);
    report
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
