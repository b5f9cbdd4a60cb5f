//! The Form's keys through the keymap: while sending the form is locked
//! (Esc cancels); otherwise a Ctrl, Alt or F-key binding beats the focused
//! field, and plain keys go to the field first.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::FormState;
use crate::app::keymap::{Action, Keymap, Scope};

/// What a key on the Form asks of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// The form took it (a field, a picker, or nothing to do while locked).
    Taken,
    /// A bound action for the app to apply (submit, cancel, save, …).
    Apply(Action),
}

impl FormState {
    /// A key while the Form is shown (`busy`: a submission runs); `None`
    /// leaves it to the global bindings.
    pub fn on_screen_key(
        &mut self,
        key: &KeyEvent,
        keymap: &Keymap,
        busy: bool,
    ) -> Option<FormKey> {
        let text_focus = self.text_focused();
        let actions = keymap.actions(Scope::Form, key, text_focus);
        if busy {
            // The form is locked while sending: Esc cancels, a second submit
            // does nothing, global keys still work.
            if actions.contains(&Action::CancelSubmit) {
                return Some(FormKey::Apply(Action::CancelSubmit));
            }
            if actions.contains(&Action::Submit)
                || actions.contains(&Action::EditInEditor)
                || text_focus && is_text_key(key)
            {
                return Some(FormKey::Taken);
            }
            return None;
        }
        // A Ctrl, Alt or F-key bound here beats the field's own use of it
        // (Ctrl-A and Ctrl-E move the cursor unless bound); plain keys go to
        // the focused field first (arrows, Enter and Space work the pickers).
        let modified = key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            || matches!(key.code, KeyCode::F(_));
        if modified && let Some(action) = actions.iter().find(|a| **a != Action::CancelSubmit) {
            return Some(FormKey::Apply(*action));
        }
        if self.handle_key(key) {
            return Some(FormKey::Taken);
        }
        actions
            .into_iter()
            .find(|a| *a != Action::CancelSubmit)
            .map(FormKey::Apply)
    }
}

fn is_text_key(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}
