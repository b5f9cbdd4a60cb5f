//! A small semantic theme: screens ask for roles (accent, success, warning,
//! error, muted, selection…), never for colours. Three palettes:
//!
//! - [`Theme::colored`], the default, uses only the 16 ANSI colours (so the
//!   user's own palette applies) that read on dark AND light backgrounds:
//!   no yellow, white or light text, no grey; muted text is dimmed instead.
//! - [`Theme::light`] (`theme = "light"`) prefers blue for accents, which
//!   reads better than cyan on a white background.
//! - [`Theme::monochrome`] (`color = "never"`, or `NO_COLOR` with `auto`)
//!   has no colour at all: bold, dim, underline and reverse video only.
//!
//! Selection never depends on colour: rows carry a `>` marker and reverse
//! video in every theme.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeChoice;

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
    /// Column headers of tables.
    pub header: Style,
    pub badge_sandbox: Style,
    pub badge_offline: Style,
    pub badge_tenant: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::colored()
    }
}

const BOLD: Modifier = Modifier::BOLD;

/// A status-bar badge: bold text on its own background.
const fn badge(fg: Color, bg: Color) -> Style {
    Style::new().fg(fg).bg(bg).add_modifier(BOLD)
}
/// Accents are drawn over dimmed borders (titles); they are never dim.
const DIM: Modifier = Modifier::DIM;

impl Theme {
    /// The default palette, readable on dark and light terminals.
    pub fn colored() -> Self {
        Theme {
            text: Style::new(),
            accent: Style::new().fg(Color::Cyan).remove_modifier(DIM),
            success: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Magenta),
            error: Style::new().fg(Color::Red).add_modifier(BOLD),
            muted: Style::new().add_modifier(DIM),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            input: Style::new().add_modifier(Modifier::UNDERLINED),
            focused_label: Style::new()
                .fg(Color::Cyan)
                .add_modifier(BOLD)
                .remove_modifier(DIM),
            header: Style::new().fg(Color::Cyan).add_modifier(BOLD),
            // Badges paint their own background, so any terminal reads them.
            badge_sandbox: badge(Color::Black, Color::Yellow),
            badge_offline: badge(Color::White, Color::Red),
            badge_tenant: badge(Color::Black, Color::Cyan),
        }
    }

    /// For light terminal backgrounds (`theme = "light"`).
    pub fn light() -> Self {
        Theme {
            text: Style::new(),
            accent: Style::new().fg(Color::Blue).remove_modifier(DIM),
            success: Style::new().fg(Color::Green).add_modifier(BOLD),
            warning: Style::new().fg(Color::Magenta).add_modifier(BOLD),
            error: Style::new().fg(Color::Red).add_modifier(BOLD),
            muted: Style::new().add_modifier(DIM),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            input: Style::new().add_modifier(Modifier::UNDERLINED),
            focused_label: Style::new()
                .fg(Color::Blue)
                .add_modifier(BOLD)
                .remove_modifier(DIM),
            header: Style::new().fg(Color::Blue).add_modifier(BOLD),
            badge_sandbox: badge(Color::Black, Color::Yellow),
            badge_offline: badge(Color::White, Color::Red),
            badge_tenant: badge(Color::White, Color::Blue),
        }
    }

    /// No colour at all (`NO_COLOR`, `color = "never"`): modifiers only.
    pub fn monochrome() -> Self {
        Theme {
            text: Style::new(),
            accent: Style::new().add_modifier(BOLD).remove_modifier(DIM),
            success: Style::new().add_modifier(BOLD),
            warning: Style::new().add_modifier(Modifier::ITALIC),
            error: Style::new().add_modifier(BOLD),
            muted: Style::new().add_modifier(DIM),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            input: Style::new().add_modifier(Modifier::UNDERLINED),
            focused_label: Style::new().add_modifier(BOLD).remove_modifier(DIM),
            header: Style::new().add_modifier(BOLD | Modifier::UNDERLINED),
            badge_sandbox: Style::new().add_modifier(Modifier::REVERSED | BOLD),
            badge_offline: Style::new().add_modifier(Modifier::REVERSED | BOLD),
            badge_tenant: Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// The theme for the settings: `use_color` is the outcome of the `color`
    /// setting and `NO_COLOR` (see `ColorChoice::use_color`).
    pub fn for_terminal(use_color: bool, choice: ThemeChoice) -> Self {
        match (use_color, choice) {
            (false, _) => Theme::monochrome(),
            (true, ThemeChoice::Dark) => Theme::colored(),
            (true, ThemeChoice::Light) => Theme::light(),
        }
    }

    /// The colour theme unless `NO_COLOR` is set (https://no-color.org).
    pub fn from_no_color(no_color: bool) -> Self {
        Theme::for_terminal(!no_color, ThemeChoice::Dark)
    }

    /// Every role, named (for checks over a whole palette).
    pub fn roles(&self) -> [(&'static str, Style); 13] {
        [
            ("text", self.text),
            ("accent", self.accent),
            ("success", self.success),
            ("warning", self.warning),
            ("error", self.error),
            ("muted", self.muted),
            ("selection", self.selection),
            ("input", self.input),
            ("focused_label", self.focused_label),
            ("header", self.header),
            ("badge_sandbox", self.badge_sandbox),
            ("badge_offline", self.badge_offline),
            ("badge_tenant", self.badge_tenant),
        ]
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

impl Tone {
    /// A word for the message log.
    pub fn label(self) -> &'static str {
        match self {
            Tone::Info => "info",
            Tone::Success => "ok",
            Tone::Warning => "warn",
            Tone::Error => "error",
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Foreground colours that do not read on a white background: yellow,
    /// white and grey, and the bright variants (the "light" colours of most
    /// palettes). Cyan is pale in most palettes too.
    const UNREADABLE_ON_WHITE: &[Color] = &[
        Color::Yellow,
        Color::LightYellow,
        Color::White,
        Color::Gray,
        Color::DarkGray,
        Color::LightCyan,
        Color::LightGreen,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightRed,
        Color::Cyan,
    ];

    /// On either background: the colours above but cyan, and black.
    const UNREADABLE_ON_EITHER: &[Color] = &[
        Color::Yellow,
        Color::LightYellow,
        Color::White,
        Color::Gray,
        Color::DarkGray,
        Color::LightCyan,
        Color::LightGreen,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightRed,
        Color::Black,
    ];

    /// A foreground drawn on the terminal's own background must not be in
    /// `deny` (nor an RGB or indexed colour, which ignore the user's palette);
    /// one on its own background (badges) must differ from it.
    fn check(theme: &Theme, deny: &[Color]) {
        for (name, style) in theme.roles() {
            match (style.fg, style.bg) {
                (Some(fg), None) => {
                    assert!(!deny.contains(&fg), "{name}: {fg:?} does not read");
                    assert!(
                        !matches!(fg, Color::Rgb(..) | Color::Indexed(_)),
                        "{name}: {fg:?} is outside the 16 ANSI colours"
                    );
                }
                (Some(fg), Some(bg)) => assert_ne!(fg, bg, "{name}"),
                (None, Some(bg)) => panic!("{name}: background {bg:?} without a foreground"),
                (None, None) => {}
            }
        }
    }

    #[test]
    fn the_light_palette_reads_on_white() {
        check(&Theme::light(), UNREADABLE_ON_WHITE);
    }

    #[test]
    fn the_default_palette_reads_on_dark_and_light() {
        check(&Theme::colored(), UNREADABLE_ON_EITHER);
    }

    #[test]
    fn monochrome_has_no_colour_at_all() {
        for (name, style) in Theme::monochrome().roles() {
            assert_eq!(style.fg, None, "{name}");
            assert_eq!(style.bg, None, "{name}");
            assert_eq!(style.underline_color, None, "{name}");
        }
    }

    #[test]
    fn selection_is_reverse_video_in_every_theme() {
        for theme in [Theme::colored(), Theme::light(), Theme::monochrome()] {
            assert!(theme.selection.add_modifier.contains(Modifier::REVERSED));
        }
    }

    #[test]
    fn settings_pick_the_palette() {
        assert_eq!(
            Theme::for_terminal(false, ThemeChoice::Light),
            Theme::monochrome()
        );
        assert_eq!(
            Theme::for_terminal(true, ThemeChoice::Light),
            Theme::light()
        );
        assert_eq!(
            Theme::for_terminal(true, ThemeChoice::Dark),
            Theme::colored()
        );
        assert_eq!(Theme::from_no_color(true), Theme::monochrome());
    }
}
