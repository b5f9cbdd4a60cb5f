//! Toasts, the sticky error and the message log (F9) as pure state — ticks
//! and keys in — and snapshots of a toast and the log at 80×24 and 60×20.

use crate::ui_support;

use crossterm::event::KeyCode;
use enroll_console::app::notices::{LOG_CAPACITY, TOAST_TICKS};
use enroll_console::app::{App, Msg};
use enroll_console::screens::render_to_string;
use enroll_console::widgets::Tone;
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

/// A few messages of each tone, at fixed times.
fn with_messages() -> App {
    let mut app = app();
    app.update(Msg::Clock(at("2024-05-01T09:30:13Z")));
    send(&mut app, [ctrl('d')]);
    app.update(Msg::Clock(at("2024-05-01T09:31:02Z")));
    type_text(&mut app, "490154203237518");
    send(&mut app, [ctrl('d'), key(KeyCode::F(6))]);
    app.update(Msg::Clock(at("2024-05-01T09:45:40Z")));
    app.update(store_failed("disk full \u{1b}]0;pwned\u{7}(os error 28)"));
    send(&mut app, [key(KeyCode::F(6))]);
    app
}

#[test]
fn a_toast_shows_for_about_four_seconds_of_ticks() {
    let mut app = app();
    assert!(!app.is_animating());
    type_text(&mut app, "490154203237518");
    send(&mut app, [ctrl('d')]);
    let toast = app.notices().toast().expect("a toast");
    assert_eq!(
        (toast.text.as_str(), toast.tone),
        ("Draft saved", Tone::Success)
    );
    assert_eq!(u64::from(TOAST_TICKS) * enroll_console::app::TICK_MS, 4_000);
    // Ticks arrive while it shows, and it goes after its time.
    for _ in 1..TOAST_TICKS {
        assert!(app.is_animating());
        app.update(Msg::Tick);
    }
    assert!(app.notices().toast().is_some());
    let screen = render_to_string(&app, 80, 24);
    assert!(screen.contains("┌ done"), "{screen}");
    app.update(Msg::Tick);
    assert!(app.notices().toast().is_none());
    assert!(!app.is_animating());
    assert!(!render_to_string(&app, 80, 24).contains("Draft saved"));
}

#[test]
fn an_error_stays_in_the_status_bar_until_the_next_key() {
    let mut app = app();
    app.update(store_failed("disk full"));
    assert!(app.notices().toast().is_none());
    for _ in 0..TOAST_TICKS * 3 {
        app.update(Msg::Tick);
    }
    let status_line = |app: &App| {
        render_to_string(app, 80, 24)
            .lines()
            .last()
            .map(str::to_string)
    };
    assert!(
        status_line(&app).is_some_and(
            |l| l.contains("could not save to Recent: local database task failed: disk full")
        ),
        "{:?}",
        status_line(&app)
    );
    send(&mut app, [key(KeyCode::Down)]);
    let line = status_line(&app).unwrap_or_default();
    assert!(!line.contains("disk full"), "{line}");
    assert!(line.contains("sandbox: a local emulator"), "{line}");
    // Still in the log.
    assert_eq!(app.notices().log().len(), 1);
}

#[test]
fn small_terminals_show_the_toast_in_the_status_bar_instead() {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    send(&mut app, [ctrl('d')]);
    let big = render_to_string(&app, 80, 24);
    assert!(big.contains("┌ done"), "{big}");
    let small = render_to_string(&app, 60, 20);
    assert!(!small.contains("┌ done"), "{small}");
    let status = small.lines().last().unwrap_or_default();
    assert!(status.contains("Draft saved"), "{status}");
}

#[test]
fn the_log_keeps_the_last_200_messages() {
    let mut app = app();
    for _ in 0..LOG_CAPACITY + 30 {
        send(&mut app, [ctrl('d')]);
    }
    assert_eq!(app.notices().log().len(), LOG_CAPACITY);
}

#[test]
fn f9_opens_the_log_on_the_newest_and_keys_move_and_close_it() {
    let mut app = with_messages();
    let newest = app.notices().log().len() - 1;
    send(&mut app, [key(KeyCode::F(9))]);
    assert_eq!(app.notices().view().map(|v| v.selected), Some(newest));
    // Letters move the selection; they do not reach the form underneath.
    send(&mut app, [key(KeyCode::Char('k')), key(KeyCode::Up)]);
    assert_eq!(app.notices().view().map(|v| v.selected), Some(newest - 2));
    send(&mut app, [key(KeyCode::Home)]);
    assert_eq!(app.notices().view().map(|v| v.selected), Some(0));
    send(&mut app, [key(KeyCode::PageDown)]);
    assert_eq!(app.notices().view().map(|v| v.selected), Some(newest));
    send(&mut app, [key(KeyCode::Char('g')), key(KeyCode::Char('j'))]);
    assert_eq!(app.notices().view().map(|v| v.selected), Some(1));
    app.update(Msg::Paste("C02XK0XXJGH5".into()));
    assert_eq!(app.form().identifier.value(), "490154203237518");
    let footer = render_to_string(&app, 80, 24);
    assert!(footer.contains("Esc close the log"), "{footer}");
    for close in [KeyCode::Esc, KeyCode::F(9), KeyCode::Char('q')] {
        send(&mut app, [key(close)]);
        assert!(!app.notices().is_open(), "{close:?}");
        send(&mut app, [key(KeyCode::F(9))]);
        assert!(app.notices().is_open());
    }
}

#[test]
fn snapshot_toast() {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    send(&mut app, [ctrl('d')]);
    snapshot_all("toast_draft_saved", &app);
}

#[test]
fn snapshot_message_log() {
    let mut app = with_messages();
    send(&mut app, [key(KeyCode::F(9)), key(KeyCode::Up)]);
    snapshot_all("message_log", &app);
    let screen = render_to_string(&app, 80, 24);
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{7}'));
}

#[test]
fn snapshot_empty_message_log() {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(9))]);
    snapshot_all("message_log_empty", &app);
}

/// A mouse event on the app drawn at 80×24, as the runtime passes it on.
fn mouse(app: &mut App, kind: crossterm::event::MouseEventKind) {
    let event = crossterm::event::MouseEvent {
        kind,
        column: 10,
        row: 5,
        modifiers: crossterm::event::KeyModifiers::NONE,
    };
    let area = ratatui::layout::Rect::new(0, 0, 80, 24);
    if let Some(msg) = enroll_console::runtime::mouse_message(app, area, event) {
        app.update(msg);
    }
}

#[test]
fn the_wheel_moves_in_the_open_log_and_clicks_do_not_reach_the_screen_below() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut app = with_messages();
    app.update(Msg::RecentLoaded(recent_entries()));
    send(&mut app, [key(KeyCode::F(4)), key(KeyCode::F(9))]);
    let newest = app.notices().log().len() - 1;
    mouse(&mut app, MouseEventKind::ScrollUp);
    assert_eq!(app.notices().view().map(|v| v.selected), Some(newest - 1));
    mouse(&mut app, MouseEventKind::ScrollDown);
    assert_eq!(app.notices().view().map(|v| v.selected), Some(newest));
    mouse(&mut app, MouseEventKind::Down(MouseButton::Left));
    assert_eq!(app.recent().selected_index(), 0);
    assert!(app.notices().is_open());
}

#[test]
fn a_click_is_an_action_too_the_error_goes() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut app = app();
    app.update(store_failed("disk full"));
    mouse(&mut app, MouseEventKind::Down(MouseButton::Left));
    assert_eq!(app.notices().sticky_error(), None);
}
