//! Detail's raw JSON view (`J`): the identity as JSON, pretty-printed,
//! every line sanitised.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::{Action, App, DetailView, Scope};
use crate::sanitize::sanitize;
use crate::widgets::modal::truncate;

/// The JSON text shown for an identity.
pub fn json_text(view: &DetailView) -> String {
    serde_json::to_string_pretty(&view.result).unwrap_or_else(|e| format!("(not shown: {e})"))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &DetailView) {
    let theme = app.theme();
    let block = Block::bordered()
        .title(Span::styled(" Raw JSON ", theme.accent))
        .title_bottom(Span::styled(
            format!(
                " {} or {}: back to the detail ",
                app.keymap().key_for(Scope::Detail, Action::RawJson),
                app.keymap().key_for(Scope::Detail, Action::Back)
            ),
            theme.muted,
        ))
        .border_style(theme.muted);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width.saturating_sub(1));
    let lines: Vec<Line> = json_text(view)
        .lines()
        .map(|line| {
            Line::from(Span::styled(
                format!(" {}", truncate(&sanitize(line), width)),
                theme.text,
            ))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
