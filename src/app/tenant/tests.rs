//! State tests of the Tenant feature: keys and messages in, outcomes out.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton};

use super::*;
use crate::app::confirm::Pending;
use crate::app::keymap::Keymap;
use crate::app::ledger_detail::{LedgerEffect, LedgerMsg, Provenance};
use crate::app::mouse::{Click, ClickTarget};
use crate::app::tabs::ListTab;
use crate::app::{App, Msg, Screen};
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};
use crate::tenant::ExportFormat;

#[test]
fn thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(100000), "100,000");
    assert_eq!(thousands(1234567), "1,234,567");
}

const ON_THE_TAB: TenantCtx<'static> = TenantCtx {
    screen: Screen::List,
    list_tab: ListTab::Tenant,
    detail: None,
};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Two identities, ids `id-` and their serial.
fn two_identities() -> Vec<ImportedDeviceIdentity> {
    ["C02XK0001GH5", "C02XK0002GH5"]
        .map(|serial| {
            let mut i = ImportedDeviceIdentity::new(
                serial.to_string(),
                ImportedDeviceIdentityType::SerialNumber,
                Platform::MacOs,
            );
            i.id = Some(format!("id-{serial}"));
            i
        })
        .to_vec()
}

/// The only page of `load`, with `two_identities`.
fn only_page(load: LoadId) -> TenantMsg {
    TenantMsg::Page {
        load,
        received_at: DateTimeOffset::parse("2024-06-01T12:00:00Z").expect("a fixed time"),
        identities: two_identities(),
        last: true,
    }
}

/// The tab with two rows loaded to the end.
fn loaded() -> TenantState {
    let mut s = TenantState::default();
    let load = match s.on_shown().as_slice() {
        [TenantEffect::Load { load }] => *load,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        s.update(only_page(load), &ON_THE_TAB),
        TenantOutcome::default()
    );
    s
}

/// The app on the List's Tenant tab, `two_identities` loaded.
fn app_on_the_tab() -> App {
    let mut app = App::for_tests();
    app.update(Msg::Key(key(KeyCode::F(4))));
    let effects = app.update(Msg::Key(key(KeyCode::Char('2'))));
    let load = match effects.as_slice() {
        [crate::app::Effect::Tenant(TenantEffect::Load { load })] => *load,
        other => panic!("{other:?}"),
    };
    app.update(Msg::Tenant(only_page(load)));
    assert_eq!(
        (app.screen(), app.list_tab()),
        (Screen::List, ListTab::Tenant)
    );
    app
}

#[test]
fn a_click_on_the_selected_row_opens_detail_as_enter_does_asking_the_ledger() {
    let mut by_enter = app_on_the_tab();
    let enter = by_enter.update(Msg::Key(key(KeyCode::Enter)));
    let asked = vec![crate::app::Effect::Ledger(LedgerEffect::AskCreatedHere {
        service_id: "id-C02XK0001GH5".into(),
    })];
    assert_eq!(enter, asked);

    let mut by_click = app_on_the_tab();
    let click = Click {
        button: MouseButton::Left,
        target: Some(ClickTarget::Row(0)),
    };
    assert_eq!(by_click.update(Msg::Clicked(click)), asked);
    assert_eq!(by_click.screen(), Screen::Detail);
    assert_eq!(by_click.detail(), by_enter.detail());

    // The answer reaches Detail opened by the click.
    by_click.update(Msg::Ledger(LedgerMsg::CreatedHere {
        service_id: "id-C02XK0001GH5".into(),
        created_here: true,
    }));
    let provenance = by_click.detail().map(|d| d.provenance);
    assert_eq!(
        provenance,
        Some(Provenance::Tenant {
            created_here: Some(true)
        })
    );
}

/// `x`, the path typed over the proposed one, Enter: the export asked for.
fn export_to(s: &mut TenantState, keymap: &Keymap, path: &str) -> TenantOutcome {
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    for k in [key(KeyCode::Char('x')), ctrl_u] {
        s.on_key(&k, keymap, &ON_THE_TAB);
    }
    for c in path.chars() {
        s.on_key(&key(KeyCode::Char(c)), keymap, &ON_THE_TAB);
    }
    s.on_key(&key(KeyCode::Enter), keymap, &ON_THE_TAB)
        .expect("the dialog takes Enter")
}

fn asked(outcome: &TenantOutcome) -> Option<(&PathBuf, bool)> {
    match outcome.effects.as_slice() {
        [
            TenantEffect::Export {
                path, overwrite, ..
            },
        ] => Some((path, *overwrite)),
        _ => None,
    }
}

#[test]
fn an_export_over_files_there_asks_naming_them_then_replaces_or_reopens() {
    let keymap = Keymap::default();
    let mut s = loaded();
    let outcome = export_to(&mut s, &keymap, "devices.csv");
    let path = PathBuf::from("devices.csv");
    assert_eq!(asked(&outcome), Some((&path, false)));
    assert!(s.modal().is_none());

    let exists = TenantMsg::ExportExists {
        path: path.clone(),
        format: ExportFormat::Csv,
        existing: vec![path.clone()],
    };
    let outcome = s.update(exists, &ON_THE_TAB);
    assert!(outcome.effects.is_empty());
    let confirmation = outcome.confirm.expect("a question");
    assert_eq!(confirmation.question, "Replace devices.csv? It exists.");
    assert_eq!(confirmation.verb, "replace");
    let Pending::ReplaceExport { path: to, format } = confirmation.pending else {
        panic!("{:?}", confirmation.pending);
    };
    assert_eq!((&to, format), (&path, ExportFormat::Csv));

    // No: the prompt again, with the path.
    s.reopen_export(&to, format);
    match s.modal() {
        Some(TenantModal::Export { field, format }) => {
            assert_eq!((field.value(), *format), ("devices.csv", ExportFormat::Csv));
        }
        other => panic!("{other:?}"),
    }
    // Yes: written over them, with the rows shown now.
    s.modal = None;
    let outcome = s.replace_export(to, format);
    assert_eq!(asked(&outcome), Some((&path, true)));
    match outcome.effects.as_slice() {
        [TenantEffect::Export { rows, .. }] => assert_eq!(rows.len(), 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_mixed_admin_export_names_each_file_there_and_away_from_the_tab_only_says_so() {
    let mut s = loaded();
    let existing = vec![
        PathBuf::from("out-windows.csv"),
        PathBuf::from("out-identifiers.csv"),
    ];
    let exists = |existing: Vec<PathBuf>| TenantMsg::ExportExists {
        path: "out.csv".into(),
        format: ExportFormat::CsvAdmin,
        existing,
    };
    let outcome = s.update(exists(existing.clone()), &ON_THE_TAB);
    let question = outcome.confirm.map(|c| c.question);
    assert_eq!(
        question.as_deref(),
        Some("Replace out-windows.csv and out-identifiers.csv? They exist.")
    );

    let on_detail = TenantCtx {
        screen: Screen::Detail,
        ..ON_THE_TAB
    };
    let outcome = s.update(exists(existing[..1].to_vec()), &on_detail);
    assert!(outcome.confirm.is_none());
    let status = outcome.status.map(|m| m.text);
    assert_eq!(
        status.as_deref(),
        Some("not exported: out-windows.csv already there; x exports again")
    );
}
