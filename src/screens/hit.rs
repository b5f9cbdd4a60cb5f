//! What the input needs to know of the drawing, from the same layout
//! functions the screens draw with (pure, over the app's state and the
//! terminal's size; the runtime calls them): what is drawn at a cell, and
//! how far Help can scroll.

use ratatui::layout::{Position, Rect};

use super::{form, frame_areas, help, list, outbox, tenant};
use crate::app::mouse::ClickTarget;
use crate::app::{App, ListTab, Screen};

/// What is at `position` on a terminal of `size`, as the app is drawn now.
pub fn hit(app: &App, size: Rect, position: Position) -> Option<ClickTarget> {
    let [main, _, _] = frame_areas(size)?;
    if !main.contains(position) {
        return None;
    }
    let Position { x, y } = position;
    match app.screen() {
        Screen::Form => form::field_at(app, main, x, y).map(ClickTarget::Field),
        Screen::List => {
            if let Some(tab) = list::tab_at(app, main, x, y) {
                return Some(ClickTarget::Tab(tab));
            }
            list_row(app, list::list_inner(main), position).map(ClickTarget::Row)
        }
        _ => None,
    }
}

/// How many lines of the Help overlay do not fit on a terminal of `size`
/// (how far it scrolls), for the app's current screen.
pub fn help_max_scroll(app: &App, size: Rect) -> u16 {
    frame_areas(size)
        .map(|[main, _, _]| help::max_scroll(app, main))
        .unwrap_or(0)
}

/// The index of the row at `position` in the current tab's list.
fn list_row(app: &App, inner: Rect, position: Position) -> Option<usize> {
    let (rows, first, len) = match app.list_tab() {
        ListTab::Recent => {
            let [table, _] = list::recent_areas(app, inner);
            let rows = list::recent_rows_area(table);
            let range = app.recent().visible_range(usize::from(rows.height));
            (rows, range.start, app.recent().len())
        }
        ListTab::Tenant => {
            let [_, body, _] = tenant::areas(app.tenant(), inner);
            let rows = below_header(body);
            let range = app.tenant().visible_range(usize::from(rows.height));
            (rows, range.start, app.tenant().view().view().len())
        }
        ListTab::Outbox => {
            let [_, table] = outbox::areas(inner);
            let (_, first) = outbox::shown(table, app.outbox().selected_index());
            (below_header(table), first, app.outbox().items().len())
        }
    };
    if !rows.contains(position) {
        return None;
    }
    let index = first + usize::from(position.y - rows.y);
    (index < len).then_some(index)
}

/// A table's rows: all but its header line.
fn below_header(table: Rect) -> Rect {
    list::recent_rows_area(table)
}
