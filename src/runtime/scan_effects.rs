//! Scan mode's effects: sends through the bulk importer (so scans get the
//! same throttle, retries and exactly-once checks as file imports), tenant
//! checks, deletes on undo, and the bell.

use std::io::Write;

use futures::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;

use super::services::{Services, SubmitService};
use crate::app::{Msg, ScanEffect, ScanMsg};
use crate::bulk::{self, DEFAULT_CHUNK, ImportOptions, ImportPlan, ImportService, StopReason};
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityResult};
use crate::graph::{GraphError, same_identifier};

/// The bulk importer's view of the session's service.
pub(super) struct Via<'a>(pub(super) &'a dyn SubmitService);

impl ImportService for Via<'_> {
    fn import<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
        overwrite: bool,
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentityResult>, GraphError>> {
        self.0.import_rows(rows, overwrite)
    }
    fn search<'a>(
        &'a self,
        rows: &'a [ImportedDeviceIdentity],
    ) -> BoxFuture<'a, Result<Vec<ImportedDeviceIdentity>, GraphError>> {
        self.0.search_rows(rows)
    }
    fn paces_writes(&self) -> bool {
        self.0.paces_writes()
    }
}

/// Sends a plan through the session's ledger (every row journalled before
/// the first request), or straight when the session keeps none.
pub(super) async fn send_journaled(
    services: &Services,
    origin: &str,
    via: &Via<'_>,
    plan: ImportPlan,
) -> bulk::Report {
    send_journaled_with(services, origin, via, plan, &ImportOptions::default(), None).await
}

/// [`send_journaled`] with options and progress.
pub(super) async fn send_journaled_with(
    services: &Services,
    origin: &str,
    via: &Via<'_>,
    plan: ImportPlan,
    options: &ImportOptions,
    progress: Option<&tokio::sync::mpsc::UnboundedSender<bulk::Progress>>,
) -> bulk::Report {
    let Some(syncer) = &services.outbox else {
        return bulk::run(via, plan, options, progress).await;
    };
    let unsent: Vec<bulk::RowResult> = plan
        .chunks
        .iter()
        .flatten()
        .map(|r| {
            bulk::RowResult::new(
                r.line,
                &r.identity,
                bulk::RowStatus::Unsent,
                None,
                Some("not sent: the ledger could not record it first".into()),
            )
        })
        .chain(plan.refused.iter().cloned())
        .collect();
    match crate::outbox::run_journaled(syncer.outbox(), origin, via, plan, options, progress).await
    {
        Ok((report, _)) => report,
        Err(e) => {
            let mut report = bulk::Report::new(unsent);
            report.stopped = Some(StopReason::Service(format!(
                "nothing was sent: the ledger could not record the rows first ({e})"
            )));
            report
        }
    }
}

pub fn run(effect: ScanEffect, services: Services, tx: UnboundedSender<Msg>) {
    match effect {
        ScanEffect::Bell => {
            let mut out = std::io::stdout();
            let _ = out.write_all(b"\x07").and_then(|()| out.flush());
        }
        ScanEffect::Send { rows } => {
            tokio::spawn(async move {
                let plan = ImportPlan::from_rows(
                    rows.into_iter()
                        .map(|(seq, identity)| (seq as usize, identity, None)),
                    DEFAULT_CHUNK,
                );
                let via = Via(&*services.submitter);
                let report = send_journaled(&services, "scan", &via, plan).await;
                let stopped = report.stopped.map(|s| match s {
                    StopReason::Service(m) | StopReason::Auth(m) => m,
                });
                let _ = tx.send(Msg::Scan(ScanMsg::Sent {
                    results: report.rows,
                    stopped,
                }));
            });
        }
        ScanEffect::CheckTenant { seq, identity } => {
            tokio::spawn(async move {
                let result = services
                    .submitter
                    .search_rows(std::slice::from_ref(&identity))
                    .await
                    .map(|found| {
                        found
                            .into_iter()
                            .find(|f| same_identifier(f.identifier(), identity.identifier()))
                            .map(|f| f.id.unwrap_or_default())
                    })
                    .map_err(|e| e.user_message());
                let _ = tx.send(Msg::Scan(ScanMsg::TenantChecked { seq, result }));
            });
        }
        ScanEffect::Delete { seq, id } => {
            tokio::spawn(async move {
                let result = services
                    .submitter
                    .delete_identity(&id)
                    .await
                    .map_err(|e| e.user_message());
                let _ = tx.send(Msg::Scan(ScanMsg::Deleted { seq, result }));
            });
        }
    }
}
