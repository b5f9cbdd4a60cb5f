//! The outbox against the real sandbox over HTTP: under dropped
//! connections, server errors and throttling every queued identity ends up
//! created exactly once, as a listing of the sandbox shows; an unreachable
//! service leaves everything queued.

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
            .with_timeout(Duration::from_secs(10)),
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
