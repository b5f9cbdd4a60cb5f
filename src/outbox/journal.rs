//! A bulk send (CLI import, the Import screen, Scan) through the ledger:
//! every row is journalled — one transaction for the whole batch — and
//! claimed before the first request leaves; each chunk's answers are
//! recorded as they come (the answers that came while the last ones were
//! being recorded, in one transaction); rows left unanswered wait in the outbox. A row
//! this machine created already is not sent again, one another live sender
//! holds is left to it, and one a dead sender left `sending` is looked up
//! with a search first. So an import killed half-way is completed, exactly
//! once, by `drafts sync` or by running the same import again.

use std::collections::HashMap;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::{Outbox, OutboxError, now};
use crate::bulk::{self, ImportOptions, ImportPlan, ImportService, OUTCOME_UNKNOWN, Progress};
use crate::bulk::{PlannedRow, Report, RowResult, RowStatus};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::graph::same_identifier;
use crate::store::lease::{LEASE, new_owner};
use crate::store::{Attempt, ItemState, Settlement, Slot};

/// What a journalled send did beyond the rows' results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalNotes {
    /// Rows not sent because this machine created them already.
    pub already_created: usize,
    /// Rows left to another sender that holds them.
    pub busy: usize,
    /// Rows whose answers could not be recorded (they stay `sending` and are
    /// checked before any resend), with the store's error.
    pub unrecorded: Option<(usize, String)>,
}

/// How a row's result settles its item.
fn settlement_of(row: &RowResult) -> Settlement {
    let reason = row.message.clone();
    let (state, unknown) = match row.status {
        RowStatus::Created => (ItemState::Created, false),
        RowStatus::AlreadyPresent => (ItemState::Duplicate, false),
        RowStatus::Rejected | RowStatus::Invalid => (ItemState::Rejected, false),
        RowStatus::Unsent => (
            ItemState::Queued,
            row.message.as_deref() == Some(OUTCOME_UNKNOWN),
        ),
    };
    // An import answers each row with its id and status only: the result is
    // the identity sent plus that id, which the item holds already
    // (`RecentEntry::from_item` puts them together), so none is stored.
    Settlement {
        state,
        unknown_outcome: unknown,
        reason,
        service_id: row.id.clone(),
        result: None,
    }
}

/// The attempt that settled an item: `at` is when its answer came (one
/// time for every row of an answer).
fn attempt_of(item_id: i64, action: &str, state: ItemState, at: DateTimeOffset) -> Attempt {
    Attempt {
        item_id,
        at,
        action: action.to_string(),
        request_id: None,
        client_request_id: None,
        http_status: None,
        error: None,
        outcome: state.as_str().to_string(),
    }
}

/// Sends `plan` with every row journalled in `outbox` first. Fails — with
/// nothing sent — only when the rows cannot be journalled.
pub async fn run_journaled<S: ImportService>(
    outbox: &Outbox,
    origin: &str,
    service: &S,
    plan: ImportPlan,
    options: &ImportOptions,
    progress: Option<&UnboundedSender<Progress>>,
) -> Result<(Report, JournalNotes), OutboxError> {
    let owner = new_owner();
    let chunk = plan.chunks.first().map_or(1, Vec::len);
    let rows: Vec<PlannedRow> = plan.chunks.into_iter().flatten().collect();
    let (journal_owner, journal_origin, overwrite) =
        (owner.clone(), origin.to_string(), options.overwrite);
    // The rows go to the store's thread and come back with their slots (no copy).
    let (rows, slots) = outbox
        .with_store(move |s, p| {
            let slots = s.journal_sends(
                p,
                &journal_origin,
                &rows,
                &journal_owner,
                overwrite,
                None,
                now(),
            )?;
            Ok((rows, slots))
        })
        .await?;
    // The journal's pages go on from the log into the database while the first
    // requests are out (the store waits for their answers anyway), not when
    // the ledger closes.
    let checkpoint = {
        let outbox = outbox.clone();
        tokio::spawn(async move {
            if let Err(e) = outbox.with_store(|s, _| s.checkpoint()).await {
                tracing::debug!("checkpoint after the journal: {e}");
            }
        })
    };
    let mut notes = JournalNotes::default();
    let mut results = plan.refused;
    let mut to_check = Vec::new();
    let mut to_send = Vec::new();
    for (row, slot) in rows.into_iter().zip(slots) {
        match slot {
            Slot::Created {
                id,
                service_id,
                same,
            } => {
                notes.already_created += 1;
                // A re-run (same properties) resumes; other properties are not applied.
                let (status, message) = if same {
                    (
                        RowStatus::Created,
                        format!("created earlier from this machine (item {id}); not sent again"),
                    )
                } else {
                    (
                        RowStatus::AlreadyPresent,
                        format!(
                            "created earlier from this machine (item {id}) with other details; \
                             not sent again (--overwrite replaces them)"
                        ),
                    )
                };
                results.push(RowResult::new(
                    row.line,
                    &row.identity,
                    status,
                    service_id,
                    Some(message),
                ));
            }
            Slot::Busy { id } => {
                notes.busy += 1;
                results.push(RowResult::new(
                    row.line,
                    &row.identity,
                    RowStatus::Unsent,
                    None,
                    Some(format!("being sent by another session (item {id})")),
                ));
            }
            Slot::Send { id, check: true } => to_check.push((id, row)),
            Slot::Send { id, check: false } => to_send.push((id, row)),
        }
    }
    // Renew the claims while the send runs (a long import keeps its rows).
    let renewer = {
        let (outbox, owner) = (outbox.clone(), owner.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(LEASE / 4).await;
                let owner = owner.clone();
                if let Err(e) = outbox
                    .with_store(move |s, p| s.renew_leases(p, &owner, now()))
                    .await
                {
                    tracing::warn!("could not renew the claims on an import's rows: {e}");
                }
            }
        })
    };
    let mut searches = 0;
    let checked = check_first(outbox, service, to_check, chunk, &mut searches, &mut notes).await;
    let (found, unchecked, resend) = checked;
    results.extend(found);
    results.extend(unchecked);
    to_send.extend(resend);
    let ids: HashMap<usize, i64> = to_send.iter().map(|(id, row)| (row.line, *id)).collect();
    // The rows were planned already (valid, one per identifier): only chunked again.
    let send_plan = ImportPlan::of_planned(to_send.into_iter().map(|(_, r)| r).collect(), chunk);
    let (tx, mut rx) = unbounded_channel();
    let sending = async {
        let tx = tx;
        bulk::run(service, send_plan, options, Some(&tx)).await
    };
    let recording = async {
        while let Some(first) = rx.recv().await {
            // Answers that came in while the last ones were being recorded are
            // recorded together: one transaction for all of them.
            let mut batch = vec![first];
            while let Ok(p) = rx.try_recv() {
                batch.push(p);
            }
            let at = now();
            let settled: Vec<(Attempt, Settlement)> = batch
                .iter()
                .filter_map(|p| match p {
                    Progress::Chunk { results, .. } => Some(results),
                    Progress::Waiting { .. } => None,
                })
                .flatten()
                .filter_map(|r| {
                    let id = *ids.get(&r.line)?;
                    let s = settlement_of(r);
                    Some((attempt_of(id, "import", s.state, at), s))
                })
                .collect();
            let n = settled.len();
            if n > 0
                && let Err(e) = outbox
                    .with_store(move |s, _| s.settle_batch(&settled))
                    .await
            {
                let (count, _) = notes.unrecorded.get_or_insert((0, e.to_string()));
                *count += n;
            }
            if let Some(progress) = progress {
                for p in batch {
                    let _ = progress.send(p);
                }
            }
        }
    };
    let (sent, ()) = tokio::join!(sending, recording);
    renewer.abort();
    let _ = checkpoint.await;
    let release_owner = owner.clone();
    if let Err(e) = outbox
        .with_store(move |s, p| s.release_all(p, &release_owner))
        .await
    {
        tracing::warn!("could not release an import's claims: {e}");
    }
    results.extend(sent.rows);
    let mut report = Report::new(results);
    report.stopped = sent.stopped;
    report.import_calls = sent.import_calls;
    report.search_calls = sent.search_calls + searches;
    Ok((report, notes))
}

type Checked = (Vec<RowResult>, Vec<RowResult>, Vec<(i64, PlannedRow)>);

/// Rows a dead sender left `sending`: found ones are settled as created (or
/// as already there, when the tenant held them well before); missing ones are
/// sent; rows the search could not answer stay unsent and unknown.
async fn check_first<S: ImportService>(
    outbox: &Outbox,
    service: &S,
    rows: Vec<(i64, PlannedRow)>,
    chunk: usize,
    searches: &mut usize,
    notes: &mut JournalNotes,
) -> Checked {
    let (mut found, mut unchecked, mut resend) = (Vec::new(), Vec::new(), Vec::new());
    let mut rest = rows.into_iter().peekable();
    while rest.peek().is_some() {
        let part: Vec<(i64, PlannedRow)> = rest.by_ref().take(chunk.max(1)).collect();
        let identities: Vec<ImportedDeviceIdentity> =
            part.iter().map(|(_, r)| r.identity.clone()).collect();
        *searches += 1;
        let answer = match service.search(&identities).await {
            Ok(answer) => answer,
            Err(e) => {
                let message = format!("{OUTCOME_UNKNOWN} ({})", e.user_message());
                unchecked.extend(part.iter().map(|(_, r)| {
                    RowResult::new(
                        r.line,
                        &r.identity,
                        RowStatus::Unsent,
                        None,
                        Some(message.clone()),
                    )
                }));
                continue;
            }
        };
        let mut settled = Vec::new();
        for (id, row) in part {
            let hit = answer
                .iter()
                .find(|f| same_identifier(f.identifier(), row.identity.identifier()));
            let Some(hit) = hit else {
                resend.push((id, row));
                continue;
            };
            let item_created = outbox
                .with_store(move |s, _| s.outbox_item(id))
                .await
                .ok()
                .flatten()
                .map(|i| i.created_at);
            let before = match (hit.created_date_time, item_created) {
                (Some(created), Some(queued)) => created.surely_before(queued),
                _ => false,
            };
            let result = if before {
                RowResult::new(
                    row.line,
                    &row.identity,
                    RowStatus::AlreadyPresent,
                    hit.id.clone(),
                    Some("already in the tenant before it was sent; not sent again".into()),
                )
            } else {
                RowResult::new(
                    row.line,
                    &row.identity,
                    RowStatus::Created,
                    hit.id.clone(),
                    Some("created by an earlier attempt from this machine; not sent again".into()),
                )
            };
            let s = settlement_of(&result);
            settled.push((attempt_of(id, "check", s.state, now()), s));
            found.push(result);
        }
        let n = settled.len();
        if let Err(e) = outbox
            .with_store(move |s, _| s.settle_batch(&settled))
            .await
        {
            let (count, _) = notes.unrecorded.get_or_insert((0, e.to_string()));
            *count += n;
        }
    }
    (found, unchecked, resend)
}
