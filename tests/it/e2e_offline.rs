//! End to end, offline: the built console in tmux. Identities submitted
//! with --offline survive `kill -9` in the outbox and are created exactly
//! once when the console comes back online; a half-typed form survives
//! `kill -9` (the draft is at most a debounce behind), Ctrl-C and SIGTERM.

use crate::support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::standalone::Standalone;
use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");
const TOKEN: &str = "e2e-token";

fn console(home: &Path, args: &[&str]) -> Tmux {
    let home_s = home.display().to_string();
    let env = [
        ("ENROLL_CONSOLE_HOME", home_s.as_str()),
        ("ENROLL_CONSOLE_TOKEN", TOKEN),
    ];
    let t = Tmux::start(Path::new(BIN), args, &env, home, 160, 30);
    t.wait_for("New device identity");
    t
}

/// Runs a command of the console and reads its JSON output.
fn json(home: &Path, args: &[&str]) -> Vec<Value> {
    support::console::json(home, args)
}

fn kill(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

/// Polls `drafts list --json` until an item satisfies `pred`.
fn wait_for_item(home: &Path, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + tmux::SCREEN_TIMEOUT;
    loop {
        if let Some(item) = json(home, &["drafts", "list", "--json"])
            .into_iter()
            .find(&pred)
        {
            return item;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

const SERIALS: [&str; 3] = ["OFFLN0000001", "OFFLN0000002", "OFFLN0000003"];

#[test]
fn offline_submissions_survive_kill_9_and_are_created_once_when_online() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let sandbox = // Slow answers, so syncing is visible.
    Standalone::start(&["--latency-ms", "700"], home.path());
    let url = sandbox.url.as_str();

    let t = console(home.path(), &["--graph-url", url, "--offline"]);
    t.wait_for("OFFLINE");
    for (i, serial) in SERIALS.iter().enumerate() {
        t.type_text(serial);
        t.wait_for("detected: serial number");
        t.keys(&["C-s"]);
        t.wait_for(&format!("outbox {}", i + 1));
    }
    kill(t.pane_pid(), "-KILL");
    t.wait_exit();
    drop(t);

    let queued = json(home.path(), &["drafts", "list", "--json"]);
    let states: Vec<_> = queued
        .iter()
        .map(|i| i["state"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(states, ["queued"; 3], "{queued:?}");

    // Online again: the status bar shows the outbox, then its sync.
    let t = console(home.path(), &["--graph-url", url]);
    let start = t.wait_for("outbox 3");
    assert!(!start.contains("OFFLINE"), "{start}");
    t.wait_for("Outbox: 3 created");
    t.keys(&["F4", "3"]);
    let tab = t.wait_for("0 queued");

    let held = json(home.path(), &["--graph-url", url, "list", "--json"]);
    assert_eq!(held.len(), 3, "exactly 3 in the sandbox: {held:?}");
    let items = json(home.path(), &["drafts", "list", "--json"]);
    assert_eq!(items.len(), 3);
    for item in &items {
        assert_eq!(item["state"], "created", "{item}");
        let identifier = item["identifier"].as_str().unwrap_or("?");
        let in_sandbox = held
            .iter()
            .find(|h| h["importedDeviceIdentifier"] == identifier)
            .unwrap_or_else(|| panic!("{identifier} not in the sandbox"));
        assert_eq!(item["service_id"], in_sandbox["id"]);
        let id = in_sandbox["id"].as_str().unwrap_or("?");
        assert!(
            tab.contains(identifier) && tab.contains(&id[..20]),
            "{identifier} shown created with its id:\n{tab}"
        );
    }
    t.keys(&["C-c"]);
    t.wait_exit();
}

/// Types an identifier and a description, leaving the focus on Description.
fn half_type(t: &Tmux, identifier: &str) {
    t.type_text(identifier);
    t.wait_for("detected: serial number");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]);
    t.type_text("cart 7");
    t.wait_for("cart 7");
}

fn assert_restored(home: &Path, identifier: &str) {
    let t = console(home, &["--offline"]);
    let screen = t.wait_for("Draft restored");
    assert!(
        screen.contains(identifier) && screen.contains("cart 7"),
        "{screen}"
    );
    t.keys(&["C-c"]);
    t.wait_exit();
    let draft = wait_for_item(home, "the draft", |i| i["identifier"] == identifier);
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["form"]["focus"], "Description", "{draft}");
}

#[test]
fn a_half_typed_form_survives_kill_9_ctrl_c_and_sigterm() {
    if !tmux::available() {
        return;
    }
    // kill -9: what was typed up to the debounce (≤ 1 s) is there.
    let home = tempfile::tempdir().expect("temp home");
    let t = console(home.path(), &["--offline"]);
    half_type(&t, "KILLNINE0001");
    wait_for_item(home.path(), "the draft saved while typing", |i| {
        i["form"]["description"] == "cart 7"
    });
    kill(t.pane_pid(), "-KILL");
    t.wait_exit();
    drop(t);
    assert_restored(home.path(), "KILLNINE0001");

    // Ctrl-C right after the last key: nothing is lost.
    let home = tempfile::tempdir().expect("temp home");
    let t = console(home.path(), &["--offline"]);
    half_type(&t, "CTRLC0000001");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);
    assert_restored(home.path(), "CTRLC0000001");

    // SIGTERM likewise.
    let home = tempfile::tempdir().expect("temp home");
    let t = console(home.path(), &["--offline"]);
    half_type(&t, "SIGTERM00001");
    kill(t.pane_pid(), "-TERM");
    t.wait_exit();
    drop(t);
    assert_restored(home.path(), "SIGTERM00001");
}
