//! The form's sends through the ledger: the identity is journalled (the
//! form's draft becomes its item, claimed by this console) before the
//! request leaves, and the answer settles it: created, back in the outbox
//! (a failure that may pass, or an unknown outcome), or back to a draft (the
//! service refused it; the form still holds it). A send cut off by quitting
//! stays `sending`, so the next sender checks it before sending it again.

use crate::app::outbox::belongs_in_outbox;
use crate::domain::ImportedDeviceIdentity;
use crate::graph::{GraphError, SubmitOutcome};
use crate::outbox::plan::{Answer, Step, settle};
use crate::outbox::{Outbox, now};
use crate::store::{ItemState, Slot};

/// Journals the form's identity; returns its item, or `None` when the
/// ledger has no item for it to claim (held by another sender, or created
/// already: the service's answer tells the user).
pub fn journal_form(
    outbox: &Outbox,
    owner: &str,
    draft: Option<i64>,
    identity: &ImportedDeviceIdentity,
) -> Result<Option<i64>, String> {
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
        .map_err(|e| format!("could not record the submission in the ledger: {e}"))?;
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
) -> Result<(), String> {
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
    settled.map_err(|e| format!("could not record the answer in the ledger: {e}"))
}

/// A cancelled send the service did not apply: its item goes back to a draft.
pub async fn cancelled(outbox: &Outbox, owner: &str, id: i64) -> Result<(), String> {
    let owner = owner.to_string();
    outbox
        .with_store(move |s, _| s.back_to_draft(id, &owner, Some("cancelled"), now()))
        .await
        .map(|_| ())
        .map_err(|e| format!("could not record the cancel in the ledger: {e}"))
}
