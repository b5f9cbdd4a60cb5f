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
    /// Drawn last, in place of the hints that do not fit (e.g. "F1 all
    /// keys"), so a cut footer always says where the rest is.
    pub more: Option<&'a Hint>,
}

fn hint_width(hint: &Hint) -> usize {
    hint.key.chars().count() + 1 + hint.description.chars().count() + 2
}

/// The hints that fit in `width` after `reserved` columns, in order.
fn fitting<'h>(
    hints: impl Iterator<Item = &'h Hint>,
    width: usize,
    reserved: usize,
) -> Vec<&'h Hint> {
    let mut used = 1;
    let mut shown = Vec::new();
    for hint in hints {
        let needed = hint_width(hint);
        if used + needed + reserved > width {
            break;
        }
        shown.push(hint);
        used += needed;
    }
    shown
}

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let width = usize::from(area.width);
        let mut shown = fitting(self.hints.iter(), width, 0);
        // Cut before the help key: end with it instead, said once.
        if let Some(more) = self.more
            && shown.len() < self.hints.len()
            && !shown.iter().any(|h| h.key == more.key)
        {
            let others = self.hints.iter().filter(|h| h.key != more.key);
            shown = fitting(others, width, hint_width(more));
            shown.push(more);
        }
        let mut spans = vec![Span::raw(" ")];
        for hint in shown {
            spans.push(Span::styled(hint.key.clone(), self.theme.accent));
            spans.push(Span::raw(" "));
            spans.push(Span::styled(hint.description.clone(), self.theme.muted));
            spans.push(Span::raw("  "));
        }
        Line::from(spans).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;

    fn hint(key: &str, description: &str) -> Hint {
        Hint {
            key: key.into(),
            description: description.into(),
        }
    }

    fn drawn(width: u16, hints: &[Hint], more: &Hint) -> String {
        let area = Rect::new(0, 0, width, 1);
        let mut buf = Buffer::empty(area);
        let theme = Theme::default();
        Footer {
            hints,
            theme: &theme,
            more: Some(more),
        }
        .render(area, &mut buf);
        buf.content().iter().map(|c| c.symbol()).collect::<String>()
    }

    #[test]
    fn a_cut_footer_ends_with_where_the_rest_is() {
        let hints = [
            hint("a", "one"),
            hint("b", "two"),
            hint("c", "three and more"),
        ];
        let more = hint("F1", "all keys");
        assert_eq!(
            drawn(40, &hints, &more).trim_end(),
            " a one  b two  c three and more"
        );
        assert_eq!(
            drawn(28, &hints, &more).trim_end(),
            " a one  b two  F1 all keys"
        );
    }
}
