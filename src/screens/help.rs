//! The Help overlay: the keys of the current screen and the global ones,
//! straight from the keymap, plus the version and the folders in use. It
//! covers the screen area; on short terminals the spacing goes first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use crate::app::{Action, App, Scope};
use crate::sanitize::sanitize;
use crate::widgets::modal::truncate;

const KEYS_WIDTH: usize = 22;

/// A line and whether it may be dropped when space is short.
type HelpLine = (Line<'static>, bool);

fn lines(app: &App, width: usize) -> Vec<HelpLine> {
    let theme = app.theme();
    let keymap = app.keymap();
    let mut lines: Vec<HelpLine> = Vec::new();
    for scope in app.scopes() {
        lines.push((
            Line::from(Span::styled(scope.title().to_string(), theme.accent)),
            false,
        ));
        for binding in keymap.bindings(scope) {
            let keys = truncate(&binding.keys_label(), KEYS_WIDTH - 2);
            let description = truncate(binding.description, width.saturating_sub(KEYS_WIDTH));
            lines.push((
                Line::from(vec![
                    Span::styled(
                        format!("  {keys:<w$}", w = KEYS_WIDTH - 2),
                        theme.focused_label,
                    ),
                    Span::styled(description, theme.text),
                ]),
                false,
            ));
        }
        lines.push((Line::default(), true));
    }
    lines.push((
        Line::from(Span::styled(
            truncate("Letter keys never act while a text field has focus.", width),
            theme.muted,
        )),
        true,
    ));
    lines.push((Line::default(), true));
    let paths = &app.info().paths;
    for (label, path) in [
        ("Config", &paths.config_dir),
        ("Data", &paths.data_dir),
        ("Logs", &paths.log_dir),
    ] {
        let shown = sanitize(&path.display().to_string()).into_owned();
        lines.push((
            Line::from(vec![
                Span::styled(format!("{label:<8}"), theme.muted),
                Span::styled(truncate(&shown, width.saturating_sub(8)), theme.text),
            ]),
            false,
        ));
    }
    lines
}

/// The lines shown in `area` (optional ones dropped from the end until the
/// rest fits) and how many fit at once.
fn fitted(app: &App, area: Rect) -> (Vec<HelpLine>, usize) {
    let body_width = usize::from(area.width.saturating_sub(4));
    let room = usize::from(area.height.saturating_sub(2));
    let mut body = lines(app, body_width);
    while body.len() > room {
        match body.iter().rposition(|(_, optional)| *optional) {
            Some(i) => {
                body.remove(i);
            }
            None => break,
        }
    }
    (body, room)
}

/// How far the overlay in `area` can scroll (the lines that do not fit).
pub fn max_scroll(app: &App, area: Rect) -> u16 {
    let (body, room) = fitted(app, area);
    overflow(&body, room)
}

fn overflow(body: &[HelpLine], room: usize) -> u16 {
    u16::try_from(body.len().saturating_sub(room)).unwrap_or(u16::MAX)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    // The lines are built once per frame: the scroll limit comes from them.
    let (body, room) = fitted(app, area);
    let max = overflow(&body, room);
    let scroll = app.help_scroll().min(max);
    let title = format!(
        " Help · enroll-console {} ",
        crate::build_info::short_version()
    );
    let block = Block::bordered()
        .title(Span::styled(title, theme.accent))
        .title_bottom(Span::styled(
            format!(
                " {} close ",
                app.keymap().key_for(Scope::Help, Action::ToggleHelp)
            ),
            theme.muted,
        ))
        .title_bottom(
            Line::from(Span::styled(
                match (scroll > 0, scroll < max) {
                    (_, true) => format!(
                        " {} more ",
                        app.keymap().key_for(Scope::Help, Action::MoveDown)
                    ),
                    (true, false) => format!(
                        " {} back up ",
                        app.keymap().key_for(Scope::Help, Action::MoveUp)
                    ),
                    (false, false) => String::new(),
                },
                theme.muted,
            ))
            .right_aligned(),
        )
        .border_style(theme.accent)
        .padding(Padding::horizontal(1));
    let text: Vec<Line> = body.into_iter().map(|(line, _)| line).collect();
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(text).block(block).scroll((scroll, 0)), area);
}
