//! End to end: the built console in tmux against a standalone sandbox
//! holding 100,000 identities served 1,000 a page. The Tenant tab shows rows
//! while the rest load, answers keys meanwhile, counts to 100,000, and
//! filters down to one identifier. (Timing is the benchmarks' job.) Against
//! next-page links that go round, the tab stops and says so.

use crate::support;

use std::path::Path;

use support::standalone::Standalone;
use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

/// The row the `>` marker is on.
fn selected_line(screen: &str) -> Option<&str> {
    screen
        .lines()
        .find(|l| l.trim_start_matches('│').starts_with('>'))
}

/// The console on `sandbox` in a terminal `width` wide, on its Tenant tab.
fn on_the_tenant_tab(home: &Path, sandbox: &Standalone, width: u16) -> Tmux {
    let home_s = home.display().to_string();
    let t = Tmux::start(
        Path::new(BIN),
        &["--graph-url", &sandbox.url],
        &[
            ("ENROLL_CONSOLE_HOME", home_s.as_str()),
            ("ENROLL_CONSOLE_TOKEN", "e2e-token"),
        ],
        home,
        width,
        30,
    );
    t.wait_for("New device identity");
    t.keys(&["F4"]);
    t.wait_for("Recent");
    t.keys(&["2"]);
    t
}

#[test]
fn tenant_tab_at_100000_rows_loads_in_the_background_and_filters() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    // Slow pages a little so the load is still running while keys are checked.
    let sandbox = Standalone::start(
        &[
            "--seed-identities",
            "100000",
            "--page-size",
            "1000",
            "--latency-ms",
            "20",
        ],
        home.path(),
    );
    let t = on_the_tenant_tab(home.path(), &sandbox, 100);
    // The first rows show while the rest load.
    let first = t.wait_for("350000000000006");
    assert!(first.contains("Loading…"), "{first}");
    assert!(
        first.contains("Esc stops"),
        "the footer says how to stop:\n{first}"
    );

    // Keys are answered while loading: the selection moves down two rows.
    t.keys(&["j", "j"]);
    let moved = t.wait_until("the selection to move", |s| {
        selected_line(s).is_some_and(|l| l.contains("SBX000000002"))
    });
    assert!(
        moved.contains("Loading…"),
        "the load finished too soon:\n{moved}"
    );

    let done = t.wait_for("100,000 identities");
    assert!(done.contains("Tenant (100,000)"), "{done}");

    // Filter down to one identifier.
    t.keys(&["/"]);
    t.type_text("SBX000099998");
    let one = t.wait_for("1 match");
    assert!(one.contains("SBX000099998"), "{one}");
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    let detail = t.wait_for("Device identity");
    assert!(detail.contains("SBX000099998"), "{detail}");
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn tenant_tab_stops_on_a_next_link_cycle_and_names_the_request() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    // 30 identities, 7 a page, the second page linking back to the first.
    let sandbox = Standalone::start(
        &[
            "--seed-identities",
            "30",
            "--page-size",
            "7",
            "--next-link-cycle",
            "pair",
        ],
        home.path(),
    );
    let t = on_the_tenant_tab(home.path(), &sandbox, 120);
    let stopped = t.wait_for("21+ loaded, stopped, request-id ");
    assert!(!stopped.contains(" identities"), "{stopped}");
    assert!(stopped.contains("stopped before its end"), "{stopped}");
    assert!(stopped.contains("Tenant (21+)"), "{stopped}");
    let list = sandbox.stats()["list"].as_u64().unwrap_or(0);
    assert_eq!(list, 3, "A→B→A costs three list requests");
    t.keys(&["C-c"]);
    t.wait_exit();
}
