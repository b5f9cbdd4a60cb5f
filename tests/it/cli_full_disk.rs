//! A full disk while `enroll-console import` writes the ledger: the built
//! binary runs with a small file-size limit (RLIMIT_FSIZE, set by `ulimit -f`
//! in a shell that execs it, with SIGXFSZ ignored so a write past the limit
//! fails with EFBIG instead of killing the process). The batch is one
//! transaction, so nothing of it is half-queued, and what the command says
//! is what `drafts list` then shows.

#![cfg(unix)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;

use enroll_console::sandbox::{self, RunningSandbox, SandboxOptions};
use serde_json::Value;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

/// The file-size limit in `ulimit -f` blocks (512 or 1,024 bytes, by shell):
/// room for the database and a few rows, not for thousands.
const LIMIT_BLOCKS: u32 = 1_024;

async fn sandbox() -> RunningSandbox {
    sandbox::start(([127, 0, 0, 1], 0).into(), SandboxOptions::default())
        .await
        .unwrap()
}

/// `enroll-console --graph-url URL ARGS…` on `home`, with the file-size
/// limit when `limited`.
async fn console(home: &Path, url: &str, limited: bool, args: &[&str]) -> Output {
    let mut cmd = if limited {
        let mut sh = tokio::process::Command::new("sh");
        sh.arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f {LIMIT_BLOCKS} && exec \"$0\" \"$@\""
            ))
            .arg(BIN);
        sh
    } else {
        tokio::process::Command::new(BIN)
    };
    cmd.env("ENROLL_CONSOLE_HOME", home)
        .env("ENROLL_CONSOLE_TOKEN", "test-token")
        .args(["--graph-url", url])
        .args(args);
    cmd.output().await.unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn cart(dir: &Path, name: &str, prefix: &str, rows: usize) -> String {
    let mut csv = String::new();
    for i in 0..rows {
        writeln!(csv, "{prefix}{i:08},PO-4711 cart {}", i % 7).unwrap();
    }
    let file = dir.join(name);
    std::fs::write(&file, csv).unwrap();
    file.display().to_string()
}

/// The identifiers `drafts list --json` shows, run without the limit.
async fn listed(home: &Path, url: &str) -> Vec<String> {
    let out = console(home, url, false, &["drafts", "list", "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let items: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["identifier"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_import_that_fills_the_disk_queues_nothing_and_says_so() {
    let sb = sandbox().await;
    let url = sb.graph_url();
    let dir = TempDir::new().unwrap();
    let home = dir.path();
    // A small import fits under the limit.
    let small = cart(home, "small.csv", "FITS", 3);
    let out = console(home, &url, true, &["--offline", "import", &small]).await;
    let stderr = text(&out.stderr);
    assert!(stderr.contains("3 rows queued in the outbox"), "{stderr}");
    // Thousands of rows do not: the write fails part-way through the batch.
    let big = cart(home, "big.csv", "FULL", 20_000);
    let out = console(home, &url, true, &["--offline", "import", &big]).await;
    let stderr = text(&out.stderr);
    assert!(out.status.code().is_some(), "killed by a signal: {stderr}");
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("nothing was queued"), "{stderr}");
    assert!(!stderr.contains("rows queued in the outbox"), "{stderr}");
    assert!(stderr.contains("full"), "names the cause: {stderr}");
    assert_eq!(
        listed(home, &url).await,
        ["FITS00000000", "FITS00000001", "FITS00000002"]
    );
    assert_eq!(sb.identity_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_whose_journal_fills_the_disk_sends_nothing_and_says_so() {
    let sb = sandbox().await;
    let url = sb.graph_url();
    let dir = TempDir::new().unwrap();
    let home = dir.path();
    let small = cart(home, "small.csv", "FITS", 2);
    let out = console(home, &url, true, &["import", &small]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sb.identity_count(), 2);
    let writes = |s: enroll_console::sandbox::Stats| (s.create, s.import, s.search);
    let before = writes(sb.stats());
    let big = cart(home, "big.csv", "FULL", 20_000);
    let out = console(home, &url, true, &["import", &big]).await;
    let stderr = text(&out.stderr);
    assert!(out.status.code().is_some(), "killed by a signal: {stderr}");
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(stderr.contains("full"), "names the cause: {stderr}");
    assert_eq!(
        sb.identity_count(),
        2,
        "no row left before it was journalled"
    );
    assert_eq!(
        writes(sb.stats()),
        before,
        "not one create, import or search after the journal failed"
    );
    // The ledger holds the two created rows and nothing of the failed batch.
    let out = console(home, &url, false, &["history", "--json"]).await;
    let history = text(&out.stdout);
    assert!(history.contains("FITS00000001"), "{history}");
    assert!(!history.contains("FULL"), "{history}");
    let listed = listed(home, &url).await;
    assert!(!listed.iter().any(|i| i.starts_with("FULL")), "{listed:?}");
}
