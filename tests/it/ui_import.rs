//! The Import screen through the app: keys, effects and snapshots at 80×24
//! and 60×20 of the prompt, the preview and the report.

use crate::ui_support;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use enroll_console::app::{App, Effect, ImportEffect, ImportMsg, Msg, Screen};
use enroll_console::bulk::{Report, RowResult, RowStatus};
use enroll_console::csvfile::parse;
use enroll_console::runtime::save_report;
use enroll_console::screens::render_to_string;
use ui_support::{app, ctrl, key, send, type_text};

const FILE: &str = "490154203237518,PO-4711\n490154203237517,wrong digit\nC02XK0XXJGH5,\nc02xk0xxjgh5,again\nSERIAL0005,\n4006381333931,\n";

fn snapshot(name: &str, app: &App) {
    for (w, h) in [(80, 24), (60, 20)] {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render_to_string(app, w, h));
    }
}

fn previewed() -> App {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(7))]);
    assert_eq!(app.screen(), Screen::Import);
    type_text(&mut app, "/srv/po-4711/devices.csv");
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(
        effects,
        vec![Effect::Import(ImportEffect::Load {
            path: "/srv/po-4711/devices.csv".into()
        })]
    );
    let parsed = parse(FILE.as_bytes(), None).unwrap();
    let effects = app.update(Msg::Import(ImportMsg::Loaded(Ok(parsed))));
    assert!(matches!(
        &effects[..],
        [Effect::Import(ImportEffect::CheckTenant { .. })]
    ));
    let found = HashMap::from([("SERIAL0005".to_string(), "id-5".to_string())]);
    app.update(Msg::Import(ImportMsg::TenantChecked(Ok(found))));
    app
}

#[test]
fn letters_are_text_in_the_prompt_and_esc_leaves() {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(7))]);
    type_text(&mut app, "?q");
    assert!(!app.help_open());
    assert_eq!(app.import().path.value(), "?q");
    snapshot("import_prompt", &app);
    send(&mut app, [key(KeyCode::Esc)]);
    assert_eq!(app.screen(), Screen::Form);
}

#[test]
fn preview_snapshots() {
    let mut app = previewed();
    send(&mut app, [key(KeyCode::Down)]);
    snapshot("import_preview", &app);
}

#[test]
fn commit_and_report_snapshots() {
    let mut app = previewed();
    let effects = send(
        &mut app,
        [Msg::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        ))],
    );
    let Some(Effect::Import(ImportEffect::Commit { create, overwrite })) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!((create.valid_rows(), overwrite.valid_rows()), (3, 0));
    app.update(Msg::Import(ImportMsg::Progress { done: 1, of: 3 }));
    snapshot("import_sending", &app);
    let rows = create
        .chunks
        .concat()
        .iter()
        .map(|r| {
            RowResult::new(
                r.line,
                &r.identity,
                RowStatus::Created,
                Some(format!("id-{}", r.line)),
                None,
            )
        })
        .collect();
    app.update(Msg::Import(ImportMsg::Finished(Report::new(rows))));
    snapshot("import_report", &app);
}

#[test]
fn a_long_row_message_is_shown_in_full_when_selected() {
    let mut app = previewed();
    // Line 2: the check-digit message, longer than the table's column.
    send(&mut app, [key(KeyCode::Down)]);
    let screen = render_to_string(&app, 80, 24);
    assert!(screen.contains("line 2: ✗ "), "{screen}");
    let tail: String = screen
        .lines()
        .skip_while(|l| !l.contains("line 2: ✗ "))
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!tail.contains('…'), "{tail}");
}

#[test]
fn a_clean_import_lists_its_rows() {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(7))]);
    type_text(&mut app, "clean.csv");
    send(&mut app, [key(KeyCode::Enter)]);
    let parsed = parse(b"490154203237518,PO-4711\nC02XK0XXJGH5,\n", None).unwrap();
    app.update(Msg::Import(ImportMsg::Loaded(Ok(parsed))));
    app.update(Msg::Import(ImportMsg::TenantChecked(Ok(HashMap::new()))));
    let effects = send(
        &mut app,
        [Msg::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        ))],
    );
    let Some(Effect::Import(ImportEffect::Commit { create, .. })) = effects.first() else {
        panic!("{effects:?}")
    };
    let rows = create
        .chunks
        .concat()
        .iter()
        .map(|r| RowResult::new(r.line, &r.identity, RowStatus::Created, None, None))
        .collect();
    app.update(Msg::Import(ImportMsg::Finished(Report::new(rows))));
    let screen = render_to_string(&app, 80, 24);
    assert!(
        screen.contains("490154203237518") && screen.contains("C02XK0XXJGH5"),
        "{screen}"
    );
}

/// `w` on the report saves it; the runtime finds the file there and the app
/// asks, naming it: n keeps the file, y writes over it.
#[test]
fn writing_over_an_existing_report_asks_first() {
    let mut app = previewed();
    send(&mut app, [ctrl('s')]);
    app.update(Msg::Import(ImportMsg::Finished(Report::new(Vec::new()))));
    let path = "/srv/po-4711/devices.csv.report.csv".to_string();
    let saves = |effects: &[Effect], overwrite: bool| {
        matches!(effects, [Effect::Import(ImportEffect::Save { path: p, overwrite: o, .. })]
            if *p == path && *o == overwrite)
    };
    let effects = send(&mut app, [key(KeyCode::Char('w'))]);
    assert!(saves(&effects, false), "{effects:?}");
    app.update(Msg::Import(ImportMsg::ReportExists { path: path.clone() }));
    let question = app.confirmation().expect("a question").question.clone();
    assert!(question.contains(&path), "{question}");
    let screen = render_to_string(&app, 80, 24);
    assert!(screen.contains("overwrite"), "{screen}");
    assert!(send(&mut app, [key(KeyCode::Char('n'))]).is_empty());
    assert!(app.confirmation().is_none());
    send(&mut app, [key(KeyCode::Char('w'))]);
    app.update(Msg::Import(ImportMsg::ReportExists { path: path.clone() }));
    let effects = send(&mut app, [key(KeyCode::Enter)]);
    assert!(saves(&effects, true), "{effects:?}");
    assert!(app.confirmation().is_none());
}

/// The runtime's save: a file already there is kept unless told to write
/// over it.
#[test]
fn the_report_file_is_written_over_only_when_told() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("devices.csv.report.csv")
        .to_string_lossy()
        .into_owned();
    let report = Report::new(Vec::new());
    let saved = ImportMsg::Saved(Ok(path.clone()));
    assert_eq!(save_report(path.clone(), &report, false), saved);
    std::fs::write(&path, "kept").unwrap();
    assert_eq!(
        save_report(path.clone(), &report, false),
        ImportMsg::ReportExists { path: path.clone() }
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept");
    assert_eq!(save_report(path.clone(), &report, true), saved);
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("line"));
}
