//! Scan mode through the app: timed keys, effects, and snapshots of the
//! screen at 80×24 and 60×20.

use crate::ui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use enroll_console::app::scan::EntryState;
use enroll_console::app::{App, Effect, Msg, ScanEffect, ScanMsg, Screen};
use enroll_console::bulk::{RowResult, RowStatus};
use enroll_console::domain::ImportedDeviceIdentity;
use enroll_console::screens::render_to_string;
use ui_support::{app, ctrl, key, send, type_text};

/// A token as a scanner types it: keys `gap_ms` apart from `start`, then Enter.
fn timed(app: &mut App, text: &str, start: u64, gap_ms: u64) -> Vec<Effect> {
    let mut msgs: Vec<Msg> = text
        .chars()
        .enumerate()
        .map(|(i, c)| {
            Msg::Scan(ScanMsg::Key {
                key: KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
                at_ms: start + i as u64 * gap_ms,
            })
        })
        .collect();
    msgs.push(Msg::Scan(ScanMsg::Key {
        key: KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
        at_ms: start + text.len() as u64 * gap_ms,
    }));
    send(app, msgs)
}

fn created(app: &mut App, seqs: &[(u64, &str)]) {
    let identity = ImportedDeviceIdentity::default();
    app.update(Msg::Scan(ScanMsg::Sent {
        results: seqs
            .iter()
            .map(|(seq, id)| {
                RowResult::new(
                    *seq as usize,
                    &identity,
                    RowStatus::Created,
                    Some(id.to_string()),
                    None,
                )
            })
            .collect(),
        stopped: None,
    }));
}

fn scanned_three() -> App {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(3))]);
    assert_eq!(app.screen(), Screen::Scan);
    timed(&mut app, "490154203237518", 1_000, 8);
    timed(&mut app, "4006381333931", 2_000, 9);
    timed(&mut app, "c02.xk0xxjgh5", 3_000, 120);
    created(&mut app, &[(1, "id-1"), (3, "id-3")]);
    app
}

#[test]
fn f3_opens_scan_and_letters_go_to_the_input() {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(3))]);
    assert!(app.text_focused());
    // `?` and `q` are text here, not Help or back.
    let effects = send(&mut app, [key(KeyCode::Char('?')), key(KeyCode::Char('q'))]);
    assert!(effects.is_empty());
    assert!(!app.help_open());
    assert_eq!(app.scan().input, "?q");
    send(&mut app, [key(KeyCode::F(1))]);
    assert!(app.help_open());
    send(&mut app, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert_eq!(app.screen(), Screen::Form);
}

#[test]
fn a_burst_is_a_scan_and_a_barcode_rings_the_bell() {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(3))]);
    let sent = timed(&mut app, "490154203237518", 0, 7);
    assert!(matches!(&sent[..], [Effect::Scan(ScanEffect::Send { rows })] if rows.len() == 1));
    let refused = timed(&mut app, "4006381333931", 500, 7);
    assert_eq!(refused, vec![Effect::Scan(ScanEffect::Bell)]);
    assert!(!app.scan().entries[0].manual);
    assert!(matches!(
        app.scan().entries[1].state,
        EntryState::Refused(_)
    ));
}

#[test]
fn ctrl_keys_change_the_sticky_settings_and_undo() {
    let mut app = app();
    send(
        &mut app,
        [key(KeyCode::F(3)), ctrl('t'), ctrl('p'), ctrl('k')],
    );
    assert_eq!(app.scan().type_label(), "imei");
    let queued = timed(&mut app, "490154203237518", 0, 5);
    assert!(matches!(
        &queued[..],
        [Effect::Scan(ScanEffect::CheckTenant { seq: 1, .. })]
    ));
    send(&mut app, [ctrl('z')]);
    assert_eq!(app.scan().counts().accepted, 0);
    assert!(send(&mut app, [ctrl('s')]).is_empty(), "nothing queued");
}

#[test]
fn scan_screen_snapshots() {
    let app = scanned_three();
    for (w, h) in [(80, 24), (60, 20)] {
        insta::assert_snapshot!(format!("scan_{w}x{h}"), render_to_string(&app, w, h));
    }
}

#[test]
fn windows_mode_is_reached_with_ctrl_t_and_named_on_screen() {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(3))]);
    let screen = render_to_string(&app, 100, 30);
    // Every Scan key in the footer at 100 columns.
    let footer = screen.lines().nth(28).unwrap();
    for hint in [
        "Ctrl-Z undo",
        "Ctrl-T type",
        "Ctrl-E settings",
        "Ctrl-K commit mode",
        "Esc back",
        "F1 help",
    ] {
        assert!(footer.contains(hint), "{hint}: {footer}");
    }
    // The settings, each with its key (Ctrl-P's only place).
    assert!(
        screen.contains("Ctrl-P platform iOS/iPadOS · Ctrl-E description (none)"),
        "{screen}"
    );
    send(&mut app, [ctrl('t'), ctrl('t'), ctrl('t')]);
    let screen = render_to_string(&app, 100, 30);
    assert!(
        screen.contains("Ctrl-T type Windows (manufacturer,model,serial)")
            && screen.contains("Windows manufacturer › "),
        "{screen}"
    );
    type_text(&mut app, "Dell Inc.");
    send(&mut app, [key(KeyCode::Enter)]);
    type_text(&mut app, "Latitude 7440");
    send(&mut app, [key(KeyCode::Enter)]);
    let effects = timed(&mut app, "DL00049", 0, 5);
    assert!(matches!(
        &effects[..],
        [Effect::Scan(ScanEffect::Send { rows })]
            if rows[0].1.identifier() == "Dell Inc.,Latitude 7440,DL00049"
    ));
    let screen = render_to_string(&app, 80, 24);
    assert!(
        screen.contains("manufacturer Dell Inc. · model Latitude 7440"),
        "{screen}"
    );
    insta::assert_snapshot!("scan_windows_80x24", screen);
    // Ctrl-T once more: out of Windows mode.
    send(&mut app, [ctrl('t')]);
    assert_eq!(app.scan().type_label(), "auto");
}
