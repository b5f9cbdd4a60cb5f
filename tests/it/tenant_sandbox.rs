//! The Tenant list against the real sandbox on 127.0.0.1 (random port):
//! the app's pure update and the runtime's tenant effects, pumped by hand,
//! so each step's outcome is checked both in the list and in the sandbox.

use crate::ui_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::KeyCode;
use enroll_console::app::tenant::{LoadError, LoadOutcome};
use enroll_console::app::{App, Effect, Msg, Screen, TenantModal};
use enroll_console::graph::{BearerToken, ClientConfig, GraphClient, GraphError, ListQuery};
use enroll_console::graph::{RetryPolicy, Sleeper};
use enroll_console::runtime::tenant::TenantRunner;
use enroll_console::runtime::{Clipboard, LocalStore, Services, SubmitService, TenantClient};
use enroll_console::sandbox::{
    self, Faults, NextLinkCycle, RunningSandbox, SANDBOX_TOKEN, SandboxOptions,
};
use enroll_console::screens::render_to_string;
use enroll_console::store::{ProfileFact, RecentEntry, StoreError};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use ui_support::*;

async fn sandbox(identities: usize, page_size: usize, latency_ms: u64) -> RunningSandbox {
    let options = SandboxOptions {
        page_size,
        seed_identities: identities,
        faults: Faults {
            latency_ms,
            ..Faults::default()
        },
        ..SandboxOptions::default()
    };
    sandbox::start("127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap()
}

fn client(sb: &RunningSandbox) -> GraphClient {
    let config = ClientConfig::new(sb.graph_url())
        .with_token(BearerToken::new(SANDBOX_TOKEN))
        .with_clock(enroll_console::graph::Clock::virtual_time());
    GraphClient::new(config).unwrap()
}

/// Submissions and the store are not used here.
struct Unused;

impl SubmitService for Unused {
    fn submit<'a>(
        &'a self,
        _: &'a enroll_console::domain::ImportedDeviceIdentity,
    ) -> futures::future::BoxFuture<'a, Result<enroll_console::graph::SubmitOutcome, GraphError>>
    {
        unreachable!("no submissions in these tests")
    }
    fn find_existing<'a>(
        &'a self,
        _: &'a enroll_console::domain::ImportedDeviceIdentity,
    ) -> futures::future::BoxFuture<
        'a,
        Result<Option<enroll_console::domain::ImportedDeviceIdentity>, GraphError>,
    > {
        unreachable!("no submissions in these tests")
    }
}

impl LocalStore for Unused {
    fn recent(&self, _: usize) -> Result<Vec<RecentEntry>, StoreError> {
        Ok(Vec::new())
    }
    fn record_recent(&self, _: &RecentEntry) -> Result<(), StoreError> {
        Ok(())
    }
    fn learn(&self, _: ProfileFact, _: &str) -> Result<(), StoreError> {
        Ok(())
    }
}

#[derive(Clone, Default)]
struct Copied(Arc<Mutex<Vec<String>>>);

impl Clipboard for Copied {
    fn copy(&self, text: &str) -> Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.push(text.into());
        Ok(())
    }
}

struct Pump {
    app: App,
    runner: TenantRunner,
    services: Services,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    copied: Copied,
}

impl Pump {
    fn new(sb: &RunningSandbox) -> Pump {
        let (tx, rx) = unbounded_channel();
        let copied = Copied::default();
        let services = Services::new(Unused, Unused)
            .with_tenant(TenantClient::new(client(sb)))
            .with_clipboard(copied.clone());
        Pump {
            app: app(),
            runner: TenantRunner::default(),
            services,
            tx,
            rx,
            copied,
        }
    }

    fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            if let Effect::Tenant(effect) = effect {
                self.runner.run(effect, &self.services, self.tx.clone());
            }
        }
    }

    fn keys(&mut self, msgs: impl IntoIterator<Item = Msg>) {
        let effects = send(&mut self.app, msgs);
        self.run(effects);
    }

    fn text(&mut self, text: &str) {
        let effects = type_text(&mut self.app, text);
        self.run(effects);
    }

    /// Feeds results back until `done` holds.
    async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        while !done(&self.app) {
            let msg = tokio::time::timeout(Duration::from_secs(20), self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("channel open");
            let effects = self.app.update(msg);
            self.run(effects);
        }
    }

    /// `x`, JSON (Tab twice), `path` typed over the proposed name, Enter.
    fn export_json(&mut self, path: &std::path::Path) {
        self.keys([
            key(KeyCode::Char('x')),
            key(KeyCode::Tab),
            key(KeyCode::Tab),
            ctrl('u'),
        ]);
        self.text(path.to_str().unwrap());
        self.keys([key(KeyCode::Enter)]);
    }

    async fn load(&mut self) {
        self.keys([key(KeyCode::F(4)), key(KeyCode::Char('2'))]);
        self.until("the load", |app| !app.tenant().is_loading())
            .await;
    }
}

#[tokio::test]
async fn loads_every_page_and_edits_and_deletes_reach_the_sandbox() {
    let sb = sandbox(250, 40, 0).await;
    let graph = client(&sb);
    let mut pump = Pump::new(&sb);
    pump.load().await;
    assert_eq!(pump.app.tenant().view().total(), 250);
    assert_eq!(pump.app.tenant().pages(), 7);

    // Edit the first row's description.
    pump.keys([key(KeyCode::Enter), key(KeyCode::Char('e')), ctrl('u')]);
    pump.text("relabelled cart 9");
    pump.keys([key(KeyCode::Enter)]);
    pump.until("the edit", |app| app.tenant().modal().is_none())
        .await;
    let id = pump
        .app
        .detail()
        .unwrap()
        .result
        .identity
        .id
        .clone()
        .unwrap();
    let stored = graph.get(&id).await.unwrap();
    assert_eq!(stored.description.as_deref(), Some("relabelled cart 9"));
    assert_eq!(
        pump.app
            .detail()
            .unwrap()
            .result
            .identity
            .description
            .as_deref(),
        Some("relabelled cart 9")
    );

    // Copy its id.
    pump.keys([key(KeyCode::Char('c'))]);
    pump.until("the copy", |app| {
        app.status().is_some_and(|s| s.text.contains("copied"))
    })
    .await;
    assert_eq!(*pump.copied.0.lock().unwrap(), vec![id.clone()]);

    // Delete it from Detail.
    pump.keys([key(KeyCode::Char('d')), key(KeyCode::Char('y'))]);
    pump.until("the delete", |app| app.screen() == Screen::List)
        .await;
    assert!(matches!(
        graph.get(&id).await,
        Err(e) if e.status() == Some(404)
    ));
    assert_eq!(pump.app.tenant().view().total(), 249);
    // The filter finds the edited row no more.
    pump.text("/relabelled");
    assert!(pump.app.tenant().view().view().is_empty());
    pump.keys([key(KeyCode::Esc)]);

    // Bulk: mark three, one of which another admin deletes meanwhile.
    pump.keys([
        key(KeyCode::Char(' ')),
        key(KeyCode::Char(' ')),
        key(KeyCode::Char(' ')),
        key(KeyCode::Char('d')),
    ]);
    let targets = match pump.app.tenant().modal() {
        Some(TenantModal::ConfirmDelete { targets }) => targets.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(targets.len(), 3);
    graph.delete(&targets[1].0).await.unwrap();
    pump.keys([key(KeyCode::Char('y'))]);
    pump.until("the bulk delete", |app| {
        matches!(app.tenant().modal(), Some(TenantModal::Results { .. }))
    })
    .await;
    match pump.app.tenant().modal() {
        Some(TenantModal::Results { title, lines }) => {
            assert_eq!(title, "Deleted 2 of 3");
            assert!(!lines[1].succeeded(), "{lines:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(graph.count(None).await.unwrap(), 246);
    assert_eq!(pump.app.tenant().view().total(), 247);
    // A reload shows what the sandbox holds.
    pump.keys([key(KeyCode::Enter), key(KeyCode::Char('r'))]);
    pump.until("the reload", |app| !app.tenant().is_loading())
        .await;
    assert_eq!(pump.app.tenant().view().total(), 246);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_load_can_be_stopped_and_the_view_exports() {
    let sb = sandbox(200, 10, 30).await;
    let mut pump = Pump::new(&sb);
    pump.keys([key(KeyCode::F(4)), key(KeyCode::Char('2'))]);
    pump.until("a first page", |app| app.tenant().view().total() > 0)
        .await;
    // Keys work while loading; Esc stops it.
    pump.keys([key(KeyCode::Char('j')), key(KeyCode::Esc)]);
    assert!(!pump.app.tenant().is_loading());
    let stopped_at = pump.app.tenant().view().total();
    assert!(stopped_at < 200, "{stopped_at}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    while let Ok(msg) = pump.rx.try_recv() {
        pump.app.update(msg);
    }
    assert_eq!(pump.app.tenant().view().total(), stopped_at);
    let screen = render_to_string(&pump.app, 100, 20);
    assert!(
        screen.contains(&format!("{stopped_at}+ loaded (stopped; r reloads)")),
        "a stopped load shows no count that reads as complete: {screen}"
    );

    // Export what is shown, as JSON, into a temporary folder.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("view.json");
    pump.export_json(&path);
    pump.until("the export", |app| {
        app.status().is_some_and(|s| s.text.starts_with("exported"))
    })
    .await;
    let said = pump.app.status().unwrap().text.clone();
    assert!(said.contains("did not load to its end"), "{said}");
    let written: Vec<enroll_console::domain::ImportedDeviceIdentity> =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(written.len(), stopped_at);
    // The list keeps every property but @odata.type.
    let mut all = client(&sb).list_all(&ListQuery::default()).await.unwrap();
    all.iter_mut().for_each(|i| i.odata_type = None);
    assert_eq!(written[..], all[..stopped_at]);
    sb.shutdown().await;
}

#[tokio::test]
async fn an_export_over_an_existing_file_asks_first_keeps_it_on_n_and_replaces_it_on_y() {
    let sb = sandbox(12, 100, 0).await;
    let mut pump = Pump::new(&sb);
    pump.load().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("devices.json");
    std::fs::write(&path, "yesterday's export").unwrap();
    let asked = |app: &App| {
        app.confirmation()
            .is_some_and(|c| c.question.ends_with("devices.json? It exists."))
    };

    // No: the file is kept, and the export prompt is back with the path.
    pump.export_json(&path);
    pump.until("the question", asked).await;
    pump.keys([key(KeyCode::Char('n'))]);
    assert!(pump.app.confirmation().is_none());
    match pump.app.tenant().modal() {
        Some(TenantModal::Export { field, .. }) => {
            assert_eq!(field.value(), path.to_str().unwrap());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "yesterday's export"
    );

    // Yes: the file is replaced by the export.
    pump.keys([key(KeyCode::Enter)]);
    pump.until("the question again", asked).await;
    pump.keys([key(KeyCode::Char('y'))]);
    pump.until("the export", |app| {
        app.status().is_some_and(|s| s.text.starts_with("exported"))
    })
    .await;
    let written: Vec<enroll_console::domain::ImportedDeviceIdentity> =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(written.len(), 12);

    // A path that is not there is written without a question.
    let fresh = dir.path().join("fresh.json");
    pump.export_json(&fresh);
    pump.until("the second export", |app| {
        app.status().is_some_and(|s| s.text.contains("fresh.json"))
    })
    .await;
    assert!(pump.app.confirmation().is_none());
    assert!(fresh.exists());
    sb.shutdown().await;
}

#[tokio::test]
async fn bulk_delete_rides_out_throttling_and_dropped_connections() {
    let sb = sandbox(60, 100, 0).await;
    let graph = client(&sb);
    let waits = Arc::new(Mutex::new(Vec::new()));
    let recorded = Arc::clone(&waits);
    let sleeper = Sleeper::new(move |d| {
        recorded.lock().unwrap().push(d);
        Box::pin(async {})
    });
    let mut pump = Pump::new(&sb);
    pump.services = Services::new(Unused, Unused).with_tenant(
        TenantClient::new(client(&sb))
            .with_sleeper(sleeper)
            .with_retry_policy(RetryPolicy {
                max_attempts: 10,
                ..RetryPolicy::default()
            }),
    );
    pump.load().await;
    for _ in 0..20 {
        pump.keys([key(KeyCode::Char(' '))]);
    }
    sb.set_faults(Faults {
        throttle_rate: 0.3,
        drop_rate: 0.1,
        seed: Some(7),
        ..Faults::default()
    });
    pump.keys([key(KeyCode::Char('d')), key(KeyCode::Char('y'))]);
    pump.until("the bulk delete", |app| {
        matches!(app.tenant().modal(), Some(TenantModal::Results { .. }))
    })
    .await;
    sb.set_faults(Faults::default());
    match pump.app.tenant().modal() {
        Some(TenantModal::Results { title, lines }) => {
            assert_eq!(title, "Deleted 20 of 20", "{lines:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(!waits.lock().unwrap().is_empty(), "no fault was injected");
    assert_eq!(graph.count(None).await.unwrap(), 40);
    assert_eq!(pump.app.tenant().view().total(), 40);
    sb.shutdown().await;
}

async fn faulty(identities: usize, page_size: usize, faults: Faults) -> RunningSandbox {
    let options = SandboxOptions {
        page_size,
        seed_identities: identities,
        faults,
        ..SandboxOptions::default()
    };
    sandbox::start("127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_tenant_tab_loads_every_row_through_throttling() {
    let sb = faulty(
        60,
        20,
        Faults {
            throttle_rate: 0.5,
            retry_after_secs: 1,
            seed: Some(12),
            ..Faults::default()
        },
    )
    .await;
    // The client's clock is virtual: the Retry-After waits cost no time.
    let mut pump = Pump::new(&sb);
    pump.load().await;
    let stats = sb.stats();
    assert_eq!(
        pump.app.tenant().outcome(),
        &LoadOutcome::Complete,
        "{stats:?}"
    );
    assert_eq!(pump.app.tenant().view().total(), 60);
    assert!(stats.throttled429 >= 1, "no 429 was served: {stats:?}");
    // Three pages, each asked again after every 429 it got.
    assert_eq!(stats.list, 3 + stats.throttled429, "{stats:?}");
    let screen = render_to_string(&pump.app, 100, 20);
    assert!(screen.contains(" 60 identities"), "{screen}");
    eprintln!(
        "Tenant tab at 50 % throttling: {} list requests, {} answered 429",
        stats.list, stats.throttled429
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn the_tenant_tab_stops_on_a_next_link_cycle_and_names_the_request() {
    for cycle in [NextLinkCycle::SelfLoop, NextLinkCycle::Pair] {
        let sb = faulty(
            30,
            7,
            Faults {
                next_link_cycle: cycle,
                ..Faults::default()
            },
        )
        .await;
        let mut pump = Pump::new(&sb);
        pump.load().await;
        let requests = sb.stats().list;
        assert!(requests <= 20, "{cycle:?}: {requests} list requests");
        let loaded = pump.app.tenant().view().total();
        let request_id = match pump.app.tenant().outcome() {
            LoadOutcome::Failed(LoadError::Graph(GraphError::Paging {
                request_id: Some(id),
                ..
            })) => id.clone(),
            other => panic!("{cycle:?}: {other:?}"),
        };
        assert!(loaded > 0, "{cycle:?}: the pages before the stop are kept");
        // The status line says it stopped, names the request, and shows no
        // count that reads as the tenant's.
        let screen = render_to_string(&pump.app, 120, 20);
        assert!(
            screen.contains(&format!(
                "{loaded}+ loaded, stopped, request-id {request_id}"
            )),
            "{cycle:?}: {screen}"
        );
        assert!(!screen.contains(" identities"), "{cycle:?}: {screen}");
        let status = pump
            .app
            .status()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        assert!(
            status.contains("stopped before its end") && status.contains(&request_id),
            "{cycle:?}: {status}"
        );
        eprintln!(
            "Tenant tab, next-link cycle {cycle:?}: stopped after {requests} list requests, {loaded} rows kept"
        );
        sb.shutdown().await;
    }
}
