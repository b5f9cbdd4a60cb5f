//! The Tenant list's work: loading page by page (each page a message,
//! following `@odata.nextLink` verbatim, stoppable, stopping on a cycle of
//! links), deletes, description edits, exports (asking before replacing a
//! file) and the clipboard.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::effects::now;
use super::services::Services;
use crate::app::tenant::{LoadError, LoadId};
use crate::app::{Msg, TenantEffect, TenantMsg};
use crate::domain::ImportedDeviceIdentity;
use crate::graph::paging::PageGuard;
use crate::graph::{GraphError, ListedPage};
use crate::tenant::{
    ExportFormat, Exporter, ViewSnapshot, admin_targets, create_file, write_admin_files_to,
};

/// The list, update and delete calls, behind a trait for fakes. A page
/// comes with the request id of its answer; every call fails with the
/// [`GraphError`] itself, so a stop can name the request and the text is
/// made when it is drawn.
pub trait TenantService: Send + Sync + 'static {
    fn list_first(&self) -> BoxFuture<'_, Result<ListedPage, GraphError>>;
    fn list_next<'a>(&'a self, next_link: &'a str)
    -> BoxFuture<'a, Result<ListedPage, GraphError>>;
    /// PATCH; `Some` when the service answered with the entity.
    fn update<'a>(
        &'a self,
        id: &'a str,
        patch: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<Option<ImportedDeviceIdentity>, GraphError>>;
    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), GraphError>>;
}

/// Where copied text goes: the terminal's OSC 52 by default.
pub trait Clipboard: Send + Sync + 'static {
    fn copy(&self, text: &str) -> Result<(), String>;
}

/// Writes OSC 52 to the terminal (stdout, which the TUI draws on).
pub struct Osc52Clipboard;

impl Clipboard for Osc52Clipboard {
    fn copy(&self, text: &str) -> Result<(), String> {
        crate::tenant::osc52::copy(&mut std::io::stdout().lock(), text).map_err(|e| e.to_string())
    }
}

fn send(tx: &UnboundedSender<Msg>, msg: TenantMsg) {
    let _ = tx.send(Msg::Tenant(msg));
}

/// A session without the Tenant list's calls.
const NO_SERVICE: GraphError = GraphError::NotAvailable {
    what: "the tenant list",
};

async fn load_all(service: Arc<dyn TenantService>, load: LoadId, tx: UnboundedSender<Msg>) {
    let failed = |error: GraphError| TenantMsg::LoadFailed {
        load,
        error: LoadError::Graph(error),
    };
    let mut listed = match service.list_first().await {
        Ok(listed) => listed,
        Err(error) => return send(&tx, failed(error)),
    };
    // Stops on any cycle of next-page links and on the page cap, naming the
    // request whose answer sent the link.
    let mut guard = PageGuard::default();
    loop {
        let next = listed.page.next_link.take();
        let last = next.is_none();
        send(
            &tx,
            TenantMsg::Page {
                load,
                received_at: now(),
                identities: std::mem::take(&mut listed.page.value),
                last,
            },
        );
        let Some(link) = next else {
            return;
        };
        if let Err(error) = guard.follow(&link, listed.request_id.as_deref()) {
            return send(&tx, failed(error));
        }
        listed = match service.list_next(&link).await {
            Ok(listed) => listed,
            Err(error) => return send(&tx, failed(error)),
        };
    }
}

/// Writes an export, or, when it is not to replace files (`overwrite`
/// false) and one of its files is there, writes nothing and answers with
/// those files so the user is asked first. The files are then opened with
/// `create_new`: one that appears after the check is not replaced either.
fn export(path: PathBuf, format: ExportFormat, rows: &ViewSnapshot, overwrite: bool) -> TenantMsg {
    let absolute = |p: PathBuf| std::path::absolute(&p).unwrap_or(p);
    // A directory is not a file to replace: writing to it fails and says so.
    let there = |targets: Vec<PathBuf>| -> Vec<PathBuf> {
        targets
            .into_iter()
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| !m.is_dir()))
            .collect()
    };
    if format == ExportFormat::CsvAdmin {
        let identities: Vec<_> = rows.identities().collect();
        if !overwrite {
            let existing = there(admin_targets(&path, &identities));
            if !existing.is_empty() {
                return TenantMsg::ExportExists {
                    path,
                    format,
                    existing,
                };
            }
        }
        let written =
            write_admin_files_to(&path, &identities, overwrite).map_err(|e| e.to_string());
        return TenantMsg::Exported(
            written.map(|files| files.into_iter().map(|(p, n)| (absolute(p), n)).collect()),
        );
    }
    if !overwrite && !there(vec![path.clone()]).is_empty() {
        return TenantMsg::ExportExists {
            existing: vec![path.clone()],
            path,
            format,
        };
    }
    TenantMsg::Exported(write_one(path, format, rows, overwrite))
}

/// A csv or json export: one file.
fn write_one(
    path: PathBuf,
    format: ExportFormat,
    rows: &ViewSnapshot,
    overwrite: bool,
) -> Result<Vec<(PathBuf, usize)>, String> {
    let shown = path.display().to_string();
    let file = create_file(&path, overwrite).map_err(|e| format!("cannot create {shown}: {e}"))?;
    let mut exporter =
        Exporter::new(format, std::io::BufWriter::new(file)).map_err(|e| e.to_string())?;
    for identity in rows.identities() {
        exporter.write(&identity).map_err(|e| e.to_string())?;
    }
    exporter.finish().map_err(|e| e.to_string())?;
    Ok(vec![(
        std::path::absolute(&path).unwrap_or(path),
        rows.len(),
    )])
}

/// Runs tenant effects; remembers running loads so they can be stopped.
#[derive(Default)]
pub struct TenantRunner {
    loads: HashMap<LoadId, AbortHandle>,
}

impl TenantRunner {
    pub fn run(&mut self, effect: TenantEffect, services: &Services, tx: UnboundedSender<Msg>) {
        let service = services.tenant.clone();
        match effect {
            TenantEffect::Load { load } => {
                self.loads.retain(|_, h| !h.is_finished());
                let Some(service) = service else {
                    let error = LoadError::Graph(NO_SERVICE);
                    return send(&tx, TenantMsg::LoadFailed { load, error });
                };
                let task = tokio::spawn(load_all(service, load, tx));
                self.loads.insert(load, task.abort_handle());
            }
            TenantEffect::CancelLoad { load } => {
                if let Some(handle) = self.loads.remove(&load)
                    && !handle.is_finished()
                {
                    handle.abort();
                    send(&tx, TenantMsg::LoadCancelled { load });
                }
            }
            TenantEffect::Delete { ids } => {
                tokio::spawn(async move {
                    let mut results = Vec::with_capacity(ids.len());
                    for id in ids {
                        let result = match &service {
                            Some(s) => s.delete(&id).await,
                            None => Err(NO_SERVICE),
                        };
                        results.push((id, result));
                    }
                    let received_at = now();
                    send(
                        &tx,
                        TenantMsg::Deleted {
                            received_at,
                            results,
                        },
                    );
                });
            }
            TenantEffect::UpdateDescription {
                id,
                description,
                identity,
            } => {
                tokio::spawn(async move {
                    let patch = ImportedDeviceIdentity {
                        description: Some(description),
                        ..Default::default()
                    };
                    let result = match &service {
                        Some(s) => s
                            .update(&id, &patch)
                            .await
                            .map(|answer| answer.map(Box::new).unwrap_or(identity)),
                        None => Err(NO_SERVICE),
                    };
                    let received_at = now();
                    send(
                        &tx,
                        TenantMsg::Updated {
                            received_at,
                            id,
                            result,
                        },
                    );
                });
            }
            TenantEffect::Export {
                path,
                format,
                rows,
                overwrite,
            } => {
                tokio::task::spawn_blocking(move || {
                    send(&tx, export(path, format, &rows, overwrite));
                });
            }
            TenantEffect::Copy { text } => {
                send(&tx, TenantMsg::Copied(services.clipboard.copy(&text)));
            }
        }
    }

    pub fn abort_all(&mut self) {
        for (_, handle) in self.loads.drain() {
            handle.abort();
        }
    }
}
