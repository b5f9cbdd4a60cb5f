//! The List screen, Tenant tab: a status line (progress, matches, Stale
//! view, selection), the table, and the filter prompt while it is open.
//! Only the visible rows are read and drawn: nothing here grows with the
//! number of rows.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::app::tenant::LoadOutcome;
use crate::app::{Action, App, Keymap, Scope, TenantState, thousands};
use crate::domain::ImportedDeviceIdentityType;
use crate::sanitize::sanitize;
use crate::tenant::rows::date_cell;
use crate::tenant::{Column, RowRef};
use crate::widgets::Theme;
use crate::widgets::modal::{truncate, truncate_identifier};

fn short_type(ty: Option<ImportedDeviceIdentityType>) -> String {
    match ty {
        Some(ImportedDeviceIdentityType::Imei) => "IMEI".into(),
        Some(ImportedDeviceIdentityType::SerialNumber) => "serial".into(),
        Some(ImportedDeviceIdentityType::ManufacturerModelSerial) => "M,M,S".into(),
        Some(other) => sanitize(other.as_str()).into_owned(),
        None => "—".into(),
    }
}

fn date_only(text: String) -> String {
    text.chars().take(10).collect()
}

fn cell_text(row: &RowRef<'_>, column: Column) -> String {
    let label = |s: Option<String>| s.unwrap_or_else(|| "—".into());
    let unreadable = row.unreadable_dates();
    match column {
        Column::Identifier => sanitize(row.identifier()).into_owned(),
        Column::Type => short_type(row.identity_type()),
        Column::Platform => label(row.platform().map(|p| sanitize(p.label()).into_owned())),
        Column::State => label(
            row.enrollment_state()
                .map(|s| sanitize(s.label()).into_owned()),
        ),
        Column::LastContacted => date_only(date_cell(
            row.last_contacted().as_ref(),
            unreadable.and_then(|u| u.last_contacted_date_time.as_deref()),
        )),
        Column::Created => date_only(date_cell(
            row.created().as_ref(),
            unreadable.and_then(|u| u.created_date_time.as_deref()),
        )),
        Column::Description => sanitize(row.description()).into_owned(),
    }
}

/// The columns that fit, with widths. The identifier column is as wide as
/// the longest identifier, up to three fifths of what the fixed columns
/// leave (at least 17); the description takes the rest.
fn columns(width: u16, widest_identifier: usize) -> Vec<(Column, u16)> {
    let mut cols = vec![(Column::Type, 6)];
    if width >= 90 {
        cols.push((Column::Platform, 10));
    }
    cols.push((Column::State, 13));
    cols.push((Column::LastContacted, 10));
    if width >= 70 {
        cols.push((Column::Created, 10));
    }
    // Marker column, highlight symbol and spacing (one more column to come).
    let fixed: u16 = cols.iter().map(|(_, w)| *w).sum::<u16>() + 2 + 2;
    let spacing = u16::try_from(cols.len()).unwrap_or(0) + 2;
    let available = width.saturating_sub(fixed + spacing);
    let cap = (available / 5 * 3).max(17);
    let widest = u16::try_from(widest_identifier).unwrap_or(u16::MAX);
    let identifier = widest.clamp(10, cap);
    cols.insert(0, (Column::Identifier, identifier));
    let rest = available.saturating_sub(identifier);
    if rest >= 8 {
        cols.push((Column::Description, rest));
    }
    cols
}

fn status_line(t: &TenantState, keys: &Keymap, theme: &Theme) -> Line<'static> {
    let view = t.view();
    let total = view.total();
    let shown = view.view().len();
    let mut spans = Vec::new();
    let progress = if t.is_loading() {
        (
            format!(
                "Loading… {} so far ({} stops)",
                thousands(total),
                keys.key_for(Scope::Tenant, Action::CancelLoad)
            ),
            theme.warning,
        )
    } else {
        match t.outcome() {
            LoadOutcome::Complete => (format!("{} identities", thousands(total)), theme.text),
            // A listing that did not reach its end never shows a count
            // that reads as the tenant's.
            LoadOutcome::Cancelled => (
                format!("{}+ loaded (stopped; r reloads)", thousands(total)),
                theme.warning,
            ),
            LoadOutcome::Failed(error) => (
                sanitize(&format!(
                    "{}+ loaded, stopped{} (r retries): {}",
                    thousands(total),
                    error
                        .support_id()
                        .map(|id| format!(", {id}"))
                        .unwrap_or_default(),
                    error.user_message()
                ))
                .into_owned(),
                theme.error,
            ),
            LoadOutcome::Pending => ("Not loaded".to_string(), theme.muted),
        }
    };
    spans.push(Span::styled(format!(" {}", progress.0), progress.1));
    if t.stale_on() {
        spans.push(Span::styled(
            format!(
                " · Stale: not contacted for {} days: {}",
                t.stale_days(),
                thousands(shown)
            ),
            theme.warning,
        ));
    }
    if !t.filter_text().is_empty() {
        spans.push(Span::styled(
            format!(
                " · {} match “{}”",
                thousands(shown),
                sanitize(t.filter_text())
            ),
            theme.accent,
        ));
    }
    if t.marked_count() > 0 {
        spans.push(Span::styled(
            format!(" · {} selected", thousands(t.marked_count())),
            theme.accent,
        ));
    }
    Line::from(spans)
}

fn empty_text(t: &TenantState, keys: &Keymap) -> String {
    if !t.view().view().is_empty() {
        return String::new();
    }
    if t.view().total() > 0 {
        if t.stale_on() {
            return format!(
                "  No identity matches. Esc in the filter clears it; {} leaves the Stale view.",
                keys.key_for(Scope::Tenant, Action::StaleView)
            );
        }
        return "  No identity matches. Esc in the filter clears it.".into();
    }
    match t.outcome() {
        _ if t.is_loading() => "  Loading the tenant's identities…".into(),
        LoadOutcome::Failed(e) => format!("  Could not load: {}", sanitize(&e.user_message())),
        LoadOutcome::Complete => "  No identities in this tenant yet.".into(),
        _ => "  Not loaded. r loads the tenant's identities.".into(),
    }
}

/// The status line, the table and the filter prompt inside the List's frame.
pub(crate) fn areas(t: &TenantState, area: Rect) -> [Rect; 3] {
    let prompt_height = u16::from(t.filter_field().is_some());
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(prompt_height),
    ])
    .areas(area)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let t = app.tenant();
    let [status, body, prompt] = areas(t, area);
    frame.render_widget(Paragraph::new(status_line(t, app.keymap(), theme)), status);
    if let Some(field) = t.filter_field() {
        draw_prompt(frame, prompt, app, field);
    }
    let empty = empty_text(t, app.keymap());
    if !empty.is_empty() {
        crate::widgets::draw_empty_state(frame, body, &empty, theme.muted);
        return;
    }
    let cols = columns(body.width, t.view().rows().widest_identifier());
    let range = t.visible_range(usize::from(body.height.saturating_sub(1)));
    let selected_in_view = t.selected().checked_sub(range.start);
    let view = t.view();
    let rows: Vec<Row> = range
        .filter_map(|position| {
            let index = view.view().get(position).copied()?;
            let row = view.rows().get(index)?;
            let mark = if t.is_marked(index) { "*" } else { " " };
            let mut cells = vec![Cell::from(Span::styled(mark, theme.accent))];
            cells.extend(cols.iter().map(|(column, width)| {
                let text = match column {
                    Column::Identifier => {
                        truncate_identifier(&cell_text(&row, *column), usize::from(*width))
                    }
                    _ => truncate(&cell_text(&row, *column), usize::from(*width)),
                };
                let style = match column {
                    Column::Description | Column::LastContacted => theme.muted,
                    _ => theme.text,
                };
                Cell::from(Span::styled(text, style))
            }));
            Some(Row::new(cells))
        })
        .collect();
    let sort = t.sort();
    let mut header_cells = vec![Cell::from(" ")];
    header_cells.extend(cols.iter().map(|(column, width)| {
        let arrow = match sort {
            Some(s) if s.column == *column && s.descending => " ▼",
            Some(s) if s.column == *column => " ▲",
            _ => "",
        };
        // The arrow stays visible: the title gives way to it.
        let title = truncate(
            column.title(),
            usize::from(*width).saturating_sub(arrow.chars().count()),
        );
        Cell::from(format!("{title}{arrow}"))
    }));
    let header = Row::new(header_cells).style(theme.header);
    let mut widths = vec![Constraint::Length(1)];
    widths.extend(cols.iter().map(|(_, w)| Constraint::Length(*w)));
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .highlight_symbol("> ")
        .row_highlight_style(theme.selection);
    let mut state = TableState::default().with_selected(selected_in_view);
    frame.render_stateful_widget(table, body, &mut state);
}

/// The footer while the filter prompt has the keys: its own keys (fixed,
/// like any text field's), then the global ones.
pub(crate) fn filter_hints(app: &App) -> Vec<crate::widgets::Hint> {
    let hint = |key: &str, description: &str| crate::widgets::Hint {
        key: key.to_string(),
        description: description.to_string(),
    };
    let mut hints = vec![
        hint("Enter", "keep filter"),
        hint("Esc", "clear filter"),
        hint("↑/↓", "move"),
        hint("Ctrl-U", "erase"),
    ];
    hints.extend(app.keymap().bindings(Scope::Global).filter_map(|b| {
        let key = b.keys.iter().find(|k| !k.is_text())?;
        b.hint.then(|| hint(&key.label(), b.description))
    }));
    hints
}

fn draw_prompt(frame: &mut Frame, area: Rect, app: &App, field: &crate::widgets::TextField) {
    let theme = app.theme();
    let matches = format!(
        " {} match · Enter keep · Esc clear ",
        thousands(app.tenant().view().view().len())
    );
    let hint_width = u16::try_from(matches.chars().count()).unwrap_or(0);
    let [label, input, hint] = Layout::horizontal([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(hint_width.min(area.width / 2)),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(Span::styled("/ ", theme.accent)), label);
    // The input line stands out from the rows above it.
    frame.buffer_mut().set_style(input, theme.input);
    let placeholder = Some(("words, state:, type:, platform:", theme.muted));
    let cursor = field.render(input, frame.buffer_mut(), theme.input, placeholder, true);
    if let Some(position) = cursor {
        frame.set_cursor_position(position);
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            truncate(&matches, usize::from(hint.width)),
            theme.muted,
        )),
        hint,
    );
}
