//! The fault campaign: for each of the sandbox's fault flags a batch of
//! submissions goes through the product's two batch paths — the outbox
//! syncer with its `Submitter`, and `enroll-console import` (the built
//! binary) — and ends with every identity created exactly once or clearly
//! refused — nothing lost, nothing duplicated — as a listing of the sandbox
//! shows. Outbox waits go through a recording sleeper; the import command
//! waits for real, so its sandbox answers `Retry-After: 0`. Latency is real,
//! on small batches.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use enroll_console::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};
use enroll_console::graph::{
    BearerToken, ClientConfig, GraphClient, ListQuery, Sleeper, SubmitMethod, Submitter,
};
use enroll_console::outbox::{Outbox, SyncPolicy, SyncReport, Syncer};
use enroll_console::sandbox::{self, CreateRoute, Faults, SANDBOX_TOKEN, SandboxOptions};
use enroll_console::store::{ItemState, Store};

fn client(url: &str) -> GraphClient {
    GraphClient::new(
        ClientConfig::new(url)
            .with_token(BearerToken::new(SANDBOX_TOKEN))
            .with_timeout(Duration::from_secs(10))
            .with_clock(enroll_console::graph::Clock::virtual_time()),
    )
    .expect("client")
}

fn recording_sleeper() -> (Sleeper, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let sleeper = Sleeper::new(move |d| {
        seen.lock().expect("waits").push(d);
        Box::pin(async {})
    });
    (sleeper, waits)
}

fn serial(identifier: &str) -> ImportedDeviceIdentity {
    let mut identity = ImportedDeviceIdentity::new(
        identifier,
        ImportedDeviceIdentityType::SerialNumber,
        Platform::Ios,
    );
    identity.description = Some("fault campaign".into());
    identity
}

/// What one campaign run produced.
struct Campaign {
    report: SyncReport,
    waits: Vec<Duration>,
    /// Requests the client's engine sent: (reads, writes), retries included.
    sent: (usize, usize),
}

/// Runs one batch of `size` new identities plus one already in the tenant
/// against a sandbox with `faults`, and checks nothing was lost or duplicated.
async fn campaign(name: &str, faults: Faults, size: usize) -> Campaign {
    // One identity the tenant has held since 2024, so that one found after
    // a lost answer is told apart by its creation date.
    let running = sandbox::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxOptions {
            seed_identities: 1,
            ..SandboxOptions::default()
        },
    )
    .await
    .expect("sandbox");
    let graph = client(&running.graph_url());
    let seeded = graph
        .list_all(&ListQuery::default())
        .await
        .expect("list the seeded identity");
    let existing = seeded[0].clone();
    let existing_id = existing.id.clone().expect("id");
    let existing_identifier = existing.identifier().to_string();
    let existing_identifier = existing_identifier.as_str();
    running.set_faults(faults);

    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::new(
        Store::open(&dir.path().join("console.db")).expect("store"),
        "sandbox",
    );
    let mut batch: Vec<ImportedDeviceIdentity> = (0..size)
        .map(|i| serial(&format!("FC{}{i:05}", name.to_ascii_uppercase())))
        .collect();
    batch.insert(size / 2, existing.to_request());
    outbox.enqueue(batch, "campaign").await.expect("enqueue");

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
    let report = syncer.sync(&|_| {}).await.expect("sync");
    assert_eq!(report.stopped, None, "{name}: {report:?}");
    assert_eq!(report.pending, 0, "{name}: {report:?}");

    // List the sandbox without faults: one identity per identifier.
    running.set_faults(Faults::default());
    let listed = graph
        .list_all(&ListQuery::default())
        .await
        .expect("listing");
    let mut by_identifier: HashMap<String, String> = HashMap::new();
    for identity in &listed {
        let before = by_identifier.insert(
            identity.identifier().to_string(),
            identity.id.clone().unwrap_or_default(),
        );
        assert!(
            before.is_none(),
            "{name}: duplicate {}",
            identity.identifier()
        );
    }
    assert_eq!(
        listed.len(),
        size + 1,
        "{name}: nothing lost, nothing extra"
    );
    assert_eq!(
        by_identifier.get(existing_identifier),
        Some(&existing_id),
        "{name}: the existing identity was not replaced"
    );

    let items = outbox.items().await.expect("items");
    assert_eq!(items.len(), size + 1, "{name}");
    for item in &items {
        if item.identifier == existing_identifier {
            assert!(
                matches!(item.state, ItemState::Duplicate | ItemState::Rejected),
                "{name}: the existing identifier is reported, not sent again: {item:?}"
            );
            assert!(
                item.reason.as_deref().is_some_and(|r| !r.is_empty()),
                "{name}: {item:?}"
            );
            continue;
        }
        assert_eq!(item.state, ItemState::Created, "{name}: {item:?}");
        let listed_id = by_identifier.get(&item.identifier).expect("listed");
        assert_eq!(item.service_id.as_ref(), Some(listed_id), "{name}");
    }
    assert_eq!(report.created, size, "{name}: {report:?}");
    assert_eq!(report.rejected + report.duplicate, 1, "{name}: {report:?}");
    let existing_state = items
        .iter()
        .find(|i| i.identifier == existing_identifier)
        .map(|i| format!("{:?}", i.state));
    // The figures docs/RELIABILITY.md quotes (`--nocapture` shows them).
    println!(
        "campaign {name}: {} queued, {} created, {} refused (existing: {existing_state:?}), \
         {} requests ({} sent with retries), {} retry waits, {} listed",
        size + 1,
        report.created,
        report.rejected + report.duplicate,
        report.requests,
        graph.engine().sent().0 + graph.engine().sent().1,
        waits.lock().expect("waits").len(),
        listed.len()
    );
    running.shutdown().await;
    Campaign {
        report,
        waits: waits.lock().expect("waits").clone(),
        sent: graph.engine().sent(),
    }
}

fn seeded(seed: u64) -> Faults {
    Faults {
        seed: Some(seed),
        retry_after_secs: 1,
        ..Faults::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_of_two_seconds() {
    let faults = Faults {
        latency_ms: 2000,
        ..seeded(1)
    };
    let run = campaign("latency", faults, 3).await;
    assert!(run.waits.is_empty(), "no retries needed: {:?}", run.waits);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_of_requests_throttled() {
    let faults = Faults {
        throttle_rate: 0.5,
        ..seeded(2)
    };
    let run = campaign("throttle", faults, 40).await;
    assert!(
        run.waits.contains(&Duration::from_secs(1)),
        "Retry-After was honoured: {:?}",
        run.waits
    );
    // Throttled requests are sent again by the request engine, below the
    // outbox: one request per item at the sync's level, more on the wire.
    assert_eq!(run.report.requests, 41, "{:?}", run.report);
    assert!(run.sent.1 > 41 + 10, "{:?}", run.sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_of_requests_fail_with_server_errors() {
    let faults = Faults {
        fail_rate: 0.5,
        ..seeded(3)
    };
    let run = campaign("fail", faults, 40).await;
    assert!(run.waits.len() > 5, "retries happened: {:?}", run.waits);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_percent_of_connections_dropped() {
    let faults = Faults {
        drop_rate: 0.3,
        ..seeded(4)
    };
    let run = campaign("drop", faults, 40).await;
    assert!(run.waits.len() > 3, "retries happened: {:?}", run.waits);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_route_missing() {
    let faults = Faults {
        create_route: CreateRoute::NoRoute,
        ..seeded(5)
    };
    campaign("noroute", faults, 40).await;
}

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

/// `enroll-console import` of `size` new rows plus one the tenant has held
/// since 2024 against a sandbox with `faults`; checks nothing was lost or
/// duplicated, and that the old one is reported as already there even when
/// its chunk's answer was lost (it is then told apart by its creation date).
async fn import_campaign(name: &str, faults: Faults, size: usize) {
    let running = sandbox::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxOptions {
            seed_identities: 1,
            ..SandboxOptions::default()
        },
    )
    .await
    .expect("sandbox");
    let graph = client(&running.graph_url());
    let seeded = graph
        .list_all(&ListQuery::default())
        .await
        .expect("list the seeded identity");
    let existing_identifier = seeded[0].identifier().to_string();
    let existing_id = seeded[0].id.clone().expect("id");
    running.set_faults(faults);

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("batch.csv");
    let mut rows: Vec<String> = (0..size)
        .map(|i| format!("FI{}{i:05},fault campaign", name.to_ascii_uppercase()))
        .collect();
    rows.insert(size / 2, format!("{existing_identifier},fault campaign"));
    std::fs::write(&file, rows.join("\n")).expect("write the file");
    let out = tokio::process::Command::new(BIN)
        .env("ENROLL_CONSOLE_HOME", dir.path())
        .env("ENROLL_CONSOLE_TOKEN", "campaign-token")
        .args(["--graph-url", &running.graph_url(), "import"])
        .arg(&file)
        .args([
            "--chunk",
            "10",
            "--in-flight",
            "2",
            "--retry-budget",
            "60",
            "--json",
        ])
        .output()
        .await
        .expect("run import");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let counts = &doc["counts"];
    assert_eq!(counts["created"], size, "{name}: {doc:#}");
    assert_eq!(counts["alreadyPresent"], 1, "{name}: {doc:#}");
    assert_eq!(counts["unsent"], 0, "{name}: {doc:#}");

    running.set_faults(Faults::default());
    let listed = graph
        .list_all(&ListQuery::default())
        .await
        .expect("listing");
    let mut by_identifier: HashMap<String, String> = HashMap::new();
    for identity in &listed {
        let before = by_identifier.insert(
            identity.identifier().to_string(),
            identity.id.clone().unwrap_or_default(),
        );
        assert!(
            before.is_none(),
            "{name}: duplicate {}",
            identity.identifier()
        );
    }
    assert_eq!(
        listed.len(),
        size + 1,
        "{name}: nothing lost, nothing extra"
    );
    assert_eq!(
        by_identifier.get(&existing_identifier),
        Some(&existing_id),
        "{name}"
    );
    println!(
        "import campaign {name}: {} rows, {counts}, import calls {}, search calls {}, exit {:?}, {} listed",
        size + 1,
        doc["importCalls"],
        doc["searchCalls"],
        out.status.code(),
        listed.len()
    );
    running.shutdown().await;
}

fn import_faults(seed: u64) -> Faults {
    Faults {
        retry_after_secs: 0,
        ..seeded(seed)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_latency_of_two_seconds() {
    let faults = Faults {
        latency_ms: 2000,
        ..import_faults(11)
    };
    import_campaign("latency", faults, 20).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_half_of_requests_throttled() {
    let faults = Faults {
        throttle_rate: 0.5,
        ..import_faults(12)
    };
    import_campaign("throttle", faults, 40).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_half_of_requests_failing() {
    let faults = Faults {
        fail_rate: 0.5,
        ..import_faults(13)
    };
    import_campaign("fail", faults, 40).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_thirty_percent_of_connections_dropped() {
    let faults = Faults {
        drop_rate: 0.3,
        ..import_faults(14)
    };
    import_campaign("drop", faults, 40).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_with_create_route_missing() {
    let faults = Faults {
        create_route: CreateRoute::NoRoute,
        ..import_faults(15)
    };
    import_campaign("noroute", faults, 40).await;
}
