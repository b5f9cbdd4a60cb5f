//! The form's sends through the ledger: the identity is journalled (the
//! form's draft becomes its item, claimed by this console) before the
//! request leaves, and the answer settles it: created, back in the outbox
//! (a failure that may pass, or an unknown outcome), or back to a draft (the
//! service refused it; the form still holds it). A send cut off by quitting
//! stays `sending`, so the next sender checks it before sending it again.
//! Also Detail's questions to the ledger and the edits it keeps there, and
//! the watch that tells the console when the ledger changed.

use crate::app::Msg;
use crate::app::ledger_detail::{LedgerEffect, LedgerMsg};
use crate::app::outbox::belongs_in_outbox;
use crate::domain::ImportedDeviceIdentity;
use crate::graph::{GraphError, SubmitOutcome};
use crate::outbox::plan::{Answer, Step, settle};
use crate::outbox::{Outbox, now};
use crate::store::{ItemState, LiveCopy, Slot, StoreFailure, StoreTask};

/// Journals the form's identity; returns its item, or `None` when the
/// ledger has no item for it to claim (held by another sender, or created
/// already: the service's answer tells the user).
pub fn journal_form(
    outbox: &Outbox,
    owner: &str,
    draft: Option<i64>,
    identity: &ImportedDeviceIdentity,
) -> Result<Option<i64>, StoreFailure> {
    let slots = outbox
        .with_store_now(|s, p| {
            s.journal_sends(
                p,
                "form",
                std::slice::from_ref(identity),
                owner,
                false,
                draft,
                now(),
            )
        })
        .map_err(StoreTask::JournalSubmission.failed())?;
    Ok(match slots.first() {
        Some(Slot::Send { id, .. }) => Some(*id),
        _ => None,
    })
}

/// Records the answer to a form's send on its item.
pub async fn settle_form(
    outbox: &Outbox,
    owner: &str,
    id: i64,
    result: &Result<SubmitOutcome, GraphError>,
) -> Result<(), StoreFailure> {
    let answer = match result {
        Ok(outcome) => Answer::Sent(outcome.clone()),
        Err(e) => Answer::Failed(e.clone()),
    };
    let back_to_draft = matches!(result, Err(e) if !belongs_in_outbox(e));
    let owner = owner.to_string();
    let settled = outbox
        .with_store(move |s, _| {
            let Some(item) = s.outbox_item(id)? else {
                return Ok(());
            };
            let (mut settlement, attempt, _) = settle(&item, Step::Send, &answer, now());
            if back_to_draft {
                // Refused: the form still holds it, to be corrected and sent again.
                settlement.state = if item.form.is_some() {
                    ItemState::Draft
                } else {
                    ItemState::Rejected
                };
            }
            s.record_attempt(&attempt, &settlement)?;
            if settlement.state.is_pending() {
                s.release(id, &owner)?;
            }
            Ok(())
        })
        .await;
    settled.map_err(StoreTask::RecordAnswer.failed())
}

/// A cancelled send the service did not apply: its item goes back to a draft.
pub async fn cancelled(outbox: &Outbox, owner: &str, id: i64) -> Result<(), StoreFailure> {
    let owner = owner.to_string();
    outbox
        .with_store(move |s, _| s.back_to_draft(id, &owner, Some("cancelled"), now()))
        .await
        .map(|_| ())
        .map_err(StoreTask::RecordCancel.failed())
}

/// Detail's questions to the ledger and the edits it keeps there.
pub fn run_for_detail(
    effect: LedgerEffect,
    services: super::services::Services,
    tx: tokio::sync::mpsc::UnboundedSender<Msg>,
) {
    tokio::spawn(async move {
        let msg = match effect {
            LedgerEffect::AskCreatedHere { service_id } => {
                let id = service_id.clone();
                match services.with_store(move |s| s.created_here(&id)).await {
                    Ok(created_here) => Msg::Ledger(LedgerMsg::CreatedHere {
                        service_id,
                        created_here,
                    }),
                    Err(e) => Msg::StoreError(StoreFailure::new(StoreTask::ReadLedger, e)),
                }
            }
            LedgerEffect::RecordEdit { identity, at } => {
                let live = LiveCopy {
                    identity: *identity,
                    fetched_at: at,
                };
                match services.with_store(move |s| s.record_live_for(&live)).await {
                    Ok(()) => return,
                    Err(e) => Msg::StoreError(StoreFailure::new(StoreTask::KeepEdit, e)),
                }
            }
        };
        let _ = tx.send(msg);
    });
}

/// How often the ledger is looked at for changes. `PRAGMA data_version` is
/// a read of a counter in memory: cheap enough to ask every second.
pub const LEDGER_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Tells the console each time the ledger changed: `PRAGMA data_version` on
/// the services' connection moves when any other connection committed (the
/// outbox's own, a `drafts sync` or `drafts discard` in another process).
pub async fn watch(
    services: super::services::Services,
    tx: tokio::sync::mpsc::UnboundedSender<Msg>,
) {
    let mut ticks = tokio::time::interval(LEDGER_POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut seen = None;
    loop {
        ticks.tick().await;
        let version = match services.with_store(|s| s.data_version()).await {
            Ok(Some(version)) => version,
            // A store without one (test fakes): nothing to watch.
            Ok(None) => return,
            // Busy or failing now: the next tick asks again.
            Err(_) => continue,
        };
        if seen.is_some_and(|seen| seen != version)
            && tx
                .send(Msg::Outbox(crate::app::OutboxMsg::LedgerChanged))
                .is_err()
        {
            return;
        }
        seen = Some(version);
    }
}
