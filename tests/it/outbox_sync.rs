//! The outbox against the real sandbox over HTTP: under dropped
//! connections, server errors and throttling every queued identity ends up
//! created exactly once, as a listing of the sandbox shows; an unreachable
//! service leaves everything queued.

use crate::client_support;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use enroll_console::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};
use enroll_console::graph::{
    BearerToken, ClientConfig, GraphClient, ListQuery, Sleeper, SubmitMethod, Submitter,
};
use enroll_console::outbox::{Outbox, Stop, SyncPolicy, Syncer};
use enroll_console::sandbox::{self, Faults, SANDBOX_TOKEN, SandboxOptions};
use enroll_console::store::{ItemState, Store};

fn client(url: &str) -> GraphClient {
    GraphClient::new(
        ClientConfig::new(url)
            .with_token(BearerToken::new(SANDBOX_TOKEN))
            .with_timeout(Duration::from_secs(10))
            .with_clock(enroll_console::graph::Clock::virtual_time()),
    )
    .unwrap()
}

/// A sleeper that only records the waits asked for (the test takes seconds, not minutes).
fn recording_sleeper() -> (Sleeper, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let sleeper = Sleeper::new(move |d| {
        seen.lock().unwrap().push(d);
        Box::pin(async {})
    });
    (sleeper, waits)
}

fn serials(n: usize) -> Vec<ImportedDeviceIdentity> {
    (0..n)
        .map(|i| {
            let mut identity = ImportedDeviceIdentity::new(
                format!("OBX{i:06}"),
                ImportedDeviceIdentityType::SerialNumber,
                Platform::Ios,
            );
            identity.description = Some(format!("cart {}", i / 50));
            identity
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_queued_identities_are_created_exactly_once_under_faults() {
    let faults = Faults {
        drop_rate: 0.3,
        fail_rate: 0.2,
        throttle_rate: 0.2,
        seed: Some(20261129),
        retry_after_secs: 1,
        ..Faults::default()
    };
    let running = sandbox::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxOptions {
            faults,
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(
        Store::open(&dir.path().join("console.db")).unwrap(),
        "sandbox",
    );
    let queued = outbox.enqueue(serials(500), "offline").await.unwrap();
    assert_eq!(queued.len(), 500);

    let graph = client(&running.graph_url());
    let submitter = Submitter::new(graph.clone(), SubmitMethod::Auto);
    let (sleeper, waits) = recording_sleeper();
    let syncer = Syncer::new(outbox.clone(), &submitter)
        .with_sleeper(sleeper)
        .with_policy(SyncPolicy {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_total_wait: Duration::from_secs(24 * 3600),
            ..SyncPolicy::default()
        });
    let report = syncer.sync(&|_| {}).await.unwrap();
    assert_eq!(report.stopped, None, "{report:?}");
    assert_eq!(report.pending, 0, "{report:?}");
    assert_eq!(
        (report.created, report.rejected, report.duplicate),
        (500, 0, 0)
    );

    // The faults really happened: retries waited, and honoured Retry-After.
    let waits = waits.lock().unwrap().clone();
    assert!(waits.len() > 100, "only {} waits", waits.len());
    assert!(
        waits.contains(&Duration::from_secs(1)),
        "Retry-After not honoured"
    );

    // List the sandbox (without faults now) and compare with the outbox.
    running.set_faults(Faults::default());
    let listed = graph.list_all(&ListQuery::default()).await.unwrap();
    assert_eq!(
        listed.len(),
        500,
        "the sandbox holds exactly the queued identities"
    );
    let mut by_identifier: HashMap<String, String> = HashMap::new();
    for identity in &listed {
        let previous = by_identifier.insert(
            identity.identifier().to_string(),
            identity.id.clone().unwrap_or_default(),
        );
        assert!(previous.is_none(), "duplicate {}", identity.identifier());
    }
    let items = outbox.items().await.unwrap();
    assert_eq!(items.len(), 500);
    let mut checks_that_found = 0;
    for item in &items {
        assert_eq!(item.state, ItemState::Created, "{item:?}");
        let id = by_identifier.get(&item.identifier).expect("listed");
        assert_eq!(item.service_id.as_ref(), Some(id), "{}", item.identifier);
        let item_id = item.id;
        let journal = outbox
            .with_store(move |s, _| s.attempts(item_id))
            .await
            .unwrap();
        assert_eq!(journal.len() as u32, item.attempts);
        assert_eq!(journal.last().map(|a| a.outcome.as_str()), Some("created"));
        if journal.last().is_some_and(|a| a.action == "check") {
            checks_that_found += 1;
        }
    }
    // Some sends were applied although their answer was lost: found, not re-sent.
    assert!(
        checks_that_found > 0,
        "no applied-but-unanswered send was checked"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_service_leaves_everything_queued() {
    // A port that was free a moment ago: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(Store::open(&dir.path().join("console.db")).unwrap(), "p");
    outbox.enqueue(serials(3), "offline").await.unwrap();
    let submitter = Submitter::new(client(&format!("http://{addr}/beta")), SubmitMethod::Auto);
    let (sleeper, _) = recording_sleeper();
    let report = Syncer::new(outbox.clone(), &submitter)
        .with_sleeper(sleeper)
        .sync(&|_| {})
        .await
        .unwrap();
    assert!(
        matches!(report.stopped, Some(Stop::Unreachable(_))),
        "{report:?}"
    );
    assert_eq!((report.pending, report.created, report.requests), (3, 0, 1));
    let items = outbox.items().await.unwrap();
    assert!(
        items
            .iter()
            .all(|i| i.state == ItemState::Queued && !i.unknown_outcome)
    );
}

/// Today's failing service: create and import answer 500, search works and
/// finds nothing. Counts the requests by kind, with the time each arrived.
struct Failing {
    server: client_support::Scripted,
    seen: Arc<Mutex<Vec<(&'static str, std::time::Instant)>>>,
}

impl Failing {
    async fn start() -> Failing {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let server = client_support::Scripted::start(move |r, _| {
            let kind = match r.path().rsplit('/').next() {
                Some("searchExistingIdentities") => "search",
                Some("importDeviceIdentityList") => "import",
                _ => "create",
            };
            log.lock().unwrap().push((kind, std::time::Instant::now()));
            match kind {
                "search" => client_support::Answer::json(200, serde_json::json!({"value": []})),
                _ => client_support::Answer::json(
                    500,
                    serde_json::json!({"error": {"code": "InternalServerError", "message": "boom"}}),
                ),
            }
        })
        .await;
        Failing { server, seen }
    }

    fn writes(&self) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k != "search")
            .count()
    }

    fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

/// One item queued, a syncer on a virtual clock against the failing service.
async fn one_failing_item(failing: &Failing) -> (Outbox, Syncer, enroll_console::graph::Clock) {
    let outbox = Outbox::new(Store::open_in_memory().unwrap(), "p");
    outbox.enqueue(serials(1), "queued").await.unwrap();
    let clock = enroll_console::graph::Clock::virtual_time();
    let submitter = Submitter::new(client(&failing.server.base()), SubmitMethod::Auto);
    let syncer = Syncer::new(outbox.clone(), &submitter).with_clock(clock.clone());
    (outbox, syncer, clock)
}

#[tokio::test]
async fn a_failing_item_costs_a_few_requests_a_minute_with_drafts_sync_run_over_and_over() {
    // Runs that wait for due items (the default), and short runs that give up at once.
    for max_wait in [SyncPolicy::default().max_total_wait, Duration::from_secs(5)] {
        let failing = Failing::start().await;
        let (outbox, syncer, clock) = one_failing_item(&failing).await;
        let syncer = syncer.with_policy(SyncPolicy {
            max_total_wait: max_wait,
            ..SyncPolicy::default()
        });
        // Someone runs `drafts sync` again and again for 150 s, a second apart.
        let mut runs = 0;
        while clock.waited() < Duration::from_secs(150) {
            let report = syncer.sync(&|_| {}).await.unwrap();
            assert_eq!(
                (report.pending, report.stopped.clone()),
                (1, None),
                "{report:?}"
            );
            assert!(report.next_attempt_in.is_some(), "{report:?}");
            clock.sleep(Duration::from_secs(1)).await;
            runs += 1;
        }
        let (writes, requests) = (failing.writes(), failing.requests());
        assert!(writes <= 60, "{writes} writes in 150 s");
        assert!(writes >= 3, "{writes}: the item was tried");
        assert!(requests <= 120, "{requests} requests in 150 s");
        let item = &outbox.items().await.unwrap()[0];
        assert_eq!(item.state, ItemState::Queued);
        assert!(
            item.spent_rounds >= 2 && item.next_attempt_at.is_some(),
            "{item:?}"
        );
        // The first submission learnt that create is unusable: one create only.
        let seen = failing.seen.lock().unwrap().clone();
        assert_eq!(seen.iter().filter(|(k, _)| *k == "create").count(), 1);
        eprintln!(
            "drafts sync (waits up to {max_wait:?}) x{runs} over 150 s: {writes} writes, {requests} requests"
        );
    }
}

#[tokio::test]
async fn the_console_auto_sync_comes_back_only_when_the_item_is_due() {
    let failing = Failing::start().await;
    let (_outbox, syncer, clock) = one_failing_item(&failing).await;
    // The console: sync, then sleep until the next attempt (its SyncLater timer).
    let mut syncs = 0;
    while clock.waited() < Duration::from_secs(150) {
        let report = syncer.sync(&|_| {}).await.unwrap();
        let wait = report.next_attempt_in.expect("the item waits");
        clock.sleep(wait + Duration::from_millis(500)).await;
        syncs += 1;
    }
    let (writes, requests) = (failing.writes(), failing.requests());
    assert!(writes <= 60, "{writes} writes in 150 s");
    assert!(syncs <= 10, "{syncs} syncs");
    eprintln!("console auto-sync over 150 s: {syncs} syncs, {writes} writes, {requests} requests");
}

#[tokio::test]
async fn the_waits_between_rounds_grow_in_real_time() {
    let failing = Failing::start().await;
    let outbox = Outbox::new(Store::open_in_memory().unwrap(), "p");
    outbox.enqueue(serials(1), "queued").await.unwrap();
    // Real waits, scaled down: one try a round, 100 ms first, doubling.
    let graph = GraphClient::new(
        ClientConfig::new(failing.server.base()).with_token(BearerToken::new(SANDBOX_TOKEN)),
    )
    .unwrap();
    let submitter = Submitter::new(graph, SubmitMethod::Import);
    let syncer = Syncer::new(outbox.clone(), &submitter).with_policy(SyncPolicy {
        tries_per_round: 1,
        first_deferral: Duration::from_millis(100),
        max_deferral: Duration::from_secs(10),
        max_total_wait: Duration::from_millis(1_600),
        ..SyncPolicy::default()
    });
    syncer.sync(&|_| {}).await.unwrap();
    let seen = failing.seen.lock().unwrap().clone();
    let imports: Vec<_> = seen
        .iter()
        .filter(|(k, _)| *k == "import")
        .map(|(_, t)| *t)
        .collect();
    assert!(imports.len() >= 4, "{} imports", imports.len());
    let gaps: Vec<Duration> = imports.windows(2).map(|w| w[1] - w[0]).collect();
    for (i, gap) in gaps.iter().enumerate() {
        // 100, 200, 400, 800 ms, each ±20 %: never less than 80 % of its step.
        let step = Duration::from_millis(100 << i);
        assert!(*gap >= step * 4 / 5, "gap {i}: {gap:?} of {gaps:?}");
    }
    assert!(gaps.windows(2).all(|w| w[1] > w[0]), "{gaps:?}");
    eprintln!("real-time gaps between rounds: {gaps:?}");
}
