//! A text dump of a buffer WITH its styles, for snapshots a reader can
//! check: each row as text, then the row's styled runs (columns, colours
//! and modifiers); runs in the terminal's default style are left out.

use std::fmt::Write;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Style};

use super::{buffer_to_string, draw};
use crate::app::App;

/// Renders the console at `width`×`height` and dumps it with its styles.
pub fn render_to_styled_string(app: &App, width: u16, height: u16) -> String {
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    if let Err(never) = terminal.draw(|frame| draw(frame, app)) {
        match never {}
    }
    buffer_to_styled_string(terminal.backend().buffer())
}

/// `fg=Blue on Yellow bold+reversed`; empty for the default style.
pub fn describe_style(style: Style) -> String {
    let mut parts = Vec::new();
    if let Some(fg) = style.fg.filter(|c| *c != Color::Reset) {
        parts.push(format!("fg={fg:?}"));
    }
    if let Some(bg) = style.bg.filter(|c| *c != Color::Reset) {
        parts.push(format!("bg={bg:?}"));
    }
    let modifiers = style.add_modifier - style.sub_modifier;
    if !modifiers.is_empty() {
        let names: Vec<String> = modifiers
            .iter_names()
            .map(|(name, _)| name.to_ascii_lowercase())
            .collect();
        parts.push(names.join("+"));
    }
    parts.join(" ")
}

fn cell_style(buffer: &Buffer, x: u16, y: u16) -> Style {
    buffer
        .cell((x, y))
        .map(|c| Style::new().fg(c.fg).bg(c.bg).add_modifier(c.modifier))
        .unwrap_or_default()
}

/// Each row's text, then `  │ 2..23 fg=Blue bold; 30..31 reversed`.
pub fn buffer_to_styled_string(buffer: &Buffer) -> String {
    let text = buffer_to_string(buffer);
    let area = buffer.area;
    let mut out = String::new();
    for (y, line) in (area.top()..area.bottom()).zip(text.lines()) {
        out.push_str(line);
        out.push('\n');
        let mut runs = Vec::new();
        let mut x = area.left();
        while x < area.right() {
            let style = cell_style(buffer, x, y);
            let start = x;
            while x < area.right() && cell_style(buffer, x, y) == style {
                x += 1;
            }
            let described = describe_style(style);
            if !described.is_empty() {
                runs.push(format!(
                    "{}..{} {described}",
                    start - area.left(),
                    x - area.left()
                ));
            }
        }
        if !runs.is_empty() {
            let _ = writeln!(out, "  │ {}", runs.join("; "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn lists_styled_runs_only() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 1));
        buffer.set_string(0, 0, "ab", Style::new().fg(Color::Blue).bold());
        buffer.set_string(4, 0, "z", Style::new().reversed());
        assert_eq!(
            buffer_to_styled_string(&buffer),
            "ab  z\n  │ 0..2 fg=Blue bold; 4..5 reversed\n"
        );
    }
}
