//! One identity: what the service holds for it and how it got there.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::LABEL_WIDTH;
use crate::app::ledger_detail::Provenance;
use crate::app::{App, DetailView};
use crate::domain::DateTimeOffset;
use crate::sanitize::sanitize;
use crate::widgets::Theme;
use crate::widgets::modal::wrap;

/// The service's `status: false`, in words.
pub const STATUS_FALSE_TEXT: &str = "not imported: the service returned status false (already present with other details, or rejected)";

/// `raw`: the service's text of a date-time that could not be read.
fn date(value: Option<&DateTimeOffset>, raw: Option<&str>, never_if_min: bool) -> String {
    match value {
        None => match raw {
            Some(raw) => sanitize(&crate::domain::datetime::unreadable_label(raw)).into_owned(),
            None => "—".to_string(),
        },
        Some(d) if never_if_min && d.is_min() => "never".to_string(),
        Some(d) => d.to_string(),
    }
}

fn method_text(method: &str) -> String {
    match method {
        "create" => "create (POST importedDeviceIdentities)".to_string(),
        "import" => "import (importDeviceIdentityList)".to_string(),
        other => sanitize(other).into_owned(),
    }
}

/// (label, value, style) rows.
fn rows(view: &DetailView, theme: &Theme) -> Vec<(&'static str, String, Style)> {
    let identity = &view.result.identity;
    let unreadable = identity.unreadable_dates.as_deref();
    let clean = |s: Option<&str>| {
        s.map(|s| sanitize(s).into_owned())
            .unwrap_or_else(|| "—".to_string())
    };
    let (status, status_style) = if let Provenance::Tenant { created_here } = view.provenance {
        match created_here {
            Some(true) => ("✓ created from this machine".to_string(), theme.success),
            Some(false) => (
                "in the tenant; not created from this machine".to_string(),
                theme.muted,
            ),
            None => ("in the tenant".to_string(), theme.muted),
        }
    } else if view.found_existing {
        ("already existed; not sent again".to_string(), theme.warning)
    } else if view.result.succeeded() {
        ("✓ created".to_string(), theme.success)
    } else {
        (format!("✗ {STATUS_FALSE_TEXT}"), theme.error)
    };
    let mut rows = vec![
        ("Status", status, status_style),
        ("Id", clean(identity.id.as_deref()), theme.accent),
        (
            "Identifier",
            clean(identity.imported_device_identifier.as_deref()),
            theme.text,
        ),
        (
            "Type",
            clean(
                identity
                    .imported_device_identity_type
                    .as_ref()
                    .map(|t| t.label()),
            ),
            theme.text,
        ),
        (
            "Platform",
            clean(identity.platform.as_ref().map(|p| p.label())),
            theme.text,
        ),
        (
            "Enrollment state",
            clean(identity.enrollment_state.as_ref().map(|s| s.label())),
            theme.text,
        ),
        (
            "Description",
            clean(identity.description.as_deref()),
            theme.text,
        ),
        (
            "Last contacted",
            date(
                identity.last_contacted_date_time.as_ref(),
                unreadable.and_then(|u| u.last_contacted_date_time.as_deref()),
                true,
            ),
            theme.text,
        ),
        (
            "Created",
            date(
                identity.created_date_time.as_ref(),
                unreadable.and_then(|u| u.created_date_time.as_deref()),
                false,
            ),
            theme.text,
        ),
        (
            "Last modified",
            date(
                identity.last_modified_date_time.as_ref(),
                unreadable.and_then(|u| u.last_modified_date_time.as_deref()),
                false,
            ),
            theme.text,
        ),
    ];
    if let Some(method) = &view.method {
        rows.push(("Sent with", method_text(method), theme.muted));
    }
    if let Some(request_id) = &view.request_id {
        rows.push(("Request id", sanitize(request_id).into_owned(), theme.muted));
    }
    if let Some(at) = &view.recorded_at {
        rows.push(("Recorded", at.to_string(), theme.muted));
    }
    if let Some(at) = &view.live_fetched_at {
        rows.push((
            "Live copy",
            format!("read from the tenant at {at}"),
            theme.muted,
        ));
    }
    if let Some(note) = &view.note {
        rows.push(("Note", sanitize(note).into_owned(), theme.warning));
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if app.tenant().raw_json()
        && let Some(view) = app.detail()
    {
        return super::raw_json::draw(frame, area, app, view);
    }
    let theme = app.theme();
    let block = Block::bordered()
        .title(Span::styled(" Device identity ", theme.accent))
        .border_style(theme.muted);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(view) = app.detail() else {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled("  Nothing selected.", theme.muted))),
            inner,
        );
        return;
    };
    let value_width = usize::from(inner.width.saturating_sub(LABEL_WIDTH + 1)).max(1);
    let mut lines = vec![Line::default()];
    for (label, value, style) in rows(view, theme) {
        for (i, part) in wrap(&value, value_width).into_iter().enumerate() {
            let label = if i == 0 { label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {label:<width$}", width = usize::from(LABEL_WIDTH) - 2),
                    theme.muted,
                ),
                Span::styled(part, style),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
