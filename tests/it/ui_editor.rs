//! Ctrl-E on the Form: the description goes to the user's editor and its
//! text comes back — on the pure `update`, and through the real loop with a
//! script as the editor.

use crate::ui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use enroll_console::app::{
    App, EditorEffect, EditorMsg, Effect, FieldId, Msg, OutboxEffect, OutboxMsg,
};
use enroll_console::domain::validate::Severity;
use enroll_console::screens::render_to_string;
use enroll_console::widgets::Tone;
use ui_support::*;

fn finished(result: Result<&str, &str>) -> Msg {
    Msg::Editor(EditorMsg::Finished(
        result.map(str::to_string).map_err(str::to_string),
    ))
}

fn opened(effects: &[Effect]) -> Option<&str> {
    effects.iter().find_map(|e| match e {
        Effect::Editor(EditorEffect::Open { text }) => Some(text.as_str()),
        _ => None,
    })
}

/// A form with an identifier and the description `start`, focus back on
/// the identifier.
fn form_with_description() -> App {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    app.update(key(KeyCode::Tab));
    assert_eq!(app.form().focus(), FieldId::Description);
    type_text(&mut app, "start");
    for _ in 0..4 {
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::BackTab,
            KeyModifiers::SHIFT,
        )));
    }
    assert_eq!(app.form().focus(), FieldId::Identifier);
    app
}

#[test]
fn ctrl_e_from_any_field_opens_the_editor_on_the_description() {
    let mut app = form_with_description();
    let effects = app.update(ctrl('e'));
    assert_eq!(opened(&effects), Some("start"));
    assert_eq!(app.form().focus(), FieldId::Description);
    // Ctrl-E did not also move the identifier's cursor or change any text.
    assert_eq!(app.form().identifier.value(), "490154203237518");
}

#[test]
fn the_edited_text_replaces_the_description_on_one_line() {
    let mut app = form_with_description();
    app.update(ctrl('e'));
    app.update(finished(Ok("start\nsecond line\twith a tab\n")));
    assert_eq!(
        app.form().description.value(),
        "start second line with a tab"
    );
    assert_eq!(app.form().focus(), FieldId::Description);
    // The changed form is saved as a draft like typed text.
    let saved = app.update(Msg::Outbox(OutboxMsg::DraftTimer));
    assert!(
        saved.iter().any(|e| matches!(
            e,
            Effect::Outbox(OutboxEffect::SaveDraft(fields))
                if fields.description == "start second line with a tab"
        )),
        "{saved:?}"
    );
    let status = app.status().expect("a status");
    assert_eq!(status.tone, Tone::Success);
    // Typing goes on at the end of the text.
    type_text(&mut app, "!");
    assert_eq!(
        app.form().description.value(),
        "start second line with a tab!"
    );
}

#[test]
fn escape_sequences_from_the_file_are_removed() {
    let mut app = form_with_description();
    app.update(ctrl('e'));
    app.update(finished(Ok("cart \u{1b}]0;title\u{7}3\u{1b}[2J\n")));
    assert_eq!(app.form().description.value(), "cart 3");
}

#[test]
fn a_text_over_128_characters_is_kept_and_flagged() {
    let mut app = form_with_description();
    app.update(ctrl('e'));
    let long = "x".repeat(140);
    app.update(finished(Ok(&format!("{long}\n"))));
    assert_eq!(app.form().description.value(), long);
    let findings = app.form().findings(FieldId::Description);
    assert!(
        findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.message.contains("140 now")),
        "{findings:?}"
    );
    let screen = render_to_string(&app, 80, 24);
    assert!(screen.contains("140/128"), "{screen}");
    // And it is not sent.
    let effects = app.update(ctrl('s'));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Submit { .. })),
        "{effects:?}"
    );
}

#[test]
fn a_failed_editor_keeps_the_text_and_says_why() {
    let mut app = form_with_description();
    app.update(ctrl('e'));
    let effects = app.update(finished(Err("vi ended (exit status: 1)")));
    assert!(without_drafts(effects).is_empty());
    assert_eq!(app.form().description.value(), "start");
    let status = app.status().expect("a status");
    assert_eq!(status.tone, Tone::Error);
    assert!(status.text.contains("Description unchanged"), "{status:?}");
    assert!(status.text.contains("exit status: 1"), "{status:?}");
    let screen = render_to_string(&app, 80, 24);
    assert!(screen.contains("Description unchanged"), "{screen}");
}

#[test]
fn ctrl_e_does_nothing_while_sending_or_off_the_form() {
    let mut app = form_with_description();
    app.update(ctrl('s'));
    assert!(opened(&app.update(ctrl('e'))).is_none());

    let mut app = app_on_recent();
    assert!(opened(&app.update(ctrl('e'))).is_none());
}

#[test]
fn help_lists_ctrl_e_and_the_footer_shows_it_on_the_description() {
    let mut app = form_with_description();
    let footer = render_to_string(&app, 100, 24);
    assert!(!footer.contains("Ctrl-E"), "{footer}");
    app.update(ctrl('e'));
    // At 80 columns the hint fits with the others (help stays in view).
    let footer = render_to_string(&app, 80, 24);
    let line = footer.lines().rev().nth(1).unwrap_or_default();
    assert!(line.contains("Ctrl-E edit in $EDITOR"), "{footer}");
    assert!(line.contains("F1 help"), "{footer}");
    app.update(key(KeyCode::F(1)));
    let help = render_to_string(&app, 100, 30);
    assert!(help.contains("Ctrl-E"), "{help}");
    assert!(help.contains("edit in $EDITOR"), "{help}");
}

fn app_on_recent() -> App {
    let mut app = app();
    app.update(key(KeyCode::F(4)));
    app
}
