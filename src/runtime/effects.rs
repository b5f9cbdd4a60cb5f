//! Turns effects into tokio tasks whose results come back as messages.

use std::collections::HashMap;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::outbox_effects::OutboxRunner;
use super::services::Services;
use super::tenant::TenantRunner;
use crate::app::{Effect, Msg, OutboxEffect, RequestId, SignInEffect, SignInMsg};
use crate::domain::DateTimeOffset;
use crate::store::{ProfileFact, StoreFailure, StoreTask};

/// Now, as the messages carry it (the app reads no clock).
pub fn now() -> DateTimeOffset {
    let now = time::OffsetDateTime::now_utc();
    DateTimeOffset::from_unix_nanos(now.unix_timestamp_nanos()).unwrap_or(DateTimeOffset(now))
}

pub struct EffectRunner {
    services: Services,
    tx: UnboundedSender<Msg>,
    submissions: HashMap<RequestId, AbortHandle>,
    /// The ledger item of each submission in flight.
    submission_items: HashMap<RequestId, i64>,
    /// This console's name on the items it claims for the form.
    owner: String,
    outbox: OutboxRunner,
    sign_in: Option<AbortHandle>,
    tenant: TenantRunner,
    /// Polls the ledger for changes (see `ledger_effects::watch`).
    ledger_watch: Option<AbortHandle>,
}

impl EffectRunner {
    pub fn new(services: Services, tx: UnboundedSender<Msg>) -> Self {
        EffectRunner {
            outbox: OutboxRunner::new(services.outbox.clone()),
            services,
            tx,
            submissions: HashMap::new(),
            submission_items: HashMap::new(),
            owner: crate::store::lease::new_owner(),
            sign_in: None,
            tenant: TenantRunner::default(),
            ledger_watch: None,
        }
    }

    /// Starts the work an effect describes; returns whether to quit.
    pub fn run(&mut self, effect: Effect) -> bool {
        let tx = self.tx.clone();
        let services = self.services.clone();
        match effect {
            Effect::Quit => return true,
            // The loop itself lends the terminal to the editor.
            Effect::Editor(_) => {}
            Effect::SignIn(effect) => self.run_sign_in(effect),
            Effect::Outbox(OutboxEffect::WatchLedger) => {
                if self.ledger_watch.is_none() {
                    let task = tokio::spawn(super::ledger_effects::watch(services, tx));
                    self.ledger_watch = Some(task.abort_handle());
                }
            }
            Effect::Outbox(effect) => self.outbox.run(effect, &tx),
            Effect::Tenant(effect) => self.tenant.run(effect, &services, tx),
            Effect::Submit { request, identity } => {
                self.submissions.retain(|_, handle| !handle.is_finished());
                // Journalled here, before the task can send anything.
                let ledger = services.outbox.as_ref().map(|s| s.outbox().clone());
                let item = ledger.as_ref().and_then(|outbox| {
                    let draft = self.outbox.current_draft();
                    match super::ledger_effects::journal_form(outbox, &self.owner, draft, &identity)
                    {
                        Ok(item) => item,
                        Err(e) => {
                            let _ = tx.send(Msg::StoreError(e));
                            None
                        }
                    }
                });
                if let Some(id) = item {
                    self.outbox.set_current_draft(id);
                    self.submission_items.insert(request, id);
                    // The form's title names the item it now is.
                    let _ = tx.send(Msg::Outbox(crate::app::OutboxMsg::FormItem(Some(id))));
                }
                let owner = self.owner.clone();
                let task = tokio::spawn(async move {
                    let result = services.submitter.submit(&identity).await;
                    if let (Some(outbox), Some(id)) = (&ledger, item)
                        && let Err(e) =
                            super::ledger_effects::settle_form(outbox, &owner, id, &result).await
                    {
                        let _ = tx.send(Msg::StoreError(e));
                    }
                    let _ = tx.send(Msg::SubmitFinished {
                        request,
                        received_at: now(),
                        result,
                    });
                });
                self.submissions.insert(request, task.abort_handle());
            }
            Effect::CancelSubmit { request } => {
                // A task that already finished has sent its own result.
                if let Some(handle) = self.submissions.remove(&request)
                    && !handle.is_finished()
                {
                    handle.abort();
                    let _ = tx.send(Msg::SubmitCancelled { request });
                }
            }
            Effect::CheckOutcome { request, identity } => {
                let item = self.submission_items.remove(&request);
                let owner = self.owner.clone();
                tokio::spawn(async move {
                    let result = services.submitter.find_existing(&identity).await;
                    if let (Ok(None), Some(id), Some(syncer)) = (&result, item, &services.outbox)
                        && let Err(e) =
                            super::ledger_effects::cancelled(syncer.outbox(), &owner, id).await
                    {
                        let _ = tx.send(Msg::StoreError(e));
                    }
                    let _ = tx.send(Msg::SubmitChecked {
                        request,
                        received_at: now(),
                        result,
                    });
                });
            }
            Effect::Scan(effect) => super::scan_effects::run(effect, services, tx),
            Effect::Import(effect) => super::import_effects::run(effect, services, tx),
            Effect::RecordRecent(entry) => {
                tokio::spawn(async move {
                    let done = services.with_store(move |s| s.record_recent(&entry)).await;
                    let _ = tx.send(match done {
                        Ok(()) => Msg::RecentRecorded,
                        Err(e) => Msg::StoreError(StoreFailure::new(StoreTask::SaveRecent, e)),
                    });
                });
            }
            Effect::LoadRecent(page) => {
                tokio::spawn(async move {
                    let asked = page.clone();
                    let loaded = services.with_store(move |s| s.recent_page(&asked)).await;
                    let _ = tx.send(match loaded {
                        Ok(entries) => Msg::RecentPage { page, entries },
                        Err(e) => Msg::StoreError(StoreFailure::new(StoreTask::LoadRecent, e)),
                    });
                });
            }
            Effect::Ledger(effect) => super::ledger_effects::run_for_detail(effect, services, tx),
            Effect::RefreshLive(targets) => {
                tokio::spawn(super::recent_live::refresh(services, tx, targets));
            }
            Effect::RememberCreateRouteMissing { profile } => {
                tokio::spawn(async move {
                    let saved = services
                        .with_store(move |s| s.learn(ProfileFact::CreateUnusable, &profile))
                        .await;
                    let _ = tx.send(match saved {
                        Ok(()) => Msg::SettingSaved,
                        Err(e) => Msg::StoreError(StoreFailure::new(StoreTask::SaveSetting, e)),
                    });
                });
            }
        }
        false
    }

    fn run_sign_in(&mut self, effect: SignInEffect) {
        if let SignInEffect::Copy(text) = &effect {
            // Written at once, between two frames; OSC 52 has no answer to wait for.
            let _ = self.services.clipboard.copy(text);
            return;
        }
        let tx = self.tx.clone();
        let Some(service) = self.services.sign_in.clone() else {
            let _ = tx.send(Msg::SignIn(SignInMsg::Failed(
                "this profile cannot sign in interactively".to_string(),
            )));
            return;
        };
        match effect {
            SignInEffect::Start => {
                if let Some(old) = self.sign_in.take() {
                    old.abort();
                }
                let task = tokio::spawn(async move {
                    let progress_tx = tx.clone();
                    let sink = Box::new(move |msg| {
                        let _ = progress_tx.send(Msg::SignIn(msg));
                    });
                    let msg = match service.sign_in(sink).await {
                        Ok(done) => SignInMsg::Approved {
                            account: done.account,
                            stored: done.stored,
                        },
                        Err(text) => SignInMsg::Failed(text),
                    };
                    let _ = tx.send(Msg::SignIn(msg));
                });
                self.sign_in = Some(task.abort_handle());
            }
            SignInEffect::Cancel => {
                if let Some(task) = self.sign_in.take() {
                    task.abort();
                }
            }
            SignInEffect::Copy(_) => {}
        }
    }

    /// Stops submissions still running (on exit).
    /// Saves the form's draft now (the console is panicking).
    pub fn save_draft_now(&mut self, fields: &crate::store::DraftFields) {
        if let Err(e) = self.outbox.save_draft_now(fields) {
            tracing::error!("{e}");
        }
    }

    pub fn abort_all(&mut self) {
        if let Some(task) = self.sign_in.take() {
            task.abort();
        }
        if let Some(task) = self.ledger_watch.take() {
            task.abort();
        }
        self.outbox.abort();
        for (request, handle) in self.submissions.drain() {
            if handle.is_finished() {
                continue;
            }
            handle.abort();
            // Its request may have been applied: it goes to the outbox with
            // an unknown outcome, not back to a draft.
            if let (Some(id), Some(syncer)) =
                (self.submission_items.get(&request), &self.services.outbox)
                && let Err(e) = syncer
                    .outbox()
                    .with_store_now(|s, _| s.interrupted(*id, &self.owner, now()))
            {
                tracing::warn!("could not put the interrupted submission in the outbox: {e}");
            }
        }
        self.tenant.abort_all();
    }
}
