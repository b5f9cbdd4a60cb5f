//! The List tabs, the Tenant list and the Detail actions as pure state:
//! keys and messages in, effects out; and snapshots of the Tenant tab, the
//! Stale view, the filter prompt and the dialogs at 80×24 and 60×20.

use crate::ui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use enroll_console::app::{
    App, Effect, ListTab, Msg, Screen, TenantEffect, TenantModal, TenantMsg,
};
use enroll_console::domain::{
    EnrollmentState, ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform,
};
use enroll_console::graph::GraphError;
use enroll_console::screens::render_to_string;
use enroll_console::tenant::{Column, ExportFormat};
use ui_support::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (60, 20)];

fn snapshot_all(name: &str, app: &App) {
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            render_to_string(app, width, height)
        );
    }
}

fn tenant_identity(n: usize) -> ImportedDeviceIdentity {
    let (identifier, ty, platform) = match n % 3 {
        0 => (
            format!("35{:013}", 1_000_000 + n * 7),
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
        ),
        1 => (
            format!("C02XK{n:04}GH5"),
            ImportedDeviceIdentityType::SerialNumber,
            Platform::MacOs,
        ),
        _ => (
            format!("Contoso,Laptop 7,SN{n:06}"),
            ImportedDeviceIdentityType::ManufacturerModelSerial,
            Platform::Windows,
        ),
    };
    let mut i = ImportedDeviceIdentity::new(identifier, ty, platform);
    i.odata_type = None;
    i.id = Some(format!("00000000-0000-4000-8000-{n:012}"));
    i.created_date_time = Some(at(&format!("2024-0{}-1{}T08:00:00Z", 1 + n % 5, n % 10)));
    let contacted = match n % 4 {
        0 => "0001-01-01T00:00:00Z".to_string(),
        1 => "2024-05-20T10:00:00Z".to_string(),
        2 => "2023-11-02T10:00:00Z".to_string(),
        _ => "2024-05-30T10:00:00Z".to_string(),
    };
    i.last_contacted_date_time = Some(at(&contacted));
    i.enrollment_state = Some(if n.is_multiple_of(4) {
        EnrollmentState::NotContacted
    } else {
        EnrollmentState::Enrolled
    });
    if n % 3 != 2 {
        i.description = Some(format!("PO-47{n:02} cart {}", n % 4));
    }
    i
}

fn page(load: u64, range: std::ops::Range<usize>, last: bool) -> Msg {
    Msg::Tenant(TenantMsg::Page {
        load,
        received_at: at("2024-06-01T12:00:00Z"),
        identities: range.map(tenant_identity).collect(),
        last,
    })
}

fn load_id(effects: &[Effect]) -> Option<u64> {
    effects.iter().find_map(|e| match e {
        Effect::Tenant(TenantEffect::Load { load }) => Some(*load),
        _ => None,
    })
}

/// The console on the Tenant tab, its first load asked for.
fn on_tenant_tab() -> (App, u64) {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(4))]);
    let effects = send(&mut app, [key(KeyCode::Char('2'))]);
    let load = load_id(&effects).expect("the first visit loads");
    (app, load)
}

fn loaded(n: usize) -> App {
    let (mut app, load) = on_tenant_tab();
    app.update(page(load, 0..n, true));
    app
}

fn shown_identifiers(app: &App) -> Vec<String> {
    let view = app.tenant().view();
    (0..view.view().len())
        .map(|p| view.row_at(p).unwrap().identifier().to_string())
        .collect()
}

#[test]
fn tabs_switch_with_numbers_tab_and_shift_tab() {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(4))]);
    assert_eq!(app.list_tab(), ListTab::Recent);
    let effects = send(&mut app, [key(KeyCode::Tab)]);
    assert_eq!(app.list_tab(), ListTab::Tenant);
    assert!(load_id(&effects).is_some());
    // Coming back does not load again.
    let effects = send(&mut app, [key(KeyCode::BackTab), key(KeyCode::Char('2'))]);
    assert_eq!(app.list_tab(), ListTab::Tenant);
    assert_eq!(load_id(&effects), None);
    send(&mut app, [key(KeyCode::Char('1'))]);
    assert_eq!(app.list_tab(), ListTab::Recent);
    // F4 opens the list on its Recent tab.
    send(
        &mut app,
        [
            key(KeyCode::Char('2')),
            key(KeyCode::F(2)),
            key(KeyCode::F(4)),
        ],
    );
    assert_eq!(app.list_tab(), ListTab::Recent);
}

#[test]
fn pages_arrive_while_keys_keep_working_and_late_pages_are_dropped() {
    let (mut app, load) = on_tenant_tab();
    app.update(page(load, 0..20, false));
    assert!(app.tenant().is_loading());
    send(&mut app, [key(KeyCode::Char('j')), key(KeyCode::Char('j'))]);
    assert_eq!(app.tenant().selected(), 2);
    app.update(page(load, 20..40, false));
    assert_eq!(app.tenant().view().total(), 40);
    assert_eq!(app.tenant().selected(), 2);
    // Esc stops the load (it does not leave the list while loading).
    let effects = send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(
        effects,
        vec![Effect::Tenant(TenantEffect::CancelLoad { load })]
    );
    assert_eq!(app.screen(), Screen::List);
    assert!(!app.tenant().is_loading());
    app.update(page(load, 40..60, true));
    assert_eq!(app.tenant().view().total(), 40);
    // r reloads from scratch; the old load's pages no longer count.
    let effects = send(&mut app, [key(KeyCode::Char('r'))]);
    let reload = load_id(&effects).expect("reload");
    assert_ne!(reload, load);
    assert_eq!(app.tenant().view().total(), 0);
    app.update(page(load, 0..5, true));
    app.update(page(reload, 0..7, true));
    assert_eq!(app.tenant().view().total(), 7);
    // Once loaded, Esc goes back.
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.screen(), Screen::Form);
}

#[test]
fn letters_type_into_the_filter_and_never_act() {
    let mut app = loaded(12);
    type_text(&mut app, "/cart");
    assert!(app.text_focused());
    assert_eq!(app.tenant().filter_text(), "cart");
    assert_eq!(app.screen(), Screen::List);
    assert_eq!(shown_identifiers(&app).len(), 8);
    // d, s, x, q are text here.
    type_text(&mut app, " dsxq");
    assert_eq!(app.tenant().filter_text(), "cart dsxq");
    assert!(app.tenant().modal().is_none());
    assert!(app.tenant().view().view().is_empty());
    for _ in 0..5 {
        app.update(key(KeyCode::Backspace));
    }
    send(&mut app, [key(KeyCode::Enter)]);
    assert!(!app.text_focused());
    assert_eq!(app.tenant().filter_text(), "cart");
    assert_eq!(shown_identifiers(&app).len(), 8);
    // Prefix words.
    type_text(&mut app, "/");
    send(&mut app, [ctrl('u')]);
    type_text(&mut app, "type:serialnumber state:enrolled");
    assert_eq!(
        shown_identifiers(&app),
        vec!["C02XK0001GH5", "C02XK0007GH5", "C02XK0010GH5"]
    );
    // Esc clears the filter.
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.tenant().view().view().len(), 12);
}

/// The text in the open edit-description dialog.
fn edit_field(app: &App) -> String {
    match app.tenant().modal() {
        Some(TenantModal::EditDescription { field, .. }) => field.value().to_string(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_paste_goes_into_the_filter_and_the_dialogs_fields() {
    let mut app = loaded(12);
    type_text(&mut app, "/");
    app.update(Msg::Paste("cart".into()));
    assert_eq!(app.tenant().filter_text(), "cart");
    assert_eq!(shown_identifiers(&app).len(), 8);
    send(&mut app, [key(KeyCode::Esc)]);
    // The edit-description dialog on Detail takes it (bracketed paste, PRODUCT §3).
    send(
        &mut app,
        [key(KeyCode::Enter), key(KeyCode::Char('e')), ctrl('u')],
    );
    app.update(Msg::Paste("PO-4711\r\nshelf 2".into()));
    assert_eq!(edit_field(&app), "PO-4711 shelf 2");
    assert!(app.status().unwrap().text.contains("line break"));
    // Control characters: refused, with a message, and the field unchanged.
    app.update(Msg::Paste("AB\u{1b}[31mCD".into()));
    assert_eq!(edit_field(&app), "PO-4711 shelf 2");
    assert!(app.status().unwrap().text.contains("paste refused"));
}

#[test]
fn sort_cycles_and_the_stale_view_uses_the_time_from_messages() {
    let mut app = loaded(12).with_stale_days(30);
    send(&mut app, [key(KeyCode::Char('s'))]);
    let sort = app.tenant().sort().unwrap();
    assert_eq!((sort.column, sort.descending), (Column::Identifier, false));
    let ids = shown_identifiers(&app);
    let mut sorted = ids.clone();
    sorted.sort_by_key(|s| s.to_lowercase());
    assert_eq!(ids, sorted);
    send(&mut app, [key(KeyCode::Char('s'))]);
    assert!(app.tenant().sort().unwrap().descending);
    // Stale: never contacted (n % 4 == 0) or contacted 2023-11-02 (n % 4 == 2),
    // "now" being the page's 2024-06-01.
    send(&mut app, [key(KeyCode::Char('v'))]);
    assert!(app.tenant().stale_on());
    assert_eq!(app.tenant().view().view().len(), 6);
    send(&mut app, [key(KeyCode::Char('v'))]);
    assert_eq!(app.tenant().view().view().len(), 12);
}

#[test]
fn a_windows_identity_is_not_offered_a_description() {
    let mut windows = ImportedDeviceIdentity::new(
        "Dell Inc.,Latitude 7440,DL000491",
        ImportedDeviceIdentityType::ManufacturerModelSerial,
        Platform::Windows,
    );
    windows.id = Some("00000000-0000-4000-8000-000000000049".into());
    let mut app = app();
    load_tenant(&mut app, vec![windows]);
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.screen(), Screen::Detail);
    let footer = render_to_string(&app, 100, 30);
    assert!(!footer.contains("edit description"), "{footer}");
    assert!(footer.contains("d delete"), "{footer}");
    send(&mut app, [key(KeyCode::Char('e'))]);
    assert!(app.tenant().modal().is_none());
    assert_eq!(
        app.status().map(|s| s.text.as_str()),
        Some("Windows identities take no description")
    );
}

#[test]
fn no_match_mentions_the_stale_view_only_inside_it() {
    let mut app = loaded(3);
    send(&mut app, [key(KeyCode::Char('/'))]);
    type_text(&mut app, "nothing-like-this");
    send(&mut app, [key(KeyCode::Enter)]);
    let screen = render_to_string(&app, 100, 30);
    assert!(screen.contains("No identity matches"), "{screen}");
    assert!(!screen.contains("Stale view"), "{screen}");
    send(&mut app, [key(KeyCode::Char('v'))]);
    let screen = render_to_string(&app, 100, 30);
    assert!(screen.contains("leaves the Stale view"), "{screen}");
}

#[test]
fn detail_edit_description_checks_the_128_rule_and_patches() {
    let mut app = loaded(3);
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.screen(), Screen::Detail);
    send(&mut app, [key(KeyCode::Char('e'))]);
    assert!(app.text_focused());
    send(&mut app, [ctrl('u')]);
    type_text(&mut app, &"x".repeat(129));
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    assert!(effects.is_empty());
    match app.tenant().modal() {
        Some(TenantModal::EditDescription { error: Some(e), .. }) => {
            assert!(e.contains("128"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    send(&mut app, [key(KeyCode::Backspace)]);
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    let (id, description, identity) = match effects.as_slice() {
        [
            Effect::Tenant(TenantEffect::UpdateDescription {
                id,
                description,
                identity,
            }),
        ] => (id.clone(), description.clone(), identity.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(description, "x".repeat(128));
    assert_eq!(id, "00000000-0000-4000-8000-000000000000");
    app.update(Msg::Tenant(TenantMsg::Updated {
        received_at: at("2024-06-01T12:00:01Z"),
        id,
        result: Ok(identity),
    }));
    assert!(app.tenant().modal().is_none());
    let detail = app.detail().unwrap();
    assert_eq!(
        detail.result.identity.description.as_deref(),
        Some(&*"x".repeat(128))
    );
    send(&mut app, [key(KeyCode::Esc)]);
    type_text(&mut app, "/xxxxxxxx");
    assert_eq!(app.tenant().view().view().len(), 1);
}

#[test]
fn bulk_delete_asks_once_and_reports_each_row() {
    let mut app = loaded(6);
    send(
        &mut app,
        [
            key(KeyCode::Char(' ')),
            key(KeyCode::Char(' ')),
            key(KeyCode::Char('j')),
            key(KeyCode::Char(' ')),
        ],
    );
    assert_eq!(app.tenant().marked_count(), 3);
    send(&mut app, [key(KeyCode::Char('d'))]);
    match app.tenant().modal() {
        Some(TenantModal::ConfirmDelete { targets }) => assert_eq!(targets.len(), 3),
        other => panic!("{other:?}"),
    }
    // n keeps them.
    send(&mut app, [key(KeyCode::Char('n'))]);
    assert!(app.tenant().modal().is_none());
    send(&mut app, [key(KeyCode::Char('d'))]);
    let effects = send(&mut app, [key(KeyCode::Char('y'))]);
    let ids = match effects.as_slice() {
        [Effect::Tenant(TenantEffect::Delete { ids })] => ids.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(ids.len(), 3);
    let results = vec![
        (ids[0].clone(), Ok(())),
        (
            ids[1].clone(),
            Err(GraphError::Service {
                status: 404,
                code: "ResourceNotFound".into(),
                message: "not found".into(),
                request_id: None,
                client_request_id: String::new(),
                retry_after_secs: None,
            }),
        ),
        (ids[2].clone(), Ok(())),
    ];
    app.update(Msg::Tenant(TenantMsg::Deleted {
        received_at: at("2024-06-01T12:00:02Z"),
        results,
    }));
    assert_eq!(app.tenant().view().total(), 4);
    match app.tenant().modal() {
        Some(TenantModal::Results { title, lines }) => {
            assert_eq!(title, "Deleted 2 of 3");
            assert_eq!(lines.iter().filter(|line| !line.succeeded()).count(), 1);
        }
        other => panic!("{other:?}"),
    }
    snapshot_all("tenant_bulk_delete_results", &app);
    send(&mut app, [key(KeyCode::Enter)]);
    assert!(app.tenant().modal().is_none());
}

#[test]
fn detail_copy_raw_json_and_export() {
    let mut app = loaded(4);
    send(&mut app, [key(KeyCode::Enter)]);
    let effects = send(&mut app, [key(KeyCode::Char('c'))]);
    assert_eq!(
        effects,
        vec![Effect::Tenant(TenantEffect::Copy {
            text: "00000000-0000-4000-8000-000000000000".into()
        })]
    );
    send(
        &mut app,
        [Msg::Key(KeyEvent::new(
            KeyCode::Char('J'),
            KeyModifiers::SHIFT,
        ))],
    );
    assert!(app.tenant().raw_json());
    let screen = render_to_string(&app, 80, 24);
    assert!(
        screen.contains("\"importedDeviceIdentifier\": \"350000001000000\""),
        "{screen}"
    );
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(!app.tenant().raw_json());
    assert_eq!(app.screen(), Screen::Detail);
    send(&mut app, [key(KeyCode::Esc)]);
    type_text(&mut app, "/cart");
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Char('x'))]);
    let dialog = render_to_string(&app, 100, 30);
    assert!(
        dialog.contains("current folder."),
        "the hint is whole:\n{dialog}"
    );
    send(&mut app, [key(KeyCode::Tab)]);
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    match effects.as_slice() {
        [
            Effect::Tenant(TenantEffect::Export {
                path,
                format,
                rows,
                overwrite: false,
            }),
        ] => {
            assert_eq!(path.to_str(), Some("identities.csv"));
            assert_eq!(*format, ExportFormat::CsvAdmin);
            assert_eq!(rows.len(), 3);
            assert!(rows.identities().all(|i| i.description.is_some()));
        }
        other => panic!("{other:?}"),
    }
}

/// The export of `app` asked for with Enter in its prompt: (path, overwrite).
fn export_asked(effects: &[Effect]) -> Option<(String, bool)> {
    effects.iter().find_map(|e| match e {
        Effect::Tenant(TenantEffect::Export {
            path, overwrite, ..
        }) => Some((path.display().to_string(), *overwrite)),
        _ => None,
    })
}

#[test]
fn an_export_over_an_existing_file_asks_and_n_keeps_it_y_replaces_it() {
    let mut app = loaded(4);
    send(&mut app, [key(KeyCode::Char('x')), ctrl('u')]);
    type_text(&mut app, "devices.csv");
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(
        export_asked(&effects),
        Some(("devices.csv".into(), false)),
        "the first try never replaces a file"
    );
    let exists = || {
        Msg::Tenant(TenantMsg::ExportExists {
            path: "devices.csv".into(),
            format: ExportFormat::Csv,
            existing: vec!["devices.csv".into()],
        })
    };
    assert!(app.update(exists()).is_empty());
    let question = app.confirmation().map(|c| c.question.clone());
    assert_eq!(question.as_deref(), Some("Replace devices.csv? It exists."));
    let screen = render_to_string(&app, 80, 24);
    assert!(screen.contains("Replace devices.csv?"), "{screen}");
    assert!(screen.contains("replace"), "{screen}");

    // n: nothing is written; the export prompt is back with the path.
    let effects = send(&mut app, [key(KeyCode::Char('n'))]);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(app.confirmation().is_none());
    match app.tenant().modal() {
        Some(TenantModal::Export { field, format }) => {
            assert_eq!(field.value(), "devices.csv");
            assert_eq!(*format, ExportFormat::Csv);
        }
        other => panic!("{other:?}"),
    }

    // Enter again asks again; y writes over it.
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(export_asked(&effects), Some(("devices.csv".into(), false)));
    app.update(exists());
    let effects = send(&mut app, [key(KeyCode::Char('y'))]);
    assert_eq!(export_asked(&effects), Some(("devices.csv".into(), true)));
    assert!(app.confirmation().is_none());
    assert!(app.tenant().modal().is_none());
}

#[test]
fn snapshot_tenant_tab_loading_and_loaded() {
    let (mut app, load) = on_tenant_tab();
    app.update(page(load, 0..30, false));
    snapshot_all("tenant_loading", &app);
    app.update(page(load, 30..40, true));
    send(&mut app, [key(KeyCode::Char('s')), key(KeyCode::Char(' '))]);
    snapshot_all("tenant_loaded_sorted", &app);
}

#[test]
fn snapshot_stale_view_and_filter_prompt() {
    let mut app = loaded(16).with_stale_days(90);
    send(&mut app, [key(KeyCode::Char('v'))]);
    snapshot_all("tenant_stale", &app);
    type_text(&mut app, "/state:not");
    snapshot_all("tenant_filter_prompt", &app);
}

#[test]
fn snapshot_delete_confirmation() {
    let mut app = loaded(5);
    send(&mut app, [key(KeyCode::Char('d'))]);
    snapshot_all("tenant_delete_confirm", &app);
    send(&mut app, [key(KeyCode::Esc)]);
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Char('e'))]);
    snapshot_all("tenant_edit_description", &app);
}

#[test]
fn hostile_text_from_the_service_is_cleaned() {
    let (mut app, load) = on_tenant_tab();
    let mut evil = tenant_identity(0);
    evil.imported_device_identifier = Some("IMEI\u{1b}]52;c;cHduZWQ=\u{7}123".into());
    evil.description = Some("\u{202E}evil\u{1b}[2J".into());
    app.update(Msg::Tenant(TenantMsg::Page {
        load,
        received_at: at("2024-06-01T12:00:00Z"),
        identities: vec![evil],
        last: true,
    }));
    let screen = render_to_string(&app, 100, 20);
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{202E}'));
    assert!(screen.contains("IMEI123"), "{screen}");
}

fn dell(serial: &str) -> ImportedDeviceIdentity {
    let mut i = ImportedDeviceIdentity::new(
        format!("Dell Inc.,Latitude 7440,{serial}"),
        ImportedDeviceIdentityType::ManufacturerModelSerial,
        Platform::Windows,
    );
    i.id = Some(format!("id-{serial}"));
    i
}

#[test]
fn windows_rows_that_differ_only_in_serial_stay_distinct() {
    let (mut app, load) = on_tenant_tab();
    app.update(Msg::Tenant(TenantMsg::Page {
        load,
        received_at: at("2024-06-01T12:00:00Z"),
        identities: vec![dell("DL00049A"), dell("DL00049B"), dell("DL00049C")],
        last: true,
    }));
    for width in [60, 80, 100] {
        let screen = render_to_string(&app, width, 20);
        for serial in ["DL00049A", "DL00049B", "DL00049C"] {
            assert!(screen.contains(serial), "{width}: {serial}\n{screen}");
        }
    }
    // Wide enough for the whole identifier: shown in full, nothing cut.
    let screen = render_to_string(&app, 200, 20);
    assert!(
        screen.contains("Dell Inc.,Latitude 7440,DL00049A "),
        "{screen}"
    );
}

#[test]
fn the_filter_prompt_has_its_own_footer_and_matches_only_shown_columns() {
    let mut app = loaded(16);
    type_text(&mut app, "/");
    let screen = render_to_string(&app, 100, 24);
    let footer = screen.lines().nth(22).unwrap();
    assert!(
        footer.contains("Enter keep filter") && footer.contains("Esc clear filter"),
        "{screen}"
    );
    assert!(!footer.contains("s sort"), "{footer}");
    // The cursor is in the prompt line, after `/ `.
    type_text(&mut app, "sn");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
    terminal
        .draw(|frame| enroll_console::screens::draw(frame, &app))
        .unwrap();
    let prompt_row = render_to_string(&app, 100, 24)
        .lines()
        .position(|l| l.starts_with("│/ sn"))
        .unwrap();
    terminal
        .backend_mut()
        .assert_cursor_position((5, u16::try_from(prompt_row).unwrap()));
    send(&mut app, [key(KeyCode::Esc)]);
    type_text(&mut app, "/");
    // The ids (never shown) hold `0000-4000`: no row matches through them.
    type_text(&mut app, "4000-8000");
    assert_eq!(app.tenant().view().view().len(), 0);
    send(&mut app, [key(KeyCode::Esc)]);
    type_text(&mut app, "/sn000005");
    assert_eq!(shown_identifiers(&app), ["Contoso,Laptop 7,SN000005"]);
}
