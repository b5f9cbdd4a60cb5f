//! `enroll-console drafts list|sync|discard` as a script sees them: output
//! and exit codes, against the sandbox over HTTP.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};

use enroll_console::domain::DateTimeOffset;
use enroll_console::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};
use enroll_console::sandbox::{self, SANDBOX_TOKEN, SandboxOptions};
use enroll_console::store::Store;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

fn console(home: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("ENROLL_CONSOLE_HOME", home)
        .env("ENROLL_CONSOLE_TOKEN", SANDBOX_TOKEN)
        .output()
        .unwrap()
}

fn queue(home: &Path, profile: &str, identities: &[(&str, ImportedDeviceIdentityType)]) {
    let store = Store::open(&home.join("data").join("console.db")).unwrap();
    let rows: Vec<_> = identities
        .iter()
        .map(|(id, ty)| ImportedDeviceIdentity::new(*id, ty.clone(), Platform::Android))
        .collect();
    let at = DateTimeOffset::parse("2026-01-01T10:00:00Z").unwrap();
    store.enqueue(profile, &rows, "offline", at).unwrap();
}

fn states(output: &Output) -> Vec<(String, String)> {
    let items: Value = serde_json::from_slice(&output.stdout).unwrap();
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["identifier"].as_str().unwrap().to_string(),
                i["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_exits_0_when_all_were_sent_and_1_when_some_were_rejected() {
    let running = sandbox::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxOptions::default(),
    )
    .await
    .unwrap();
    let url = running.graph_url();
    let profile = format!("url:{url}");
    let home = tempfile::tempdir().unwrap();
    queue(
        home.path(),
        &profile,
        &[
            ("490154203237518", ImportedDeviceIdentityType::Imei),
            ("C02XK0XXJGH5", ImportedDeviceIdentityType::SerialNumber),
        ],
    );
    let listed = console(home.path(), &["drafts", "list", "--json"]);
    assert!(listed.status.success());
    assert_eq!(
        states(&listed),
        [
            ("490154203237518".into(), "queued".into()),
            ("C02XK0XXJGH5".into(), "queued".into())
        ]
    );
    let home_path = home.path().to_path_buf();
    let url2 = url.clone();
    let synced = tokio::task::spawn_blocking(move || {
        console(
            &home_path,
            &["--graph-url", &url2, "drafts", "sync", "--json"],
        )
    })
    .await
    .unwrap();
    assert_eq!(
        synced.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    assert!(states(&synced).iter().all(|(_, s)| s == "created"));
    assert_eq!(running.identity_count(), 2);

    // An IMEI with letters: the service refuses it.
    queue(
        home.path(),
        &profile,
        &[("35A", ImportedDeviceIdentityType::Imei)],
    );
    let home_path = home.path().to_path_buf();
    let synced = tokio::task::spawn_blocking(move || {
        console(
            &home_path,
            &["--graph-url", &url, "drafts", "sync", "--json"],
        )
    })
    .await
    .unwrap();
    assert_eq!(synced.status.code(), Some(1));
    assert!(states(&synced).contains(&("35A".into(), "rejected".into())));
    let text = console(home.path(), &["drafts", "list"]);
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(
        text.contains("rejected") && text.contains("3 items"),
        "{text}"
    );

    // Discard it; a second discard finds nothing.
    let id = text
        .lines()
        .find(|l| l.contains("35A"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    assert!(
        console(home.path(), &["drafts", "discard", &id])
            .status
            .success()
    );
    assert_eq!(
        console(home.path(), &["drafts", "discard", &id])
            .status
            .code(),
        Some(2)
    );
    running.shutdown().await;
}

#[test]
fn sync_exits_4_when_the_service_cannot_be_reached() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = format!("http://{addr}/beta");
    let home = tempfile::tempdir().unwrap();
    queue(
        home.path(),
        &format!("url:{url}"),
        &[("C02XK0XXJGH5", ImportedDeviceIdentityType::SerialNumber)],
    );
    let synced = console(
        home.path(),
        &["--graph-url", &url, "drafts", "sync", "--json"],
    );
    assert_eq!(synced.status.code(), Some(4));
    assert_eq!(states(&synced), [("C02XK0XXJGH5".into(), "queued".into())]);
}

#[test]
fn an_unwritable_log_folder_gives_one_warning_and_the_command_runs() {
    let home = tempfile::tempdir().unwrap();
    queue(
        home.path(),
        "sandbox",
        &[("C02XK0XXJGH5", ImportedDeviceIdentityType::SerialNumber)],
    );
    // A file where the log folder should be: no permission bits help here,
    // so this holds for every user, root included.
    std::fs::write(home.path().join("logs"), "not a folder").unwrap();
    let out = console(home.path(), &["drafts", "list", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(states(&out).len(), 1);
    assert_eq!(
        stderr.matches("warning: no log file").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_damaged_database_is_named_and_exits_non_zero_not_read_as_empty() {
    let home = tempfile::tempdir().unwrap();
    let rows: Vec<(String, ImportedDeviceIdentityType)> = (0..400)
        .map(|i| {
            (
                format!("SER{i:06}"),
                ImportedDeviceIdentityType::SerialNumber,
            )
        })
        .collect();
    let rows: Vec<(&str, ImportedDeviceIdentityType)> =
        rows.iter().map(|(s, t)| (s.as_str(), t.clone())).collect();
    queue(home.path(), "sandbox", &rows);
    let db = home.path().join("data").join("console.db");
    // Tear the outbox table's root page to "no cells", as a torn write would.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = 'outbox'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let page: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    drop(conn);
    let mut bytes = std::fs::read(&db).unwrap();
    let header = ((root - 1) * page) as usize;
    bytes[header + 3] = 0;
    bytes[header + 4] = 0;
    std::fs::write(&db, bytes).unwrap();

    let out = console(home.path(), &["drafts", "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("console.db"), "{stderr}");
    assert!(stderr.contains("damaged"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("0 items"));
    let kept = std::fs::read_dir(home.path().join("data"))
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains(".damaged-"));
    assert!(kept, "a copy is kept aside");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_syncs_at_once_send_each_item_once_and_file_it_as_created() {
    let options = SandboxOptions {
        faults: sandbox::Faults {
            latency_ms: 5,
            ..sandbox::Faults::default()
        },
        ..SandboxOptions::default()
    };
    let running = sandbox::start(SocketAddr::from(([127, 0, 0, 1], 0)), options)
        .await
        .unwrap();
    let url = running.graph_url();
    let profile = format!("url:{url}");
    let home = tempfile::tempdir().unwrap();
    let serials: Vec<String> = (0..300).map(|i| format!("RACE{i:06}")).collect();
    let rows: Vec<(&str, ImportedDeviceIdentityType)> = serials
        .iter()
        .map(|s| (s.as_str(), ImportedDeviceIdentityType::SerialNumber))
        .collect();
    queue(home.path(), &profile, &rows);
    let children: Vec<_> = (0..3)
        .map(|_| {
            Command::new(BIN)
                .args(["--graph-url", &url, "drafts", "sync"])
                .env("ENROLL_CONSOLE_HOME", home.path())
                .env("ENROLL_CONSOLE_TOKEN", SANDBOX_TOKEN)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for out in &outputs {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let shares: Vec<usize> = outputs
        .iter()
        .filter_map(|o| {
            let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
            stderr
                .split(" created,")
                .next()?
                .trim()
                .rsplit(' ')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    println!("items created by each sync: {shares:?}");
    assert_eq!(shares.iter().sum::<usize>(), 300, "{shares:?}");
    assert!(
        shares.iter().filter(|n| **n > 0).count() >= 2,
        "the syncs overlapped: {shares:?}"
    );
    assert_eq!(running.identity_count(), 300, "each identity created once");
    let store = Store::open(&home.path().join("data").join("console.db")).unwrap();
    let items = store.outbox_items(Some(&profile)).unwrap();
    let created = items
        .iter()
        .filter(|i| i.state == enroll_console::store::ItemState::Created)
        .count();
    assert_eq!(created, 300, "every item recorded as created by us");
    // Every request a sender makes is journalled: this counts them all.
    let requests: usize = items
        .iter()
        .map(|i| store.attempts(i.id).unwrap().len())
        .sum();
    assert!(requests <= 330, "{requests} requests for 300 items");
    // And as the service saw them: every write (creates, imports, searches).
    let stats = running.stats();
    let writes = stats.create + stats.import + stats.search;
    assert!(writes <= 330, "{writes} writes for 300 items: {stats:?}");
    println!("3 concurrent syncs: {requests} journalled requests, {writes} writes served");
    running.shutdown().await;
}
