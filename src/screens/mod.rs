//! Drawing: one function per screen, plus the frame around them (footer
//! hints and status bar) and the Help overlay. Screens read the state and
//! never change it (the Recent list's scroll offset aside).

pub mod confirm;
pub mod detail;
pub mod form;
pub mod help;
pub mod hit;
pub mod import;
pub mod list;
pub mod message_log;
pub mod outbox;
pub mod raw_json;
pub mod scan;
pub mod sign_in;
pub mod styled;
pub mod tenant;
pub mod tenant_modal;

use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{Action, App, ListTab, Scope, Screen};
use crate::session::Target;
use crate::widgets::toast::{TOAST_MIN_HEIGHT, TOAST_MIN_WIDTH, ToastBox};
use crate::widgets::{Footer, Hint, StatusBar, TargetBadge, Tone, spinner};

/// Below this size a screen asks for a larger window.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Width of the label column on Form and Detail.
pub(crate) const LABEL_WIDTH: u16 = 20;

/// Draws the whole console.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let Some([main, footer, status]) = frame_areas(area) else {
        draw_too_small(frame, area);
        return;
    };
    match app.screen() {
        Screen::Form => form::draw(frame, main, app),
        Screen::List => list::draw(frame, main, app),
        Screen::Detail => detail::draw(frame, main, app),
        Screen::Scan => scan::draw(frame, main, app),
        Screen::Import => import::draw(frame, main, app),
        Screen::SignIn => sign_in::draw(frame, main, app),
    }
    let hints = footer_hints(app);
    let more = Hint {
        key: app
            .keymap()
            .key_for(Scope::Global, Action::ToggleHelp)
            .to_string(),
        description: "all keys".into(),
    };
    let more_shown = !app.help_open() && app.screen() != Screen::SignIn;
    frame.render_widget(
        Footer {
            hints: &hints,
            theme: app.theme(),
            more: more_shown.then_some(&more),
        },
        footer,
    );
    let toast_shown = toast_fits(area) && !app.help_open() && !app.notices().is_open();
    draw_status_bar(frame, status, app, toast_shown);
    tenant_modal::draw(frame, main, app);
    confirm::draw(frame, main, app);
    if app.help_open() {
        help::draw(frame, main, app);
    }
    message_log::draw(frame, main, app);
    if toast_shown && let Some(toast) = app.notices().toast() {
        let toast = ToastBox {
            text: &toast.text,
            tone: toast.tone,
            theme: app.theme(),
        };
        // The form's error panel is at the bottom: never cover it.
        let top = app.screen() == Screen::Form && app.submit_error().is_some();
        let rect = toast.area_in(main, top);
        frame.render_widget(toast, rect);
    }
}

/// Whether the terminal is large enough for toasts over the screen.
fn toast_fits(area: Rect) -> bool {
    area.width >= TOAST_MIN_WIDTH && area.height >= TOAST_MIN_HEIGHT
}

/// What the status bar's message slot shows: an error until the next key;
/// else the toast when it cannot be drawn; else the standing note about
/// where submissions go (offline, sandbox).
fn status_message(app: &App, toast_shown: bool) -> Option<(&str, Tone)> {
    let notices = app.notices();
    if let Some(error) = notices.sticky_error() {
        return Some((error, Tone::Error));
    }
    if !toast_shown && let Some(toast) = notices.toast() {
        return Some((&toast.text, toast.tone));
    }
    if app.outbox().paused() {
        Some(("Offline: submissions go to the outbox", Tone::Warning))
    } else if app.info().target == Target::Sandbox {
        Some((
            "sandbox: a local emulator, no real tenant is changed",
            Tone::Info,
        ))
    } else {
        None
    }
}

/// The screen's area, the footer and the status bar; `None` when the
/// terminal is too small. Drawing and mouse hit-testing share it.
pub fn frame_areas(area: Rect) -> Option<[Rect; 3]> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    Some(
        Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area),
    )
}

fn draw_too_small(frame: &mut Frame, area: Rect) {
    let text = format!(
        "Please make the window larger: at least {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{}).",
        area.width, area.height
    );
    frame.render_widget(
        Paragraph::new(Line::from(text)).wrap(Wrap { trim: true }),
        area,
    );
}

fn draw_status_bar(frame: &mut Frame, area: Rect, app: &App, toast_shown: bool) {
    let info = app.info();
    let target = match &info.target {
        Target::Sandbox => TargetBadge::Sandbox,
        Target::Tenant(label) => TargetBadge::Tenant(label),
    };
    let activity = app
        .submission()
        .activity(app.tick())
        .map(|text| format!("{} {text}", spinner::frame(app.tick())));
    frame.render_widget(
        StatusBar {
            target,
            profile: &info.profile,
            offline: app.outbox().paused(),
            outbox: app.outbox().badge(),
            activity,
            message: status_message(app, toast_shown),
            theme: app.theme(),
        },
        area,
    );
}

/// The footer's hints for what is on screen now, from the keymap.
pub fn footer_hints(app: &App) -> Vec<Hint> {
    if app.screen() == Screen::SignIn {
        return sign_in::hints(app);
    }
    let keymap = app.keymap();
    let prompt_open = match app.list_tab() {
        ListTab::Tenant => app.tenant().filter_field().is_some(),
        ListTab::Recent => app.recent().filter_field().is_some(),
        ListTab::Outbox => false,
    };
    let filtering =
        app.screen() == Screen::List && prompt_open && !app.notices().is_open() && !app.help_open();
    if filtering {
        return tenant::filter_hints(app);
    }
    let scopes: Vec<Scope> = if app.notices().is_open() {
        vec![Scope::Log]
    } else if app.confirmation().is_some() {
        vec![Scope::Confirm]
    } else if app.help_open() {
        vec![Scope::Help]
    } else {
        app.scopes()
    };
    let busy = app.submission().is_busy();
    let sending = app.submission().is_sending();
    let mut hints = Vec::new();
    for scope in &scopes {
        for binding in keymap.bindings(*scope) {
            let shown = match (binding.scope, binding.action) {
                (Scope::Tenant, Action::CancelLoad) => app.tenant().is_loading(),
                // Recent's own keys, not the other tabs'.
                (Scope::List, Action::Filter | Action::CycleOrigin) => {
                    binding.hint && app.list_tab() == crate::app::ListTab::Recent
                }
                (Scope::Form, Action::CancelSubmit) => sending,
                (Scope::Form, Action::EditInEditor) => {
                    !busy && app.form().focus() == crate::app::form::EDITED_FIELD
                }
                (Scope::Form, Action::Submit | Action::Back | Action::NextField) => !busy,
                (Scope::Detail, Action::EditDescription) => app.detail_takes_description(),
                _ => binding.hint,
            };
            if !shown {
                continue;
            }
            let key = binding
                .keys
                .iter()
                .find(|k| !(app.text_focused() && k.is_text()))
                .or(binding.keys.first());
            if let Some(key) = key {
                hints.push(Hint {
                    key: key.label().into_owned(),
                    description: binding.description.to_string(),
                });
            }
        }
    }
    hints
}

/// Renders the console into a `width`×`height` text grid (tests, previews).
pub fn render_to_string(app: &App, width: u16, height: u16) -> String {
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    if let Err(never) = terminal.draw(|frame| draw(frame, app)) {
        match never {}
    }
    buffer_to_string(terminal.backend().buffer())
}

/// A buffer as lines of text, trailing spaces trimmed.
pub fn buffer_to_string(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut covered = 0usize;
        for x in area.left()..area.right() {
            let Some(cell) = buffer.cell((x, y)) else {
                continue;
            };
            if covered > 0 {
                // The right half of a wide character drawn just before.
                covered -= 1;
                continue;
            }
            let symbol = cell.symbol();
            covered = Span::raw(symbol).width().saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
