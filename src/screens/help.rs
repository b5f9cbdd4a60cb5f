//! The Help overlay: the keys of the current screen and the global ones,
//! straight from the keymap, plus the version and the folders in use.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::{App, Scope};
use crate::sanitize::sanitize;
use crate::widgets::modal::{centered, truncate};

const KEYS_WIDTH: usize = 22;

fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = app.theme();
    let keymap = app.keymap();
    let mut lines = Vec::new();
    for scope in [app.scope(), Scope::Global] {
        lines.push(Line::from(Span::styled(
            scope.title().to_string(),
            theme.accent,
        )));
        for binding in keymap.bindings(scope) {
            let keys = truncate(&binding.keys_label(), KEYS_WIDTH - 2);
            let description = truncate(binding.description, width.saturating_sub(KEYS_WIDTH + 2));
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {keys:<w$}", w = KEYS_WIDTH - 2),
                    theme.focused_label,
                ),
                Span::styled(description, theme.text),
            ]));
        }
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        "Letter keys never act while a text field has focus.",
        theme.muted,
    )));
    lines.push(Line::default());
    let paths = &app.info().paths;
    for (label, path) in [
        ("Config", &paths.config_dir),
        ("Data", &paths.data_dir),
        ("Logs", &paths.log_dir),
    ] {
        let shown = sanitize(&path.display().to_string()).into_owned();
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<8}"), theme.muted),
            Span::styled(truncate(&shown, width.saturating_sub(8)), theme.text),
        ]));
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let width = area.width.saturating_sub(4).min(76);
    let body_width = usize::from(width.saturating_sub(4));
    let body = lines(app, body_width);
    let height = u16::try_from(body.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = centered(area, width, height);
    if popup.width < 4 || popup.height < 3 {
        return;
    }
    let title = format!(" Help · enroll-console {} ", env!("CARGO_PKG_VERSION"));
    let block = Block::bordered()
        .title(Span::styled(title, theme.accent))
        .title_bottom(Span::styled(" Esc close ", theme.muted))
        .border_style(theme.accent)
        .padding(ratatui::widgets::Padding::horizontal(1));
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(body).block(block), popup);
}
