//! The key-hint line, drawn from the keymap: as many hints as fit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;

/// One hint: the key as written and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub key: String,
    pub description: String,
}

pub struct Footer<'a> {
    pub hints: &'a [Hint],
    pub theme: &'a Theme,
}

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let width = usize::from(area.width);
        let mut spans = vec![Span::raw(" ")];
        let mut used = 1;
        for hint in self.hints {
            let needed = hint.key.chars().count() + 1 + hint.description.chars().count() + 2;
            if used + needed > width {
                break;
            }
            spans.push(Span::styled(hint.key.clone(), self.theme.accent));
            spans.push(Span::raw(" "));
            spans.push(Span::styled(hint.description.clone(), self.theme.muted));
            spans.push(Span::raw("  "));
            used += needed;
        }
        Line::from(spans).render(area, buf);
    }
}
