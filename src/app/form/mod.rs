//! The identity form's state: six fields, focus, inline validation, and the
//! identity a submit sends (PRODUCT §3).
//!
//! The Form feature: this file holds the fields; `keys` the keys through the
//! keymap, `submission` a submission's states, `sending` the submit and its
//! answers, `editor` the description in the user's editor. The app's side is
//! `app::route_form`.

pub mod editor;
mod keys;
mod sending;
pub mod submission;

pub use editor::{EDITED_FIELD, EditorEffect, EditorMsg};
pub use keys::FormKey;
pub use sending::{FormCtx, FormFeature, FormOutcome, HandOff};
pub use submission::{Submission, recorded_method};

use crossterm::event::{KeyCode, KeyEvent};

use crate::domain::validate::{
    Finding, detect_type, has_control_chars, normalize_identifier, sanity_warnings,
    validate_description, validate_identifier,
};
use crate::domain::{
    DateTimeOffset, EnrollmentState, ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform,
};
use crate::sanitize::sanitize_paste;
use crate::widgets::{Picker, PickerEvent, TextField};

/// The form's fields, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Identifier,
    Type,
    Platform,
    EnrollmentState,
    Description,
    LastContacted,
}

impl FieldId {
    pub const ORDER: [FieldId; 6] = [
        FieldId::Identifier,
        FieldId::Type,
        FieldId::Platform,
        FieldId::EnrollmentState,
        FieldId::Description,
        FieldId::LastContacted,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FieldId::Identifier => "Identifier",
            FieldId::Type => "Type",
            FieldId::Platform => "Platform",
            FieldId::EnrollmentState => "Enrollment state",
            FieldId::Description => "Description",
            FieldId::LastContacted => "Last contacted",
        }
    }

    /// Whether the field is a text input (letters are typed, not hotkeys).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FieldId::Identifier | FieldId::Description | FieldId::LastContacted
        )
    }

    fn index(self) -> usize {
        FieldId::ORDER.iter().position(|f| *f == self).unwrap_or(0)
    }

    pub fn next(self) -> FieldId {
        FieldId::ORDER[(self.index() + 1) % FieldId::ORDER.len()]
    }

    pub fn prev(self) -> FieldId {
        let n = FieldId::ORDER.len();
        FieldId::ORDER[(self.index() + n - 1) % n]
    }
}

/// The Type picker's value: detected from the identifier until the user picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeChoice {
    Auto,
    Fixed(ImportedDeviceIdentityType),
}

#[derive(Debug, Clone)]
pub struct FormState {
    pub identifier: TextField,
    pub type_choice: Picker<TypeChoice>,
    pub platform: Picker<Platform>,
    pub enrollment_state: Picker<EnrollmentState>,
    pub description: TextField,
    pub last_contacted: TextField,
    focus: FieldId,
    /// A submit was tried: an empty identifier now shows its error.
    submit_attempted: bool,
    /// The description carried over from the last submit (see
    /// [`FormState::after_submit`]): not something typed, so not a draft.
    carried_description: String,
}

impl Default for FormState {
    fn default() -> Self {
        FormState::new()
    }
}

impl FormState {
    pub fn new() -> Self {
        let types = std::iter::once(TypeChoice::Auto)
            .chain(
                ImportedDeviceIdentityType::PICKABLE
                    .iter()
                    .cloned()
                    .map(TypeChoice::Fixed),
            )
            .collect();
        FormState {
            identifier: TextField::new(),
            type_choice: Picker::new(types, &TypeChoice::Auto),
            platform: Picker::new(Platform::PICKABLE.to_vec(), &Platform::Unknown),
            enrollment_state: Picker::new(
                EnrollmentState::PICKABLE.to_vec(),
                &EnrollmentState::NotContacted,
            ),
            description: TextField::new(),
            last_contacted: TextField::new(),
            focus: FieldId::Identifier,
            submit_attempted: false,
            carried_description: String::new(),
        }
    }

    /// The form after a successful submit: the identifier and the last
    /// contact (both per device) clear; the type choice, platform, enrollment
    /// state and description stay, for the next device of the same batch.
    pub fn after_submit(&self) -> FormState {
        let mut next = FormState::new();
        next.type_choice = self.type_choice.clone();
        next.platform = self.platform.clone();
        next.enrollment_state = self.enrollment_state.clone();
        next.close_lists();
        let description = self.description.value().to_string();
        next.description = TextField::with_value(&description);
        next.carried_description = description;
        next
    }

    pub fn focus(&self) -> FieldId {
        self.focus
    }

    /// Moves focus, closing any open picker list.
    pub fn set_focus(&mut self, field: FieldId) {
        self.close_lists();
        self.focus = field;
    }

    pub fn close_lists(&mut self) {
        self.type_choice.close();
        self.platform.close();
        self.enrollment_state.close();
    }

    /// Whether a picker's list is open (it gets keys first).
    pub fn list_open(&self) -> bool {
        self.type_choice.is_open() || self.platform.is_open() || self.enrollment_state.is_open()
    }

    pub fn text_focused(&self) -> bool {
        self.focus.is_text()
    }

    /// Whether the user has entered anything.
    pub fn is_blank(&self) -> bool {
        self.identifier.is_empty()
            && self.description.value() == self.carried_description
            && self.last_contacted.is_empty()
    }

    pub fn detected_type(&self) -> ImportedDeviceIdentityType {
        detect_type(self.identifier.value())
    }

    /// The type sent: the picked one, or the detected one while on Auto.
    pub fn effective_type(&self) -> ImportedDeviceIdentityType {
        match self.type_choice.selected() {
            Some(TypeChoice::Fixed(t)) => t.clone(),
            Some(TypeChoice::Auto) | None => self.detected_type(),
        }
    }

    /// Windows tuples always go as windows.
    pub fn platform_forced(&self) -> bool {
        self.effective_type() == ImportedDeviceIdentityType::ManufacturerModelSerial
    }

    pub fn effective_platform(&self) -> Platform {
        if self.platform_forced() {
            Platform::Windows
        } else {
            self.platform
                .selected()
                .cloned()
                .unwrap_or(Platform::Unknown)
        }
    }

    /// The identifier as it will be sent.
    pub fn normalized_identifier(&self) -> String {
        normalize_identifier(self.identifier.value(), &self.effective_type())
    }

    /// The labels a picker shows, in item order.
    pub fn labels(&self, field: FieldId) -> Vec<String> {
        match field {
            FieldId::Type => self
                .type_choice
                .items()
                .iter()
                .map(|choice| match choice {
                    TypeChoice::Auto if self.identifier.value().trim().is_empty() => {
                        "Auto (detected from the identifier)".to_string()
                    }
                    TypeChoice::Auto => {
                        format!("Auto (detected: {})", self.detected_type().label())
                    }
                    TypeChoice::Fixed(t) => t.label().to_string(),
                })
                .collect(),
            FieldId::Platform => self
                .platform
                .items()
                .iter()
                .map(|p| p.label().to_string())
                .collect(),
            FieldId::EnrollmentState => self
                .enrollment_state
                .items()
                .iter()
                .map(|s| s.label().to_string())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Errors and warnings to show under a field, as of now.
    pub fn findings(&self, field: FieldId) -> Vec<Finding> {
        let ty = self.effective_type();
        match field {
            FieldId::Identifier => {
                if self.identifier.value().trim().is_empty() && !self.submit_attempted {
                    Vec::new()
                } else {
                    validate_identifier(self.identifier.value(), &ty)
                }
            }
            FieldId::Platform => {
                let picked = self
                    .platform
                    .selected()
                    .cloned()
                    .unwrap_or(Platform::Unknown);
                if self.platform_forced() {
                    Vec::new()
                } else {
                    sanity_warnings(&ty, &picked)
                }
            }
            FieldId::Description => validate_description(self.description.value(), &ty),
            FieldId::LastContacted => {
                let text = self.last_contacted.value();
                if has_control_chars(text) {
                    vec![Finding::error("control characters are not allowed")]
                } else if text.trim().is_empty() {
                    Vec::new()
                } else {
                    match DateTimeOffset::parse_input(text) {
                        Ok(_) => Vec::new(),
                        Err(e) => vec![Finding::error(e.to_string())],
                    }
                }
            }
            FieldId::Type | FieldId::EnrollmentState => Vec::new(),
        }
    }

    /// The first field (in order) with a hard error.
    pub fn first_error(&self) -> Option<FieldId> {
        FieldId::ORDER
            .into_iter()
            .find(|f| self.findings(*f).iter().any(Finding::is_error))
    }

    /// The identity to send, or the first field with a hard error (which
    /// then also shows "required" errors).
    pub fn build_identity(&mut self) -> Result<ImportedDeviceIdentity, FieldId> {
        self.submit_attempted = true;
        if let Some(field) = self.first_error() {
            return Err(field);
        }
        let ty = self.effective_type();
        let mut identity = ImportedDeviceIdentity::new(
            self.normalized_identifier(),
            ty,
            self.effective_platform(),
        );
        identity.enrollment_state = self.enrollment_state.selected().cloned();
        let description = self.description.value().trim();
        identity.description = (!description.is_empty()).then(|| description.to_string());
        let contacted = self.last_contacted.value().trim();
        if !contacted.is_empty() {
            identity.last_contacted_date_time =
                Some(DateTimeOffset::parse_input(contacted).map_err(|_| FieldId::LastContacted)?);
        }
        Ok(identity)
    }

    /// Offers a key to the focused widget; returns whether it was consumed.
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        let labels = self.labels(self.focus);
        let event = match self.focus {
            FieldId::Identifier => return self.identifier.handle_key(key),
            FieldId::Description => return self.description.handle_key(key),
            FieldId::LastContacted => return self.last_contacted.handle_key(key),
            FieldId::Type => self.type_choice.handle_key(key, &labels),
            FieldId::Platform if self.platform_forced() => {
                // Shown as windows and not changeable; swallow the picker keys.
                return matches!(
                    key.code,
                    KeyCode::Left | KeyCode::Right | KeyCode::Enter | KeyCode::Char(' ')
                );
            }
            FieldId::Platform => self.platform.handle_key(key, &labels),
            FieldId::EnrollmentState => self.enrollment_state.handle_key(key, &labels),
        };
        event != PickerEvent::Ignored
    }

    /// Pasted text goes into the focused text field, without line breaks or
    /// control characters; returns whether it was taken.
    pub fn paste(&mut self, text: &str) -> bool {
        let clean = sanitize_paste(text);
        let field = match self.focus {
            FieldId::Identifier => &mut self.identifier,
            FieldId::Description => &mut self.description,
            FieldId::LastContacted => &mut self.last_contacted,
            _ => return false,
        };
        field.insert_str(&clean);
        true
    }
}

#[cfg(test)]
mod tests;
