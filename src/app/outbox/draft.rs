//! The form as a draft: every field as typed and the focus, to be saved
//! while typing and restored exactly.

use crate::app::form::{FieldId, FormState, TypeChoice};
use crate::domain::{EnrollmentState, ImportedDeviceIdentityType, Platform};
use crate::model::DraftFields;
use crate::widgets::{Picker, TextField};

impl FormState {
    /// The form as typed (not validated), with the focus.
    pub fn draft_fields(&self) -> DraftFields {
        DraftFields {
            identifier: self.identifier.value().to_string(),
            type_choice: match self.type_choice.selected() {
                Some(TypeChoice::Fixed(t)) => Some(t.as_str().to_string()),
                Some(TypeChoice::Auto) | None => None,
            },
            platform: self
                .platform
                .selected()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            enrollment_state: self
                .enrollment_state
                .selected()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            description: self.description.value().to_string(),
            last_contacted: self.last_contacted.value().to_string(),
            focus: self.focus().label().to_string(),
        }
    }

    /// A form holding a draft's fields, focused where it was.
    pub fn from_draft(fields: &DraftFields) -> FormState {
        let mut form = FormState::new();
        form.identifier = TextField::with_value(&fields.identifier);
        form.description = TextField::with_value(&fields.description);
        form.last_contacted = TextField::with_value(&fields.last_contacted);
        let choice = match &fields.type_choice {
            Some(t) => TypeChoice::Fixed(ImportedDeviceIdentityType::parse(t)),
            None => TypeChoice::Auto,
        };
        form.type_choice = Picker::new(form.type_choice.items().to_vec(), &choice);
        form.platform = Picker::new(
            form.platform.items().to_vec(),
            &Platform::parse(&fields.platform),
        );
        form.enrollment_state = Picker::new(
            form.enrollment_state.items().to_vec(),
            &EnrollmentState::parse(&fields.enrollment_state),
        );
        let focus = FieldId::ORDER
            .into_iter()
            .find(|f| f.label() == fields.focus)
            .unwrap_or(FieldId::Identifier);
        form.set_focus(focus);
        form
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn a_draft_restores_every_field_and_the_focus() {
        let mut form = FormState::new();
        form.identifier.insert_str("C02XK0XXJGH5");
        form.set_focus(FieldId::Type);
        for _ in 0..2 {
            form.handle_key(&key(KeyCode::Right));
        }
        form.set_focus(FieldId::Platform);
        form.handle_key(&key(KeyCode::Right));
        form.set_focus(FieldId::EnrollmentState);
        form.handle_key(&key(KeyCode::Right));
        form.description.insert_str("cart 3");
        form.last_contacted.insert_str("2024-05-01T09:30:00Z");
        form.set_focus(FieldId::Description);
        let fields = form.draft_fields();
        assert!(fields.type_choice.is_some(), "{fields:?}");
        let restored = FormState::from_draft(&fields);
        assert_eq!(restored.draft_fields(), fields);
        assert_eq!(restored.focus(), FieldId::Description);
        assert_eq!(restored.effective_type(), form.effective_type());
        assert_eq!(restored.effective_platform(), form.effective_platform());
        // Auto stays Auto.
        let auto = FormState::from_draft(&FormState::new().draft_fields());
        assert_eq!(auto.type_choice.selected(), Some(&TypeChoice::Auto));
    }
}
