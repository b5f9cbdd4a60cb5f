//! The dialogs of the Tenant list and Detail: delete confirmation (one for
//! any number of rows), deleting, per-row results, edit description, export.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};

use crate::app::{Action, App, Scope, TenantModal, thousands};
use crate::domain::validate::DESCRIPTION_MAX_CHARS;
use crate::sanitize::sanitize;
use crate::widgets::TextField;
use crate::widgets::modal::{centered, truncate, wrap};

/// At most this many rows are listed by name in a dialog.
const LISTED: usize = 8;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(modal) = app.tenant().modal() else {
        return;
    };
    let theme = app.theme();
    let width = area.width.saturating_sub(4).min(64);
    let text_width = usize::from(width.saturating_sub(4));
    let delete_answers = super::confirm::answers(app, "delete");
    let (title, mut lines, footer) = match modal {
        TenantModal::ConfirmDelete { targets } => {
            let mut lines = vec![Line::from(Span::styled(
                if targets.len() == 1 {
                    "Delete this identity from the tenant?".to_string()
                } else {
                    format!(
                        "Delete these {} identities from the tenant?",
                        thousands(targets.len())
                    )
                },
                theme.text,
            ))];
            lines.push(Line::default());
            for (_, identifier) in targets.iter().take(LISTED) {
                lines.push(Line::from(Span::styled(
                    truncate(&format!("  {}", sanitize(identifier)), text_width),
                    theme.accent,
                )));
            }
            if targets.len() > LISTED {
                lines.push(Line::from(Span::styled(
                    format!("  … and {} more", thousands(targets.len() - LISTED)),
                    theme.muted,
                )));
            }
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                "Devices already enrolled keep their ownership.",
                theme.muted,
            )));
            (" Delete ", lines, delete_answers.as_str())
        }
        TenantModal::Deleting { count } => (
            " Delete ",
            vec![Line::from(Span::styled(
                format!("Deleting {} …", thousands(*count)),
                theme.warning,
            ))],
            " please wait ",
        ),
        TenantModal::Results { title, lines } => {
            let mut out = Vec::new();
            let failed = lines.iter().filter(|line| !line.succeeded());
            let ok = lines.iter().filter(|line| line.succeeded());
            // Failures first: they are what needs attention.
            for line in failed.chain(ok).take(LISTED * 2) {
                let text = line.text();
                let (mark, style) = if line.succeeded() {
                    ("✓", theme.success)
                } else {
                    ("✗", theme.error)
                };
                out.push(Line::from(Span::styled(
                    truncate(&format!("{mark} {text}"), text_width),
                    style,
                )));
            }
            if lines.len() > LISTED * 2 {
                out.push(Line::from(Span::styled(
                    format!("… {} more", thousands(lines.len() - LISTED * 2)),
                    theme.muted,
                )));
            }
            return draw_box(
                frame,
                area,
                app,
                &format!(" {title} "),
                out,
                &format!(
                    " {} close ",
                    app.keymap().key_for(Scope::Results, Action::Close)
                ),
                None,
            );
        }
        TenantModal::EditDescription {
            identity,
            field,
            error,
            saving,
        } => {
            let count = field.value().chars().count();
            let mut lines = vec![
                Line::from(Span::styled(
                    truncate(&format!("{}", sanitize(identity.identifier())), text_width),
                    theme.accent,
                )),
                Line::default(),
                Line::default(),
                Line::from(Span::styled(
                    format!("{count}/{DESCRIPTION_MAX_CHARS} characters"),
                    if count > DESCRIPTION_MAX_CHARS {
                        theme.error
                    } else {
                        theme.muted
                    },
                )),
            ];
            if let Some(e) = error {
                lines.push(Line::from(Span::styled(
                    truncate(&format!("✗ {}", sanitize(e)), text_width),
                    theme.error,
                )));
            }
            if *saving {
                lines.push(Line::from(Span::styled("Saving…", theme.warning)));
            }
            return draw_box(
                frame,
                area,
                app,
                " Edit description ",
                lines,
                &dialog_footer(app, "save"),
                Some((field, 2)),
            );
        }
        TenantModal::Export { field, format } => {
            let mut lines = vec![
                Line::from(Span::styled(
                    format!(
                        "Export the {} identities shown as {}",
                        thousands(app.tenant().view().view().len()),
                        format.name()
                    ),
                    theme.text,
                )),
                Line::default(),
                Line::default(),
            ];
            // Wrapped, never cut: the dialog is at most 64 columns wide.
            let hint = format!(
                "{}: csv · csv-admin · json. A relative path is in the current folder.",
                app.keymap().key_for(Scope::Dialog, Action::CycleFormat)
            );
            lines.extend(
                wrap(&hint, text_width.max(1))
                    .into_iter()
                    .map(|line| Line::from(Span::styled(line, theme.muted))),
            );
            return draw_box(
                frame,
                area,
                app,
                " Export ",
                lines,
                &dialog_footer(app, "write"),
                Some((field, 2)),
            );
        }
    };
    lines.truncate(usize::from(area.height.saturating_sub(4)).max(1));
    draw_box(frame, area, app, title, lines, footer, None);
}

/// A bordered, centred box with `lines`; a text field drawn on line `row`.
/// The footer of a dialog with a text field: its accept key named by what
/// it does here ("save", "write"), then its cancel key.
fn dialog_footer(app: &App, verb: &str) -> String {
    let keys = app.keymap();
    format!(
        " {} {verb} · {} cancel ",
        keys.key_for(Scope::Dialog, Action::Accept),
        keys.key_for(Scope::Dialog, Action::Cancel)
    )
}

pub(super) fn draw_box(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    title: &str,
    lines: Vec<Line>,
    footer: &str,
    field: Option<(&TextField, usize)>,
) {
    let theme = app.theme();
    let width = area.width.saturating_sub(4).min(64);
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(4)
        .min(area.height);
    let rect = centered(area, width, height);
    let block = Block::bordered()
        .title(Span::styled(title.to_string(), theme.accent))
        .title_bottom(Span::styled(footer.to_string(), theme.muted))
        .border_style(theme.accent)
        .padding(Padding::new(1, 1, 1, 0));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    if let Some((field, row)) = field {
        let [_, line, _] = Layout::vertical([
            Constraint::Length(u16::try_from(row).unwrap_or(0)),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(inner);
        let cursor = field.render(line, frame.buffer_mut(), theme.input, None, true);
        if let Some(position) = cursor {
            frame.set_cursor_position(position);
        }
    }
}
