//! The outbox's messages: the stored items and counts, the newest draft at
//! start, where the form's draft goes, the draft timer, queueing, a sync's
//! progress and end, the probe, the sync timer, store failures and changes
//! to the ledger made elsewhere.

use super::{FormStep, OutboxCtx, OutboxEffect, OutboxMsg, OutboxOutcome, OutboxState, SyncState};
use crate::app::form::FormState;
use crate::sanitize::sanitize;
use crate::widgets::Tone;

impl OutboxState {
    /// Applies one of the outbox's messages.
    pub fn update(&mut self, msg: OutboxMsg, ctx: &OutboxCtx) -> OutboxOutcome {
        match msg {
            OutboxMsg::Loaded { items, counts } => {
                self.stale = false;
                self.items = items;
                self.counts = counts;
                self.loaded = true;
                let last = self.items.len().saturating_sub(1);
                self.selected = self.selected.min(last);
                self.start_sync(false, ctx.keymap)
            }
            OutboxMsg::LatestDraft(Some((id, fields))) => {
                // Only into an empty form that edits no other item: else
                // the typing would go to that draft and overwrite it.
                if ctx.form.is_blank()
                    && ctx.on_form
                    && self.form_item.is_none()
                    && !self.draft_dirty
                {
                    self.form_item = Some(id);
                    return OutboxOutcome {
                        form: Some(FormStep::Restore(Box::new(FormState::from_draft(&fields)))),
                        ..OutboxOutcome::effects(vec![OutboxEffect::UseDraft(id)])
                    }
                    .with_status("Draft restored", Tone::Info);
                }
                OutboxOutcome::default()
            }
            OutboxMsg::LatestDraft(None) => OutboxOutcome::default(),
            OutboxMsg::FormItem(id) => {
                self.form_item = id;
                OutboxOutcome::default()
            }
            OutboxMsg::DraftTimer => {
                self.draft_timer = false;
                if self.draft_dirty {
                    OutboxOutcome::effects(self.save_draft(ctx.form))
                } else {
                    OutboxOutcome::default()
                }
            }
            OutboxMsg::Queued => OutboxOutcome::effects(vec![OutboxEffect::Load]),
            OutboxMsg::AlreadyQueued(note) => OutboxOutcome::effects(vec![OutboxEffect::Load])
                .with_status(format!("Nothing added: {}", sanitize(&note)), Tone::Warning),
            OutboxMsg::SyncProgress(progress) => {
                if matches!(self.sync, SyncState::Syncing(_)) {
                    self.sync = SyncState::Syncing(progress);
                }
                OutboxOutcome::default()
            }
            OutboxMsg::SyncFinished(result) => self.on_sync_finished(result, ctx.keymap),
            OutboxMsg::SyncDue => OutboxOutcome::effects(vec![OutboxEffect::Load]),
            OutboxMsg::Probed(result) => self.on_probed(result.is_ok(), ctx.keymap),
            OutboxMsg::Error(failure) => {
                OutboxOutcome::status(sanitize(&failure.to_string()).into_owned(), Tone::Error)
            }
            OutboxMsg::LedgerChanged => {
                if ctx.tab_shown {
                    OutboxOutcome::effects(vec![OutboxEffect::Load])
                } else {
                    self.stale = true;
                    OutboxOutcome::default()
                }
            }
        }
    }
}
