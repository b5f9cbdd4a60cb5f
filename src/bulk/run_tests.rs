use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use super::*;
use crate::domain::validate::identity_key;
use crate::domain::{ImportedDeviceIdentityType, Platform};

/// What the fake does on its next calls, in order; then it behaves.
#[derive(Debug, Clone, Copy)]
enum Script {
    /// Applies the import, then the answer is lost (timeout).
    ApplyThenTimeout,
    /// 429 with Retry-After.
    Throttle(u64),
    /// The connection is refused; nothing applied.
    Connect,
    Unauthorized,
}

#[derive(Default)]
struct Fake {
    tenant: Mutex<HashSet<String>>,
    script: Mutex<VecDeque<Script>>,
    imports: Mutex<Vec<usize>>,
    /// Identities in the tenant since long before the import (search says when).
    old: HashSet<String>,
}

fn service_error(status: u16, message: &str, retry_after_secs: Option<u64>) -> GraphError {
    GraphError::Service {
        status,
        code: "BadRequest".into(),
        message: message.into(),
        request_id: None,
        client_request_id: String::new(),
        retry_after_secs,
    }
}

impl Fake {
    fn scripted(steps: &[Script]) -> Self {
        Fake {
            script: Mutex::new(steps.iter().copied().collect()),
            ..Fake::default()
        }
    }
    fn apply(&self, rows: &[ImportedDeviceIdentity]) -> Vec<ImportedDeviceIdentityResult> {
        let mut tenant = self.tenant.lock().unwrap();
        rows.iter()
            .map(|r| {
                let fresh = tenant.insert(identity_key(r));
                let mut identity = r.clone();
                identity.id = Some(format!("id-{}", r.identifier()));
                ImportedDeviceIdentityResult {
                    identity,
                    status: Some(fresh),
                }
            })
            .collect()
    }
}

impl ImportService for Fake {
    fn import<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
        _overwrite: bool,
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentityResult>, GraphError>> {
        Box::pin(async move {
            self.imports.lock().unwrap().push(rows.len());
            let step = self.script.lock().unwrap().pop_front();
            match step {
                Some(Script::ApplyThenTimeout) => {
                    self.apply(rows);
                    return Err(GraphError::Timeout {
                        client_request_id: String::new(),
                    });
                }
                Some(Script::Throttle(s)) => return Err(service_error(429, "slow down", Some(s))),
                Some(Script::Connect) => {
                    return Err(GraphError::Connect {
                        message: "refused".into(),
                        client_request_id: String::new(),
                    });
                }
                Some(Script::Unauthorized) => return Err(service_error(401, "expired", None)),
                None => {}
            }
            let bad = rows
                .iter()
                .filter(|r| r.identifier().starts_with("BAD"))
                .count();
            if bad > 0 {
                return Err(service_error(
                    400,
                    &format!("Invalid Device Identifier parameter found for {bad} import records!"),
                    None,
                ));
            }
            Ok(self.apply(rows))
        })
    }
    fn search<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentity>, GraphError>> {
        Box::pin(async move {
            let tenant = self.tenant.lock().unwrap();
            Ok(rows
                .iter()
                .filter(|r| tenant.contains(&identity_key(r)))
                .map(|r| {
                    let mut found = r.clone();
                    if self.old.contains(&identity_key(r)) {
                        found.created_date_time =
                            DateTimeOffset::parse("2024-01-01T08:00:00Z").ok();
                    }
                    found
                })
                .collect())
        })
    }
}

fn plan(ids: &[String], chunk: usize) -> ImportPlan {
    ImportPlan::from_rows(
        ids.iter().enumerate().map(|(i, id)| {
            (
                i + 1,
                ImportedDeviceIdentity::new(
                    id,
                    ImportedDeviceIdentityType::SerialNumber,
                    Platform::Ios,
                ),
                None,
            )
        }),
        chunk,
    )
}

fn serials(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("SER{i:06}")).collect()
}

fn created_once(fake: &Fake, report: &Report, n: usize) {
    assert_eq!(report.counts.created, n, "{:?}", report.problems().next());
    assert_eq!(fake.tenant.lock().unwrap().len(), n);
    assert!(report.all_created());
}

#[tokio::test(start_paused = true)]
async fn chunks_all_go_in() {
    let fake = Fake::default();
    let report = run(
        &fake,
        plan(&serials(2_500), 1_000),
        &ImportOptions::default(),
        None,
    )
    .await;
    created_once(&fake, &report, 2_500);
    let mut sizes = fake.imports.lock().unwrap().clone();
    sizes.sort_unstable();
    assert_eq!(sizes, [500, 1_000, 1_000]);
    assert_eq!(report.import_calls, 3);
    assert!(report.rows.windows(2).all(|w| w[0].line < w[1].line));
    assert!(report.rows.iter().all(|r| r.id.is_some()));
}

#[tokio::test(start_paused = true)]
async fn an_unanswered_chunk_is_searched_not_sent_twice() {
    let fake = Fake::scripted(&[Script::ApplyThenTimeout]);
    let options = ImportOptions {
        in_flight: 1,
        ..ImportOptions::default()
    };
    let report = run(&fake, plan(&serials(10), 4), &options, None).await;
    created_once(&fake, &report, 10);
    assert_eq!(report.search_calls, 1);
    assert_eq!(report.import_calls, 3, "the first chunk is not re-sent");
    let confirmed = report
        .rows
        .iter()
        .filter(|r| r.message.as_deref() == Some(CONFIRMED))
        .count();
    assert_eq!(confirmed, 4);
}

#[tokio::test(start_paused = true)]
async fn a_row_the_tenant_held_before_is_not_called_created_after_an_unanswered_chunk() {
    let ids = serials(4);
    let mut fake = Fake::scripted(&[Script::ApplyThenTimeout]);
    let existing = ImportedDeviceIdentity::new(
        &ids[1],
        ImportedDeviceIdentityType::SerialNumber,
        Platform::Unknown,
    );
    fake.tenant.lock().unwrap().insert(identity_key(&existing));
    fake.old.insert(identity_key(&existing));
    let options = ImportOptions {
        started_at: DateTimeOffset::parse("2026-11-30T09:00:00Z").ok(),
        ..ImportOptions::default()
    };
    let report = run(&fake, plan(&ids, 4), &options, None).await;
    assert_eq!(report.search_calls, 1);
    assert_eq!(
        (report.counts.created, report.counts.already_present),
        (3, 1)
    );
    let row = report.rows.iter().find(|r| r.line == 2).unwrap();
    assert_eq!(row.status, RowStatus::AlreadyPresent);
    assert!(
        row.message
            .as_deref()
            .unwrap()
            .contains("created 2024-01-01"),
        "{row:?}"
    );
    assert!(
        report
            .rows
            .iter()
            .filter(|r| r.line != 2)
            .all(|r| r.message.as_deref() == Some(CONFIRMED))
    );
}

#[tokio::test(start_paused = true)]
async fn a_refused_call_is_split_until_the_bad_row_stands_alone() {
    let mut ids = serials(16);
    ids[5] = "BAD-ONE".into();
    let fake = Fake::default();
    let report = run(&fake, plan(&ids, 16), &ImportOptions::default(), None).await;
    assert_eq!(report.counts.created, 15);
    assert_eq!(report.counts.rejected, 1);
    let bad = report.problems().next().unwrap();
    assert_eq!((bad.line, bad.status), (6, RowStatus::Rejected));
    assert!(
        bad.message
            .as_deref()
            .unwrap()
            .contains("Invalid Device Identifier")
    );
    // 1 + 2 per level of a 16-row binary split (4 levels).
    assert_eq!(report.import_calls, 9);
}

#[tokio::test(start_paused = true)]
async fn the_split_budget_bounds_the_extra_calls() {
    let ids: Vec<String> = (0..64).map(|i| format!("BAD{i}")).collect();
    let fake = Fake::default();
    let options = ImportOptions {
        split_budget: 6,
        ..ImportOptions::default()
    };
    let report = run(&fake, plan(&ids, 64), &options, None).await;
    assert_eq!(report.counts.rejected, 64);
    assert_eq!(report.import_calls, 7);
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured() {
    let fake = Fake::scripted(&[Script::Throttle(7)]);
    let start = tokio::time::Instant::now();
    let report = run(
        &fake,
        plan(&serials(3), 10),
        &ImportOptions::default(),
        None,
    )
    .await;
    created_once(&fake, &report, 3);
    assert_eq!(start.elapsed(), Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn writes_stay_inside_the_window() {
    let fake = Fake::default();
    let options = ImportOptions {
        window: WriteWindow::new(2, Duration::from_secs(20)),
        ..ImportOptions::default()
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let start = tokio::time::Instant::now();
    let report = run(&fake, plan(&serials(5), 1), &options, Some(&tx)).await;
    created_once(&fake, &report, 5);
    // Writes 1–2 at 0 s, 3–4 at 20 s, 5 at 40 s.
    assert_eq!(start.elapsed(), Duration::from_secs(40));
    let mut last_done = 0;
    while let Ok(p) = rx.try_recv() {
        if let Progress::Chunk { done, of, .. } = p {
            assert!(done > last_done && of == 5);
            last_done = done;
        }
    }
    assert_eq!(last_done, 5);
}

#[tokio::test(start_paused = true)]
async fn an_unreachable_service_leaves_rows_unsent() {
    let fake = Fake::scripted(&[Script::Connect; 50]);
    let options = ImportOptions {
        in_flight: 1,
        ..ImportOptions::default()
    };
    let report = run(&fake, plan(&serials(30), 10), &options, None).await;
    assert_eq!(report.counts.unsent, 30);
    assert!(matches!(report.stopped, Some(StopReason::Service(_))));
    assert_eq!(
        report.import_calls, 6,
        "gives up after max_attempts, then stops"
    );
    assert!(fake.tenant.lock().unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_refused_sign_in_stops_everything() {
    let fake = Fake::scripted(&[Script::Unauthorized]);
    let options = ImportOptions {
        in_flight: 1,
        ..ImportOptions::default()
    };
    let report = run(&fake, plan(&serials(20), 10), &options, None).await;
    assert_eq!(report.counts.unsent, 20);
    assert!(matches!(report.stopped, Some(StopReason::Auth(_))));
    assert_eq!(report.import_calls, 1);
}

#[tokio::test(start_paused = true)]
async fn present_rows_are_reported_not_overwritten() {
    let fake = Fake::default();
    fake.tenant.lock().unwrap().insert("SER000001".into());
    let report = run(
        &fake,
        plan(&serials(3), 10),
        &ImportOptions::default(),
        None,
    )
    .await;
    assert_eq!(report.counts.created, 2);
    assert_eq!(report.counts.already_present, 1);
    assert_eq!(report.problems().next().unwrap().line, 2);
}
