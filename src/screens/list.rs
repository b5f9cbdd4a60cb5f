//! The List screen: a tab bar (Recent | Tenant | …) and the tab's body. The
//! Recent tab: identities submitted from this machine, newest first, with
//! where each came from, and its filter line. Only the visible slice of rows
//! is built and drawn.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table, TableState};

use crate::app::recent::live_label;
use crate::app::{Action, App, ListTab, Scope, thousands};
use crate::domain::ImportedDeviceIdentityType;
use crate::model::RecentEntry;
use crate::sanitize::sanitize;
use crate::widgets::Theme;
use crate::widgets::modal::truncate;

/// A column: title, width, and how to get the text and style of a row.
struct Column {
    title: &'static str,
    width: u16,
    cell: fn(&RecentEntry, &Theme) -> (String, Style),
}

fn short_type(ty: Option<&ImportedDeviceIdentityType>) -> String {
    match ty {
        Some(ImportedDeviceIdentityType::Imei) => "IMEI".into(),
        Some(ImportedDeviceIdentityType::SerialNumber) => "serial".into(),
        Some(ImportedDeviceIdentityType::ManufacturerModelSerial) => "M,M,S".into(),
        Some(other) => sanitize(other.as_str()).into_owned(),
        None => "—".into(),
    }
}

fn identifier(e: &RecentEntry, t: &Theme) -> (String, Style) {
    (
        sanitize(e.result.identity.identifier()).into_owned(),
        t.text,
    )
}
fn kind(e: &RecentEntry, t: &Theme) -> (String, Style) {
    (
        short_type(e.result.identity.imported_device_identity_type.as_ref()),
        t.text,
    )
}
fn platform(e: &RecentEntry, t: &Theme) -> (String, Style) {
    let p = e
        .result
        .identity
        .platform
        .as_ref()
        .map(|p| p.label())
        .unwrap_or("—");
    (sanitize(p).into_owned(), t.text)
}
fn state(e: &RecentEntry, t: &Theme) -> (String, Style) {
    let s = e
        .result
        .identity
        .enrollment_state
        .as_ref()
        .map(|s| s.label())
        .unwrap_or("—");
    (sanitize(s).into_owned(), t.text)
}
fn id(e: &RecentEntry, t: &Theme) -> (String, Style) {
    (
        sanitize(e.result.identity.id.as_deref().unwrap_or("—")).into_owned(),
        t.muted,
    )
}
fn created(e: &RecentEntry, t: &Theme) -> (String, Style) {
    let at = e.result.identity.created_date_time.unwrap_or(e.recorded_at);
    (at.short(), t.text)
}
fn created_date(e: &RecentEntry, t: &Theme) -> (String, Style) {
    let (text, style) = created(e, t);
    (text.chars().take(10).collect(), style)
}
fn origin(e: &RecentEntry, t: &Theme) -> (String, Style) {
    (sanitize(&e.origin).into_owned(), t.muted)
}
fn status(e: &RecentEntry, t: &Theme) -> (String, Style) {
    if e.result.succeeded() {
        ("created".into(), t.success)
    } else {
        ("failed".into(), t.error)
    }
}

/// The Enrollment cell: the live state when one was read ("enrolled 2 min
/// ago"), highlighted when it changed in this session.
fn live_state(e: &RecentEntry, app: &App) -> Option<(String, Style)> {
    let live = e.live.as_ref()?;
    let text = sanitize(&live_label(live, app.now())).into_owned();
    let style = if app.recent().enrolled_here(e) {
        app.theme().success.add_modifier(Modifier::BOLD)
    } else {
        app.theme().text
    };
    Some((text, style))
}

/// The columns that fit `width` (the id column takes what is left).
fn columns(width: u16) -> Vec<Column> {
    let col = |title, width, cell| Column { title, width, cell };
    let mut cols = vec![
        col(
            "Identifier",
            17,
            identifier as fn(&RecentEntry, &Theme) -> (String, Style),
        ),
        col("Type", 6, kind),
    ];
    // The origin always shows; the platform and the id give way to it on
    // narrow terminals (Detail has both).
    if width >= 90 {
        cols.push(col("Platform", 10, platform));
    }
    // Room for "enrolled 59 min ago" on wide terminals.
    let enrollment = if width >= 100 { 19 } else { 13 };
    cols.push(col("Enrollment", enrollment, state));
    if width >= 72 {
        cols.push(col("Id", 0, id));
    }
    if width >= 100 {
        cols.push(col("Created", 16, created));
    } else if width >= 72 {
        cols.push(col("Created", 10, created_date));
    }
    cols.push(col("Origin", 6, origin));
    cols.push(col("Status", 7, status));
    let fixed: u16 = cols.iter().map(|c| c.width).sum();
    let spacing = u16::try_from(cols.len()).unwrap_or(0).saturating_sub(1);
    let rest = width.saturating_sub(3 + fixed + spacing).max(4);
    for c in &mut cols {
        if c.width == 0 {
            c.width = rest;
        }
    }
    cols
}

/// A tab's title with its count, e.g. `2 Tenant (100,000)`, or `2 Tenant (21+)`
/// while the Tenant list is loading or after it stopped before its end.
fn tab_title(app: &App, tab: ListTab) -> String {
    if tab == ListTab::Recent && app.recent().is_loaded() && app.recent().has_more() {
        // Loaded so far; more come as the list scrolls.
        let n = thousands(app.recent().len());
        return format!(" {} {} ({n}+) ", tab.index() + 1, tab.title());
    }
    let count = match tab {
        ListTab::Recent => app.recent().is_loaded().then(|| app.recent().len()),
        ListTab::Tenant => app
            .tenant()
            .has_started()
            .then(|| app.tenant().view().total()),
        ListTab::Outbox => app.outbox().is_loaded().then(|| app.outbox().items().len()),
    };
    // A Tenant list not (yet) loaded to its end: what was loaded, and more.
    let more = tab == ListTab::Tenant
        && app.tenant().outcome() != &crate::app::tenant::LoadOutcome::Complete;
    let plus = if more { "+" } else { "" };
    let number = tab.index() + 1;
    match count {
        Some(n) => format!(" {number} {} ({}{plus}) ", tab.title(), thousands(n)),
        None => format!(" {number} {} ", tab.title()),
    }
}

/// The area inside the List's frame.
pub(crate) fn list_inner(area: Rect) -> Rect {
    Block::bordered().inner(area)
}

/// The tab whose title is at (`column`, `row`) in the frame's top line.
pub(crate) fn tab_at(app: &App, area: Rect, column: u16, row: u16) -> Option<ListTab> {
    if row != area.y {
        return None;
    }
    // Titles start after the corner, one separator between them.
    let mut x = area.x.saturating_add(1);
    for tab in ListTab::ALL {
        let width = u16::try_from(tab_title(app, *tab).chars().count()).unwrap_or(u16::MAX);
        if column >= x && column < x.saturating_add(width) {
            return Some(*tab);
        }
        x = x.saturating_add(width).saturating_add(1);
    }
    None
}

/// The Recent tab's table and its filter line (shown while a filter is
/// typed or set) inside the frame.
pub(crate) fn recent_areas(app: &App, inner: Rect) -> [Rect; 2] {
    let recent = app.recent();
    let line = u16::from(recent.filter_field().is_some() || !recent.query().is_empty());
    Layout::vertical([Constraint::Fill(1), Constraint::Length(line)]).areas(inner)
}

/// A table's rows (below its header).
pub(crate) fn recent_rows_area(inner: Rect) -> Rect {
    Rect {
        y: inner.y.saturating_add(1),
        height: inner.height.saturating_sub(1),
        ..inner
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let mut title = Vec::new();
    for (i, tab) in ListTab::ALL.iter().enumerate() {
        if i > 0 {
            title.push(Span::styled("│", theme.muted));
        }
        let style = if *tab == app.list_tab() {
            theme
                .selection
                .patch(theme.accent)
                .add_modifier(Modifier::BOLD)
        } else {
            theme.muted
        };
        title.push(Span::styled(tab_title(app, *tab), style));
    }
    let block = Block::bordered()
        .title(Line::from(title))
        .border_style(theme.muted);
    let inner = list_inner(area);
    frame.render_widget(block, area);
    match app.list_tab() {
        ListTab::Recent => draw_recent(frame, inner, app),
        ListTab::Tenant => super::tenant::draw(frame, inner, app),
        ListTab::Outbox => super::outbox::draw(frame, inner, app),
    }
}

fn draw_recent(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let recent = app.recent();
    let [inner, line] = recent_areas(app, area);
    if line.height > 0 {
        draw_filter_line(frame, line, app);
    }
    if recent.is_empty() {
        let text = if recent.is_loaded() && !recent.query().is_empty() {
            format!(
                "  Nothing from this machine matches. {} in the filter clears it.",
                app.keymap().key_for(Scope::Prompt, Action::Clear)
            )
        } else if recent.is_loaded() {
            let keys = app.keymap();
            format!(
                "  Nothing submitted from this machine yet. Press {} or {} to register a device.",
                keys.key_for(Scope::List, Action::NewForm),
                keys.key_for(Scope::Global, Action::OpenForm)
            )
        } else {
            "  Loading…".to_string()
        };
        crate::widgets::draw_empty_state(frame, inner, &text, theme.muted);
        return;
    }
    let cols = columns(inner.width);
    let body_height = usize::from(recent_rows_area(inner).height);
    let range = recent.visible_range(body_height);
    let selected_in_view = recent.selected_index().checked_sub(range.start);
    let rows: Vec<Row> = recent.entries()[range]
        .iter()
        .map(|entry| {
            Row::new(cols.iter().map(|c| {
                let live = (c.title == "Enrollment")
                    .then(|| live_state(entry, app))
                    .flatten();
                let (text, style) = live.unwrap_or_else(|| (c.cell)(entry, theme));
                Cell::from(Span::styled(truncate(&text, usize::from(c.width)), style))
            }))
        })
        .collect();
    let header = Row::new(cols.iter().map(|c| Cell::from(c.title))).style(theme.header);
    let table = Table::new(rows, cols.iter().map(|c| Constraint::Length(c.width)))
        .header(header)
        .column_spacing(1)
        .highlight_symbol("> ")
        .row_highlight_style(theme.selection);
    let mut state = TableState::default().with_selected(selected_in_view);
    frame.render_stateful_widget(table, inner, &mut state);
}

/// Recent's filter: the prompt while it is typed, else what is set.
fn draw_filter_line(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let recent = app.recent();
    let keys = app.keymap();
    let origin = recent.query().origin.as_deref().unwrap_or("all");
    let shown = if recent.has_more() {
        format!("{}+", thousands(recent.len()))
    } else {
        thousands(recent.len())
    };
    let hint = match recent.filter_field() {
        Some(_) => format!(
            " {shown} match · origin: {origin} · {} ",
            super::tenant::prompt_keys(keys)
        ),
        None => format!(
            " {shown} match · origin: {origin} ({}) ",
            keys.key_for(Scope::List, Action::CycleOrigin)
        ),
    };
    let hint_width = u16::try_from(hint.chars().count()).unwrap_or(0);
    let [label, input, rest] = Layout::horizontal([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(hint_width.min(area.width / 2)),
    ])
    .areas(area);
    frame.render_widget(Span::styled("/ ", theme.accent), label);
    match recent.filter_field() {
        Some(field) => {
            frame.buffer_mut().set_style(input, theme.input);
            let placeholder = Some(("part of an identifier", theme.muted));
            let cursor = field.render(input, frame.buffer_mut(), theme.input, placeholder, true);
            if let Some(position) = cursor {
                frame.set_cursor_position(position);
            }
        }
        None => {
            let text = sanitize(&recent.query().text).into_owned();
            frame.render_widget(
                Span::styled(truncate(&text, usize::from(input.width)), theme.text),
                input,
            );
        }
    }
    frame.render_widget(
        Span::styled(truncate(&hint, usize::from(rest.width)), theme.muted),
        rest,
    );
}
