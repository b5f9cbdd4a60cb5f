//! The bottom line: where submissions go (SANDBOX badge or tenant), the
//! profile, an OFFLINE badge, what is running, and a message (an error
//! until the next key, or a standing note; see `screens::status_message`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::modal::truncate;
use super::theme::{Theme, Tone};
use crate::sanitize::sanitize;

/// Where submissions go, as the badge shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetBadge<'a> {
    Sandbox,
    Tenant(&'a str),
}

/// What the status bar shows.
#[derive(Debug, Clone)]
pub struct StatusBar<'a> {
    pub target: TargetBadge<'a>,
    pub profile: &'a str,
    pub offline: bool,
    /// The outbox, e.g. "outbox 3 · syncing 1/3" (none when empty).
    pub outbox: Option<String>,
    /// What is running, with its spinner frame.
    pub activity: Option<String>,
    pub message: Option<(&'a str, Tone)>,
    pub theme: &'a Theme,
}

impl StatusBar<'_> {
    fn spans(&self) -> Vec<Span<'static>> {
        let theme = self.theme;
        let profile = sanitize(self.profile).into_owned();
        let mut spans = Vec::new();
        match &self.target {
            TargetBadge::Sandbox => {
                spans.push(Span::styled(" SANDBOX ", theme.badge_sandbox));
                if profile != "sandbox" {
                    spans.push(Span::styled(format!(" {profile}"), theme.muted));
                }
            }
            TargetBadge::Tenant(label) => {
                let label = sanitize(label).into_owned();
                spans.push(Span::styled(
                    format!(" {} ", truncate(&label, 32)),
                    theme.badge_tenant,
                ));
                // A `--graph-url` run is stored as profile `url:URL`: the
                // badge already shows the URL.
                let same = profile == label || profile.strip_prefix("url:") == Some(label.as_str());
                if !same {
                    spans.push(Span::styled(format!(" {profile}"), theme.muted));
                }
            }
        }
        if self.offline {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(" OFFLINE ", theme.badge_offline));
        }
        if let Some(outbox) = &self.outbox {
            spans.push(Span::styled(" │ ", theme.muted));
            spans.push(Span::styled(sanitize(outbox).into_owned(), theme.accent));
        }
        if let Some(activity) = &self.activity {
            spans.push(Span::styled(" │ ", theme.muted));
            spans.push(Span::styled(sanitize(activity).into_owned(), theme.accent));
        }
        if let Some((message, tone)) = self.message {
            spans.push(Span::styled(" │ ", theme.muted));
            spans.push(Span::styled(
                sanitize(message).into_owned(),
                theme.tone(tone),
            ));
        }
        spans
    }
}

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let width = usize::from(area.width);
        let mut used = 0;
        let mut fitted = Vec::new();
        for span in self.spans() {
            let w = span.width();
            if used + w <= width {
                used += w;
                fitted.push(span);
            } else {
                let rest = width.saturating_sub(used);
                if rest > 0 {
                    fitted.push(Span::styled(truncate(&span.content, rest), span.style));
                }
                break;
            }
        }
        Line::from(fitted).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(target: TargetBadge<'_>, profile: &str) -> String {
        let theme = Theme::default();
        let bar = StatusBar {
            target,
            profile,
            offline: false,
            outbox: None,
            activity: None,
            message: None,
            theme: &theme,
        };
        bar.spans().iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_graph_url_run_shows_its_url_once() {
        let url = "http://127.0.0.1:4711/beta";
        let shown = text(TargetBadge::Tenant(url), &format!("url:{url}"));
        assert_eq!(shown.matches("127.0.0.1").count(), 1, "{shown}");
        let shown = text(TargetBadge::Tenant("contoso"), "work");
        assert!(
            shown.contains("contoso") && shown.contains("work"),
            "{shown}"
        );
    }
}
