//! Scan mode end to end: the built console in tmux on its embedded sandbox.
//! Each token is typed by one `send-keys` (a burst, as a scanner types),
//! then Enter; afterwards `enroll-console list` on the same data folder
//! shows what reached the sandbox.

use crate::support::tmux;

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

#[test]
fn a_csv_is_previewed_imported_and_its_report_saved() {
    if !tmux::available() {
        return;
    }
    let home = TempDir::new().unwrap();
    let file = home.path().join("cart.csv");
    std::fs::write(
        &file,
        "490154203237518,PO-4711\r\n490154203237517,wrong digit\r\nC02XK0XXJGH5,\r\n",
    )
    .unwrap();
    let t = Tmux::start(
        std::path::Path::new(BIN),
        &[],
        &[
            ("ENROLL_CONSOLE_HOME", home.path().to_str().unwrap()),
            ("NO_COLOR", "1"),
        ],
        home.path(),
        100,
        30,
    );
    t.wait_for("SANDBOX");
    t.keys(&["F7"]);
    t.wait_for("CSV file ›");
    t.type_text(file.to_str().unwrap());
    t.keys(&["Enter"]);
    let screen = t.wait_for("0 in the tenant");
    assert!(screen.contains("3 rows · 1 invalid"), "{screen}");
    assert!(screen.contains("check digit is wrong"), "{screen}");
    t.keys(&["C-s"]);
    let screen = t.wait_for("2 created · 0 already present · 0 rejected · 1 invalid");
    assert!(screen.contains("2  490154203237517"), "{screen}");
    t.keys(&["w"]);
    t.wait_for("report saved to");
    let report = std::fs::read_to_string(home.path().join("cart.csv.report.csv")).unwrap();
    assert_eq!(
        report.lines().filter(|l| l.contains(",created,")).count(),
        2
    );
    assert!(report.contains("\n2,490154203237517,imei,invalid,"));
}
