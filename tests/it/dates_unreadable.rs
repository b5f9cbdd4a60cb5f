//! One identity whose date-time the service wrote without an offset: the
//! row is kept, the field is marked wherever it is drawn (the Tenant list,
//! Detail), and `list --json` and `export` write the service's text back.

use crate::client_support::{Answer, Scripted, TOKEN};
use crate::ui_support::*;

use std::process::Command;

use crossterm::event::KeyCode;
use enroll_console::domain::{ImportedDeviceIdentity, Page};
use enroll_console::screens::render_to_string;
use serde_json::json;

const NO_OFFSET: &str = "2024-05-01T09:30:00";

/// A page of two identities, the first created at a time without an offset.
fn page() -> serde_json::Value {
    json!({
        "value": [
            {"id": "00000000-0000-4000-8000-000000000001", "importedDeviceIdentifier": "C02XK0001GH5",
             "importedDeviceIdentityType": "serialNumber", "platform": "macOS",
             "enrollmentState": "notContacted", "description": "cart 1",
             "createdDateTime": NO_OFFSET, "lastModifiedDateTime": "2024-05-01T09:30:00Z",
             "lastContactedDateTime": "0001-01-01T00:00:00Z"},
            {"id": "00000000-0000-4000-8000-000000000002", "importedDeviceIdentifier": "C02XK0002GH5",
             "importedDeviceIdentityType": "serialNumber", "platform": "macOS",
             "enrollmentState": "notContacted", "description": "cart 2",
             "createdDateTime": "2024-05-02T09:30:00Z",
             "lastContactedDateTime": "0001-01-01T00:00:00Z"}
        ]
    })
}

fn identities() -> Vec<ImportedDeviceIdentity> {
    serde_json::from_value::<Page<ImportedDeviceIdentity>>(page())
        .unwrap()
        .value
}

#[test]
fn the_text_is_kept_and_written_back_as_it_came() {
    let rows = identities();
    assert_eq!(rows.len(), 2, "the row is kept");
    assert_eq!(rows[0].created_date_time, None);
    let unreadable = rows[0].unreadable_dates.as_deref().unwrap();
    assert_eq!(unreadable.created_date_time.as_deref(), Some(NO_OFFSET));
    assert_eq!(rows[1].unreadable_dates, None);
    let back = serde_json::to_value(&rows[0]).unwrap();
    assert_eq!(back["createdDateTime"], NO_OFFSET);
    assert_eq!(back["lastModifiedDateTime"], "2024-05-01T09:30:00Z");
    let again: ImportedDeviceIdentity = serde_json::from_value(back).unwrap();
    assert_eq!(again, rows[0]);
    // Never sent back to the service.
    let request = serde_json::to_value(rows[0].to_request()).unwrap();
    assert!(request.get("createdDateTime").is_none(), "{request}");
}

#[test]
fn the_tenant_list_and_detail_mark_the_field() {
    let mut app = app();
    load_tenant(&mut app, identities());
    let list = render_to_string(&app, 100, 12);
    let row = list
        .lines()
        .find(|l| l.contains("C02XK0001GH5"))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(row.contains("no offset?"), "{list}");
    assert!(!row.contains('—'), "{list}");
    send(&mut app, [key(KeyCode::Enter)]);
    let detail = render_to_string(&app, 100, 30);
    assert!(
        detail.contains("2024-05-01T09:30:00 (no offset: time zone unknown)"),
        "{detail}"
    );
    assert!(detail.contains("2024-05-01T09:30:00Z"), "{detail}");
}

/// Runs the binary against `graph_url`; returns (exit code, stdout, stderr).
async fn run(graph_url: String, args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let mut all = vec!["--graph-url".to_string(), graph_url];
    all.extend(args.iter().map(|a| a.to_string()));
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_enroll-console"))
            .args(&all)
            .env("ENROLL_CONSOLE_HOME", home.path())
            .env("ENROLL_CONSOLE_TOKEN", TOKEN)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn list_json_and_export_keep_the_services_text() {
    let server = Scripted::start(|_, _| Answer::json(200, page())).await;
    let (code, out, err) = run(server.base(), &["list", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["createdDateTime"], NO_OFFSET, "{out}");
    let (code, out, err) = run(server.base(), &["export", "--format", "csv"]).await;
    assert_eq!(code, 0, "{err}");
    let row = out.lines().nth(1).unwrap();
    assert!(row.contains(&format!(",{NO_OFFSET},")), "{out}");
}
