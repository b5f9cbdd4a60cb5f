//! The confirmation dialog (see `app::confirm`): the question, and its
//! answers with the keys of the `confirm` scope, e.g. `y/Enter discard ·
//! n/Esc keep`. The Tenant delete dialog writes its answers the same way.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::tenant_modal::draw_box;
use crate::app::{Action, App, Scope};
use crate::widgets::modal::wrap;

/// The keys of one answer, all of them: `y/Enter`.
fn keys(app: &App, action: Action) -> String {
    app.keymap()
        .bindings(Scope::Confirm)
        .filter(|b| b.action == action)
        .flat_map(|b| b.keys.iter().map(|k| k.label().into_owned()))
        .collect::<Vec<_>>()
        .join("/")
}

/// ` y/Enter VERB · n/Esc keep `, for a dialog's bottom border.
pub fn answers(app: &App, verb: &str) -> String {
    format!(
        " {} {verb} · {} keep ",
        keys(app, Action::Confirm),
        keys(app, Action::Keep)
    )
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(confirmation) = app.confirmation() else {
        return;
    };
    let theme = app.theme();
    let text_width = usize::from(area.width.saturating_sub(4).min(64).saturating_sub(4));
    let lines: Vec<Line> = wrap(&confirmation.question, text_width.max(1))
        .into_iter()
        .map(|line| Line::from(Span::styled(line, theme.text)))
        .collect();
    let title = format!(" {} ", confirmation.title);
    draw_box(
        frame,
        area,
        app,
        &title,
        lines,
        &answers(app, confirmation.verb),
        None,
    );
}
