//! The Import screen's effects: reading and validating the file, the tenant
//! check, the commit through the bulk importer (with progress), and saving
//! the report.

use std::collections::HashMap;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::scan_effects::{Via, send_journaled_with};
use super::services::Services;
use crate::app::{ImportEffect, ImportMsg, Msg};
use crate::bulk::{DEFAULT_CHUNK, ImportOptions, ImportPlan, Progress, Report};
use crate::domain::validate::identity_key;

fn send(tx: &UnboundedSender<Msg>, msg: ImportMsg) {
    let _ = tx.send(Msg::Import(msg));
}

pub fn run(effect: ImportEffect, services: Services, tx: UnboundedSender<Msg>) {
    match effect {
        ImportEffect::Complete { typed } => {
            tokio::spawn(async move {
                let lookup = typed.clone();
                let names = tokio::task::spawn_blocking(move || completions(&lookup))
                    .await
                    .unwrap_or_default();
                send(&tx, ImportMsg::Completions { typed, names });
            });
        }
        ImportEffect::Load { path } => {
            tokio::spawn(async move {
                let loaded = tokio::task::spawn_blocking(move || {
                    let bytes =
                        std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
                    crate::csvfile::parse(&bytes, None).map_err(|e| format!("{path}: {e}"))
                })
                .await
                .unwrap_or_else(|e| Err(format!("reading the file failed: {e}")));
                send(&tx, ImportMsg::Loaded(loaded));
            });
        }
        ImportEffect::CheckTenant { identities } => {
            tokio::spawn(async move {
                let mut found = HashMap::new();
                for part in identities.chunks(DEFAULT_CHUNK) {
                    match services.submitter.search_rows(part).await {
                        Ok(existing) => {
                            for e in existing {
                                found.insert(identity_key(&e), e.id.unwrap_or_default());
                            }
                        }
                        Err(e) => {
                            send(&tx, ImportMsg::TenantChecked(Err(e.user_message())));
                            return;
                        }
                    }
                }
                send(&tx, ImportMsg::TenantChecked(Ok(found)));
            });
        }
        ImportEffect::Commit { create, overwrite } => {
            tokio::spawn(async move {
                let of = create.valid_rows() + overwrite.valid_rows();
                let via = Via(&*services.submitter);
                let mut rows = Vec::new();
                let mut merged = Report::default();
                let mut done_before = 0;
                for (plan, replace) in [(create, false), (overwrite, true)] {
                    if plan.chunks.is_empty() {
                        continue;
                    }
                    let options = ImportOptions {
                        overwrite: replace,
                        ..ImportOptions::default()
                    };
                    let report =
                        with_progress(&services, &via, plan, &options, &tx, done_before, of).await;
                    done_before += report.rows.len();
                    merged.import_calls += report.import_calls;
                    merged.search_calls += report.search_calls;
                    merged.stopped = merged.stopped.or(report.stopped);
                    rows.extend(report.rows);
                }
                let mut report = Report::new(rows);
                report.import_calls = merged.import_calls;
                report.search_calls = merged.search_calls;
                report.stopped = merged.stopped;
                send(&tx, ImportMsg::Finished(report));
            });
        }
        ImportEffect::Save {
            path,
            report,
            overwrite,
        } => {
            tokio::spawn(async move {
                let saved =
                    tokio::task::spawn_blocking(move || save_report(path, &report, overwrite))
                        .await
                        .unwrap_or_else(|e| ImportMsg::Saved(Err(format!("saving failed: {e}"))));
                send(&tx, saved);
            });
        }
    }
}

/// Writes the report as CSV to `path` (blocking). Without `overwrite`, a
/// file already there is left as it is and the answer is
/// [`ImportMsg::ReportExists`], so that the user is asked first.
pub fn save_report(path: String, report: &Report, overwrite: bool) -> ImportMsg {
    use std::io::Write;

    let bytes = match report.to_csv() {
        Ok(bytes) => bytes,
        Err(e) => return ImportMsg::Saved(Err(e.to_string())),
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        // Created only if absent, in one step: no file slips in between a
        // check and the write.
        options.create_new(true);
    }
    let written = options
        .open(&path)
        .and_then(|mut file| file.write_all(&bytes));
    match written {
        Ok(()) => ImportMsg::Saved(Ok(path)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => ImportMsg::ReportExists { path },
        Err(e) => ImportMsg::Saved(Err(format!("cannot write {path}: {e}"))),
    }
}

/// Sends a plan, forwarding its progress as `ImportMsg::Progress`.
async fn with_progress(
    services: &Services,
    via: &Via<'_>,
    plan: ImportPlan,
    options: &ImportOptions,
    tx: &UnboundedSender<Msg>,
    done_before: usize,
    of: usize,
) -> Report {
    let (ptx, mut prx) = unbounded_channel();
    let sending = async {
        let ptx = ptx;
        send_journaled_with(services, "import", via, plan, options, Some(&ptx)).await
    };
    let forward = async {
        while let Some(p) = prx.recv().await {
            if let Progress::Chunk { done, .. } = p {
                send(
                    tx,
                    ImportMsg::Progress {
                        done: done_before + done,
                        of,
                    },
                );
            }
        }
    };
    let (report, ()) = tokio::join!(sending, forward);
    report
}

/// The names in the directory of `typed` that start with its last part,
/// directories with a trailing `/`, sorted; hidden names only when asked
/// for with a leading dot.
pub fn completions(typed: &str) -> Vec<String> {
    let dir_len = typed.rfind('/').map_or(0, |i| i + 1);
    let (dir, stem) = typed.split_at(dir_len);
    let dir = if dir.is_empty() { "." } else { dir };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            if !name.starts_with(stem) || (name.starts_with('.') && !stem.starts_with('.')) {
                return None;
            }
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir())
                || (entry.file_type().is_ok_and(|t| t.is_symlink()) && entry.path().is_dir());
            Some(if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    names.sort();
    names
}
