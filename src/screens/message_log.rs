//! The message log overlay (F9): the last messages, oldest at the top and
//! newest at the bottom (like a terminal's scrollback), each with its time
//! (UTC) and tone. The selected one has a marker and reverse video, and its
//! whole text is shown wrapped below the list.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use crate::app::{Action, App, LogEntry, Scope};
use crate::domain::DateTimeOffset;
use crate::sanitize::sanitize;
use crate::widgets::modal::{truncate, wrap};

/// Lines under the list for the selected message's whole text.
const DETAIL_LINES: usize = 3;

/// `09:30:13`, or dashes before the runtime reported the time.
fn clock(at: Option<DateTimeOffset>) -> String {
    match at {
        Some(at) => {
            let t = at.inner();
            format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
        }
        None => "--:--:--".into(),
    }
}

fn entry_line(app: &App, entry: &LogEntry, selected: bool, width: usize) -> Line<'static> {
    let theme = app.theme();
    let marker = if selected { "> " } else { "  " };
    let head = format!("{marker}{} {:<5} ", clock(entry.at), entry.tone.label());
    let rest = width.saturating_sub(Span::raw(head.as_str()).width());
    let text = truncate(&sanitize(&entry.text), rest);
    if selected {
        let padded = format!("{head}{text}");
        let fill = width.saturating_sub(Span::raw(padded.as_str()).width());
        return Line::from(Span::styled(
            format!("{padded}{}", " ".repeat(fill)),
            theme.selection,
        ));
    }
    Line::from(vec![
        Span::styled(head, theme.muted),
        Span::styled(text, theme.tone(entry.tone)),
    ])
}

/// The log's footer, from its keys: ` Esc close · ↑/↓ move `.
fn footer(app: &App) -> String {
    let keys = app.keymap();
    let key = |action| keys.plain_key_for(Scope::Log, action);
    format!(
        " {} close · {}/{} move ",
        key(Action::ToggleLog),
        key(Action::MoveUp),
        key(Action::MoveDown)
    )
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(view) = app.notices().view() else {
        return;
    };
    let theme = app.theme();
    let log = app.notices().log();
    let title = format!(" Messages ({}) · times in UTC ", log.len());
    let block = Block::bordered()
        .title(Span::styled(title, theme.accent))
        .title_bottom(Span::styled(footer(app), theme.muted))
        .border_style(theme.accent)
        .padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    if log.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(
                truncate("No messages yet.", width),
                theme.muted,
            ))),
            inner,
        );
        return;
    }
    let detail_height = if usize::from(inner.height) >= DETAIL_LINES + 6 {
        DETAIL_LINES + 1
    } else {
        0
    };
    let [list_area, detail_area] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(u16::try_from(detail_height).unwrap_or(0)),
    ])
    .areas(inner);
    let rows = usize::from(list_area.height);
    let selected = view.selected.min(log.len() - 1);
    let offset = selected.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = log
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, entry)| entry_line(app, entry, i == selected, width))
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
    if detail_height > 0
        && let Some(entry) = log.get(selected)
    {
        let mut lines = vec![Line::from(Span::styled("─".repeat(width), theme.muted))];
        let mut text = wrap(&sanitize(&entry.text), width);
        if text.len() > DETAIL_LINES {
            let rest = text.split_off(DETAIL_LINES - 1).join(" ");
            text.push(truncate(&rest, width));
        }
        lines.extend(
            text.into_iter()
                .map(|l| Line::from(Span::styled(l, theme.tone(entry.tone)))),
        );
        frame.render_widget(Paragraph::new(lines), detail_area);
    }
}
