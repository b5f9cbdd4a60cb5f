//! The Drafts/Outbox tab and the outbox in the status bar: snapshots at
//! 80×24 and 60×20, with items in every state (fixed ids and timestamps).

use crate::ui_support;

use crossterm::event::KeyCode;
use enroll_console::app::{App, ListTab, Msg, OutboxMsg};
use enroll_console::screens::render_to_string;
use enroll_console::store::{ItemState, OutboxCounts};
use ui_support::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (60, 20)];

fn outbox_app(offline: bool) -> App {
    let mut info = info();
    info.offline = offline;
    let mut app = App::new(info);
    let items = vec![
        outbox_item(1, "C02XK0XXJGH5", ItemState::Created, None),
        outbox_item(
            2,
            "35209900176148",
            ItemState::Rejected,
            Some("Invalid Device Identifier parameter found for 1 import records! (HTTP 400)"),
        ),
        outbox_item(
            3,
            "F9FXK1ABCD12",
            ItemState::Duplicate,
            Some("already in the tenant"),
        ),
        outbox_item(
            4,
            "DMPXK2QQ4711",
            ItemState::Queued,
            Some("offline: sending paused"),
        ),
        outbox_item(5, "HALF-TYP", ItemState::Draft, None),
    ];
    app.update(Msg::Outbox(OutboxMsg::Loaded {
        items,
        counts: OutboxCounts {
            drafts: 1,
            pending: 1,
            rejected: 1,
            duplicate: 1,
            created: 1,
        },
    }));
    send(
        &mut app,
        [
            key(KeyCode::F(4)),
            key(KeyCode::Char('3')),
            key(KeyCode::Down),
        ],
    );
    app
}

#[test]
fn outbox_tab_with_items_in_every_state() {
    let app = outbox_app(true);
    assert_eq!(app.list_tab(), ListTab::Outbox);
    for (width, height) in SIZES {
        let screen = render_to_string(&app, width, height);
        assert!(
            screen.contains("OFFLINE") && screen.contains("outbox 1"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("outbox_tab_{width}x{height}"), screen);
    }
}

#[test]
fn outbox_tab_empty() {
    let mut app = app();
    app.update(Msg::Outbox(OutboxMsg::Loaded {
        items: Vec::new(),
        counts: OutboxCounts::default(),
    }));
    send(&mut app, [key(KeyCode::F(4)), key(KeyCode::Char('3'))]);
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("outbox_tab_empty_{width}x{height}"),
            render_to_string(&app, width, height)
        );
    }
}

#[test]
fn discard_asks_first_and_any_other_key_keeps_the_item() {
    let mut app = outbox_app(false);
    let effects = send(&mut app, [key(KeyCode::Char('d'))]);
    assert!(!effects.iter().any(|e| format!("{e:?}").contains("Discard")));
    assert!(app.status().unwrap().text.contains("Discard item 2?"));
    send(&mut app, [key(KeyCode::Char('x'))]);
    assert_eq!(app.outbox().confirm_discard(), None);
    let effects = send(&mut app, [key(KeyCode::Char('d')), key(KeyCode::Char('d'))]);
    assert!(
        effects
            .iter()
            .any(|e| format!("{e:?}").contains("Discard(2)")),
        "{effects:?}"
    );
    // `r` queues the rejected item again, `o` with overwrite.
    let effects = send(&mut app, [key(KeyCode::Char('o'))]);
    assert!(
        effects
            .iter()
            .any(|e| format!("{e:?}").contains("Resend { id: 2, overwrite: true }")),
        "{effects:?}"
    );
}

#[test]
fn enter_on_a_draft_restores_it_and_later_saves_go_to_it() {
    let mut app = outbox_app(false);
    let effects = send(&mut app, [key(KeyCode::End), key(KeyCode::Enter)]);
    assert_eq!(app.screen(), enroll_console::app::Screen::Form);
    assert_eq!(app.form().identifier.value(), "HALF-TYP");
    assert!(
        effects
            .iter()
            .any(|e| format!("{e:?}") == "Outbox(UseDraft(5))"),
        "{effects:?}"
    );
    // A created item opens as a new draft (to edit and send again).
    let mut app = outbox_app(false);
    let effects = send(&mut app, [key(KeyCode::Home), key(KeyCode::Enter)]);
    assert_eq!(app.form().identifier.value(), "C02XK0XXJGH5");
    assert!(
        effects
            .iter()
            .any(|e| format!("{e:?}").starts_with("Outbox(SaveDraft(")),
        "{effects:?}"
    );
}
