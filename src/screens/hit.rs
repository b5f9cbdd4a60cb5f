//! Mouse hit-testing: what is drawn at a cell, from the same layout
//! functions the screens draw with (pure; the app calls it from `update`).

use ratatui::layout::{Position, Rect};

use super::{form, frame_areas, list, outbox, tenant};
use crate::app::{App, FieldId, ListTab, Screen};

/// What is under the mouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// A field of the Form (its label, value or the lines under it).
    Field(FieldId),
    /// A tab title of the List.
    Tab(ListTab),
    /// A row of the List's current tab (its index in that list).
    Row(usize),
}

/// What is at `position` on a terminal of `size`, as the app is drawn now.
pub fn hit(app: &App, size: Rect, position: Position) -> Option<Hit> {
    let [main, _, _] = frame_areas(size)?;
    if !main.contains(position) {
        return None;
    }
    let Position { x, y } = position;
    match app.screen() {
        Screen::Form => form::field_at(app, main, x, y).map(Hit::Field),
        Screen::List => {
            if let Some(tab) = list::tab_at(app, main, x, y) {
                return Some(Hit::Tab(tab));
            }
            list_row(app, list::list_inner(main), position).map(Hit::Row)
        }
        _ => None,
    }
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
