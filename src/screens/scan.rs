//! The Scan screen: sticky settings, the one input, the last scan raw →
//! normalised, the counters, and the results newest first in green,
//! yellow or red with the reason.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::scan::{CommitMode, InputTarget, ScanEntry};
use crate::app::{Action, App, Scope};
use crate::sanitize::sanitize;
use crate::widgets::Tone;
use crate::widgets::modal::{truncate, truncate_identifier};

fn mark(tone: Tone) -> &'static str {
    match tone {
        Tone::Success => "✓",
        Tone::Warning => "!",
        Tone::Error => "✗",
        Tone::Info => "·",
    }
}

fn entry_line(entry: &ScanEntry, app: &App, width: usize) -> Line<'static> {
    let theme = app.theme();
    let (tone, reason) = entry.tone_and_reason();
    let ty = entry
        .identity
        .imported_device_identity_type
        .as_ref()
        .map(|t| match t {
            crate::domain::ImportedDeviceIdentityType::ManufacturerModelSerial => {
                "Windows".to_string()
            }
            other => other.as_str().to_string(),
        })
        .unwrap_or_default();
    let shown = if entry.normalized().is_empty() {
        entry.raw.as_str()
    } else {
        entry.normalized()
    };
    let head = format!(
        "{} #{:<3} {:<13} {:<24} ",
        mark(tone),
        entry.seq,
        truncate(&ty, 13),
        truncate_identifier(&sanitize(shown), 24)
    );
    let rest = width.saturating_sub(head.chars().count());
    Line::from(vec![
        Span::styled(head, theme.tone(tone)),
        Span::styled(truncate(&sanitize(&reason), rest), theme.tone(tone)),
    ])
}

/// Joins parts with `sep` into lines of at most `width` columns, a part
/// never split (a part longer than a line gets a line of its own).
fn joined(parts: &[String], sep: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(line)
                if line.chars().count() + sep.chars().count() + part.chars().count() <= width =>
            {
                line.push_str(sep);
                line.push_str(part);
            }
            _ => lines.push(part.clone()),
        }
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let scan = app.scan();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Scan ", theme.accent));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let commit = match scan.commit {
        CommitMode::EachScan => "each scan".to_string(),
        CommitMode::Chunks => format!(
            "chunks ({} sends {})",
            app.keymap().key_for(Scope::Scan, Action::ScanSendQueued),
            scan.counts().queued
        ),
    };
    let key = |action| app.keymap().key_for(Scope::Scan, action);
    // Every sticky setting with the key that changes it, on as many lines
    // as the width needs.
    let mut settings = vec![format!(
        "{} type {}",
        key(Action::ScanCycleType),
        scan.type_label()
    )];
    if scan.windows_mode() {
        let value = |s: &str| {
            if s.trim().is_empty() {
                "(not set)".to_string()
            } else {
                sanitize(s).into_owned()
            }
        };
        settings.push(format!(
            "{} manufacturer {} · model {}",
            key(Action::ScanEditSetting),
            value(&scan.manufacturer),
            value(&scan.model)
        ));
    } else {
        settings.push(format!(
            "{} platform {}",
            key(Action::ScanCyclePlatform),
            scan.platform.label()
        ));
        let template = if scan.description_template.is_empty() {
            "(none)".to_string()
        } else {
            sanitize(&scan.description_template).into_owned()
        };
        settings.push(format!(
            "{} description {template}",
            key(Action::ScanEditSetting)
        ));
    }
    settings.push(format!("{} commit {commit}", key(Action::ScanToggleCommit)));
    let mut lines: Vec<Line> = joined(&settings, " · ", width)
        .into_iter()
        .map(|l| Line::from(Span::styled(truncate(&l, width), theme.muted)))
        .collect();
    let label = format!("{} › ", scan.target.label());
    let input = format!("{}█", sanitize(&scan.input));
    let room = width.saturating_sub(label.chars().count());
    let tail: String = {
        let n = input.chars().count();
        input.chars().skip(n.saturating_sub(room)).collect()
    };
    lines.push(Line::from(vec![
        Span::styled(label, theme.focused_label),
        Span::styled(tail, theme.input),
    ]));
    let last = if scan.target != InputTarget::Scan {
        format!(
            "Enter keeps the value, {} leaves it as it was, {} goes on to: {}",
            app.keymap().key_for(Scope::Scan, Action::Back),
            app.keymap().key_for(Scope::Scan, Action::ScanEditSetting),
            scan.next_target().label()
        )
    } else {
        scan.entries
            .iter()
            .next_back()
            .map(|e| {
                let how = if e.manual { "typed" } else { "scanned" };
                let ty = e
                    .identity
                    .imported_device_identity_type
                    .as_ref()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default();
                format!(
                    "last: {} → {} ({ty}, {how})",
                    sanitize(&e.raw),
                    sanitize(e.normalized())
                )
            })
            .unwrap_or_else(|| "scan a barcode, or type and press Enter".to_string())
    };
    lines.push(Line::from(Span::styled(truncate(&last, width), theme.text)));
    let c = scan.counts();
    let counters = format!(
        "accepted {} · rejected {} · created {} · duplicates {} · queued {}",
        c.accepted, c.rejected, c.created, c.duplicates, c.queued
    );
    lines.push(Line::from(Span::styled(
        truncate(&counters, width),
        theme.accent,
    )));
    if let Some((text, tone)) = &scan.notice {
        lines.push(Line::from(Span::styled(
            truncate(&sanitize(text), width),
            theme.tone(*tone),
        )));
    } else {
        lines.push(Line::default());
    }
    let room = (inner.height as usize).saturating_sub(lines.len());
    lines.extend(
        scan.entries
            .iter()
            .rev()
            .filter(|e| e.state != crate::app::scan::EntryState::Removed)
            .take(room)
            .map(|e| entry_line(e, app, width)),
    );
    frame.render_widget(Paragraph::new(lines), inner);
}
