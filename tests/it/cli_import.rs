//! `enroll-console import` end to end: the built binary against an
//! in-process sandbox on 127.0.0.1 (random port).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Output;

use enroll_console::domain::validate::imei_check_digit;
use enroll_console::domain::{ImportedDeviceIdentityType, Platform};
use enroll_console::graph::{BearerToken, ClientConfig, GraphClient, ListQuery};
use enroll_console::sandbox::{self, Faults, RunningSandbox, SANDBOX_TOKEN, SandboxOptions};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

async fn sandbox_with(faults: Faults) -> RunningSandbox {
    let options = SandboxOptions {
        faults,
        page_size: 1_000,
        ..SandboxOptions::default()
    };
    sandbox::start(([127, 0, 0, 1], 0).into(), options)
        .await
        .unwrap()
}

fn graph(sb: &RunningSandbox) -> GraphClient {
    GraphClient::new(ClientConfig::new(sb.graph_url()).with_token(BearerToken::new(SANDBOX_TOKEN)))
        .unwrap()
}

/// Runs `enroll-console --graph-url URL import ARGS…` with a fresh home.
async fn import(home: &Path, url: &str, token: bool, args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.env("ENROLL_CONSOLE_HOME", home)
        .env_remove("ENROLL_CONSOLE_TOKEN")
        .args(["--graph-url", url, "import"])
        .args(args);
    if token {
        cmd.env("ENROLL_CONSOLE_TOKEN", "test-token");
    }
    cmd.output().await.unwrap()
}

/// `enroll-console drafts list --json` on the same data folder.
async fn drafts_list(home: &Path) -> Vec<serde_json::Value> {
    let out = tokio::process::Command::new(BIN)
        .env("ENROLL_CONSOLE_HOME", home)
        .args(["drafts", "list", "--json"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// 10,000 admin-center rows (`identifier,details`, no header): IMEIs and
/// serials, with three bad rows at lines 1234, 5000 and 9999.
fn admin_center_csv(dir: &Path) -> PathBuf {
    let mut csv = String::new();
    for line in 1..=10_000usize {
        let row = match line {
            1234 => "490154203237517,wrong check digit".to_string(),
            5000 => format!("SN{line:08},{}", "d".repeat(129)),
            9999 => ",no identifier".to_string(),
            n if n % 2 == 0 => {
                let body = format!("35{n:012}");
                let cd = imei_check_digit(&body).unwrap();
                format!("{body}{cd},PO-4711 cart {}", n % 7)
            }
            n => format!("SN{n:08},"),
        };
        writeln!(csv, "{row}\r").unwrap();
    }
    let path = dir.join("devices.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_rows_with_three_bad_ones() {
    let sb = sandbox_with(Faults::default()).await;
    let dir = TempDir::new().unwrap();
    let file = admin_center_csv(dir.path());
    let report = dir.path().join("report.csv");
    let out = import(
        dir.path(),
        &sb.graph_url(),
        true,
        &[file.to_str().unwrap(), "--report", report.to_str().unwrap()],
    )
    .await;
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    let problems: Vec<&str> = stdout.lines().filter(|l| l.starts_with("line ")).collect();
    assert_eq!(problems.len(), 3, "{stdout}");
    assert!(problems[0].starts_with("line 1234: invalid: check digit is wrong"));
    assert!(problems[1].starts_with("line 5000: invalid: at most 128 characters"));
    assert!(problems[2].starts_with("line 9999: invalid: an identifier is required"));
    assert!(stdout.contains("9997 created, 0 already present, 0 rejected, 3 invalid, 0 unsent"));
    assert_eq!(sb.identity_count(), 9_997);
    assert_eq!(graph(&sb).count(None).await.unwrap(), 9_997);
    let saved = std::fs::read_to_string(&report).unwrap();
    assert_eq!(saved.lines().count(), 10_001);
    assert_eq!(
        saved.lines().filter(|l| l.contains(",created,")).count(),
        9_997
    );
    assert!(saved.contains("\n1234,490154203237517,imei,invalid,,check digit is wrong"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_sends_nothing() {
    let sb = sandbox_with(Faults::default()).await;
    let dir = TempDir::new().unwrap();
    let file = admin_center_csv(dir.path());
    let out = import(
        dir.path(),
        &sb.graph_url(),
        true,
        &[file.to_str().unwrap(), "--dry-run", "--json"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["dryRun"], true);
    assert_eq!(doc["counts"]["total"], 10_000);
    assert_eq!(doc["counts"]["invalid"], 3);
    assert_eq!(doc["chunks"], 10);
    assert_eq!(doc["importCalls"], 0);
    assert!(
        doc["warnings"][0]
            .as_str()
            .unwrap()
            .contains("admin center")
    );
    assert_eq!(sb.identity_count(), 0);
    assert_eq!(graph(&sb).count(None).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_headerless_windows_file_imports_as_windows_tuples() {
    let sb = sandbox_with(Faults::default()).await;
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("windows.csv");
    std::fs::write(
        &file,
        "Microsoft,Surface Laptop 5,0F33.XK1A2B\r\nLenovo,ThinkPad T14,PF-4ABCDE\r\n\"Dell Inc.\",Latitude 7440,7H2KLM3\r\n",
    )
    .unwrap();
    let out = import(dir.path(), &sb.graph_url(), true, &[file.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("3 created"));
    assert!(text(&out.stdout).contains("manufacturer-model-serial dialect"));
    let mut all = graph(&sb).list_all(&ListQuery::default()).await.unwrap();
    all.sort_by(|a, b| a.identifier().cmp(b.identifier()));
    let ids: Vec<&str> = all.iter().map(|i| i.identifier()).collect();
    assert_eq!(
        ids,
        [
            "Dell Inc.,Latitude 7440,7H2KLM3",
            "Lenovo,ThinkPad T14,PF-4ABCDE",
            "Microsoft,Surface Laptop 5,0F33XK1A2B"
        ]
    );
    for identity in &all {
        assert_eq!(
            identity.imported_device_identity_type,
            Some(ImportedDeviceIdentityType::ManufacturerModelSerial)
        );
        assert_eq!(identity.platform, Some(Platform::Windows));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_neither_lose_nor_duplicate_rows() {
    let faults = Faults {
        fail_rate: 0.25,
        drop_rate: 0.1,
        retry_after_secs: 0,
        seed: Some(42),
        ..Faults::default()
    };
    let sb = sandbox_with(faults).await;
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("serials.csv");
    let rows: String = (0..1_000).map(|i| format!("SN{i:08},cart 1\n")).collect();
    std::fs::write(&file, rows).unwrap();
    let out = import(
        dir.path(),
        &sb.graph_url(),
        true,
        &[
            file.to_str().unwrap(),
            "--chunk",
            "50",
            "--in-flight",
            "2",
            "--retry-budget",
            "5",
            "--json",
        ],
    )
    .await;
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(doc["counts"]["created"], 1_000);
    assert_eq!(doc["counts"]["alreadyPresent"], 0, "a row was sent twice");
    assert!(
        doc["searchCalls"].as_u64().unwrap() > 0,
        "no unknown outcome was exercised"
    );
    assert!(doc["importCalls"].as_u64().unwrap() > 20);
    assert_eq!(sb.identity_count(), 1_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_service_exits_4_and_a_refused_sign_in_3() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("two.csv");
    std::fs::write(&file, "C02XK0XXJGH5,\n490154203237518,\n").unwrap();
    let url = format!("http://{closed}/beta");
    let out = import(
        dir.path(),
        &url,
        true,
        &[file.to_str().unwrap(), "--retry-budget", "0"],
    )
    .await;
    assert_eq!(out.status.code(), Some(4));
    assert!(text(&out.stdout).contains("2 unsent"));
    assert!(
        text(&out.stderr).contains("2 unsent rows are in the outbox"),
        "{}",
        text(&out.stderr)
    );
    let queued = drafts_list(dir.path()).await;
    assert_eq!(queued.len(), 2, "{queued:?}");
    assert!(queued.iter().all(|i| i["state"] == "queued"), "{queued:?}");

    let sb = sandbox_with(Faults::default()).await;
    let out = import(
        dir.path(),
        &sb.graph_url(),
        false,
        &[file.to_str().unwrap()],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(sb.identity_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_import_reports_present_rows_and_overwrite_replaces_them() {
    let sb = sandbox_with(Faults::default()).await;
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("cart.csv");
    std::fs::write(&file, "C02XK0XXJGH5,cart 1\n490154203237518,cart 1\n").unwrap();
    let path = file.to_str().unwrap();
    let first = import(dir.path(), &sb.graph_url(), true, &[path]).await;
    assert_eq!(first.status.code(), Some(0));
    std::fs::write(&file, "C02XK0XXJGH5,cart 2\n490154203237518,cart 2\n").unwrap();
    let again = import(dir.path(), &sb.graph_url(), true, &[path]).await;
    assert_eq!(again.status.code(), Some(1));
    let stdout = text(&again.stdout);
    assert!(stdout.contains("line 1: alreadyPresent"), "{stdout}");
    assert!(stdout.contains("0 created, 2 already present"), "{stdout}");
    let replaced = import(dir.path(), &sb.graph_url(), true, &[path, "--overwrite"]).await;
    assert_eq!(
        replaced.status.code(),
        Some(0),
        "{}",
        text(&replaced.stdout)
    );
    let all = graph(&sb).list_all(&ListQuery::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(
        all.iter()
            .all(|i| i.description.as_deref() == Some("cart 2"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_puts_every_valid_row_in_the_outbox_and_sends_nothing() {
    let sb = sandbox_with(Faults::default()).await;
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("cart.csv");
    std::fs::write(&file, "C02XK0XXJGH5,\n490154203237517,bad\nSERIAL0003,\n").unwrap();
    let out = tokio::process::Command::new(BIN)
        .env("ENROLL_CONSOLE_HOME", dir.path())
        .env("ENROLL_CONSOLE_TOKEN", "test-token")
        .args(["--offline", "--graph-url", &sb.graph_url(), "import"])
        .arg(&file)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert_eq!(sb.identity_count(), 0);
    let queued = drafts_list(dir.path()).await;
    assert_eq!(queued.len(), 2, "{queued:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_offline_import_twice_queues_each_identifier_once() {
    let sb = sandbox_with(Faults::default()).await;
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("cart.csv");
    std::fs::write(&file, "C02XK0XXJGH5,\nSERIAL0003,\n").unwrap();
    for run in 0..2 {
        let out = tokio::process::Command::new(BIN)
            .env("ENROLL_CONSOLE_HOME", dir.path())
            .env("ENROLL_CONSOLE_TOKEN", "test-token")
            .args(["--offline", "--graph-url", &sb.graph_url(), "import"])
            .arg(&file)
            .output()
            .await
            .unwrap();
        let stderr = text(&out.stderr);
        let expected = if run == 0 {
            "2 rows queued in the outbox, 0 already there"
        } else {
            "0 rows queued in the outbox, 2 already there"
        };
        assert!(stderr.contains(expected), "run {run}: {stderr}");
        if run == 1 {
            assert!(text(&out.stdout).contains("already queued as item"));
        }
    }
    let queued = drafts_list(dir.path()).await;
    assert_eq!(queued.len(), 2, "{queued:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_half_way_is_completed_by_drafts_sync_exactly_once() {
    let sb = sandbox_with(Faults {
        latency_ms: 150,
        ..Faults::default()
    })
    .await;
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("cart.csv");
    let csv: String = (0..30).map(|i| format!("KILL{i:06},cart\n")).collect();
    std::fs::write(&file, csv).unwrap();
    let mut child = tokio::process::Command::new(BIN)
        .env("ENROLL_CONSOLE_HOME", dir.path())
        .env("ENROLL_CONSOLE_TOKEN", "test-token")
        .args(["--graph-url", &sb.graph_url(), "import", "--chunk", "2"])
        .args(["--in-flight", "1"])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Half-way: some rows are in the tenant, most are not.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while sb.identity_count() < 6 {
        assert!(
            std::time::Instant::now() < deadline,
            "the import never got going"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    child.start_kill().unwrap(); // SIGKILL
    child.wait().await.unwrap();
    let at_kill = sb.identity_count();
    assert!(at_kill < 30, "killed before the end ({at_kill})");
    // Every row was in the ledger before its first request left.
    let journaled = drafts_list(dir.path()).await;
    assert_eq!(journaled.len(), 30, "{journaled:?}");

    let out = tokio::process::Command::new(BIN)
        .env("ENROLL_CONSOLE_HOME", dir.path())
        .env("ENROLL_CONSOLE_TOKEN", "test-token")
        .args(["--graph-url", &sb.graph_url(), "drafts", "sync"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sb.identity_count(), 30, "every row, once");
    let items = drafts_list(dir.path()).await;
    assert_eq!(items.len(), 30);
    assert!(items.iter().all(|i| i["state"] == "created"), "{items:?}");
    // The ledger's history shows all of them, from the import.
    let history = tokio::process::Command::new(BIN)
        .env("ENROLL_CONSOLE_HOME", dir.path())
        .args(["history", "--json", "--created", "--origin", "import"])
        .output()
        .await
        .unwrap();
    assert!(history.status.success(), "{}", text(&history.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(rows.len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_files_unknown_values_and_repeated_warnings_are_told_plainly() {
    let sb = sandbox_with(Faults::default()).await;
    let dir = TempDir::new().unwrap();
    let url = sb.graph_url();
    // An empty file (or only blank lines) is an error, not "0 rows".
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "\n\r\n").unwrap();
    let out = import(dir.path(), &url, true, &[empty.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("holds no rows"),
        "{}",
        text(&out.stderr)
    );

    // An unknown platform names the value and the valid ones.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "importedDeviceIdentifier,platform\nC02XK0XXJGH5,iphone\n",
    )
    .unwrap();
    let out = import(
        dir.path(),
        &url,
        true,
        &[bad.to_str().unwrap(), "--dry-run", "--json"],
    )
    .await;
    let json = text(&out.stdout);
    assert!(
        json.contains(r#"platform: \"iphone\" is not a known value (one of ios, android, windows"#),
        "{json}"
    );

    // The same warning on 30 rows: one line, with the count.
    let mut csv = String::from("importedDeviceIdentifier,platform\n");
    for n in 0..30 {
        writeln!(csv, "R58M{n:04}ABC,android").unwrap();
    }
    let android = dir.path().join("android.csv");
    std::fs::write(&android, csv).unwrap();
    let out = import(
        dir.path(),
        &url,
        true,
        &[android.to_str().unwrap(), "--dry-run"],
    )
    .await;
    let err = text(&out.stderr);
    let warned: Vec<&str> = err.lines().filter(|l| l.contains("Android 12+")).collect();
    assert_eq!(warned.len(), 1, "{err}");
    assert!(
        warned[0].contains("(30 rows: lines 2, 3, 4, 5, 6, …)"),
        "{err}"
    );
    sb.shutdown().await;
}
