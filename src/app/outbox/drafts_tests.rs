//! Drafts that can't be lost: opening an item from the Drafts/Outbox tab
//! saves the open form's draft as its own item first, the form says which
//! item it edits, and a submission in flight at quit is no draft.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::outbox::tests::outbox_effects;
use crate::app::{App, Effect, ListTab, Msg, OutboxMsg, Screen};
use crate::domain::DateTimeOffset;
use crate::model::{OutboxCounts, OutboxItem};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn item(id: i64, identifier: &str, state: ItemState) -> OutboxItem {
    let now = DateTimeOffset::parse("2026-01-01T10:00:00Z").unwrap();
    OutboxItem {
        form: Some(DraftFields {
            identifier: identifier.into(),
            ..FormState::new().draft_fields()
        }),
        ..OutboxItem::sample(id, identifier, state, now)
    }
}

/// An app whose form edits draft 5 ("OPEN-DRAFT", typed further), with the
/// Drafts/Outbox tab listing `items`, the first selected.
fn editing_draft_5(items: Vec<OutboxItem>) -> App {
    let mut app = App::for_tests();
    let fields = DraftFields {
        identifier: "OPEN-DRAFT".into(),
        ..FormState::new().draft_fields()
    };
    app.update(Msg::Outbox(OutboxMsg::LatestDraft(Some((5, fields)))));
    app.update(key(KeyCode::End));
    app.update(key(KeyCode::Char('X')));
    app.update(Msg::Outbox(OutboxMsg::Loaded {
        items,
        counts: OutboxCounts::default(),
    }));
    app.screen = Screen::List;
    app.list_tab = ListTab::Outbox;
    app.outbox.selected = 0;
    app
}

#[test]
fn the_form_knows_which_draft_it_edits() {
    let app = editing_draft_5(Vec::new());
    assert_eq!(app.outbox().form_item(), Some(5));
}

#[test]
fn opening_another_draft_saves_the_open_one_to_itself_first() {
    let mut app = editing_draft_5(vec![item(9, "OTHER-DRAFT", ItemState::Draft)]);
    let effects = outbox_effects(&app.update(key(KeyCode::Enter)));
    // Saved to draft 5 (the runtime's current draft) before switching to 9.
    assert!(
        matches!(effects.as_slice(), [OutboxEffect::SaveDraft(f), OutboxEffect::UseDraft(9)]
            if f.identifier == "OPEN-DRAFTX"),
        "{effects:?}"
    );
    assert_eq!(app.form().identifier.value(), "OTHER-DRAFT");
    assert_eq!(app.outbox().form_item(), Some(9));
}

#[test]
fn opening_a_queued_item_makes_a_new_draft_and_keeps_the_open_one() {
    let mut app = editing_draft_5(vec![item(12, "QUEUED-ONE", ItemState::Queued)]);
    let effects = outbox_effects(&app.update(key(KeyCode::Enter)));
    // The open draft is saved to itself, then the item goes to a new draft:
    // without `NewDraft` its fields would be saved over draft 5.
    assert!(
        matches!(effects.as_slice(), [
            OutboxEffect::SaveDraft(open),
            OutboxEffect::NewDraft,
            OutboxEffect::SaveDraft(opened),
        ] if open.identifier == "OPEN-DRAFTX" && opened.identifier == "QUEUED-ONE"),
        "{effects:?}"
    );
    assert_eq!(app.outbox().form_item(), None);
}

#[test]
fn reopening_the_draft_the_form_holds_keeps_what_was_typed() {
    // The list's copy of draft 5 is older than the form.
    let mut app = editing_draft_5(vec![item(5, "OPEN-DRAFT", ItemState::Draft)]);
    let effects = outbox_effects(&app.update(key(KeyCode::Enter)));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.screen(), Screen::Form);
    assert_eq!(app.form().identifier.value(), "OPEN-DRAFTX");
}

#[test]
fn a_created_item_opens_on_detail_not_in_the_form() {
    let mut created = item(3, "C02XK0XXJGH5", ItemState::Created);
    created.service_id = Some("svc-3".into());
    created.identity = Some(crate::domain::ImportedDeviceIdentity::new(
        "C02XK0XXJGH5",
        crate::domain::ImportedDeviceIdentityType::SerialNumber,
        crate::domain::Platform::Ios,
    ));
    let mut app = editing_draft_5(vec![created]);
    let effects = outbox_effects(&app.update(key(KeyCode::Enter)));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.screen(), Screen::Detail);
    assert_eq!(
        app.detail().unwrap().result.identity.id.as_deref(),
        Some("svc-3")
    );
    // The open draft is untouched.
    assert_eq!(app.form().identifier.value(), "OPEN-DRAFTX");
    assert_eq!(app.outbox().form_item(), Some(5));
}

#[test]
fn a_restored_draft_does_not_replace_a_form_being_typed() {
    let mut app = App::for_tests();
    app.update(key(KeyCode::Char('A')));
    let fields = DraftFields {
        identifier: "OLD".into(),
        ..FormState::new().draft_fields()
    };
    let effects = app.update(Msg::Outbox(OutboxMsg::LatestDraft(Some((5, fields)))));
    // No `UseDraft`: what is typed must not be saved over draft 5.
    assert!(outbox_effects(&effects).is_empty(), "{effects:?}");
    assert_eq!(app.form().identifier.value(), "A");
}

#[test]
fn quitting_while_a_submission_is_in_flight_saves_no_draft_of_it() {
    let mut app = App::for_tests();
    for c in "C02XK0XXJGH5".chars() {
        app.update(key(KeyCode::Char(c)));
    }
    let sent = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    assert!(
        sent.iter().any(|e| matches!(e, Effect::Submit { .. })),
        "{sent:?}"
    );
    let effects = app.update(Msg::Quit);
    assert_eq!(effects, [Effect::Quit]);
}

#[test]
fn a_ledger_change_reloads_the_tab_when_shown_and_when_next_shown() {
    let mut app = editing_draft_5(Vec::new());
    // On the tab: load now.
    let effects = outbox_effects(&app.update(Msg::Outbox(OutboxMsg::LedgerChanged)));
    assert_eq!(effects, [OutboxEffect::Load]);
    // Elsewhere: nothing now, a load when the tab is shown again.
    app.screen = Screen::Form;
    let effects = app.update(Msg::Outbox(OutboxMsg::LedgerChanged));
    assert!(outbox_effects(&effects).is_empty(), "{effects:?}");
    app.update(key(KeyCode::F(4)));
    let effects = outbox_effects(&app.update(key(KeyCode::Char('3'))));
    assert_eq!(effects, [OutboxEffect::Load]);
    // Once loaded, showing the tab again reads nothing.
    app.update(Msg::Outbox(OutboxMsg::Loaded {
        items: Vec::new(),
        counts: OutboxCounts::default(),
    }));
    app.update(key(KeyCode::Char('1')));
    let effects = outbox_effects(&app.update(key(KeyCode::Char('3'))));
    assert!(effects.is_empty(), "{effects:?}");
}
