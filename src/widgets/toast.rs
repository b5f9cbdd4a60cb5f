//! A toast: a small bordered box in a corner over the screen (bottom right,
//! or top right when the bottom holds something to read), styled by the
//! message's tone, for a message that goes by itself.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::modal::{truncate, wrap};
use super::theme::{Theme, Tone};
use crate::sanitize::sanitize;

/// Below this terminal size toasts are not drawn (they would cover what
/// the user is working on, such as the form's error panel); the status
/// bar shows the message instead.
pub const TOAST_MIN_WIDTH: u16 = 70;
pub const TOAST_MIN_HEIGHT: u16 = 18;

/// The most lines of text a toast shows.
const MAX_LINES: usize = 3;

pub struct ToastBox<'a> {
    pub text: &'a str,
    pub tone: Tone,
    pub theme: &'a Theme,
}

impl ToastBox<'_> {
    /// The lines of text for a box at most `max_width` wide (borders and a
    /// space of padding on each side included).
    fn lines(&self, max_width: u16) -> Vec<String> {
        let room = usize::from(max_width.saturating_sub(4)).max(1);
        let text = sanitize(self.text);
        let mut lines = wrap(&text, room);
        if lines.len() > MAX_LINES {
            let rest = lines.split_off(MAX_LINES - 1).join(" ");
            lines.push(truncate(&rest, room));
        }
        lines
    }

    /// Where the box goes in `area` (the screen above the footer): the
    /// bottom-right corner above the bottom border (the top-right one below
    /// the top border with `top`), at most half as wide.
    pub fn area_in(&self, area: Rect, top: bool) -> Rect {
        let max_width = (area.width / 2).max(20).min(area.width);
        let lines = self.lines(max_width);
        let text_width = lines
            .iter()
            .map(|l| Span::raw(l.as_str()).width())
            .max()
            .unwrap_or(0);
        let width = u16::try_from(text_width + 4)
            .unwrap_or(u16::MAX)
            .min(max_width);
        let height = u16::try_from(lines.len() + 2)
            .unwrap_or(u16::MAX)
            .min(area.height);
        Rect {
            x: area
                .right()
                .saturating_sub(width.saturating_add(1))
                .max(area.x),
            y: if top {
                area.y.saturating_add(1)
            } else {
                area.bottom().saturating_sub(height.saturating_add(1))
            }
            .min(area.bottom().saturating_sub(height))
            .max(area.y),
            width,
            height,
        }
    }

    fn title(&self) -> &'static str {
        match self.tone {
            Tone::Info => " info ",
            Tone::Success => " done ",
            Tone::Warning => " note ",
            Tone::Error => " error ",
        }
    }
}

impl Widget for ToastBox<'_> {
    /// Draws into `area` as given by [`ToastBox::area_in`].
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 5 || area.height < 3 {
            return;
        }
        let style = self.theme.tone(self.tone);
        let lines: Vec<Line> = self
            .lines(area.width)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, style)))
            .collect();
        let block = Block::bordered()
            .border_style(style)
            .title(Span::styled(self.title(), style))
            .padding(ratatui::widgets::Padding::horizontal(1));
        Clear.render(area, buf);
        Paragraph::new(lines).block(block).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sits_top_right_and_wraps_long_text() {
        let theme = Theme::monochrome();
        let toast = ToastBox {
            text: "Draft saved",
            tone: Tone::Success,
            theme: &theme,
        };
        let area = Rect::new(0, 0, 80, 22);
        assert_eq!(toast.area_in(area, true), Rect::new(64, 1, 15, 3));
        assert_eq!(toast.area_in(area, false), Rect::new(64, 18, 15, 3));
        let long = "word ".repeat(40);
        let toast = ToastBox {
            text: &long,
            tone: Tone::Info,
            theme: &theme,
        };
        let rect = toast.area_in(area, false);
        assert_eq!((rect.width, rect.height), (40, 5));
        assert_eq!(rect.right(), 79);
    }
}
