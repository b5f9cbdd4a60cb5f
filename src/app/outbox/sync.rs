//! Syncing the outbox: started automatically when items are pending and
//! due (never while offline or while the service is unreachable), on
//! demand, and once more after a running sync when items arrived during
//! it; the service probed with backoff when it could not be reached; the
//! summary of each sync for the status line.

use super::{OutboxEffect, OutboxOutcome, OutboxState, SyncState};
use crate::app::{Action, Keymap, Scope};
use crate::outbox::{Stop, SyncProgress, SyncReport};
use crate::sanitize::sanitize;
use crate::widgets::Tone;

impl OutboxState {
    /// Starts a sync unless paused or one runs (then once more after it).
    pub(super) fn start_sync(&mut self, asked: bool, keymap: &Keymap) -> OutboxOutcome {
        if self.paused {
            if asked {
                let key = keymap
                    .first_key(Scope::Global, Action::ToggleOffline)
                    .unwrap_or_default();
                return OutboxOutcome::status(
                    format!("Offline: sending is paused ({key} to go online)"),
                    Tone::Warning,
                );
            }
            return OutboxOutcome::default();
        }
        match self.sync {
            SyncState::Syncing(_) => {
                self.sync_again = true;
                OutboxOutcome::default()
            }
            SyncState::Unreachable { .. } if !asked => OutboxOutcome::default(),
            _ => {
                if !asked && (self.counts.pending == 0 || !self.any_due()) {
                    return OutboxOutcome::default();
                }
                self.sync = SyncState::Syncing(SyncProgress {
                    settled: 0,
                    total: self.counts.pending,
                });
                self.sync_asked = asked;
                OutboxOutcome::effects(vec![OutboxEffect::Sync])
            }
        }
    }

    /// The online/offline key.
    pub(super) fn toggle_offline(&mut self, keymap: &Keymap) -> OutboxOutcome {
        self.paused = !self.paused;
        if self.paused {
            let was_syncing = matches!(self.sync, SyncState::Syncing(_));
            self.sync = SyncState::Idle;
            self.sync_again = false;
            let effects = if was_syncing {
                vec![OutboxEffect::CancelSync, OutboxEffect::Load]
            } else {
                Vec::new()
            };
            return OutboxOutcome::effects(effects)
                .with_status("Offline: submissions go to the outbox", Tone::Warning);
        }
        self.sync = SyncState::Idle;
        OutboxOutcome::status("Online: sending the outbox", Tone::Info)
            .and(self.start_sync(false, keymap))
    }

    /// Whether the service answered a probe while it was unreachable.
    pub(super) fn on_probed(&mut self, answered: bool, keymap: &Keymap) -> OutboxOutcome {
        let SyncState::Unreachable { probes } = self.sync else {
            return OutboxOutcome::default();
        };
        if self.paused {
            return OutboxOutcome::default();
        }
        if answered {
            self.sync = SyncState::Idle;
            return self.start_sync(true, keymap);
        }
        let probes = probes.saturating_add(1);
        self.sync = SyncState::Unreachable { probes };
        OutboxOutcome::effects(vec![OutboxEffect::ProbeLater {
            attempt: probes.saturating_add(1),
        }])
    }

    pub(super) fn on_sync_finished(
        &mut self,
        result: Result<SyncReport, String>,
        keymap: &Keymap,
    ) -> OutboxOutcome {
        if !matches!(self.sync, SyncState::Syncing(_)) {
            return OutboxOutcome::default();
        }
        self.sync = SyncState::Idle;
        let mut outcome = OutboxOutcome::effects(vec![OutboxEffect::Load]);
        let report = match result {
            Ok(report) => report,
            Err(text) => {
                return outcome.with_status(format!("Outbox: {}", sanitize(&text)), Tone::Error);
            }
        };
        let settled = report.created + report.rejected + report.duplicate;
        if settled == 0 && report.stopped.is_none() && !self.sync_asked {
            // An automatic sync that found nothing to do: the last summary
            // stays (it would otherwise be replaced by "0 created"). Items
            // that wait for their next attempt still bring the sync back.
            self.sync_again = false;
            if let Some(wait) = report.next_attempt_in {
                outcome
                    .effects
                    .push(OutboxEffect::SyncLater { after: wait });
            }
            return outcome;
        }
        let mut text = format!("Outbox: {} created", report.created);
        if report.rejected > 0 {
            text.push_str(&format!(", {} rejected", report.rejected));
        }
        if report.duplicate > 0 {
            text.push_str(&format!(", {} already in the tenant", report.duplicate));
        }
        match &report.stopped {
            Some(Stop::Unreachable(_) | Stop::GaveUp(_)) => {
                self.sync = SyncState::Unreachable { probes: 0 };
                outcome
                    .effects
                    .push(OutboxEffect::ProbeLater { attempt: 1 });
                return outcome.with_status(
                    format!("{text}; {} waiting for the service", report.pending),
                    Tone::Warning,
                );
            }
            Some(stop @ (Stop::Auth(_) | Stop::Config(_))) => {
                let why = sanitize(stop.message()).into_owned();
                return outcome.with_status(format!("{text}; stopped: {why}"), Tone::Error);
            }
            None => {}
        }
        if let Some(wait) = report.next_attempt_in {
            // Items the service kept failing wait; come back when the first is due.
            outcome = outcome.with_status(
                format!(
                    "{text}; {} waiting ({})",
                    report.pending,
                    crate::outbox::backoff::next_try_text(wait)
                ),
                Tone::Warning,
            );
            outcome
                .effects
                .push(OutboxEffect::SyncLater { after: wait });
            if std::mem::take(&mut self.sync_again) {
                outcome = outcome.and(self.start_sync(false, keymap));
            }
            return outcome;
        }
        let tone = if report.rejected + report.duplicate > 0 {
            Tone::Warning
        } else {
            Tone::Success
        };
        // Not from the counts held now: they are from before this sync. The
        // `Load` above brings fresh ones, and `Loaded` syncs again if items
        // are still pending.
        self.sync_again = false;
        outcome.with_status(text, tone)
    }
}
