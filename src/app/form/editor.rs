//! Editing the Form's description in the user's own editor ($VISUAL or
//! $EDITOR): Ctrl-E on the Form asks the runtime to hand the terminal over
//! with the description's text; the text the editor leaves comes back as a
//! message and replaces the field. Pure: the runtime does the hand-off
//! (`runtime::editor`).

use super::FieldId;
use super::sending::{FormCtx, FormFeature, FormOutcome};
use crate::app::msg::Effect;
use crate::sanitize::sanitize;
use crate::widgets::{TextField, Tone};

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorEffect {
    /// Open the editor on `text`; answered with [`EditorMsg::Finished`].
    Open { text: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorMsg {
    /// The editor ended: the file's text, or why nothing came back
    /// (user-facing text: a missing editor, a non-zero exit, an unreadable
    /// file).
    Finished(Result<String, String>),
}

/// The field the editor edits: the only long text on the Form.
pub const EDITED_FIELD: FieldId = FieldId::Description;

/// The editor's text as one line: the final line break dropped, inner line
/// breaks and tabs as spaces, anything unsafe to draw removed. Nothing is
/// cut: a text over the limit stays and the field says so.
pub fn single_line(text: &str) -> String {
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' | '\t' => out.push(' '),
            other => out.push(other),
        }
    }
    sanitize(&out).into_owned()
}

impl FormFeature<'_> {
    /// Ctrl-E on the Form: hand the description to the editor.
    pub fn open_editor(&mut self, ctx: &FormCtx) -> FormOutcome {
        if !ctx.on_form || self.submission.is_busy() {
            return FormOutcome::default();
        }
        self.form.set_focus(EDITED_FIELD);
        FormOutcome {
            status: vec![(
                "Editing the description in your editor…".to_string(),
                Tone::Info,
            )],
            effects: vec![Effect::Editor(EditorEffect::Open {
                text: self.form.description.value().to_string(),
            })],
            ..FormOutcome::default()
        }
    }

    /// The editor ended: its text replaces the description.
    pub fn on_editor_msg(&mut self, msg: EditorMsg) -> FormOutcome {
        let EditorMsg::Finished(result) = msg;
        match result {
            Ok(text) => {
                let text = single_line(&text);
                let changed = text != self.form.description.value();
                self.form.description = TextField::with_value(&text);
                self.form.set_focus(EDITED_FIELD);
                let status = if changed {
                    "Description taken from the editor"
                } else {
                    "Description unchanged"
                };
                FormOutcome {
                    status: vec![(status.to_string(), Tone::Success)],
                    typed: true,
                    ..FormOutcome::default()
                }
            }
            Err(reason) => {
                let reason = sanitize(&reason).into_owned();
                FormOutcome {
                    status: vec![(format!("Description unchanged: {reason}"), Tone::Error)],
                    ..FormOutcome::default()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_final_line_break_goes_and_inner_ones_become_spaces() {
        assert_eq!(single_line("cart 3\n"), "cart 3");
        assert_eq!(single_line("cart 3\r\n"), "cart 3");
        assert_eq!(single_line("a\nb\r\nc\td\re"), "a b c d e");
        assert_eq!(single_line("two breaks\n\n"), "two breaks ");
        assert_eq!(single_line(""), "");
    }

    #[test]
    fn control_characters_and_escape_sequences_are_removed() {
        assert_eq!(single_line("red \u{1b}[31mtext\u{7}\n"), "red text");
    }
}
