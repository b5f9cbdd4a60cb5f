//! Runs the outbox's effects. Drafts and queued items are written at once,
//! on the loop's thread (small local writes that must be done before the
//! next key — or a kill — can overtake them); loading, syncing, timers and
//! probes run as tasks that report back as messages.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use crate::app::outbox::DRAFT_DEBOUNCE_MS;
use crate::app::{Msg, OutboxEffect, OutboxMsg};
use crate::graph::RetryPolicy;
use crate::outbox::{Syncer, now, probe};
use crate::store::{DraftFields, NewItem, StoreFailure, StoreTask};

/// The probe's backoff while the service cannot be reached.
const PROBE_BACKOFF: RetryPolicy = RetryPolicy {
    max_attempts: u32::MAX,
    max_total_wait: Duration::MAX,
    base_backoff: Duration::from_secs(1),
    max_backoff: Duration::from_secs(60),
};

pub struct OutboxRunner {
    syncer: Option<Syncer>,
    /// The draft the open form saves to.
    current_draft: Option<i64>,
    sync_task: Option<AbortHandle>,
    /// The timer that brings the sync back when a waiting item is due.
    due_timer: Option<AbortHandle>,
}

fn send(tx: &UnboundedSender<Msg>, msg: OutboxMsg) {
    let _ = tx.send(Msg::Outbox(msg));
}

impl OutboxRunner {
    pub fn new(syncer: Option<Syncer>) -> Self {
        OutboxRunner {
            syncer,
            current_draft: None,
            sync_task: None,
            due_timer: None,
        }
    }

    /// The draft the open form saves to.
    pub fn current_draft(&self) -> Option<i64> {
        self.current_draft
    }

    /// The open form's item is now `id` (its send was journalled there).
    pub fn set_current_draft(&mut self, id: i64) {
        self.current_draft = Some(id);
    }

    /// Saves the form's draft now (also used when the console panics).
    pub fn save_draft_now(&mut self, fields: &DraftFields) -> Result<(), StoreFailure> {
        let Some(syncer) = &self.syncer else {
            return Ok(());
        };
        let current = self.current_draft;
        let id = syncer
            .outbox()
            .with_store_now(|s, p| s.save_draft(current, p, fields, now()))
            .map_err(StoreTask::SaveDraft.failed())?;
        self.current_draft = Some(id);
        Ok(())
    }

    pub fn run(&mut self, effect: OutboxEffect, tx: &UnboundedSender<Msg>) {
        let Some(syncer) = self.syncer.clone() else {
            return;
        };
        let outbox = syncer.outbox().clone();
        let tx = tx.clone();
        match effect {
            OutboxEffect::Load => {
                tokio::spawn(async move {
                    let loaded = async { Ok((outbox.items().await?, outbox.counts().await?)) };
                    let loaded: Result<_, crate::outbox::OutboxError> = loaded.await;
                    send(
                        &tx,
                        match loaded {
                            Ok((items, counts)) => OutboxMsg::Loaded { items, counts },
                            Err(e) => OutboxMsg::Error(StoreFailure::new(StoreTask::LoadOutbox, e)),
                        },
                    );
                });
            }
            OutboxEffect::RestoreLatestDraft => {
                match outbox.with_store_now(|s, p| s.latest_draft(p)) {
                    // The app says whether the form takes it (`UseDraft`).
                    Ok(draft) => send(
                        &tx,
                        OutboxMsg::LatestDraft(draft.and_then(|d| Some((d.id, d.form?)))),
                    ),
                    Err(e) => send(
                        &tx,
                        OutboxMsg::Error(StoreFailure::new(StoreTask::LoadDrafts, e)),
                    ),
                }
            }
            OutboxEffect::ArmDraftTimer => {
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(DRAFT_DEBOUNCE_MS)).await;
                    send(&tx, OutboxMsg::DraftTimer);
                });
            }
            OutboxEffect::SaveDraft(fields) => {
                if let Err(e) = self.save_draft_now(&fields) {
                    send(&tx, OutboxMsg::Error(e));
                }
                send(&tx, OutboxMsg::FormItem(self.current_draft));
            }
            OutboxEffect::FinishDraft => {
                if let Some(id) = self.current_draft.take()
                    && let Err(e) = outbox.with_store_now(|s, _| s.discard_draft(id, now()))
                {
                    send(
                        &tx,
                        OutboxMsg::Error(StoreFailure::new(StoreTask::DropDraft, e)),
                    );
                }
                send(&tx, OutboxMsg::FormItem(None));
            }
            OutboxEffect::UseDraft(id) => {
                self.current_draft = Some(id);
                send(&tx, OutboxMsg::FormItem(Some(id)));
            }
            // The effect runner watches with the services' connection.
            OutboxEffect::WatchLedger => {}
            OutboxEffect::NewDraft => {
                self.current_draft = None;
                send(&tx, OutboxMsg::FormItem(None));
            }
            OutboxEffect::Enqueue {
                identity,
                reason,
                form,
                unknown_outcome,
            } => {
                let item = NewItem {
                    identity: *identity,
                    reason,
                    form: Some(form),
                    unknown_outcome,
                    draft_id: self.current_draft.take(),
                };
                send(&tx, OutboxMsg::FormItem(None));
                let identifier = item.identity.identifier().to_string();
                match outbox.with_store_now(|s, p| s.enqueue_item(p, &item, now())) {
                    Ok(queued) => match queued.note() {
                        Some(note) => send(
                            &tx,
                            OutboxMsg::AlreadyQueued(format!("{identifier} is {note}")),
                        ),
                        None => send(&tx, OutboxMsg::Queued),
                    },
                    Err(e) => send(
                        &tx,
                        OutboxMsg::Error(StoreFailure::new(StoreTask::Queue, e)),
                    ),
                }
            }
            OutboxEffect::Resend { id, overwrite } => {
                match outbox.with_store_now(|s, _| s.requeue(id, None, overwrite, now())) {
                    Ok(_) => send(&tx, OutboxMsg::Queued),
                    Err(e) => send(
                        &tx,
                        OutboxMsg::Error(StoreFailure::new(StoreTask::Queue, e)),
                    ),
                }
            }
            OutboxEffect::Discard(id) => {
                if self.current_draft == Some(id) {
                    self.current_draft = None;
                }
                if let Err(e) = outbox.with_store_now(|s, _| s.discard_item(id, now())) {
                    send(
                        &tx,
                        OutboxMsg::Error(StoreFailure::new(StoreTask::Discard, e)),
                    );
                }
            }
            OutboxEffect::Sync => {
                if self.sync_task.as_ref().is_some_and(|t| !t.is_finished()) {
                    return;
                }
                let task = tokio::spawn(async move {
                    let progress_tx = tx.clone();
                    let report = syncer
                        .sync(&move |p| send(&progress_tx, OutboxMsg::SyncProgress(p)))
                        .await
                        .map_err(|e| e.to_string());
                    send(&tx, OutboxMsg::SyncFinished(report));
                });
                self.sync_task = Some(task.abort_handle());
            }
            OutboxEffect::CancelSync => {
                if let Some(task) = self.sync_task.take() {
                    task.abort();
                }
            }
            OutboxEffect::SyncLater { after } => {
                if let Some(old) = self.due_timer.take() {
                    old.abort();
                }
                // A moment more, so the item is due when the sync looks.
                let wait = after + Duration::from_millis(500);
                let task = tokio::spawn(async move {
                    tokio::time::sleep(wait).await;
                    send(&tx, OutboxMsg::SyncDue);
                });
                self.due_timer = Some(task.abort_handle());
            }
            OutboxEffect::ProbeLater { attempt } => {
                let wait = PROBE_BACKOFF.backoff(attempt, &mut rand::rng());
                tokio::spawn(async move {
                    tokio::time::sleep(wait).await;
                    let answered = probe(syncer.submitter().client())
                        .await
                        .map_err(|e| e.user_message());
                    send(&tx, OutboxMsg::Probed(answered));
                });
            }
        }
    }

    /// Stops a running sync (on exit; an interrupted send is checked next time).
    pub fn abort(&mut self) {
        if let Some(task) = self.sync_task.take() {
            task.abort();
        }
        if let Some(timer) = self.due_timer.take() {
            timer.abort();
        }
    }
}
