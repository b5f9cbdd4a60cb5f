//! The Sign-in screen: which flow runs — the browser (with the URL to open
//! by hand should the browser not appear) or the device code and the page
//! to open, large — with a countdown; what waits to be sent; Esc cancels,
//! `c` copies the code or the URL.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::{Action, App, Scope, SignInPhase};
use crate::session::Target;
use crate::widgets::modal::wrap;
use crate::widgets::{Hint, spinner};

/// The code with room between its characters, so it reads from a distance.
fn spaced(code: &str) -> String {
    code.chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn countdown(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme();
    let block = Block::bordered()
        .title(Span::styled(" Sign in ", theme.accent))
        .border_style(theme.muted);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(flow) = app.sign_in() else {
        return;
    };
    let tenant = match &app.info().target {
        Target::Tenant(label) => label.as_str(),
        Target::Sandbox => "the sandbox",
    };
    let mut top = vec![
        Line::default(),
        Line::from(format!(
            "  Sign in to {tenant} (profile {}) to go on.",
            app.info().profile
        )),
    ];
    let mut bottom: Vec<Line> = Vec::new();
    let mut code_text = None;
    match &flow.phase {
        SignInPhase::Requesting => {
            top.push(Line::default());
            let doing = if flow.browser {
                "Opening your browser to sign in…"
            } else {
                "Asking the identity service for a code…"
            };
            top.push(Line::from(Span::styled(
                format!("  {} {doing}", spinner::frame(app.tick())),
                theme.muted,
            )));
        }
        SignInPhase::Browser { url, .. } => {
            top.push(Line::default());
            let prose = usize::from(inner.width.saturating_sub(4)).max(10);
            for part in wrap(
                "Sign in with the browser: finish in the browser window that opened.",
                prose,
            ) {
                top.push(Line::from(format!("  {part}")));
            }
            for part in wrap(
                "If no browser appeared, open this URL by hand on this computer:",
                prose,
            ) {
                top.push(Line::from(Span::styled(format!("  {part}"), theme.muted)));
            }
            let width = usize::from(inner.width.saturating_sub(6)).max(10);
            let chars: Vec<char> = url.chars().collect();
            for part in chars.chunks(width) {
                top.push(Line::from(Span::styled(
                    format!("    {}", part.iter().collect::<String>()),
                    theme.accent.add_modifier(Modifier::UNDERLINED),
                )));
            }
            let left = flow.seconds_left(app.tick()).unwrap_or(0);
            bottom.push(Line::from(vec![
                Span::raw(format!(
                    "  {} Waiting for the browser · gives up in ",
                    spinner::frame(app.tick())
                )),
                Span::styled(countdown(left), theme.warning.add_modifier(Modifier::BOLD)),
            ]));
        }
        SignInPhase::Waiting { code, .. } => {
            top.push(Line::default());
            if let Some(why) = &flow.no_browser {
                let width = usize::from(inner.width.saturating_sub(4)).max(10);
                let text =
                    format!("No browser could be opened ({why}): sign in with a device code.");
                for part in wrap(&text, width) {
                    top.push(Line::from(Span::styled(format!("  {part}"), theme.warning)));
                }
            } else {
                top.push(Line::from("  Sign in with a device code."));
            }
            top.push(Line::from("  1. Open this page in a browser:"));
            top.push(Line::from(Span::styled(
                format!("     {}", code.verification_uri),
                theme
                    .accent
                    .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            )));
            top.push(Line::from("  2. Enter this code:"));
            code_text = Some(spaced(&code.user_code));
            let left = flow.seconds_left(app.tick()).unwrap_or(0);
            bottom.push(Line::from(vec![
                Span::raw(format!(
                    "  {} Waiting for approval · the code expires in ",
                    spinner::frame(app.tick())
                )),
                Span::styled(countdown(left), theme.warning.add_modifier(Modifier::BOLD)),
            ]));
        }
        SignInPhase::Failed(text) => {
            top.push(Line::default());
            let width = usize::from(inner.width.saturating_sub(4)).max(10);
            for part in wrap(&format!("Sign-in failed: {text}"), width) {
                top.push(Line::from(Span::styled(format!("  {part}"), theme.error)));
            }
        }
    }
    if let Some(identity) = &flow.pending {
        bottom.push(Line::from(Span::styled(
            format!(
                "  Waiting to be sent afterwards: {}",
                crate::sanitize::sanitize(identity.identifier())
            ),
            theme.muted,
        )));
    }
    let code_height = if code_text.is_some() { 3 } else { 0 };
    let [top_area, code_area, bottom_area] = Layout::vertical([
        Constraint::Length(u16::try_from(top.len()).unwrap_or(u16::MAX)),
        Constraint::Length(code_height),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(top).wrap(Wrap { trim: false }), top_area);
    if let Some(code) = code_text {
        let width = u16::try_from(code.chars().count() + 6).unwrap_or(u16::MAX);
        let boxed = Rect {
            x: code_area.x + 5.min(code_area.width),
            width: width.min(code_area.width.saturating_sub(5)),
            ..code_area
        };
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(
                code,
                theme.text.add_modifier(Modifier::BOLD | Modifier::REVERSED),
            )))
            .alignment(Alignment::Center)
            .block(Block::bordered().border_style(theme.accent)),
            boxed,
        );
    }
    let mut lines = vec![Line::default()];
    lines.extend(bottom);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        bottom_area,
    );
}

/// The footer of the Sign-in screen.
pub fn hints(app: &App) -> Vec<Hint> {
    let hint = |key: &str, description: &str| Hint {
        key: key.to_string(),
        description: description.to_string(),
    };
    let keys = app.keymap();
    let key = |action| keys.key_for(Scope::SignIn, action);
    let mut hints = Vec::new();
    match app.sign_in().map(|f| &f.phase) {
        Some(SignInPhase::Waiting { .. }) => hints.push(hint(&key(Action::CopyCode), "copy code")),
        Some(SignInPhase::Browser { .. }) => hints.push(hint(&key(Action::CopyCode), "copy URL")),
        Some(SignInPhase::Failed(_)) => hints.push(hint(&key(Action::Retry), "try again")),
        _ => {}
    }
    hints.push(hint(&key(Action::Cancel), "cancel"));
    hints.push(hint(&keys.key_for(Scope::Global, Action::Quit), "quit"));
    hints
}
