//! The Import screen: path prompt, preview table with line numbers and
//! per-row validation, duplicates and overwrite choices, counts, a progress
//! bar while sending, and the per-row result report.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, Paragraph};

use crate::app::import::path::candidates_line;
use crate::app::import::{ImportPhase, PreviewRow};
use crate::app::{Action, App, Scope};
use crate::model::{Report, RowStatus};
use crate::sanitize::sanitize;
use crate::widgets::Tone;
use crate::widgets::modal::{truncate, truncate_identifier, wrap};

fn row_status(app: &App, r: &PreviewRow) -> (Tone, String) {
    if let Some(e) = &r.error {
        (Tone::Error, format!("✗ {e}"))
    } else if let Some(first) = r.duplicate_of {
        (Tone::Warning, format!("! same identifier as line {first}"))
    } else if r.in_tenant.is_some() {
        let choice = if r.overwrite {
            "overwrite".to_string()
        } else {
            let key = app
                .keymap()
                .key_for(Scope::Import, Action::ImportToggleOverwrite);
            format!("keep ({key}: overwrite)")
        };
        (Tone::Warning, format!("! in the tenant: {choice}"))
    } else if let Some(w) = &r.warning {
        (Tone::Warning, format!("✓ {w}"))
    } else {
        (Tone::Success, "✓".into())
    }
}

fn preview_lines(app: &App, width: usize, height: usize) -> Vec<Line<'static>> {
    let theme = app.theme();
    let state = app.import();
    let c = state.counts();
    let tenant = match &state.tenant_check {
        None => "checking the tenant…".to_string(),
        Some(Ok(())) => format!("{} in the tenant", c.in_tenant),
        Some(Err(e)) => format!("tenant not checked: {}", sanitize(e)),
    };
    let mut lines = vec![
        Line::from(Span::styled(
            truncate(
                &format!(
                    "{} rows · {} invalid · {} repeated · {tenant} · {} to send",
                    c.rows, c.invalid, c.file_duplicates, c.to_send
                ),
                width,
            ),
            theme.accent,
        )),
        Line::from(Span::styled(
            truncate(
                &format!(
                    "{} ({} dialect){}",
                    sanitize(state.path.value()),
                    state.dialect.unwrap_or("?"),
                    state
                        .file_notes
                        .first()
                        .map(|n| format!(" · {}", sanitize(n)))
                        .unwrap_or_default()
                ),
                width,
            ),
            theme.muted,
        )),
    ];
    // The selected row's message in full when the table cuts it.
    let mut full = Vec::new();
    if let Some(r) = state.rows.get(state.cursor) {
        let status = sanitize(&row_status(app, r).1).into_owned();
        if status.chars().count() > width.saturating_sub(HEAD_WIDTH) {
            full = wrap(&format!("line {}: {status}", r.line), width);
            full.truncate(3);
        }
    }
    let room = height.saturating_sub(lines.len() + full.len()).max(1);
    let start = state.cursor.saturating_sub(room.saturating_sub(1));
    for (i, r) in state.rows.iter().enumerate().skip(start).take(room) {
        let (tone, status) = row_status(app, r);
        // The selected row: a marker and reverse video (visible without colour).
        let marker = if i == state.cursor { ">" } else { " " };
        let head = format!(
            "{marker}{:>5}  {:<24} {:<13} ",
            r.line,
            truncate_identifier(&sanitize(r.identity.identifier()), 24),
            truncate(
                r.identity
                    .imported_device_identity_type
                    .as_ref()
                    .map(|t| t.as_str())
                    .unwrap_or(""),
                13
            )
        );
        let rest = width.saturating_sub(head.chars().count());
        let style = if i == state.cursor {
            theme.selection
        } else {
            theme.tone(tone)
        };
        lines.push(Line::from(vec![
            Span::styled(head, if i == state.cursor { style } else { theme.text }),
            Span::styled(truncate(&sanitize(&status), rest), style),
        ]));
    }
    let tone = state
        .rows
        .get(state.cursor)
        .map_or(Tone::Info, |r| row_status(app, r).0);
    lines.extend(
        full.into_iter()
            .map(|l| Line::from(Span::styled(l, theme.tone(tone)))),
    );
    lines
}

/// The width of a preview row before its status: marker, line, identifier, type.
const HEAD_WIDTH: usize = 1 + 5 + 2 + 24 + 1 + 13 + 1;

fn report_lines(app: &App, report: &Report, width: usize, height: usize) -> Vec<Line<'static>> {
    let theme = app.theme();
    let c = report.counts;
    let mut lines = vec![Line::from(Span::styled(
        truncate(
            &format!(
                "{} created · {} already present · {} rejected · {} invalid · {} unsent",
                c.created, c.already_present, c.rejected, c.invalid, c.unsent
            ),
            width,
        ),
        theme.accent,
    ))];
    let notice = app.import().notice.clone().unwrap_or_else(|| {
        let keys = app.keymap();
        format!(
            "{} saves the per-row report as CSV · {} for another file",
            keys.key_for(Scope::Import, Action::ImportSaveReport),
            keys.key_for(Scope::Import, Action::Back)
        )
    });
    lines.push(Line::from(Span::styled(
        truncate(&sanitize(&notice), width),
        theme.muted,
    )));
    let room = height.saturating_sub(lines.len());
    // Every row when all were created; else the ones that need a look.
    let clean = report.problems().next().is_none();
    let shown: Box<dyn Iterator<Item = _>> = if clean {
        Box::new(report.rows.iter())
    } else {
        Box::new(report.problems())
    };
    for r in shown.take(room) {
        let tone = match r.status {
            RowStatus::Created => Tone::Success,
            RowStatus::AlreadyPresent => Tone::Warning,
            _ => Tone::Error,
        };
        let message = match r.message.as_deref() {
            Some(m) if !m.is_empty() => format!(": {}", sanitize(m)),
            _ => String::new(),
        };
        let text = format!(
            "{:>6}  {:<24} {}{message}",
            r.line,
            truncate_identifier(&sanitize(&r.identifier), 24),
            r.status.as_str(),
        );
        lines.push(Line::from(Span::styled(
            truncate(&text, width),
            theme.tone(tone),
        )));
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let state = app.import();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Import CSV ", theme.accent));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (width, height) = (inner.width as usize, inner.height as usize);
    match &state.phase {
        ImportPhase::Prompt | ImportPhase::Loading => {
            let label = "CSV file › ";
            let [field_row, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
            let label_width = u16::try_from(label.chars().count()).unwrap_or(0);
            let [label_area, input] =
                Layout::horizontal([Constraint::Length(label_width), Constraint::Fill(1)])
                    .areas(field_row);
            frame.render_widget(
                Paragraph::new(Span::styled(label, theme.focused_label)),
                label_area,
            );
            let focused = state.phase == ImportPhase::Prompt;
            let placeholder = Some(("a path; Tab completes file names", theme.muted));
            if let Some(cursor) =
                state
                    .path
                    .render(input, frame.buffer_mut(), theme.input, placeholder, focused)
            {
                frame.set_cursor_position(cursor);
            }
            let mut lines = vec![Line::from(Span::styled(
                truncate(
                    "identifier,details or manufacturer,model,serial (no header), or a header of property names",
                    width,
                ),
                theme.muted,
            ))];
            if state.phase == ImportPhase::Loading {
                lines.push(Line::from(Span::styled("reading…", theme.text)));
            } else if let Some(n) = &state.notice {
                lines.extend(
                    wrap(&sanitize(n), width)
                        .into_iter()
                        .map(|l| Line::from(Span::styled(l, theme.error))),
                );
            }
            if !state.completions.is_empty() {
                let names: Vec<String> = state
                    .completions
                    .iter()
                    .map(|n| sanitize(n).into_owned())
                    .collect();
                lines.push(Line::from(Span::styled(
                    candidates_line(&names, width),
                    theme.text,
                )));
            }
            frame.render_widget(Paragraph::new(lines), rest);
        }
        ImportPhase::Preview => {
            frame.render_widget(Paragraph::new(preview_lines(app, width, height)), inner);
        }
        ImportPhase::Sending { done, of } => {
            let [gauge, _] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
            let ratio = if *of == 0 {
                1.0
            } else {
                (*done as f64 / *of as f64).clamp(0.0, 1.0)
            };
            frame.render_widget(
                Gauge::default()
                    .gauge_style(theme.accent)
                    .ratio(ratio)
                    .label(format!("{done} / {of} rows answered")),
                gauge,
            );
        }
        ImportPhase::Done(report) => {
            frame.render_widget(
                Paragraph::new(report_lines(app, report, width, height)),
                inner,
            );
        }
    }
}
