//! The local database survives the process being killed in the middle of a
//! burst of writes: the integrity check passes and every item whose commit
//! returned is there. The writer is this test binary, run again as a child
//! and killed with SIGKILL while it writes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use enroll_console::domain::{
    DateTimeOffset, ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform,
};
use enroll_console::store::{DraftFields, ItemState, Store};

const DB_ENV: &str = "ENROLL_CONSOLE_CRASH_TEST_DB";

/// The child: writes items and drafts as fast as it can, printing each
/// committed item's id, until it is killed. Does nothing when run normally.
#[test]
fn crash_writer() {
    let Some(path) = std::env::var_os(DB_ENV) else {
        return;
    };
    let store = Store::open(std::path::Path::new(&path)).unwrap();
    let at = DateTimeOffset::parse("2026-01-01T10:00:00Z").unwrap();
    let mut draft = None;
    for i in 0u64.. {
        let identity = ImportedDeviceIdentity::new(
            format!("CRASH{i:08}"),
            ImportedDeviceIdentityType::SerialNumber,
            Platform::Ios,
        );
        let ids = store.enqueue("p", &[identity], "offline", at).unwrap();
        let fields = DraftFields {
            identifier: format!("typing {i}"),
            ..DraftFields::default()
        };
        draft = Some(store.save_draft(draft, "p", &fields, at).unwrap());
        println!("committed {}", ids[0]);
    }
}

/// `crash_writer`'s name as the test harness knows it: its module path without
/// the crate's name, so `--exact` finds it in whichever test binary holds it.
fn writer_test_name() -> String {
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    if module.is_empty() {
        "crash_writer".to_string()
    } else {
        format!("{module}::crash_writer")
    }
}

#[test]
fn the_database_survives_a_kill_mid_burst() {
    if std::env::var_os(DB_ENV).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("console.db");
    let writer = writer_test_name();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            writer.as_str(),
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(DB_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut committed = Vec::new();
    while committed.len() < 500 {
        let line = lines.next().expect("the writer stopped early").unwrap();
        if let Some(id) = line.strip_prefix("committed ") {
            committed.push(id.parse::<i64>().unwrap());
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // Lines already written before the kill are committed too.
    for line in lines.map_while(Result::ok) {
        if let Some(id) = line.strip_prefix("committed ").and_then(|s| s.parse().ok()) {
            committed.push(id);
        }
    }
    let store = Store::open(&path).unwrap();
    assert!(store.integrity_ok().unwrap());
    let items = store.outbox_items(Some("p")).unwrap();
    for id in &committed {
        let item = items.iter().find(|i| i.id == *id);
        assert!(
            item.is_some_and(|i| i.state == ItemState::Queued),
            "committed item {id} is missing"
        );
    }
    let draft = store
        .latest_draft("p")
        .unwrap()
        .expect("the draft survives");
    assert!(
        draft
            .form
            .is_some_and(|f| f.identifier.starts_with("typing "))
    );
}
