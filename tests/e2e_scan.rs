//! Scan mode end to end: the built console in tmux on its embedded sandbox.
//! Each token is typed by one `send-keys` (a burst, as a scanner types),
//! then Enter; afterwards `enroll-console list` on the same data folder
//! shows what reached the sandbox.

#[path = "support/tmux.rs"]
mod tmux;

use std::process::Command;

use tempfile::TempDir;
use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

fn scan(t: &Tmux, token: &str) {
    t.type_text(token);
    t.keys(&["Enter"]);
}

#[test]
fn scans_are_classified_refused_counted_and_sent() {
    if !tmux::available() {
        return;
    }
    let home = TempDir::new().unwrap();
    let home_path = home.path().to_str().unwrap();
    let t = Tmux::start(
        std::path::Path::new(BIN),
        &[],
        &[("ENROLL_CONSOLE_HOME", home_path), ("NO_COLOR", "1")],
        home.path(),
        100,
        30,
    );
    t.wait_for("SANDBOX");
    t.keys(&["F3"]);
    t.wait_for("Scan ›");

    scan(&t, "490154203237518");
    t.wait_until("the IMEI created", |s| {
        s.contains("#1") && s.contains("imei") && s.contains("created")
    });
    scan(&t, "4006381333931");
    let screen = t.wait_for("product barcode (EAN-13)");
    assert!(screen.contains("✗ #2"), "{screen}");
    scan(&t, "C02XK0XXJGH5");
    let screen = t.wait_until("the serial created", |s| {
        s.contains("#3") && s.contains("serialNumber") && s.contains("created 2")
    });
    assert!(
        screen.contains("accepted 2 · rejected 1 · created 2"),
        "{screen}"
    );
    assert!(screen.contains("last: C02XK0XXJGH5 → C02XK0XXJGH5 (serialNumber, scanned)"));
    // Newest first.
    let row = |n: &str| screen.find(&format!("#{n} ")).unwrap();
    assert!(row("3") < row("2") && row("2") < row("1"), "{screen}");

    t.keys(&["C-c"]);
    t.wait_exit();
    let out = Command::new(BIN)
        .args(["list", "--json"])
        .env("ENROLL_CONSOLE_HOME", home.path())
        .env_remove("ENROLL_CONSOLE_TOKEN")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<(String, String)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["importedDeviceIdentifier"].as_str().unwrap().to_string(),
                i["importedDeviceIdentityType"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("490154203237518".to_string(), "imei".to_string()),
            ("C02XK0XXJGH5".to_string(), "serialNumber".to_string()),
        ]
    );
}
