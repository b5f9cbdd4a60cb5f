//! Messages to the user after they are set: the toast (a transient message
//! in a corner for a few seconds), the error that stays in the status bar
//! until the next key, and the message log (F9) with the last 200 messages.
//!
//! Every message enters through `App::set_status`. Errors are not toasts:
//! they stay in the status bar until the user acts, so they can be read
//! (an experienced user expects an error to wait for them, and a success
//! to get out of the way). Everything else is a toast that goes after
//! [`TOAST_TICKS`] ticks. Time arrives as `Msg::Clock` from the runtime;
//! `update` reads no clock.

use std::collections::VecDeque;

use crossterm::event::KeyEvent;

use super::TICK_MS;
use super::keymap::{Action, Scope};
use super::msg::Effect;
use crate::domain::DateTimeOffset;
use crate::sanitize::sanitize;
use crate::widgets::Tone;

/// How many messages the log keeps.
pub const LOG_CAPACITY: usize = 200;

/// How long a toast shows, in ticks (`TICK_MS` each): about 4 s.
pub const TOAST_TICKS: u32 = (4_000 / TICK_MS) as u32;

/// One message as the log holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// The wall time the runtime last reported; none before the first.
    pub at: Option<DateTimeOffset>,
    pub text: String,
    pub tone: Tone,
}

/// A transient message and the ticks it has left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub tone: Tone,
    pub ticks_left: u32,
}

/// The open message log: which entry is selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogView {
    pub selected: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Notices {
    log: VecDeque<LogEntry>,
    toast: Option<Toast>,
    /// The last error, until the next key.
    sticky_error: Option<String>,
    view: Option<LogView>,
    now: Option<DateTimeOffset>,
}

impl Notices {
    /// Records a message: into the log, and as the toast or sticky error.
    /// The text is sanitized here (it may carry service or file text).
    pub fn push(&mut self, text: &str, tone: Tone) {
        let text = sanitize(text).into_owned();
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
            // Keep the same entry selected while it is still there.
            if let Some(view) = &mut self.view {
                view.selected = view.selected.saturating_sub(1);
            }
        }
        self.log.push_back(LogEntry {
            at: self.now,
            text: text.clone(),
            tone,
        });
        if tone == Tone::Error {
            self.toast = None;
            self.sticky_error = Some(text);
        } else {
            self.toast = Some(Toast {
                text,
                tone,
                ticks_left: TOAST_TICKS,
            });
        }
    }

    /// The runtime's wall time (`Msg::Clock`).
    /// The wall time last set.
    pub fn now(&self) -> Option<DateTimeOffset> {
        self.now
    }

    pub fn set_now(&mut self, now: DateTimeOffset) {
        self.now = Some(now);
    }

    /// One tick: the toast ages and goes when its time is up.
    pub fn tick(&mut self) {
        if let Some(toast) = &mut self.toast {
            toast.ticks_left = toast.ticks_left.saturating_sub(1);
            if toast.ticks_left == 0 {
                self.toast = None;
            }
        }
    }

    /// A key was pressed or the mouse clicked: the sticky error has been seen.
    pub fn on_user_action(&mut self) {
        self.sticky_error = None;
    }

    pub fn toast(&self) -> Option<&Toast> {
        self.toast.as_ref()
    }

    pub fn sticky_error(&self) -> Option<&str> {
        self.sticky_error.as_deref()
    }

    /// The messages, oldest first.
    pub fn log(&self) -> &VecDeque<LogEntry> {
        &self.log
    }

    pub fn view(&self) -> Option<LogView> {
        self.view
    }

    pub fn is_open(&self) -> bool {
        self.view.is_some()
    }

    /// Opens the log on the newest message, or closes it.
    pub fn toggle_view(&mut self) {
        self.view = match self.view {
            Some(_) => None,
            None => Some(LogView {
                selected: self.log.len().saturating_sub(1),
            }),
        };
    }

    /// Moves the selection by `by` entries, clamped to the log.
    pub fn move_selection(&mut self, by: isize) {
        let last = self.log.len().saturating_sub(1);
        if let Some(view) = &mut self.view {
            view.selected = view.selected.saturating_add_signed(by).min(last);
        }
    }

    pub fn select_first(&mut self) {
        if let Some(view) = &mut self.view {
            view.selected = 0;
        }
    }

    pub fn select_last(&mut self) {
        let last = self.log.len().saturating_sub(1);
        if let Some(view) = &mut self.view {
            view.selected = last;
        }
    }
}

/// Entries PgUp/PgDn move in the log.
const LOG_PAGE: isize = 10;

impl super::App {
    /// Keys while the message log is open: move, or close it.
    pub(super) fn on_log_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let actions = self.keymap.actions(Scope::Log, key, false);
        match actions.first() {
            Some(Action::ToggleLog) => self.notices.toggle_view(),
            Some(Action::MoveUp) => self.notices.move_selection(-1),
            Some(Action::MoveDown) => self.notices.move_selection(1),
            Some(Action::PageUp) => self.notices.move_selection(-LOG_PAGE),
            Some(Action::PageDown) => self.notices.move_selection(LOG_PAGE),
            Some(Action::First) => self.notices.select_first(),
            Some(Action::Last) => self.notices.select_last(),
            _ => {}
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toast_goes_after_its_ticks_and_an_error_stays_until_a_key() {
        let mut n = Notices::default();
        n.push("Draft saved", Tone::Success);
        for _ in 1..TOAST_TICKS {
            n.tick();
        }
        assert_eq!(n.toast().map(|t| t.ticks_left), Some(1));
        n.tick();
        assert_eq!(n.toast(), None);

        n.push("Not created: bad", Tone::Error);
        assert_eq!(n.toast(), None);
        for _ in 0..TOAST_TICKS * 2 {
            n.tick();
        }
        assert_eq!(n.sticky_error(), Some("Not created: bad"));
        n.on_user_action();
        assert_eq!(n.sticky_error(), None);
    }

    #[test]
    fn the_log_keeps_the_last_200_with_their_times() {
        let mut n = Notices::default();
        n.push("before the clock", Tone::Info);
        let t = DateTimeOffset::parse("2024-05-01T09:30:13Z").expect("fixed time");
        n.set_now(t);
        for i in 0..250 {
            n.push(&format!("message {i}"), Tone::Info);
        }
        assert_eq!(n.log().len(), LOG_CAPACITY);
        assert_eq!(n.log()[0].text, "message 50");
        assert_eq!(n.log()[LOG_CAPACITY - 1].text, "message 249");
        assert!(n.log().iter().all(|e| e.at == Some(t)));
    }

    #[test]
    fn the_selection_stays_on_its_entry_and_in_bounds() {
        let mut n = Notices::default();
        for i in 0..LOG_CAPACITY {
            n.push(&format!("m{i}"), Tone::Info);
        }
        n.toggle_view();
        assert_eq!(n.view(), Some(LogView { selected: 199 }));
        n.move_selection(-10);
        n.push("one more", Tone::Info);
        assert_eq!(n.view(), Some(LogView { selected: 188 }));
        assert_eq!(n.log()[188].text, "m189");
        n.move_selection(1000);
        assert_eq!(n.view(), Some(LogView { selected: 199 }));
        n.select_first();
        n.move_selection(-1);
        assert_eq!(n.view(), Some(LogView { selected: 0 }));
    }

    #[test]
    fn text_is_sanitized() {
        let mut n = Notices::default();
        n.push("evil\u{1b}]0;pwned\u{7}", Tone::Success);
        let text = &n.log()[0].text;
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
    }
}
