//! The ledger end to end: every path that creates an identity (the form
//! through the outbox, `enroll-console import`, Scan) shows on Recent, and
//! Recent follows a registration until the tenant says it enrolled.

use crate::support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::standalone::Standalone;
use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

fn console(home: &Path, args: &[&str]) -> Tmux {
    let home_s = home.display().to_string();
    let env = [
        ("ENROLL_CONSOLE_HOME", home_s.as_str()),
        ("ENROLL_CONSOLE_TOKEN", support::console::TOKEN),
        ("NO_COLOR", "1"),
    ];
    let t = Tmux::start(Path::new(BIN), args, &env, home, 160, 30);
    t.wait_for("New device identity");
    t
}

/// `enroll-console ARGS…` on this home, signed in to the sandbox.
fn cli(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("ENROLL_CONSOLE_HOME", home)
        .env("ENROLL_CONSOLE_TOKEN", support::console::TOKEN);
    cmd
}

/// `enroll-console ARGS…` on this home; panics with its stderr on failure.
fn run(home: &Path, args: &[&str]) {
    let out = cli(home, args).output().expect("run the console");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_offline_form_submit_synced_by_the_cli_shows_on_recent() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let sandbox = Standalone::start(&[], home.path());
    let url = sandbox.url.as_str();
    let t = console(home.path(), &["--graph-url", url, "--offline"]);
    t.type_text("LEDGERFORM01");
    t.wait_for("detected: serial number");
    t.keys(&["C-s"]);
    t.wait_for("outbox 1");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    run(home.path(), &["--graph-url", url, "drafts", "sync"]);

    let t = console(home.path(), &["--graph-url", url, "--offline"]);
    t.keys(&["F4"]);
    let screen = t.wait_for("LEDGERFORM01");
    assert!(screen.contains("Recent (1)"), "{screen}");
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn a_cli_import_of_two_rows_shows_both_on_an_open_console() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let sandbox = Standalone::start(&[], home.path());
    let url = sandbox.url.as_str();
    let t = console(home.path(), &["--graph-url", url, "--offline"]);
    t.keys(&["F4"]);
    t.wait_for("Nothing submitted from this machine yet");

    let file = home.path().join("two.csv");
    std::fs::write(
        &file,
        "490154203237518,cart 1\r\n356938035643809,cart 2\r\n",
    )
    .expect("write the file");
    let path = file.display().to_string();
    run(home.path(), &["--graph-url", url, "import", &path]);

    // Back to the form and to Recent again: it is read again from the ledger.
    t.keys(&["Escape"]);
    t.wait_for("New device identity");
    t.keys(&["F4"]);
    let screen = t.wait_until("both imported rows", |s| {
        s.contains("490154203237518") && s.contains("356938035643809")
    });
    assert!(screen.contains("Recent (2)"), "{screen}");
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn a_scan_creation_shows_on_recent() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let home_s = home.path().display().to_string();
    let t = Tmux::start(
        Path::new(BIN),
        &[],
        &[("ENROLL_CONSOLE_HOME", home_s.as_str()), ("NO_COLOR", "1")],
        home.path(),
        120,
        30,
    );
    t.wait_for("SANDBOX");
    t.keys(&["F3"]);
    t.wait_for("Scan ›");
    t.type_text("C02XK0XXJGH5");
    t.keys(&["Enter"]);
    t.wait_until("the serial created", |s| {
        s.contains("#1") && s.contains("created 1")
    });
    t.keys(&["F4"]);
    let screen = t.wait_for("C02XK0XXJGH5");
    assert!(screen.contains("Recent (1)"), "{screen}");
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn recent_follows_a_registration_until_it_enrolls() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    std::fs::write(
        home.path().join("config.toml"),
        "[sandbox]\nenroll_after_secs = 3\n",
    )
    .expect("write config.toml");
    let home_s = home.path().display().to_string();
    let t = Tmux::start(
        Path::new(BIN),
        &[],
        &[("ENROLL_CONSOLE_HOME", home_s.as_str()), ("NO_COLOR", "1")],
        home.path(),
        140,
        30,
    );
    t.wait_for("SANDBOX");
    t.type_text("LIVESTATE001");
    t.wait_for("detected: serial number");
    t.keys(&["C-s"]);
    t.wait_for("Device identity");
    t.keys(&["F4"]);
    let screen = t.wait_for("LIVESTATE001");
    assert!(screen.contains("not contacted"), "{screen}");

    // `r` reads the live state; the sandbox enrolls it 3 s after creation.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut pressed = Instant::now() - Duration::from_secs(1);
    loop {
        let screen = t.screen();
        if screen.contains("enrolled just now") {
            break;
        }
        assert!(Instant::now() < deadline, "never enrolled:\n{screen}");
        if pressed.elapsed() >= Duration::from_millis(500) {
            t.keys(&["r"]);
            pressed = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let screen = t.wait_for("1 of your registrations enrolled");
    assert!(screen.contains("enrolled just now"), "{screen}");
    t.keys(&["Enter"]);
    let detail = t.wait_for("Live copy");
    assert!(detail.contains("read from the tenant at"), "{detail}");
    t.keys(&["C-c"]);
    t.wait_exit();
}

/// The Drafts/Outbox tab follows the ledger with no key pressed: a draft
/// this console saved with Ctrl-D shows, and a `drafts discard` run by
/// another process takes it away.
#[test]
fn the_drafts_tab_follows_its_own_saves_and_another_processs_discard() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let sandbox = Standalone::start(&[], home.path());
    let url = sandbox.url.as_str();
    let t = console(home.path(), &["--graph-url", url, "--offline"]);
    t.keys(&["F4", "3"]);
    t.wait_for("Drafts/Outbox (0)");
    // Back to the form: a draft saved with Ctrl-D.
    t.keys(&["Escape"]);
    t.wait_for("New device identity");
    t.type_text("TABDRAFT0001");
    t.wait_for("detected: serial number");
    t.keys(&["C-d"]);
    let screen = t.wait_for("Draft 1");
    assert!(screen.contains("New device identity — Draft 1"), "{screen}");
    t.keys(&["F4", "3"]);
    let screen = t.wait_for("TABDRAFT0001");
    assert!(screen.contains("Drafts/Outbox (1)"), "{screen}");

    // Another process discards it; the open tab shows that by itself.
    run(home.path(), &["--graph-url", url, "drafts", "discard", "1"]);
    let screen = t.wait_until("the discard to show", |s| {
        s.contains("Drafts/Outbox (0)") && !s.contains("TABDRAFT0001")
    });
    assert!(!screen.contains("draft ("), "{screen}");
    t.keys(&["C-c"]);
    t.wait_exit();
}

/// Tenant Detail says "created" only for what this console created: a row
/// already in the tenant is not marked, the one submitted here is.
#[test]
fn tenant_detail_marks_only_what_this_machine_created() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let sandbox = Standalone::start(&["--seed-identities", "1"], home.path());
    let url = sandbox.url.as_str();
    let t = console(home.path(), &["--graph-url", url]);
    t.keys(&["F4", "2"]);
    t.wait_for("1 identities");
    t.keys(&["Enter"]);
    let screen = t.wait_for("not created from this machine");
    assert!(!screen.contains("✓"), "{screen}");

    t.keys(&["F2"]);
    t.wait_for("New device identity");
    t.type_text("TENANTMINE01");
    t.wait_for("detected: serial number");
    t.keys(&["C-s"]);
    t.wait_for("✓ created");
    t.keys(&["F4", "2", "r"]);
    t.wait_for("2 identities");
    t.keys(&["/"]);
    t.type_text("TENANTMINE01");
    t.keys(&["Enter", "Enter"]);
    let screen = t.wait_for("✓ created from this machine");
    assert!(screen.contains("TENANTMINE01"), "{screen}");
    t.keys(&["C-c"]);
    t.wait_exit();
}

/// Issue 13's race: the console's own auto-sync and two `drafts sync` from
/// other processes on 300 queued items. Each identity is created once, every
/// item is filed as created by this machine (none as "already exists"), and
/// the service sees at most 330 writes for the 300 items.
#[test]
fn the_console_and_two_cli_syncs_share_300_items_without_misfiling_one() {
    use enroll_console::domain::{
        DateTimeOffset, ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform,
    };
    use enroll_console::store::{ItemState, Store};

    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    // 20 ms a request: the console is still sending when the CLI syncs start.
    let sandbox = Standalone::start(&["--latency-ms", "20"], home.path());
    let url = sandbox.url.as_str();
    let profile = format!("url:{url}");
    let db = home.path().join("data").join("console.db");
    let serials: Vec<String> = (0..300).map(|i| format!("SHARED{i:06}")).collect();
    {
        let store = Store::open(&db).expect("open the ledger");
        let rows: Vec<_> = serials
            .iter()
            .map(|s| {
                ImportedDeviceIdentity::new(
                    s,
                    ImportedDeviceIdentityType::SerialNumber,
                    Platform::Android,
                )
            })
            .collect();
        let at = DateTimeOffset::parse("2026-01-01T10:00:00Z").expect("a date");
        store
            .enqueue(&profile, &rows, "offline", at)
            .expect("queue 300 items");
    }

    let t = console(home.path(), &["--graph-url", url]);
    // The console has claimed its first item before the other senders start.
    t.wait_for("syncing");
    let syncs: Vec<_> = (0..2)
        .map(|_| {
            cli(home.path(), &["--graph-url", url, "drafts", "sync"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start drafts sync")
        })
        .collect();
    let mut cli_created = 0;
    for sync in syncs {
        let out = sync.wait_with_output().expect("drafts sync ends");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        cli_created += stderr
            .split(" created,")
            .next()
            .and_then(|head| head.trim().rsplit(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
    }
    assert!(cli_created < 300, "the console sent some: {cli_created}");

    // The console settles what it claimed; wait for the ledger to say so.
    let deadline = Instant::now() + Duration::from_secs(180);
    let items = loop {
        let store = Store::open(&db).expect("open the ledger");
        let items = store.outbox_items(Some(&profile)).expect("read the outbox");
        let settled = items
            .iter()
            .filter(|i| !matches!(i.state, ItemState::Queued | ItemState::Sending))
            .count();
        if settled == 300 {
            break items;
        }
        assert!(
            Instant::now() < deadline,
            "{settled} of 300 settled:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let created = items
        .iter()
        .filter(|i| i.state == ItemState::Created)
        .count();
    assert_eq!(created, 300, "every item filed as created by this machine");
    let stats = sandbox.stats();
    let count = |kind: &str| stats[kind].as_u64().unwrap_or(0);
    let writes = count("create") + count("import") + count("search");
    assert!(writes <= 330, "{writes} writes for 300 items: {stats}");
    assert!(count("create") + count("import") >= 300, "{stats}");
    println!(
        "console + 2 syncs: the CLI syncs created {cli_created}, the console {}; {writes} writes",
        300 - cli_created
    );
    t.keys(&["C-c"]);
    t.wait_exit();

    // Each identity once in the tenant.
    let out = cli(home.path(), &["--graph-url", url, "list", "--json"])
        .output()
        .expect("list");
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("list --json");
    let listed = listed.as_array().expect("an array");
    assert_eq!(listed.len(), 300, "each identity created once");
}
