//! The Drafts/Outbox tab and the outbox in the status bar: snapshots at
//! 80×24 and 60×20, with items in every state (fixed ids and timestamps).

use crate::ui_support;

use crossterm::event::KeyCode;
use enroll_console::app::{App, FormState, ListTab, Msg, OutboxMsg};
use enroll_console::screens::render_to_string;
use enroll_console::store::{DraftFields, ItemState, OutboxCounts};
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
fn discard_and_overwrite_ask_in_a_dialog_answered_y_enter_or_n_esc() {
    let mut app = outbox_app(false);
    let effects = send(&mut app, [key(KeyCode::Char('d'))]);
    assert!(!effects.iter().any(|e| format!("{e:?}").contains("Discard")));
    let asked = app.confirmation().expect("discard asks first");
    assert!(asked.question.contains("Discard item 2"), "{asked:?}");
    insta::assert_snapshot!(
        "outbox_confirm_discard_80x24",
        render_to_string(&app, 80, 24)
    );
    // Other keys do nothing while the question is open: `y` is no sync here,
    // `d` no second discard, `x` nothing at all.
    for code in [KeyCode::Char('x'), KeyCode::Char('d'), KeyCode::Char('r')] {
        assert!(send(&mut app, [key(code)]).is_empty(), "{code:?}");
        assert!(app.confirmation().is_some());
    }
    for keep in [KeyCode::Char('n'), KeyCode::Esc] {
        send(&mut app, [key(KeyCode::Char('d'))]);
        assert!(send(&mut app, [key(keep)]).is_empty());
        assert_eq!(app.confirmation(), None, "{keep:?} keeps the item");
        assert_eq!(app.status().map(|s| s.text.as_str()), Some("Kept"));
    }
    for yes in [KeyCode::Char('y'), KeyCode::Enter] {
        let effects = send(&mut app, [key(KeyCode::Char('d')), key(yes)]);
        let effects = format!("{effects:?}");
        assert!(effects.contains("Discard(2)"), "{yes:?}: {effects}");
        assert!(
            !effects.contains("Sync"),
            "{yes:?} confirms, not syncs: {effects}"
        );
    }
    // `r` queues the rejected item again at once; `o` (overwriting the
    // tenant's copy) asks first.
    let effects = send(&mut app, [key(KeyCode::Char('r'))]);
    assert!(
        format!("{effects:?}").contains("Resend { id: 2, overwrite: false }"),
        "{effects:?}"
    );
    let effects = send(&mut app, [key(KeyCode::Char('o'))]);
    assert!(!format!("{effects:?}").contains("Resend"), "{effects:?}");
    assert_eq!(app.confirmation().map(|c| c.verb), Some("overwrite"));
    let effects = send(&mut app, [key(KeyCode::Char('y'))]);
    assert!(
        format!("{effects:?}").contains("Resend { id: 2, overwrite: true }"),
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
    // A created item opens on Detail: it is sent, there is nothing to
    // edit or queue again.
    let mut app = outbox_app(false);
    let effects = send(&mut app, [key(KeyCode::Home), key(KeyCode::Enter)]);
    assert_eq!(app.screen(), enroll_console::app::Screen::Detail);
    let detail = app.detail().expect("the created item on Detail");
    assert_eq!(
        detail.result.identity.id.as_deref(),
        Some("b6f3e8a0-51d4-4c1e-9a57-3c1f0e2d7a11")
    );
    assert_eq!(app.form().identifier.value(), "");
    assert!(
        !effects
            .iter()
            .any(|e| format!("{e:?}").starts_with("Outbox(SaveDraft(")),
        "{effects:?}"
    );
    // A rejected item opens as a new draft of its own (to edit and send again).
    let mut app = outbox_app(false);
    let effects = send(
        &mut app,
        [key(KeyCode::Home), key(KeyCode::Down), key(KeyCode::Enter)],
    );
    assert_eq!(app.form().identifier.value(), "35209900176148");
    let effects: Vec<String> = effects.iter().map(|e| format!("{e:?}")).collect();
    let new_draft = effects.iter().position(|e| e == "Outbox(NewDraft)");
    let save = effects
        .iter()
        .position(|e| e.starts_with("Outbox(SaveDraft("));
    assert!(
        matches!((new_draft, save), (Some(n), Some(s)) if n < s),
        "{effects:?}"
    );
}

#[test]
fn the_form_says_which_draft_it_edits() {
    let mut app = app();
    let fields = DraftFields {
        identifier: "OPEN-DRAFT".into(),
        ..FormState::new().draft_fields()
    };
    app.update(Msg::Outbox(OutboxMsg::LatestDraft(Some((5, fields)))));
    send(&mut app, [key(KeyCode::End), key(KeyCode::Char('X'))]);
    app.update(Msg::Outbox(OutboxMsg::Loaded {
        items: Vec::new(),
        counts: OutboxCounts::default(),
    }));
    assert_eq!(app.outbox().form_item(), Some(5));
    let screen = render_to_string(&app, 80, 24);
    assert!(screen.contains("Draft 5"), "{screen}");
    // The runtime says the form saves elsewhere now: the title follows.
    app.update(Msg::Outbox(OutboxMsg::FormItem(None)));
    let screen = render_to_string(&app, 80, 24);
    assert!(screen.contains("New device identity"), "{screen}");
    assert!(!screen.contains("Draft 5"), "{screen}");
}
