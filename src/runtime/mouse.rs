//! Mouse events become messages (`mouse = true`): a button pressed becomes
//! `Msg::Clicked` with what is drawn under it (`screens::hit`), the wheel
//! `Msg::Wheel`. After each draw the loop also tells the app how far Help
//! scrolls on that screen (`Msg::HelpFits`), for the keys and the wheel.

use crossterm::event::{MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use crate::app::mouse::{Click, WHEEL_STEP};
use crate::app::{App, Msg};
use crate::screens::hit;

/// The message for `event` on the screen of `area` as `app` is drawn now
/// (`None`: an event the console does not use, such as a move).
pub fn mouse_message(app: &App, area: Rect, event: MouseEvent) -> Option<Msg> {
    match event.kind {
        MouseEventKind::Down(button) => Some(Msg::Clicked(Click {
            button,
            target: hit::hit(app, area, Position::new(event.column, event.row)),
        })),
        MouseEventKind::ScrollDown => Some(Msg::Wheel(WHEEL_STEP)),
        MouseEventKind::ScrollUp => Some(Msg::Wheel(-WHEEL_STEP)),
        _ => None,
    }
}

/// How far Help scrolls with `app` drawn on `area`, when the app does not
/// know it yet.
pub fn help_fits_message(app: &App, area: Rect) -> Option<Msg> {
    let max = hit::help_max_scroll(app, area);
    (max != app.help_max_scroll()).then_some(Msg::HelpFits(max))
}
