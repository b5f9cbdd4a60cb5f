//! The note a list shows when it has no rows yet ("Loading…", "Nothing here").

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws `text` one line below the top of `area`, in `style`.
pub fn draw_empty_state(frame: &mut Frame, area: Rect, text: &str, style: Style) {
    frame.render_widget(
        Paragraph::new(vec![
            Line::default(),
            Line::from(Span::styled(text.to_string(), style)),
        ]),
        area,
    );
}
