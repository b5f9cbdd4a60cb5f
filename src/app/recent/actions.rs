//! Recent's keys, as actions from the keymap: moving through the list
//! (the next page comes as the end nears), the filter prompt and the origin
//! key, opening the selected entry on Detail, and reading the live state now.

use super::{RecentCtx, RecentList, RecentOutcome};
use crate::app::{Action, DetailView};

impl RecentList {
    /// An action on Recent. The app sends the moves and `OpenSelected`
    /// whichever screen is shown (they act on the list all the same);
    /// `Filter`, `CycleOrigin` and `Refresh` only while Recent is shown.
    pub fn on_action(&mut self, action: Action, ctx: RecentCtx) -> RecentOutcome {
        match action {
            Action::MoveUp => self.move_by(-1),
            Action::MoveDown => {
                self.move_by(1);
                return self.load_more().into();
            }
            Action::PageUp => self.move_by(-self.page_size()),
            Action::PageDown => {
                self.move_by(self.page_size());
                return self.load_more().into();
            }
            Action::First => self.first(),
            Action::Last => return self.last_of_all().into(),
            Action::Filter => self.open_filter(),
            Action::CycleOrigin => return self.cycle_origin().into(),
            Action::Refresh => return self.refresh_live_now(ctx),
            Action::OpenSelected => {
                return RecentOutcome {
                    open: self.selected().map(DetailView::from_recent),
                    ..RecentOutcome::default()
                };
            }
            _ => {}
        }
        RecentOutcome::default()
    }
}
