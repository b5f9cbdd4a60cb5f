//! A single-line text input (wrapping tui-input): editing keys only, so
//! letters never reach a hotkey while it has focus.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use tui_input::{Input, InputRequest};

use super::modal::truncate;
use crate::sanitize::sanitize;

#[derive(Debug, Clone, Default)]
pub struct TextField {
    input: Input,
}

/// Equal when the text and the cursor are.
impl PartialEq for TextField {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value() && self.input.cursor() == other.input.cursor()
    }
}

impl TextField {
    pub fn new() -> Self {
        TextField::default()
    }

    pub fn with_value(value: &str) -> Self {
        let mut field = TextField::new();
        field.insert_str(value);
        field
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn is_empty(&self) -> bool {
        self.input.value().is_empty()
    }

    /// Inserts text at the cursor; anything unsafe to draw is dropped first.
    pub fn insert_str(&mut self, text: &str) {
        for c in sanitize(text).chars() {
            self.input.handle(InputRequest::InsertChar(c));
        }
    }

    /// Handles an editing key; returns whether it was consumed. Tab, Enter,
    /// Esc, Up/Down, F-keys and Ctrl-keys other than the editing ones are
    /// left to the screen.
    pub fn handle_key(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let request = match key.code {
            KeyCode::Char(c) if !ctrl && !alt => {
                self.insert_str(c.encode_utf8(&mut [0; 4]));
                return true;
            }
            KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
            KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
            KeyCode::Char('u') if ctrl => InputRequest::DeleteFromStart,
            KeyCode::Char('k') if ctrl => InputRequest::DeleteTillEnd,
            KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
            KeyCode::Backspace if ctrl || alt => InputRequest::DeletePrevWord,
            KeyCode::Backspace => InputRequest::DeletePrevChar,
            KeyCode::Delete => InputRequest::DeleteNextChar,
            KeyCode::Left if ctrl => InputRequest::GoToPrevWord,
            KeyCode::Right if ctrl => InputRequest::GoToNextWord,
            KeyCode::Left => InputRequest::GoToPrevChar,
            KeyCode::Right => InputRequest::GoToNextChar,
            KeyCode::Home => InputRequest::GoToStart,
            KeyCode::End => InputRequest::GoToEnd,
            _ => return false,
        };
        self.input.handle(request);
        true
    }

    /// Draws the value (or a placeholder when empty) scrolled so the cursor
    /// stays visible; returns where the terminal cursor belongs when focused.
    pub fn render(
        &self,
        area: Rect,
        buf: &mut Buffer,
        style: Style,
        placeholder: Option<(&str, Style)>,
        focused: bool,
    ) -> Option<Position> {
        if area.width == 0 || area.height == 0 {
            return None;
        }
        let width = usize::from(area.width.saturating_sub(1)).max(1);
        let scroll = self.input.visual_scroll(width);
        let line = match placeholder {
            Some((text, placeholder_style)) if self.is_empty() => Line::from(Span::styled(
                truncate(text, usize::from(area.width)),
                placeholder_style,
            )),
            _ => Line::from(Span::styled(self.value().to_string(), style)),
        };
        buf.set_style(area, style);
        Paragraph::new(line)
            .scroll((0, u16::try_from(scroll).unwrap_or(u16::MAX)))
            .render(area, buf);
        if !focused {
            return None;
        }
        let column = self.input.visual_cursor().saturating_sub(scroll);
        let x = area
            .x
            .saturating_add(u16::try_from(column).unwrap_or(u16::MAX))
            .min(area.right().saturating_sub(1));
        Some(Position::new(x, area.y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn letters_are_typed_and_navigation_is_left_alone() {
        let mut field = TextField::new();
        for c in "q?j".chars() {
            assert!(field.handle_key(&key(KeyCode::Char(c))));
        }
        assert_eq!(field.value(), "q?j");
        assert!(!field.handle_key(&key(KeyCode::Tab)));
        assert!(!field.handle_key(&key(KeyCode::Enter)));
        assert!(!field.handle_key(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
        assert!(field.handle_key(&key(KeyCode::Backspace)));
        assert_eq!(field.value(), "q?");
    }

    #[test]
    fn control_text_is_dropped() {
        let mut field = TextField::new();
        field.insert_str("ab\u{1b}[2Jc\u{202E}d");
        assert_eq!(field.value(), "abcd");
    }
}
