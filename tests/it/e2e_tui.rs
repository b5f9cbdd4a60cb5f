//! End to end: the built console in a real terminal (tmux), on the embedded
//! sandbox and against a standalone sandbox, through the main journeys of the
//! foundation: form → submit → Detail, Recent across restarts, the picker,
//! the create-route fallback, inline validation and service errors.

use crate::support;

use std::path::Path;

use support::standalone::Standalone;
use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

fn console(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Tmux {
    let home_s = home.display().to_string();
    let mut all_env = vec![("ENROLL_CONSOLE_HOME", home_s.as_str())];
    all_env.extend_from_slice(env);
    let t = Tmux::start(Path::new(BIN), args, &all_env, home, 100, 30);
    t.wait_for("New device identity");
    t
}

/// Whether `s` holds a GUID-shaped token (8-4-4-4-12 hex digits).
fn has_guid(s: &str) -> bool {
    s.split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
        .any(|w| {
            let parts: Vec<&str> = w.split('-').collect();
            parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        })
}

/// The identities the embedded sandbox holds for this home, as JSON.
fn sandbox_identities(home: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = extra.to_vec();
    args.extend(["list", "--json"]);
    support::console::json(home, &args)
}

#[test]
fn create_on_the_embedded_sandbox_then_recent_survives_a_restart() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let t = console(home.path(), &[], &[]);
    t.wait_for("SANDBOX");

    // Identifier, then Tab Tab to Platform, open the list, pick Android.
    t.type_text("490154203237518");
    t.wait_for("detected: IMEI");
    t.keys(&["Tab", "Tab", "Enter"]);
    t.wait_for("type to jump");
    t.type_text("a");
    t.keys(&["Enter"]);
    t.wait_for("Android");
    t.keys(&["C-s"]);
    let detail = t.wait_for("✓ created");
    assert!(has_guid(&detail), "no GUID id on Detail:\n{detail}");
    for expected in ["490154203237518", "IMEI", "Android", "not contacted"] {
        assert!(detail.contains(expected), "{expected:?} missing:\n{detail}");
    }

    t.keys(&["F4"]);
    t.wait_for("Recent (1)");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    // What was sent is what the sandbox holds.
    let held = sandbox_identities(home.path(), &[]);
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["importedDeviceIdentifier"], "490154203237518");
    assert_eq!(held[0]["importedDeviceIdentityType"], "imei");
    assert_eq!(held[0]["platform"], "android");
    assert_eq!(held[0]["enrollmentState"], "notContacted");

    let t = console(home.path(), &[], &[]);
    t.keys(&["F4"]);
    let list = t.wait_for("Recent (1)");
    assert!(list.contains("490154203237518"), "{list}");
    t.keys(&["Enter"]);
    let again = t.wait_for("✓ created");
    assert!(
        again.contains(held[0]["id"].as_str().unwrap_or("?")),
        "Detail from Recent shows the service's id:\n{again}"
    );
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn a_missing_create_route_falls_back_to_import_and_says_so_once() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let sandbox = Standalone::start(&["--create-route-missing"], home.path());
    let t = console(
        home.path(),
        &["--graph-url", &sandbox.url],
        &[("ENROLL_CONSOLE_TOKEN", "e2e-token")],
    );
    t.type_text("490154203237518");
    t.keys(&["C-s"]);
    let first = t.wait_for("✓ created");
    assert!(
        first.contains("create route is not available"),
        "the switch is announced:\n{first}"
    );
    assert!(first.contains("importDeviceIdentityList"), "{first}");
    assert!(has_guid(&first), "{first}");

    t.keys(&["F2"]);
    t.wait_for("IMEI, serial number or Manufacturer,Model,Serial");
    t.type_text("35209900176148");
    t.keys(&["C-s"]);
    let second = t.wait_until("the second result", |s| {
        s.contains("✓ created") && s.contains("35209900176148")
    });
    assert!(
        !second.contains("create route is not available"),
        "the switch is announced once only:\n{second}"
    );
    assert!(
        second.contains("import (importDeviceIdentityList)"),
        "{second}"
    );
    t.keys(&["C-c"]);
    t.wait_exit();

    let held = sandbox_identities(home.path(), &["--graph-url", &sandbox.url]);
    assert_eq!(held.len(), 2, "{held:?}");
}

#[test]
fn a_bad_check_digit_is_caught_inline_and_service_errors_are_shown() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    // The documented create, so a second send of the same identifier is a 409.
    let sandbox = Standalone::start(&["--create-route", "documented"], home.path());
    let args = ["--graph-url", sandbox.url.as_str()];
    let env = [("ENROLL_CONSOLE_TOKEN", "e2e-token")];
    let t = console(home.path(), &args, &env);

    t.type_text("490154203237517");
    t.wait_for("check digit is wrong");
    t.keys(&["C-s"]);
    t.wait_for("Not sent");

    // Fix it, send it, then send the same identifier again: the service's
    // own words come back (409 Conflict) and the form keeps what was typed.
    t.keys(&["BSpace"]);
    t.type_text("8");
    t.keys(&["C-s"]);
    t.wait_for("✓ created");
    t.keys(&["F2"]);
    t.wait_for("IMEI, serial number or Manufacturer,Model,Serial");
    t.type_text("490154203237518");
    t.keys(&["C-s"]);
    let error = t.wait_for("┌ Error");
    assert!(error.contains("409"), "{error}");
    assert!(
        error.contains("490154203237518"),
        "the form keeps the text:\n{error}"
    );
    t.keys(&["C-c"]);
    t.wait_exit();

    let held = sandbox_identities(home.path(), &args);
    assert_eq!(held.len(), 1, "the bad one was never sent: {held:?}");
}

#[test]
fn forced_import_shows_the_row_status_including_a_refused_duplicate() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let t = console(home.path(), &["--submit-method", "import"], &[]);
    t.type_text("C02XK0XXJGH5");
    t.wait_for("detected: serial number");
    t.keys(&["C-s"]);
    let first = t.wait_for("✓ created");
    assert!(
        first.contains("import (importDeviceIdentityList)"),
        "{first}"
    );

    // The same serial again: the import answers status false for that row.
    t.keys(&["F2"]);
    t.wait_for("IMEI, serial number or Manufacturer,Model,Serial");
    t.type_text("C02XK0XXJGH5");
    t.keys(&["C-s"]);
    let second = t.wait_for("✗ not imported");
    assert!(second.contains("status false"), "{second}");
    t.keys(&["C-c"]);
    t.wait_exit();
    assert_eq!(sandbox_identities(home.path(), &[]).len(), 1);
}

/// What the standalone sandbox served, by kind (`GET /_sandbox/stats`).
fn served(sandbox: &Standalone) -> serde_json::Value {
    use std::io::{Read, Write};
    let host = sandbox.root().trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&host).expect("connect to the sandbox");
    write!(
        stream,
        "GET /_sandbox/stats HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("ask for the stats");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read the stats");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("stats JSON ({e}): {answer}"))
}

#[test]
fn todays_service_a_create_answered_500_is_sent_with_import_in_the_same_submission() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    // The sandbox's default is today's service: the documented create answers 500.
    let sandbox = Standalone::start(&[], home.path());
    let args = ["--graph-url", sandbox.url.as_str()];
    let env = [("ENROLL_CONSOLE_TOKEN", "e2e-token")];
    let t = console(home.path(), &args, &env);
    t.type_text("C02XK0XXJGH5");
    t.wait_for("detected: serial number");
    t.keys(&["C-s"]);
    let detail = t.wait_for("✓ created");
    assert!(has_guid(&detail), "no id on Detail:\n{detail}");
    for expected in [
        "not contacted",
        "import (importDeviceIdentityList)",
        "sent with import — create answered 500",
    ] {
        assert!(detail.contains(expected), "{expected:?} missing:\n{detail}");
    }
    let stats = served(&sandbox);
    assert_eq!(stats["create"], 1, "{stats}");
    assert_eq!(stats["search"], 1, "{stats}");
    assert_eq!(stats["import"], 1, "{stats}");

    // The next one goes by import only.
    t.keys(&["F2"]);
    t.wait_for("IMEI, serial number or Manufacturer,Model,Serial");
    t.type_text("C02XK0XXJGH6");
    t.keys(&["C-s"]);
    t.wait_until("the second result", |s| {
        s.contains("✓ created") && s.contains("C02XK0XXJGH6")
    });
    let stats = served(&sandbox);
    assert_eq!(
        (stats["create"].as_u64(), stats["import"].as_u64()),
        (Some(1), Some(2)),
        "{stats}"
    );
    t.keys(&["C-c"]);
    t.wait_exit();
}
