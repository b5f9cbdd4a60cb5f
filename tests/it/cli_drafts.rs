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
