//! The List screen, Drafts/Outbox tab: every draft and outbox item with
//! its state — created with its id, rejected with the service's reason.

use ratatui::Frame;
use ratatui::layout::Layout;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::app::{Action, App, Scope, SyncState};
use crate::model::{ItemState, OutboxItem};
use crate::sanitize::sanitize;
use crate::widgets::Theme;
use crate::widgets::modal::truncate;

fn state_style(state: ItemState, theme: &Theme) -> Style {
    match state {
        ItemState::Created => theme.success,
        ItemState::Rejected => theme.error,
        ItemState::Duplicate => theme.warning,
        ItemState::Queued | ItemState::Sending => theme.accent,
        ItemState::Draft | ItemState::Discarded => theme.muted,
    }
}

/// What the last column says: the id of a created item, else the reason.
fn detail(app: &App, item: &OutboxItem) -> String {
    let text = match item.state {
        ItemState::Created => item.service_id.clone().unwrap_or_default(),
        ItemState::Draft => format!(
            "draft ({} to open)",
            app.keymap().key_for(Scope::List, Action::OpenSelected)
        ),
        _ => item.reason.clone().unwrap_or_default(),
    };
    let text = sanitize(&text).into_owned();
    match app.outbox().next_try(item) {
        Some(next) => format!("{next} · {text}"),
        None => text,
    }
}

/// The summary line and the table inside the List's frame.
pub(crate) fn areas(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area)
}

/// How many items the table shows, and the first one shown.
pub(crate) fn shown(table: Rect, selected: usize) -> (usize, usize) {
    let body_height = usize::from(table.height.saturating_sub(1)).max(1);
    (body_height, selected.saturating_sub(body_height - 1))
}

/// Draws the tab inside the List's frame: a summary line, then the items.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let outbox = app.outbox();
    let counts = outbox.counts();
    let sync = match outbox.sync() {
        SyncState::Syncing(p) => format!(" · syncing {}/{}", p.settled.min(p.total), p.total),
        SyncState::Unreachable { .. } => " · no connection".to_string(),
        SyncState::Idle if outbox.paused() => " · offline: sending paused".to_string(),
        SyncState::Idle => String::new(),
    };
    let summary = format!(
        " {} queued · {} drafts · {} created · {} need attention{sync}",
        counts.pending,
        counts.drafts,
        counts.created,
        counts.rejected + counts.duplicate
    );
    let [summary_area, inner] = areas(area);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(summary, theme.accent))),
        summary_area,
    );
    let items = outbox.items();
    if items.is_empty() {
        let text = if outbox.is_loaded() {
            "  Empty: drafts and unsent submissions wait here."
        } else {
            "  Loading…"
        };
        crate::widgets::draw_empty_state(frame, inner, text, theme.muted);
        return;
    }
    let widths = [5u16, 9, 17];
    let fixed: u16 = widths.iter().sum::<u16>() + 3 + 3;
    let rest = inner.width.saturating_sub(fixed).max(4);
    let selected = outbox.selected_index();
    let (body_height, start) = shown(inner, selected);
    let end = (start + body_height).min(items.len());
    let rows: Vec<Row> = items[start..end]
        .iter()
        .map(|item| {
            let cells = [
                (item.id.to_string(), theme.muted),
                (
                    item.state.as_str().to_string(),
                    state_style(item.state, theme),
                ),
                (sanitize(&item.identifier).into_owned(), theme.text),
                (detail(app, item), theme.muted),
            ];
            let limits = [widths[0], widths[1], widths[2], rest];
            Row::new(cells.into_iter().zip(limits).map(|((text, style), w)| {
                Cell::from(Span::styled(truncate(&text, usize::from(w)), style))
            }))
        })
        .collect();
    let header =
        Row::new(["#", "State", "Identifier", "Id / reason"].map(Cell::from)).style(theme.header);
    let constraints = [
        Constraint::Length(widths[0]),
        Constraint::Length(widths[1]),
        Constraint::Length(widths[2]),
        Constraint::Length(rest),
    ];
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1)
        .highlight_symbol("> ")
        .row_highlight_style(theme.selection);
    let mut state = TableState::default().with_selected(Some(selected - start));
    frame.render_stateful_widget(table, inner, &mut state);
}
