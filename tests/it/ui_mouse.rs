//! Mouse support on the pure `update`, with mouse events turned into
//! messages as the runtime does: clicks land where the screen draws things
//! (positions are found in the rendered screen, not hard-coded), the wheel
//! moves through lists and scrolls Help.

use crate::ui_support;

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use enroll_console::app::ledger_detail::{LedgerEffect, LedgerMsg};
use enroll_console::app::{App, Effect, FieldId, ListTab, Msg, OutboxMsg, Screen};
use enroll_console::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform};
use enroll_console::runtime::{help_fits_message, mouse_message};
use enroll_console::screens::render_to_string;
use enroll_console::store::{ItemState, OutboxCounts};
use ratatui::layout::Rect;
use ui_support::*;

const WIDTH: u16 = 80;
const HEIGHT: u16 = 24;

/// A mouse event on the app drawn at `WIDTH`×`HEIGHT`, as the runtime
/// passes it on; the work it asks for.
fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) -> Vec<Effect> {
    let event = MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    match mouse_message(app, Rect::new(0, 0, WIDTH, HEIGHT), event) {
        Some(msg) => app.update(msg),
        None => Vec::new(),
    }
}

fn click(app: &mut App, (column, row): (u16, u16)) -> Vec<Effect> {
    mouse(app, MouseEventKind::Down(MouseButton::Left), column, row)
}

/// A click on where `text` is drawn.
fn click_on(app: &mut App, text: &str) -> Vec<Effect> {
    let position = position_of(app, text);
    click(app, position)
}

fn wheel_down(app: &mut App) {
    mouse(app, MouseEventKind::ScrollDown, 10, 10);
}

fn wheel_up(app: &mut App) {
    mouse(app, MouseEventKind::ScrollUp, 10, 10);
}

/// What the runtime tells the app after drawing it at `width`×`height`.
fn drawn(app: &mut App, width: u16, height: u16) {
    if let Some(msg) = help_fits_message(app, Rect::new(0, 0, width, height)) {
        app.update(msg);
    }
}

/// An app drawn at `WIDTH`×`HEIGHT`.
fn sized(mut app: App) -> App {
    drawn(&mut app, WIDTH, HEIGHT);
    app
}

/// Where `text` is drawn (column, row) on the screen as it is now.
fn position_of(app: &App, text: &str) -> (u16, u16) {
    let screen = render_to_string(app, WIDTH, HEIGHT);
    screen
        .lines()
        .enumerate()
        .find_map(|(row, line)| {
            let byte = line.find(text)?;
            let column = line[..byte].chars().count();
            Some((u16::try_from(column).ok()?, u16::try_from(row).ok()?))
        })
        .unwrap_or_else(|| panic!("{text:?} is not on the screen:\n{screen}"))
}

#[test]
fn a_click_on_a_label_or_value_focuses_that_field() {
    let mut app = sized(app());
    click_on(&mut app, "Description");
    assert_eq!(app.form().focus(), FieldId::Description);
    click_on(&mut app, "Last contacted");
    assert_eq!(app.form().focus(), FieldId::LastContacted);
    // The value column of the Platform row.
    let (_, row) = position_of(&app, "Platform");
    click(&mut app, (40, row));
    assert_eq!(app.form().focus(), FieldId::Platform);
    // A line under a field (an inline error) belongs to that field.
    click_on(&mut app, "Identifier");
    type_text(&mut app, "490154203237517");
    click_on(&mut app, "Description");
    click_on(&mut app, "check digit is wrong");
    assert_eq!(app.form().focus(), FieldId::Identifier);
    // The border, the footer and the status bar are no field.
    click(&mut app, (0, 0));
    click(&mut app, (5, HEIGHT - 1));
    click(&mut app, (5, HEIGHT - 2));
    assert_eq!(app.form().focus(), FieldId::Identifier);
}

#[test]
fn clicks_are_ignored_while_sending_and_under_overlays() {
    let mut app = sized(app());
    type_text(&mut app, "490154203237518");
    let description = position_of(&app, "Description");
    app.update(ctrl('s'));
    click(&mut app, description);
    assert_eq!(app.form().focus(), FieldId::Identifier);

    let mut app = sized(ui_support::app());
    let description = position_of(&app, "Description");
    app.update(key(KeyCode::F(1)));
    click(&mut app, description);
    assert_eq!(app.form().focus(), FieldId::Identifier);

    // Nor under the message log.
    let mut app = sized(ui_support::app());
    let description = position_of(&app, "Description");
    app.update(key(KeyCode::F(9)));
    assert!(app.notices().is_open());
    click(&mut app, description);
    assert_eq!(app.form().focus(), FieldId::Identifier);
}

fn recent_app() -> App {
    let mut app = sized(app());
    app.update(Msg::RecentLoaded(recent_entries()));
    app.update(key(KeyCode::F(4)));
    app
}

#[test]
fn a_click_selects_a_recent_row_and_a_second_click_opens_it() {
    let mut app = recent_app();
    assert_eq!(app.recent().selected_index(), 0);
    let third = position_of(&app, "Lenovo,ThinkPad");
    click(&mut app, third);
    assert_eq!(app.recent().selected_index(), 2);
    assert_eq!(app.screen(), Screen::List);
    click(&mut app, third);
    assert_eq!(app.screen(), Screen::Detail);
    let detail = app.detail().expect("Detail");
    assert_eq!(
        detail.result.identity.identifier(),
        "Lenovo,ThinkPad T14,PF3ABCDE"
    );
}

#[test]
fn a_click_below_the_last_row_or_on_the_header_selects_nothing() {
    let mut app = recent_app();
    let (column, row) = position_of(&app, "35209900176148");
    click(&mut app, (column, row + 1));
    click_on(&mut app, "Enrollment");
    assert_eq!(app.recent().selected_index(), 0);
    assert_eq!(app.screen(), Screen::List);
}

#[test]
fn the_wheel_moves_through_the_list_within_its_ends() {
    let mut app = recent_app();
    wheel_down(&mut app);
    wheel_down(&mut app);
    assert_eq!(app.recent().selected_index(), 2);
    for _ in 0..10 {
        wheel_down(&mut app);
    }
    assert_eq!(app.recent().selected_index(), 3);
    for _ in 0..10 {
        wheel_up(&mut app);
    }
    assert_eq!(app.recent().selected_index(), 0);
}

#[test]
fn a_click_on_a_tab_title_shows_that_tab() {
    let mut app = recent_app();
    click_on(&mut app, "Drafts/Outbox");
    assert_eq!(app.list_tab(), ListTab::Outbox);
    click_on(&mut app, "1 Recent");
    assert_eq!(app.list_tab(), ListTab::Recent);
}

#[test]
fn outbox_rows_are_selected_and_opened_by_clicks() {
    let mut app = recent_app();
    app.update(Msg::Outbox(OutboxMsg::Loaded {
        items: vec![
            outbox_item(1, "QUEUEDSERIAL1", ItemState::Queued, None),
            outbox_item(2, "HALFTYPED22", ItemState::Draft, None),
        ],
        counts: OutboxCounts {
            drafts: 1,
            pending: 1,
            ..OutboxCounts::default()
        },
    }));
    click_on(&mut app, "Drafts/Outbox");
    assert_eq!(app.list_tab(), ListTab::Outbox);
    let draft = position_of(&app, "HALFTYPED22");
    click(&mut app, draft);
    assert_eq!(app.outbox().selected_index(), 1);
    wheel_up(&mut app);
    assert_eq!(app.outbox().selected_index(), 0);
    click(&mut app, draft);
    click(&mut app, draft);
    // A draft opens in the form.
    assert_eq!(app.screen(), Screen::Form);
    assert_eq!(app.form().identifier.value(), "HALFTYPED22");
}

#[test]
fn the_wheel_scrolls_help_when_it_does_not_fit() {
    let mut app = app();
    app.update(key(KeyCode::F(1)));
    drawn(&mut app, 60, 20);
    let before = render_to_string(&app, 60, 20);
    assert!(!before.contains("Logs"), "fits already:\n{before}");
    for _ in 0..30 {
        wheel_down(&mut app);
    }
    let after = render_to_string(&app, 60, 20);
    assert!(after.contains("Logs"), "{after}");
    assert!(!after.contains("│ New identity"), "{after}");
    // Not past the end: one step up shows the line above again.
    wheel_up(&mut app);
    let back = render_to_string(&app, 60, 20);
    assert!(!back.contains("Logs"), "{back}");
    // Closed and opened again, Help starts at the top.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::F(1)));
    assert_eq!(render_to_string(&app, 60, 20), before);
}

#[test]
fn keys_scroll_help_too_and_say_there_is_more() {
    let mut app = app();
    app.update(key(KeyCode::F(1)));
    drawn(&mut app, 60, 20);
    let top = render_to_string(&app, 60, 20);
    assert!(!top.contains("Logs") && top.contains("j more"), "{top}");
    app.update(key(KeyCode::End));
    let bottom = render_to_string(&app, 60, 20);
    assert!(
        bottom.contains("Logs") && bottom.contains("k back up") && !bottom.contains("j more"),
        "{bottom}"
    );
    app.update(key(KeyCode::Char('k')));
    assert!(!render_to_string(&app, 60, 20).contains("Logs"));
    app.update(key(KeyCode::Home));
    assert_eq!(render_to_string(&app, 60, 20), top);
    app.update(key(KeyCode::PageDown));
    assert_ne!(render_to_string(&app, 60, 20), top);
    // Help is still open: scrolling keys do not close it.
    assert!(app.help_open());
}

/// The Tenant tab with `n` identities loaded (more than fit on screen).
fn tenant_app(n: usize) -> App {
    let mut app = recent_app();
    let identities = (0..n)
        .map(|i| {
            let mut identity = ImportedDeviceIdentity::new(
                format!("TENANTSN{i:04}"),
                ImportedDeviceIdentityType::SerialNumber,
                Platform::Ios,
            );
            identity.id = Some(format!("00000000-0000-4000-8000-{i:012}"));
            identity
        })
        .collect();
    load_tenant(&mut app, identities);
    app
}

#[test]
fn tenant_rows_are_hit_where_they_are_drawn_after_scrolling() {
    let mut app = tenant_app(60);
    assert_eq!(app.list_tab(), ListTab::Tenant);
    for _ in 0..40 {
        wheel_down(&mut app);
    }
    assert_eq!(app.tenant().selected(), 40);
    let screen = render_to_string(&app, WIDTH, HEIGHT);
    assert!(!screen.contains("TENANTSN0005"), "not scrolled:\n{screen}");
    click_on(&mut app, "TENANTSN0033");
    assert_eq!(app.tenant().selected(), 33);
    assert_eq!(app.screen(), Screen::List);
    click_on(&mut app, "TENANTSN0033");
    assert_eq!(app.screen(), Screen::Detail);
    let detail = app.detail().expect("Detail");
    assert_eq!(detail.result.identity.identifier(), "TENANTSN0033");
}

#[test]
fn a_click_on_the_selected_tenant_row_asks_the_ledger_as_enter_does() {
    let mut app = tenant_app(3);
    let id = "00000000-0000-4000-8000-000000000001";
    let asked = vec![Effect::Ledger(LedgerEffect::AskCreatedHere {
        service_id: id.into(),
    })];
    assert!(click_on(&mut app, "TENANTSN0001").is_empty());
    assert_eq!(app.screen(), Screen::List);
    assert_eq!(click_on(&mut app, "TENANTSN0001"), asked);
    assert_eq!(app.screen(), Screen::Detail);
    app.update(Msg::Ledger(LedgerMsg::CreatedHere {
        service_id: id.into(),
        created_here: true,
    }));
    let screen = render_to_string(&app, WIDTH, HEIGHT);
    assert!(screen.contains("✓ created from this machine"), "{screen}");

    // Enter on the same row asks the same question.
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen(), Screen::List);
    assert_eq!(app.update(key(KeyCode::Enter)), asked);
}
