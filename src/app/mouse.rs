//! Optional mouse support (`mouse = true`): a click focuses a Form field,
//! selects a List row or tab (a click on the selected row opens it), the
//! wheel moves through the lists and scrolls Help. The runtime finds what
//! was clicked on the screen as drawn and sends `Msg::Clicked`; how far
//! Help scrolls comes from its drawing too (`Msg::HelpFits`).

use crossterm::event::MouseButton;

use super::msg::Effect;
use super::{App, FieldId, ListTab, Screen};

/// Rows one wheel step moves.
pub const WHEEL_STEP: isize = 1;

/// What is drawn where a click landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClickTarget {
    /// A field of the Form (its label, value or the lines under it).
    Field(FieldId),
    /// A tab title of the List.
    Tab(ListTab),
    /// A row of the List's current tab (its index in that list).
    Row(usize),
}

/// A mouse button pressed, and what it was pressed on (`None`: nothing
/// that takes a click).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Click {
    pub button: MouseButton,
    pub target: Option<ClickTarget>,
}

/// What mouse handling and Help's scrolling need to know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MouseState {
    /// Lines the Help overlay is scrolled by.
    pub help_scroll: u16,
    /// How far Help can scroll, as last drawn (from `Msg::HelpFits`).
    pub help_max_scroll: u16,
}

impl App {
    pub fn help_scroll(&self) -> u16 {
        self.mouse.help_scroll
    }

    /// How far Help can scroll, as the runtime last reported it.
    pub fn help_max_scroll(&self) -> u16 {
        self.mouse.help_max_scroll
    }

    pub(super) fn on_help_fits(&mut self, max: u16) -> Vec<Effect> {
        self.mouse.help_max_scroll = max;
        Vec::new()
    }

    /// Whether something modal has the input (mouse events are ignored).
    fn mouse_blocked(&self) -> bool {
        self.screen == Screen::SignIn
            || self.notices.is_open()
            || self.tenant.modal().is_some()
            || self.confirm.is_some()
            || (self.screen == Screen::Form && self.submission.is_busy())
    }

    pub(super) fn on_click(&mut self, click: Click) -> Vec<Effect> {
        self.notices.on_user_action();
        // Nothing under the message log or a modal takes a click.
        if self.mouse_blocked() || click.button != MouseButton::Left || self.help_open {
            return Vec::new();
        }
        match click.target {
            Some(ClickTarget::Field(field)) => {
                self.form.set_focus(field);
                Vec::new()
            }
            Some(ClickTarget::Tab(tab)) => self.show_tab(tab),
            Some(ClickTarget::Row(index)) => self.click_row(index),
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
                ListTab::Tenant => self.open_tenant_detail(),
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
        let step = i16::try_from(delta).unwrap_or(if delta < 0 { i16::MIN } else { i16::MAX });
        let scroll = self.mouse.help_scroll.saturating_add_signed(step);
        self.mouse.help_scroll = scroll.min(self.mouse.help_max_scroll);
    }

    /// The wheel turned by `delta` rows.
    pub(super) fn on_wheel(&mut self, delta: isize) -> Vec<Effect> {
        if self.notices.is_open() {
            // The message log covers the screen: the wheel moves in it.
            self.notices.move_selection(delta);
            return Vec::new();
        }
        if self.mouse_blocked() {
            return Vec::new();
        }
        if self.help_open {
            self.scroll_help(delta);
        } else if self.screen == Screen::List {
            self.move_list(delta);
        }
        Vec::new()
    }
}
