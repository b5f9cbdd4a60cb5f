//! Reads Recent's live state: each entry not yet enrolled is read by id
//! from the tenant (reads only, a few in flight), its copy kept in the
//! ledger, and the lot reported back in one message.

use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

use super::effects::now;
use super::services::Services;
use crate::app::Msg;
use crate::app::recent::{LiveRefreshed, LiveTarget};
use crate::store::{LiveCopy, StoreFailure, StoreTask};

/// Reads in flight at once.
const IN_FLIGHT: usize = 4;

pub async fn refresh(services: Services, tx: UnboundedSender<Msg>, targets: Vec<LiveTarget>) {
    let submitter = services.submitter.clone();
    let read: Vec<_> = futures::stream::iter(targets)
        .map(|target| {
            let submitter = submitter.clone();
            async move {
                let got = submitter.get_identity(&target.service_id).await;
                (target.item_id, got.map_err(|e| e.user_message()))
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let fetched_at = now();
    let copies: Vec<(i64, LiveCopy)> = read
        .iter()
        .filter_map(|(id, got)| {
            let identity = got.as_ref().ok()?.clone();
            Some((
                *id,
                LiveCopy {
                    identity,
                    fetched_at,
                },
            ))
        })
        .collect();
    let stored = services
        .with_store(move |s| {
            copies
                .iter()
                .try_for_each(|(id, live)| s.record_live(*id, live))
        })
        .await;
    if let Err(e) = stored {
        let _ = tx.send(Msg::StoreError(StoreFailure::new(StoreTask::KeepLive, e)));
    }
    let _ = tx.send(Msg::RecentLive(LiveRefreshed {
        fetched_at,
        results: read,
    }));
}
