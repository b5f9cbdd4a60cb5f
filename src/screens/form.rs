//! The identity form: six fields with inline findings, the error panel of
//! the last failed submission, and the "Submitting…" line.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::LABEL_WIDTH;
use crate::app::{Action, App, FieldId, FormState, Scope, Submission};
use crate::domain::validate::{DESCRIPTION_MAX_CHARS, Finding};
use crate::widgets::modal::{truncate, wrap};
use crate::widgets::{Theme, picker, spinner};

/// One line of the form body.
enum Row {
    Blank,
    Field(FieldId),
    /// Text under a field's value (a finding or a note).
    Under(String, Style),
    Section(&'static str),
}

const ERROR_ICON: &str = "✗ ";
const WARNING_ICON: &str = "! ";

fn finding_rows(rows: &mut Vec<Row>, findings: &[Finding], width: usize, theme: &Theme) {
    for finding in findings {
        let (icon, style) = if finding.is_error() {
            (ERROR_ICON, theme.error)
        } else {
            (WARNING_ICON, theme.warning)
        };
        let wrapped = wrap(&finding.message, width.saturating_sub(2));
        for (i, line) in wrapped.into_iter().enumerate() {
            let prefix = if i == 0 { icon } else { "  " };
            rows.push(Row::Under(format!("{prefix}{line}"), style));
        }
    }
}

fn build_rows(form: &FormState, value_width: usize, theme: &Theme) -> Vec<Row> {
    let mut rows = vec![Row::Blank];
    for field in FieldId::ORDER {
        if field == FieldId::LastContacted {
            rows.push(Row::Section("Advanced"));
        }
        rows.push(Row::Field(field));
        let findings = form.findings(field);
        finding_rows(&mut rows, &findings, value_width, theme);
        if field == FieldId::Identifier && findings.is_empty() {
            let raw = form.identifier.value().trim();
            let sent = form.normalized_identifier();
            if !raw.is_empty() && sent != raw {
                rows.push(Row::Under(
                    truncate(&format!("sent as {sent}"), value_width),
                    theme.muted,
                ));
            }
        }
    }
    rows
}

fn picker_text(app: &App, field: FieldId, focused: bool) -> Vec<Span<'static>> {
    let form = app.form();
    let theme = app.theme();
    if field == FieldId::Platform && form.platform_forced() {
        return vec![
            Span::styled("Windows", theme.text),
            Span::styled("  (always, for manufacturer,model,serial)", theme.muted),
        ];
    }
    let labels = form.labels(field);
    let index = match field {
        FieldId::Type => form.type_choice.selected_index(),
        FieldId::Platform => form.platform.selected_index(),
        _ => form.enrollment_state.selected_index(),
    };
    let value = labels.get(index).cloned().unwrap_or_default();
    if focused {
        vec![
            Span::styled(format!("‹ {value} ›"), theme.input),
            Span::styled("  ←/→ change · Enter list", theme.muted),
        ]
    } else {
        vec![Span::styled(value, theme.text)]
    }
}

/// Draws the field's value; returns the terminal cursor for a focused text field.
fn draw_value(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    field: FieldId,
    focused: bool,
) -> Option<Position> {
    let form = app.form();
    let theme = app.theme();
    let style = if focused { theme.input } else { theme.text };
    let placeholder = |text| Some((text, theme.muted));
    match field {
        FieldId::Identifier => form.identifier.render(
            area,
            frame.buffer_mut(),
            style,
            placeholder("IMEI, serial number or Manufacturer,Model,Serial"),
            focused,
        ),
        FieldId::Description => {
            let count = form.description.value().chars().count();
            let counter = format!(" {count}/{DESCRIPTION_MAX_CHARS}");
            let counter_width = u16::try_from(counter.len()).unwrap_or(0).min(area.width);
            let text_area = Rect {
                width: area.width - counter_width,
                ..area
            };
            let counter_area = Rect {
                x: text_area.right(),
                width: counter_width,
                ..area
            };
            let counter_style = if count > DESCRIPTION_MAX_CHARS {
                theme.error
            } else {
                theme.muted
            };
            frame.render_widget(Span::styled(counter, counter_style), counter_area);
            let hint = if form.platform_forced() {
                "not used for manufacturer,model,serial"
            } else {
                "optional, e.g. PO-4711 cart 3"
            };
            form.description.render(
                text_area,
                frame.buffer_mut(),
                style,
                placeholder(hint),
                focused,
            )
        }
        FieldId::LastContacted => form.last_contacted.render(
            area,
            frame.buffer_mut(),
            style,
            placeholder("optional · 2024-05-01T09:30:00+02:00"),
            focused,
        ),
        FieldId::Type | FieldId::Platform | FieldId::EnrollmentState => {
            frame.render_widget(Line::from(picker_text(app, field, focused)), area);
            None
        }
    }
}

fn busy_line(app: &App) -> Option<String> {
    let text = match app.submission() {
        Submission::Idle => return None,
        Submission::Sending { .. } => format!(
            "Submitting… {} to cancel",
            app.keymap().key_for(Scope::Form, Action::CancelSubmit)
        ),
        Submission::Cancelling { .. } => "Cancelling…".into(),
        Submission::Checking { .. } => "Cancelled; checking whether the service created it…".into(),
    };
    Some(format!("{} {text}", spinner::frame(app.tick())))
}

/// The form's parts inside the screen's area: the block's inner area, the
/// rows, the busy line and the error panel. Drawing and mouse hit-testing
/// share it.
struct FormLayout {
    inner: Rect,
    rows_area: Rect,
    busy: Option<String>,
    panel: Option<Vec<String>>,
    panel_height: u16,
}

/// " New device identity ", with the draft the form edits once it is
/// saved as one (" New device identity — Draft 17 ").
fn form_title(app: &App) -> String {
    match app.outbox().form_item() {
        Some(id) => format!(" New device identity — Draft {id} "),
        None => " New device identity ".to_string(),
    }
}

fn form_block(app: &App) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(form_title(app), app.theme().accent))
        .border_style(app.theme().muted)
}

fn layout(app: &App, area: Rect) -> FormLayout {
    let inner = form_block(app).inner(area);
    let busy = busy_line(app);
    let panel = app
        .submit_error()
        .map(|error| wrap(error, usize::from(inner.width.saturating_sub(4))));
    let panel_height = panel
        .as_ref()
        .map(|lines| {
            u16::try_from(lines.len() + 2)
                .unwrap_or(u16::MAX)
                .min(inner.height / 2)
        })
        .unwrap_or(0);
    let busy_height = u16::from(busy.is_some()).min(inner.height.saturating_sub(panel_height));
    let rows_height = inner.height - panel_height - busy_height;
    FormLayout {
        inner,
        rows_area: Rect {
            height: rows_height,
            ..inner
        },
        busy,
        panel,
        panel_height,
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    frame.render_widget(form_block(app), area);
    let FormLayout {
        inner,
        rows_area,
        busy,
        panel,
        panel_height,
    } = layout(app, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }

    if let Some(text) = busy {
        let y = rows_area.bottom();
        frame.render_widget(
            Line::from(Span::styled(format!(" {text}"), theme.accent)),
            Rect::new(inner.x, y, inner.width, 1),
        );
    }
    if let (Some(lines), true) = (panel, panel_height >= 3) {
        let panel_area = Rect::new(
            inner.x,
            inner.bottom() - panel_height,
            inner.width,
            panel_height,
        );
        let text: Vec<Line> = lines
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.error)))
            .collect();
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: false }).block(
                Block::bordered()
                    .title(Span::styled(" Error ", theme.error))
                    .border_style(theme.error)
                    .padding(Padding::horizontal(1)),
            ),
            panel_area,
        );
    }
    draw_rows(frame, rows_area, app);
}

/// The rows that fit in `area`, the index of the first one shown, and the
/// value column's x and width.
fn visible_rows(app: &App, area: Rect) -> (Vec<Row>, usize, u16, u16) {
    let form = app.form();
    let value_x = area.x.saturating_add(LABEL_WIDTH).min(area.right());
    let value_width = area.right().saturating_sub(value_x).saturating_sub(1);
    let rows = build_rows(form, usize::from(value_width), app.theme());
    let height = usize::from(area.height);
    let focus_row = rows
        .iter()
        .position(|r| matches!(r, Row::Field(f) if *f == form.focus()))
        .unwrap_or(0);
    // Keep the focused field and the line under it in view.
    let offset = (focus_row + 2).saturating_sub(height).min(focus_row);
    (rows, offset, value_x, value_width)
}

/// The field on the screen at (`column`, `row`) when the form is drawn in
/// `area` (the screen's area): the label, the value and the lines under it.
pub fn field_at(app: &App, area: Rect, column: u16, row: u16) -> Option<FieldId> {
    let rows_area = layout(app, area).rows_area;
    let inside = column >= rows_area.x
        && column < rows_area.right()
        && row >= rows_area.y
        && row < rows_area.bottom();
    if !inside {
        return None;
    }
    let (rows, offset, _, _) = visible_rows(app, rows_area);
    let index = offset + usize::from(row - rows_area.y);
    // A line under a field belongs to it.
    rows.get(..=index)?
        .iter()
        .rev()
        .take_while(|r| !matches!(r, Row::Blank | Row::Section(_)))
        .find_map(|r| match r {
            Row::Field(field) => Some(*field),
            _ => None,
        })
}

fn draw_rows(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let form = app.form();
    let height = usize::from(area.height);
    let (rows, offset, value_x, value_width) = visible_rows(app, area);
    let editable = !app.submission().is_busy() && !app.help_open();
    let mut cursor = None;
    let mut list_anchor = None;
    for (row, y) in rows.iter().skip(offset).take(height).zip(area.y..) {
        let line_area = Rect::new(area.x, y, area.width, 1);
        let value_area = Rect::new(value_x, y, value_width, 1);
        match row {
            Row::Blank => {}
            Row::Section(title) => {
                let rule = "─".repeat(usize::from(area.width).saturating_sub(title.len() + 7));
                frame.render_widget(
                    Line::from(Span::styled(format!("  ── {title} {rule}"), theme.muted)),
                    line_area,
                );
            }
            Row::Under(text, style) => {
                frame.render_widget(Span::styled(text.clone(), *style), value_area);
            }
            Row::Field(field) => {
                let focused = *field == form.focus();
                let (marker, label_style) = if focused {
                    ("> ", theme.focused_label)
                } else {
                    ("  ", theme.text)
                };
                let label = truncate(field.label(), usize::from(LABEL_WIDTH).saturating_sub(3));
                frame.render_widget(
                    Line::from(vec![
                        Span::styled(marker, theme.focused_label),
                        Span::styled(label, label_style),
                    ]),
                    line_area,
                );
                let position = draw_value(frame, value_area, app, *field, focused && editable);
                if position.is_some() {
                    cursor = position;
                }
                if focused {
                    list_anchor = Some(value_area);
                }
            }
        }
    }
    if let Some(position) = cursor {
        frame.set_cursor_position(position);
    }
    draw_open_list(frame, area, app, list_anchor);
}

fn draw_open_list(frame: &mut Frame, bounds: Rect, app: &App, anchor: Option<Rect>) {
    let form = app.form();
    let Some(anchor) = anchor else {
        return;
    };
    let list = match form.focus() {
        FieldId::Type => form.type_choice.list(),
        FieldId::Platform => form.platform.list(),
        FieldId::EnrollmentState => form.enrollment_state.list(),
        _ => None,
    };
    if let Some(list) = list {
        let labels = form.labels(form.focus());
        picker::render_list(frame, anchor, bounds, &labels, list, app.theme());
    }
}
