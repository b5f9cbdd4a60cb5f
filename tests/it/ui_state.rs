//! Key sequences and results → state and effects, on the pure `update`.

use crate::ui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use enroll_console::app::{Effect, FieldId, Msg, OutboxEffect, Screen, Submission};
use enroll_console::domain::validate::Severity;
use enroll_console::domain::{EnrollmentState, ImportedDeviceIdentityType, Platform};
use enroll_console::widgets::Tone;
use ui_support::*;

#[test]
fn typing_an_imei_and_ctrl_s_submits_with_detected_type_and_defaults() {
    let mut app = app();
    assert_eq!(app.screen(), Screen::Form);
    assert_eq!(app.form().focus(), FieldId::Identifier);
    assert!(without_drafts(type_text(&mut app, "490154203237518")).is_empty());
    let effects = app.update(ctrl('s'));
    let (_, identity) = submitted(&effects).expect("a Submit effect");
    assert_eq!(identity.identifier(), "490154203237518");
    assert_eq!(
        identity.imported_device_identity_type,
        Some(ImportedDeviceIdentityType::Imei)
    );
    assert_eq!(identity.platform, Some(Platform::Unknown));
    assert_eq!(
        identity.enrollment_state,
        Some(EnrollmentState::NotContacted)
    );
    assert_eq!(identity.description, None);
    assert_eq!(identity.last_contacted_date_time, None);
    assert!(matches!(app.submission(), Submission::Sending { .. }));
    assert!(app.is_animating());
}

#[test]
fn the_identifier_is_trimmed_when_sent() {
    let mut app = app();
    type_text(&mut app, "  490154203237518 ");
    let (_, identity) = submitted(&app.update(ctrl('s'))).expect("submit");
    assert_eq!(identity.identifier(), "490154203237518");
}

#[test]
fn platform_chosen_by_type_ahead_is_sent() {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    send(&mut app, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    assert_eq!(app.form().focus(), FieldId::Platform);
    app.update(key(KeyCode::Enter));
    assert!(app.form().list_open());
    // Up/Down and letters act on the open list, not on focus or hotkeys.
    send(&mut app, [key(KeyCode::Char('a'))]);
    assert_eq!(app.form().focus(), FieldId::Platform);
    assert!(!app.help_open());
    app.update(key(KeyCode::Enter));
    assert!(!app.form().list_open());
    let (_, identity) = submitted(&app.update(ctrl('s'))).expect("submit");
    assert_eq!(identity.platform, Some(Platform::Android));
}

#[test]
fn platform_chosen_with_down_in_the_open_list() {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    send(
        &mut app,
        [
            key(KeyCode::Tab),
            key(KeyCode::Tab),
            key(KeyCode::Char(' ')),
        ],
    );
    // The list opens on the current value (unknown, the last); Down wraps to iOS.
    send(
        &mut app,
        [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Enter)],
    );
    assert_eq!(app.form().focus(), FieldId::Platform);
    let (_, identity) = submitted(&app.update(ctrl('s'))).expect("submit");
    assert_eq!(identity.platform, Some(Platform::Android));
}

#[test]
fn left_right_cycle_a_closed_picker_and_esc_closes_an_open_one() {
    let mut app = app();
    send(
        &mut app,
        [key(KeyCode::Tab), key(KeyCode::Tab), key(KeyCode::Tab)],
    );
    assert_eq!(app.form().focus(), FieldId::EnrollmentState);
    app.update(key(KeyCode::Right));
    assert_eq!(
        app.form().enrollment_state.selected(),
        Some(&EnrollmentState::Enrolled)
    );
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Esc)]);
    assert!(!app.form().list_open());
    assert_eq!(
        app.screen(),
        Screen::Form,
        "Esc closed the list, not the form"
    );
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen(), Screen::List);
}

#[test]
fn a_wrong_check_digit_blocks_submit_and_focuses_the_field() {
    let mut app = app();
    type_text(&mut app, "490154203237517");
    let findings = app.form().findings(FieldId::Identifier);
    assert_eq!(findings[0].severity, Severity::Error);
    assert!(findings[0].message.contains("check digit is wrong"));
    app.update(key(KeyCode::Tab));
    let effects = app.update(ctrl('s'));
    assert!(submitted(&effects).is_none(), "{effects:?}");
    assert_eq!(app.form().focus(), FieldId::Identifier);
    assert_eq!(app.submission(), &Submission::Idle);
    let status = app.status().expect("a status message");
    assert_eq!(status.tone, Tone::Error);
    assert!(
        status.text.contains("check digit is wrong"),
        "{}",
        status.text
    );
}

#[test]
fn an_empty_identifier_is_required_only_once_submit_is_tried() {
    let mut app = app();
    assert!(app.form().findings(FieldId::Identifier).is_empty());
    assert!(submitted(&app.update(ctrl('s'))).is_none());
    assert!(
        app.form().findings(FieldId::Identifier)[0]
            .message
            .contains("required")
    );
}

#[test]
fn letters_in_a_text_field_are_text_never_hotkeys() {
    let mut app = app();
    let effects = type_text(&mut app, "?qjn");
    assert!(without_drafts(effects).is_empty());
    assert_eq!(app.form().identifier.value(), "?qjn");
    assert!(!app.help_open());
    assert_eq!(app.screen(), Screen::Form);
    // Move to the description: the same holds there.
    send(&mut app, (0..4).map(|_| key(KeyCode::Tab)));
    assert_eq!(app.form().focus(), FieldId::Description);
    type_text(&mut app, "q?");
    assert_eq!(app.form().description.value(), "q?");
    assert!(!app.help_open());
    // F1 still opens help from a text field.
    app.update(key(KeyCode::F(1)));
    assert!(app.help_open());
}

#[test]
fn question_mark_opens_help_when_no_text_field_has_focus() {
    let mut app = app();
    app.update(key(KeyCode::Tab));
    assert_eq!(app.form().focus(), FieldId::Type);
    app.update(key(KeyCode::Char('?')));
    assert!(app.help_open());
    // Help takes every key but its own close keys and Ctrl-C.
    app.update(key(KeyCode::F(4)));
    assert_eq!(app.screen(), Screen::Form);
    app.update(key(KeyCode::Esc));
    assert!(!app.help_open());
}

#[test]
fn key_releases_are_dropped_and_ctrl_c_always_quits() {
    let mut app = app();
    let mut release = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert!(app.update(Msg::Key(release)).is_empty());
    assert_eq!(app.form().identifier.value(), "");
    app.update(key(KeyCode::F(1)));
    assert_eq!(app.update(ctrl('c')), vec![Effect::Quit]);
    assert!(app.should_quit());
}

#[test]
fn paste_goes_into_the_focused_field_and_never_submits() {
    let mut app = app();
    let effects = app.update(Msg::Paste("490154203237518\r\n".into()));
    assert!(without_drafts(effects).is_empty());
    assert_eq!(app.form().identifier.value(), "490154203237518");
    assert_eq!(app.submission(), &Submission::Idle);
    // Control characters: the paste is refused, with a message (PRODUCT §3).
    app.update(Msg::Paste("\u{1b}[2J\u{1b}]0;x\u{7}A\u{202E}B\0".into()));
    assert_eq!(app.form().identifier.value(), "490154203237518");
    assert!(app.status().unwrap().text.contains("paste refused"));
    // Line breaks become spaces (as from the editor), and it says so.
    send(
        &mut app,
        [key(KeyCode::Tab), key(KeyCode::Tab), key(KeyCode::Tab)],
    );
    send(&mut app, [key(KeyCode::Tab)]);
    app.update(Msg::Paste("line1\nline2\r\nline3".into()));
    assert_eq!(app.form().description.value(), "line1 line2 line3");
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("2 line breaks became spaces")
    );
}

#[test]
fn windows_tuples_force_windows_and_refuse_a_description() {
    let mut app = app();
    type_text(&mut app, "Lenovo, ThinkPad T14 ,PF3.ABCDE");
    assert!(app.form().platform_forced());
    send(&mut app, (0..4).map(|_| key(KeyCode::Tab)));
    type_text(&mut app, "cart 3");
    assert!(app.form().findings(FieldId::Description)[0].is_error());
    assert!(submitted(&app.update(ctrl('s'))).is_none());
    assert_eq!(app.form().focus(), FieldId::Description);
    send(&mut app, (0..6).map(|_| key(KeyCode::Backspace)));
    let (_, identity) = submitted(&app.update(ctrl('s'))).expect("submit");
    assert_eq!(identity.identifier(), "Lenovo,ThinkPad T14,PF3ABCDE");
    assert_eq!(identity.platform, Some(Platform::Windows));
    assert_eq!(
        identity.imported_device_identity_type,
        Some(ImportedDeviceIdentityType::ManufacturerModelSerial)
    );
}

#[test]
fn last_contacted_is_parsed_and_bad_values_block() {
    let mut app = app();
    type_text(&mut app, "C02XK0XXJGH5");
    send(&mut app, (0..5).map(|_| key(KeyCode::Tab)));
    assert_eq!(app.form().focus(), FieldId::LastContacted);
    type_text(&mut app, "2024-13-01");
    assert!(submitted(&app.update(ctrl('s'))).is_none());
    let why: Vec<String> = app
        .form()
        .findings(FieldId::LastContacted)
        .iter()
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(why, ["month 13 is not a month (1–12)"], "in plain words");
    send(&mut app, (0..10).map(|_| key(KeyCode::Backspace)));
    type_text(&mut app, "2024-05-01T09:30:00+02:00");
    let (_, identity) = submitted(&app.update(ctrl('s'))).expect("submit");
    assert_eq!(
        identity
            .last_contacted_date_time
            .map(|d| d.to_string())
            .as_deref(),
        Some("2024-05-01T09:30:00+02:00")
    );
    assert_eq!(
        identity.imported_device_identity_type,
        Some(ImportedDeviceIdentityType::SerialNumber)
    );
}

#[test]
fn f2_keeps_what_is_typed_until_it_was_sent() {
    let mut app = app();
    type_text(&mut app, "C02XK0");
    app.update(key(KeyCode::F(4)));
    assert_eq!(app.screen(), Screen::List);
    app.update(key(KeyCode::F(2)));
    assert_eq!(app.form().identifier.value(), "C02XK0");
}

#[test]
fn the_list_navigates_and_opens_detail() {
    let mut app = app();
    assert!(matches!(
        &app.startup_effects()[0],
        Effect::LoadRecent(page) if page.offset == 0 && page.query.is_empty()
    ));
    app.update(Msg::RecentLoaded(recent_entries()));
    app.update(key(KeyCode::F(4)));
    assert_eq!(app.screen(), Screen::List);
    send(
        &mut app,
        [
            key(KeyCode::Char('j')),
            key(KeyCode::Down),
            key(KeyCode::Char('k')),
        ],
    );
    assert_eq!(app.recent().selected_index(), 1);
    app.update(key(KeyCode::Enter));
    assert_eq!(app.screen(), Screen::Detail);
    assert_eq!(
        app.detail().map(|d| d.result.identity.identifier()),
        Some("C02XK0XXJGH5")
    );
    app.update(key(KeyCode::Char('q')));
    assert_eq!(app.screen(), Screen::List);
    app.update(key(KeyCode::Char('n')));
    assert_eq!(app.screen(), Screen::Form);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen(), Screen::List);
    app.update(key(KeyCode::Esc));
    assert_eq!(app.screen(), Screen::Form);
}

#[test]
fn store_errors_are_shown_sanitised() {
    let mut app = app();
    app.update(store_failed("disk \u{1b}[2Jfull"));
    assert_eq!(
        app.status().map(|s| (s.text.as_str(), s.tone)),
        Some((
            "could not save to Recent: local database task failed: disk full",
            Tone::Error
        ))
    );
}

#[test]
fn ctrl_d_saves_a_draft_of_a_form_with_something_in_it() {
    let mut app = app();
    assert!(app.update(ctrl('d')).is_empty());
    assert!(
        app.status()
            .is_some_and(|s| s.text.contains("Nothing to save"))
    );
    type_text(&mut app, "C02");
    let effects = app.update(ctrl('d'));
    assert!(
        matches!(&effects[..], [Effect::Outbox(OutboxEffect::SaveDraft(f))] if f.identifier == "C02"),
        "{effects:?}"
    );
}
