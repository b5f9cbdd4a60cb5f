//! Optional mouse support (`mouse = true`): a click focuses a Form field,
//! selects a List row or tab (a click on the selected row opens it), the
//! wheel moves through the lists and scrolls Help. Hit-testing uses the
//! screens' own layout functions with the terminal size from `Msg::Resize`.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::msg::Effect;
use super::{App, ListTab, Screen};
use crate::screens::hit::{Hit, hit};
use crate::screens::{frame_areas, help};

/// Rows one wheel step moves.
pub const WHEEL_STEP: isize = 1;

/// What mouse handling needs to know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MouseState {
    /// The terminal's size (from `Msg::Resize`; the runtime sends one at start).
    pub size: Rect,
    /// Lines the Help overlay is scrolled by.
    pub help_scroll: u16,
}

impl App {
    pub fn help_scroll(&self) -> u16 {
        self.mouse.help_scroll
    }

    pub(super) fn on_resize(&mut self, width: u16, height: u16) {
        self.mouse.size = Rect::new(0, 0, width, height);
    }

    /// Whether something modal has the input (mouse events are ignored).
    fn mouse_blocked(&self) -> bool {
        self.screen == Screen::SignIn
            || self.notices.is_open()
            || self.tenant.modal().is_some()
            || self.confirm.is_some()
            || (self.screen == Screen::Form && self.submission.is_busy())
    }

    pub(super) fn on_mouse(&mut self, event: MouseEvent) -> Vec<Effect> {
        if matches!(event.kind, MouseEventKind::Down(_)) {
            self.notices.on_user_action();
        }
        if self.notices.is_open() {
            // The message log covers the screen: the wheel moves in it.
            match event.kind {
                MouseEventKind::ScrollDown => self.notices.move_selection(WHEEL_STEP),
                MouseEventKind::ScrollUp => self.notices.move_selection(-WHEEL_STEP),
                _ => {}
            }
            return Vec::new();
        }
        if self.mouse_blocked() {
            return Vec::new();
        }
        let position = Position::new(event.column, event.row);
        match event.kind {
            MouseEventKind::Down(MouseButton::Left) if !self.help_open => self.on_click(position),
            MouseEventKind::ScrollDown => self.on_wheel(WHEEL_STEP),
            MouseEventKind::ScrollUp => self.on_wheel(-WHEEL_STEP),
            _ => Vec::new(),
        }
    }

    fn on_click(&mut self, position: Position) -> Vec<Effect> {
        match hit(self, self.mouse.size, position) {
            Some(Hit::Field(field)) => {
                self.form.set_focus(field);
                Vec::new()
            }
            Some(Hit::Tab(tab)) => self.show_tab(tab),
            Some(Hit::Row(index)) => self.click_row(index),
            None => Vec::new(),
        }
    }

    /// Selects the row; a click on the selected row opens it.
    fn click_row(&mut self, index: usize) -> Vec<Effect> {
        let selected = match self.list_tab {
            ListTab::Recent => self.recent.selected_index(),
            ListTab::Tenant => self.tenant.selected(),
            ListTab::Outbox => self.outbox.selected_index(),
        };
        if index == selected {
            return match self.list_tab {
                ListTab::Recent => self.apply(super::Action::OpenSelected),
                ListTab::Tenant => {
                    self.open_tenant_detail();
                    Vec::new()
                }
                ListTab::Outbox => self.open_outbox_item(),
            };
        }
        let delta = isize::try_from(index).unwrap_or(isize::MAX)
            - isize::try_from(selected).unwrap_or(isize::MAX);
        self.move_list(delta);
        Vec::new()
    }

    fn move_list(&mut self, delta: isize) {
        match self.list_tab {
            ListTab::Recent => self.recent.move_by(delta),
            ListTab::Tenant => self.tenant.move_by(delta),
            ListTab::Outbox => self.move_outbox_selection(delta),
        }
    }

    /// Scrolls the Help overlay by `delta` lines, within what does not fit.
    pub(super) fn scroll_help(&mut self, delta: isize) {
        let max = frame_areas(self.mouse.size)
            .map(|[main, _, _]| help::max_scroll(self, main))
            .unwrap_or(0);
        let step = i16::try_from(delta).unwrap_or(if delta < 0 { i16::MIN } else { i16::MAX });
        let scroll = self.mouse.help_scroll.saturating_add_signed(step);
        self.mouse.help_scroll = scroll.min(max);
    }

    fn on_wheel(&mut self, delta: isize) -> Vec<Effect> {
        if self.help_open {
            self.scroll_help(delta);
        } else if self.screen == Screen::List {
            self.move_list(delta);
        }
        Vec::new()
    }
}
