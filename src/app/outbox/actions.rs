//! The outbox's keys, as actions from the keymap: saving the draft now,
//! going offline and online, syncing now, and on the Drafts/Outbox tab
//! moving through the items, opening one, resending a rejected or
//! duplicate item (overwriting after a yes) and discarding one (after a yes).

use super::{OutboxCtx, OutboxEffect, OutboxOutcome, OutboxState};
use crate::app::Action;
use crate::app::confirm::{Confirmation, Pending};
use crate::model::ItemState;
use crate::sanitize::sanitize;
use crate::widgets::Tone;

impl OutboxState {
    /// An action for the outbox. The app sends `SaveDraft`, `ToggleOffline`
    /// and `SyncOutbox` from anywhere, the others while the Drafts/Outbox
    /// tab is the list's tab.
    pub fn on_action(&mut self, action: Action, ctx: &OutboxCtx) -> OutboxOutcome {
        match action {
            Action::SaveDraft => return self.save_draft_now(ctx.form),
            Action::ToggleOffline => return self.toggle_offline(ctx.keymap),
            Action::SyncOutbox => return self.start_sync(true, ctx.keymap),
            Action::Discard => return self.discard_selected(),
            Action::Resend => return self.resend_selected(false, ctx),
            Action::ResendOverwrite => return self.resend_selected(true, ctx),
            Action::OpenSelected => return self.open_selected(ctx),
            Action::MoveUp => self.move_selection(-1),
            Action::MoveDown => self.move_selection(1),
            Action::PageUp => self.move_selection(-10),
            Action::PageDown => self.move_selection(10),
            Action::First => self.selected = 0,
            Action::Last => self.move_selection(isize::MAX / 2),
            _ => {}
        }
        OutboxOutcome::default()
    }

    /// `r` (and `o` to overwrite, after a yes) on a rejected or duplicate item.
    fn resend_selected(&mut self, overwrite: bool, ctx: &OutboxCtx) -> OutboxOutcome {
        let Some(item) = self.selected() else {
            return OutboxOutcome::default();
        };
        if !matches!(item.state, ItemState::Rejected | ItemState::Duplicate) {
            return OutboxOutcome::status(
                "Only rejected or duplicate items are resent",
                Tone::Info,
            );
        }
        let id = item.id;
        if overwrite {
            let identifier = sanitize(&item.identifier).into_owned();
            return OutboxOutcome {
                confirm: Some(Confirmation {
                    title: "Overwrite".into(),
                    question: format!(
                        "Send item {id} ({identifier}) again, replacing the tenant's copy?"
                    ),
                    verb: "overwrite",
                    pending: Pending::OverwriteTenantCopy(id),
                }),
                ..OutboxOutcome::default()
            };
        }
        self.resend(id, false, ctx)
    }

    /// Queues item `id` again (overwriting the tenant's copy or not).
    pub fn resend(&mut self, id: i64, overwrite: bool, ctx: &OutboxCtx) -> OutboxOutcome {
        self.counts.pending += 1;
        let how = if overwrite { " (overwriting)" } else { "" };
        OutboxOutcome::effects(vec![OutboxEffect::Resend { id, overwrite }])
            .with_status(format!("Item {id} queued again{how}"), Tone::Info)
            .and(self.start_sync(false, ctx.keymap))
    }

    /// `d` asks first (see `confirm`).
    fn discard_selected(&self) -> OutboxOutcome {
        let Some(item) = self.selected() else {
            return OutboxOutcome::default();
        };
        let (id, identifier) = (item.id, sanitize(&item.identifier).into_owned());
        OutboxOutcome {
            confirm: Some(Confirmation {
                title: "Discard".into(),
                question: format!("Discard item {id} ({identifier}) from the outbox?"),
                verb: "discard",
                pending: Pending::DiscardOutboxItem(id),
            }),
            ..OutboxOutcome::default()
        }
    }

    /// Drops item `id` (after a yes).
    pub fn discard(&self, id: i64) -> OutboxOutcome {
        OutboxOutcome::effects(vec![OutboxEffect::Discard(id), OutboxEffect::Load])
            .with_status(format!("Item {id} discarded"), Tone::Info)
    }

    /// Moves the selection by `by` items, clamped.
    pub fn move_selection(&mut self, by: isize) {
        let len = self.items.len();
        if len == 0 {
            return;
        }
        let next = self.selected.saturating_add_signed(by);
        self.selected = next.min(len - 1);
    }
}
