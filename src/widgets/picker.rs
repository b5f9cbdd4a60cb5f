//! A value picker: Left/Right cycle in place; Enter or Space opens a list
//! with type-ahead; Up/Down move; Enter chooses; Esc closes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::modal::truncate;
use super::theme::Theme;

/// What a key did to a picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerEvent {
    /// Not a picker key: offer it to the screen.
    Ignored,
    /// Consumed; the chosen value is unchanged.
    Handled,
    /// Consumed; the chosen value changed.
    Changed,
}

/// The open list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerList {
    pub highlighted: usize,
    pub typeahead: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker<T> {
    items: Vec<T>,
    selected: usize,
    list: Option<PickerList>,
}

impl<T: Clone + PartialEq> Picker<T> {
    /// A picker over `items` with `initial` chosen (the first item if absent).
    pub fn new(items: Vec<T>, initial: &T) -> Self {
        let selected = items.iter().position(|i| i == initial).unwrap_or(0);
        Picker {
            items,
            selected,
            list: None,
        }
    }

    pub fn items(&self) -> &[T] {
        &self.items
    }

    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// The chosen value; `None` only for a picker without items.
    pub fn selected(&self) -> Option<&T> {
        self.items.get(self.selected)
    }

    pub fn list(&self) -> Option<&PickerList> {
        self.list.as_ref()
    }

    pub fn is_open(&self) -> bool {
        self.list.is_some()
    }

    pub fn close(&mut self) {
        self.list = None;
    }

    fn step(&self, index: usize, forward: bool) -> usize {
        let n = self.items.len().max(1);
        if forward {
            (index + 1) % n
        } else {
            (index + n - 1) % n
        }
    }

    /// Handles a key. `labels` are the items as shown, for type-ahead.
    pub fn handle_key(&mut self, key: &KeyEvent, labels: &[String]) -> PickerEvent {
        if self.items.is_empty() {
            return PickerEvent::Ignored;
        }
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let Some(list) = self.list.as_mut() else {
            return match key.code {
                KeyCode::Left if plain => {
                    self.selected = self.step(self.selected, false);
                    PickerEvent::Changed
                }
                KeyCode::Right if plain => {
                    self.selected = self.step(self.selected, true);
                    PickerEvent::Changed
                }
                KeyCode::Enter | KeyCode::Char(' ') if plain => {
                    self.list = Some(PickerList {
                        highlighted: self.selected,
                        typeahead: String::new(),
                    });
                    PickerEvent::Handled
                }
                _ => PickerEvent::Ignored,
            };
        };
        let last = self.items.len() - 1;
        match key.code {
            KeyCode::Up => list.highlighted = list.highlighted.checked_sub(1).unwrap_or(last),
            KeyCode::Down => {
                list.highlighted = if list.highlighted >= last {
                    0
                } else {
                    list.highlighted + 1
                }
            }
            KeyCode::Home | KeyCode::PageUp => list.highlighted = 0,
            KeyCode::End | KeyCode::PageDown => list.highlighted = last,
            KeyCode::Esc => self.list = None,
            KeyCode::Enter => {
                let chosen = list.highlighted.min(last);
                self.list = None;
                if chosen != self.selected {
                    self.selected = chosen;
                    return PickerEvent::Changed;
                }
            }
            KeyCode::Backspace => {
                list.typeahead.pop();
            }
            KeyCode::Char(c) if plain => {
                list.typeahead.push(c);
                if let Some(i) = find_prefix(labels, &list.typeahead) {
                    list.highlighted = i;
                } else {
                    // Start over with the key just typed.
                    list.typeahead = c.to_string();
                    if let Some(i) = find_prefix(labels, &list.typeahead) {
                        list.highlighted = i;
                    }
                }
            }
            _ => return PickerEvent::Ignored,
        }
        PickerEvent::Handled
    }
}

fn find_prefix(labels: &[String], prefix: &str) -> Option<usize> {
    let prefix = prefix.to_lowercase();
    labels
        .iter()
        .position(|l| l.to_lowercase().starts_with(&prefix))
}

/// Draws an open list below `anchor` (the picker's value cell), inside `bounds`.
pub fn render_list(
    frame: &mut Frame,
    anchor: Rect,
    bounds: Rect,
    labels: &[String],
    list: &PickerList,
    theme: &Theme,
) {
    let widest = labels
        .iter()
        .map(|l| Span::raw(l.as_str()).width())
        .max()
        .unwrap_or(0);
    // As wide as the field (nothing behind peeks through), at least the labels.
    let field_width = anchor.width.max(1);
    let width = u16::try_from(widest + 4)
        .unwrap_or(u16::MAX)
        .max(field_width)
        .min(bounds.width);
    let height = u16::try_from(labels.len() + 2)
        .unwrap_or(u16::MAX)
        .min(bounds.height);
    if width < 5 || height < 3 {
        return;
    }
    let mut y = anchor.y.saturating_add(1);
    if y.saturating_add(height) > bounds.bottom() {
        y = bounds.bottom().saturating_sub(height).max(bounds.y);
    }
    let mut x = anchor.x;
    if x.saturating_add(width) > bounds.right() {
        x = bounds.right().saturating_sub(width).max(bounds.x);
    }
    let area = Rect::new(x, y, width, height);
    let visible = usize::from(height - 2);
    let offset = list.highlighted.saturating_sub(visible.saturating_sub(1));
    let inner_width = usize::from(width - 2);
    let lines: Vec<Line> = labels
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, label)| {
            if i == list.highlighted {
                let text = format!("> {label}");
                Line::from(Span::styled(
                    format!("{:<inner_width$}", truncate(&text, inner_width)),
                    theme.selection,
                ))
            } else {
                Line::from(format!(
                    "  {}",
                    truncate(label, inner_width.saturating_sub(2))
                ))
            }
        })
        .collect();
    let title = if list.typeahead.is_empty() {
        " type to jump ".to_string()
    } else {
        format!(
            " {} ",
            truncate(&list.typeahead, inner_width.saturating_sub(2))
        )
    };
    let block = Block::bordered()
        .border_style(theme.accent)
        .title_bottom(Span::styled(title, theme.muted));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn labels() -> Vec<String> {
        ["iOS", "Android", "Windows", "unknown"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn cycles_in_place_and_chooses_from_the_list() {
        let mut p = Picker::new(vec![0, 1, 2, 3], &3);
        assert_eq!(
            p.handle_key(&key(KeyCode::Right), &labels()),
            PickerEvent::Changed
        );
        assert_eq!(p.selected(), Some(&0));
        assert_eq!(
            p.handle_key(&key(KeyCode::Left), &labels()),
            PickerEvent::Changed
        );
        assert_eq!(p.selected(), Some(&3));
        assert_eq!(
            p.handle_key(&key(KeyCode::Enter), &labels()),
            PickerEvent::Handled
        );
        assert!(p.is_open());
        p.handle_key(&key(KeyCode::Char('a')), &labels());
        assert_eq!(p.list().map(|l| l.highlighted), Some(1));
        assert_eq!(
            p.handle_key(&key(KeyCode::Enter), &labels()),
            PickerEvent::Changed
        );
        assert_eq!(p.selected(), Some(&1));
        assert!(!p.is_open());
    }

    #[test]
    fn esc_closes_without_choosing_and_tab_is_ignored() {
        let mut p = Picker::new(vec![0, 1, 2, 3], &0);
        p.handle_key(&key(KeyCode::Char(' ')), &labels());
        p.handle_key(&key(KeyCode::Down), &labels());
        assert_eq!(
            p.handle_key(&key(KeyCode::Tab), &labels()),
            PickerEvent::Ignored
        );
        assert_eq!(
            p.handle_key(&key(KeyCode::Esc), &labels()),
            PickerEvent::Handled
        );
        assert_eq!(p.selected(), Some(&0));
        assert!(!p.is_open());
    }
}
