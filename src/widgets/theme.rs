//! A small semantic theme. Selection is also visible without colour: rows
//! carry a `>` marker and reverse video in both themes.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub text: Style,
    pub accent: Style,
    pub success: Style,
    pub warning: Style,
    pub error: Style,
    pub muted: Style,
    pub selection: Style,
    /// A focused input's value area.
    pub input: Style,
    /// Labels of the focused row.
    pub focused_label: Style,
    pub badge_sandbox: Style,
    pub badge_offline: Style,
    pub badge_tenant: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::colored()
    }
}

impl Theme {
    pub fn colored() -> Self {
        Theme {
            text: Style::new(),
            accent: Style::new().fg(Color::Cyan),
            success: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            muted: Style::new().fg(Color::DarkGray),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            input: Style::new().add_modifier(Modifier::UNDERLINED),
            focused_label: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            badge_sandbox: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            badge_offline: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            badge_tenant: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        }
    }

    /// For `NO_COLOR`: modifiers only.
    pub fn monochrome() -> Self {
        Theme {
            text: Style::new(),
            accent: Style::new().add_modifier(Modifier::BOLD),
            success: Style::new().add_modifier(Modifier::BOLD),
            warning: Style::new().add_modifier(Modifier::ITALIC),
            error: Style::new().add_modifier(Modifier::BOLD),
            muted: Style::new().add_modifier(Modifier::DIM),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            input: Style::new().add_modifier(Modifier::UNDERLINED),
            focused_label: Style::new().add_modifier(Modifier::BOLD),
            badge_sandbox: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            badge_offline: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            badge_tenant: Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// The colour theme unless `NO_COLOR` is set (https://no-color.org).
    pub fn from_no_color(no_color: bool) -> Self {
        if no_color {
            Theme::monochrome()
        } else {
            Theme::colored()
        }
    }
}

/// The kind of a message, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Warning,
    Error,
}

impl Theme {
    pub fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Info => self.text,
            Tone::Success => self.success,
            Tone::Warning => self.warning,
            Tone::Error => self.error,
        }
    }
}
