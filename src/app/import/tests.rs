//! The Import screen's state tests: preview, tenant duplicates, the report,
//! a failed load and the path field.

use super::*;
use crate::csvfile::parse;
use crate::model::{RowResult, RowStatus};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn loaded(text: &str) -> (ImportState, Vec<ImportEffect>) {
    let mut s = ImportState::default();
    for c in "devices.csv".chars() {
        s.on_key(&key(KeyCode::Char(c)));
    }
    let effects = s.on_action(Action::ImportLoad).unwrap();
    assert_eq!(
        effects,
        vec![ImportEffect::Load {
            path: "devices.csv".into()
        }]
    );
    assert_eq!(s.phase, ImportPhase::Loading);
    let outcome = s.on_msg(ImportMsg::Loaded(Ok(parse(text.as_bytes(), None).unwrap())));
    let ImportOutcome::Effects(effects) = outcome else {
        panic!("{outcome:?}")
    };
    (s, effects)
}

const FILE: &str =
    "490154203237518,a\n490154203237517,bad\nC02XK0XXJGH5,\nc02xk0xxjgh5,again\nSERIAL0005,\n";

#[test]
fn preview_shows_lines_errors_and_duplicates_then_checks_the_tenant() {
    let (s, effects) = loaded(FILE);
    assert_eq!(s.phase, ImportPhase::Preview);
    let [ImportEffect::CheckTenant { identities }] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(
        identities.len(),
        3,
        "invalid and repeated rows are not checked"
    );
    assert_eq!(s.rows[1].line, 2);
    assert!(s.rows[1].error.as_deref().unwrap().contains("check digit"));
    assert_eq!(s.rows[3].duplicate_of, Some(3));
    let c = s.counts();
    assert_eq!(
        (c.rows, c.invalid, c.file_duplicates, c.to_send),
        (5, 1, 1, 3)
    );
}

#[test]
fn tenant_duplicates_are_kept_unless_marked_for_overwrite() {
    let (mut s, _) = loaded(FILE);
    let found = HashMap::from([("SERIAL0005".to_string(), "id-5".to_string())]);
    s.on_msg(ImportMsg::TenantChecked(Ok(found)));
    assert_eq!(s.rows[4].in_tenant.as_deref(), Some("id-5"));
    assert_eq!(s.counts().to_send, 2);
    // Space on a row that is not in the tenant does nothing.
    s.on_action(Action::ImportToggleOverwrite);
    assert!(!s.rows[0].overwrite);
    for _ in 0..4 {
        s.on_action(Action::MoveDown);
    }
    s.on_action(Action::ImportToggleOverwrite);
    assert!(s.rows[4].overwrite);
    let c = s.counts();
    assert_eq!((c.in_tenant, c.overwrite, c.to_send), (1, 1, 3));
    let effects = s.on_action(Action::ImportCommit).unwrap();
    let [ImportEffect::Commit { create, overwrite }] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(create.valid_rows(), 2);
    assert_eq!(overwrite.chunks[0][0].line, 5);
    assert_eq!(s.phase, ImportPhase::Sending { done: 0, of: 3 });
}

#[test]
fn the_final_report_holds_every_row_and_can_be_saved() {
    let (mut s, _) = loaded(FILE);
    s.on_msg(ImportMsg::TenantChecked(Ok(HashMap::new())));
    s.on_action(Action::ImportCommit);
    s.on_msg(ImportMsg::Progress { done: 2, of: 3 });
    assert_eq!(s.phase, ImportPhase::Sending { done: 2, of: 3 });
    let sent: Vec<RowResult> = [1usize, 3, 5]
        .iter()
        .map(|&line| {
            let r = &s.rows[line - 1];
            RowResult::new(
                line,
                &r.identity,
                RowStatus::Created,
                Some(format!("id-{line}")),
                None,
            )
        })
        .collect();
    s.on_msg(ImportMsg::Finished(Report::new(sent)));
    let ImportPhase::Done(report) = &s.phase else {
        panic!("{:?}", s.phase)
    };
    assert_eq!(report.counts.total, 5);
    assert_eq!((report.counts.created, report.counts.invalid), (3, 2));
    let effects = s.on_action(Action::ImportSaveReport).unwrap();
    assert!(
        matches!(&effects[..], [ImportEffect::Save { path, .. }] if path == "devices.csv.report.csv")
    );
    s.on_msg(ImportMsg::Saved(Ok("devices.csv.report.csv".into())));
    assert!(s.notice.as_deref().unwrap().contains("saved"));
}

#[test]
fn saving_over_an_existing_report_asks_first() {
    let (mut s, _) = loaded(FILE);
    s.on_msg(ImportMsg::TenantChecked(Ok(HashMap::new())));
    s.on_action(Action::ImportCommit);
    let path = "devices.csv.report.csv".to_string();
    // No report yet: nothing to ask about.
    let early = s.on_msg(ImportMsg::ReportExists { path: path.clone() });
    assert_eq!(early, ImportOutcome::Effects(Vec::new()));
    s.on_msg(ImportMsg::Finished(Report::new(Vec::new())));
    let effects = s.on_action(Action::ImportSaveReport).unwrap();
    assert!(
        matches!(
            &effects[..],
            [ImportEffect::Save {
                overwrite: false,
                ..
            }]
        ),
        "{effects:?}"
    );
    assert_eq!(
        s.on_msg(ImportMsg::ReportExists { path: path.clone() }),
        ImportOutcome::ConfirmOverwrite { path: path.clone() }
    );
    let effects = s.overwrite_report(path.clone());
    assert!(
        matches!(&effects[..], [ImportEffect::Save { path: p, overwrite: true, .. }] if *p == path),
        "{effects:?}"
    );
}

#[test]
fn a_file_that_cannot_be_read_returns_to_the_prompt() {
    let mut s = ImportState::default();
    s.on_key(&key(KeyCode::Char('x')));
    s.on_action(Action::ImportLoad);
    s.on_msg(ImportMsg::Loaded(Err("cannot read x: not found".into())));
    assert_eq!(s.phase, ImportPhase::Prompt);
    assert!(s.text_focused());
    assert_eq!(s.path.value(), "x");
    // Typing now replaces the old path; an editing key keeps it instead.
    for c in "ok.csv".chars() {
        s.on_key(&key(KeyCode::Char(c)));
    }
    assert_eq!(s.path.value(), "ok.csv");
    s.on_action(Action::ImportLoad);
    s.on_msg(ImportMsg::Loaded(Err(
        "cannot read ok.csv: not found".into()
    )));
    s.on_key(&key(KeyCode::End));
    s.on_key(&key(KeyCode::Char('x')));
    assert_eq!(s.path.value(), "ok.csvx");
}

#[test]
fn the_path_field_edits_like_a_text_field_and_tab_completes() {
    let mut s = ImportState::default();
    for c in "/srv/data/tenant.csv".chars() {
        s.on_key(&key(KeyCode::Char(c)));
    }
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    s.on_key(&ctrl('w'));
    assert_eq!(s.path.value(), "/srv/data/");
    s.on_key(&key(KeyCode::Home));
    s.on_key(&key(KeyCode::Delete));
    assert_eq!(s.path.value(), "srv/data/");
    s.on_key(&ctrl('u'));
    s.on_key(&key(KeyCode::End));
    s.on_key(&ctrl('u'));
    assert_eq!(s.path.value(), "");
    for c in "data/te".chars() {
        s.on_key(&key(KeyCode::Char(c)));
    }
    let effects = s.on_key(&key(KeyCode::Tab)).unwrap();
    assert_eq!(
        effects,
        vec![ImportEffect::Complete {
            typed: "data/te".into()
        }]
    );
    let names = vec!["tenant.csv".to_string(), "tenant-old.csv".to_string()];
    s.on_msg(ImportMsg::Completions {
        typed: "data/te".into(),
        names,
    });
    assert_eq!(s.path.value(), "data/tenant");
    assert_eq!(s.completions.len(), 2);
    // A late answer for other text changes nothing.
    s.on_msg(ImportMsg::Completions {
        typed: "data/te".into(),
        names: vec!["tenant.csv".into()],
    });
    assert_eq!(s.path.value(), "data/tenant");
}
