//! How the Tenant list and the Detail actions change with their messages:
//! pages of a load, its end, deletes, description edits, exports (and the
//! question before one replaces a file) and the clipboard.

use std::path::PathBuf;

use super::actions::thousands;
use super::outcome::{DetailChange, TenantCtx, TenantOutcome};
use super::{LoadOutcome, ResultLine, TenantModal, TenantMsg, TenantState};
use crate::app::Screen;
use crate::app::confirm::{Confirmation, Pending};
use crate::app::tabs::ListTab;
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::graph::GraphError;
use crate::sanitize::sanitize;
use crate::tenant::ExportFormat;
use crate::widgets::Tone;

impl TenantState {
    /// One message of the Tenant list or the Detail actions.
    pub fn update(&mut self, msg: TenantMsg, ctx: &TenantCtx) -> TenantOutcome {
        match msg {
            TenantMsg::Page {
                load,
                received_at,
                identities,
                last,
            } => {
                if load != self.load || !self.loading {
                    return TenantOutcome::default();
                }
                self.learn_now(received_at);
                self.view.append(&identities);
                self.pages += 1;
                if last {
                    self.loading = false;
                    self.outcome = LoadOutcome::Complete;
                }
                TenantOutcome::default()
            }
            TenantMsg::LoadFailed { load, error } => {
                if load != self.load || !self.loading {
                    return TenantOutcome::default();
                }
                self.loading = false;
                let text = sanitize(&error.user_message()).into_owned();
                self.outcome = LoadOutcome::Failed(error);
                TenantOutcome::status(format!("tenant list: {text}"), Tone::Error)
            }
            TenantMsg::LoadCancelled { .. } => TenantOutcome::default(),
            TenantMsg::Deleted {
                received_at,
                results,
            } => self.on_deleted(results, received_at, ctx),
            TenantMsg::Updated {
                received_at,
                id,
                result,
            } => {
                self.learn_now(received_at);
                self.on_updated(id, result, received_at)
            }
            TenantMsg::ExportExists {
                path,
                format,
                existing,
            } => self.on_export_exists(path, format, &existing, ctx),
            TenantMsg::Exported(result) => match result {
                Ok(files) => self.on_exported(&files),
                Err(e) => TenantOutcome::status(sanitize(&e).into_owned(), Tone::Error),
            },
            TenantMsg::Copied(result) => match result {
                Ok(()) => {
                    TenantOutcome::status("id copied to the clipboard (OSC 52)", Tone::Success)
                }
                Err(e) => {
                    TenantOutcome::status(format!("could not copy: {}", sanitize(&e)), Tone::Error)
                }
            },
        }
    }

    fn on_exported(&self, files: &[(PathBuf, usize)]) -> TenantOutcome {
        let shown: Vec<String> = files
            .iter()
            .map(|(path, rows)| {
                let path = sanitize(&path.display().to_string()).into_owned();
                if files.len() > 1 {
                    format!("{} to {path}", thousands(*rows))
                } else {
                    path
                }
            })
            .collect();
        let total: usize = files.iter().map(|(_, rows)| rows).sum();
        let text = if files.len() > 1 {
            format!(
                "exported {} identities, one file per admin-center dialect: {}",
                thousands(total),
                shown.join(", ")
            )
        } else {
            format!(
                "exported {} identities to {}",
                thousands(total),
                shown.join("")
            )
        };
        if self.export_incomplete {
            // What was loaded, not the tenant: say so.
            let text = format!("{text} — only what was loaded: the list did not load to its end");
            TenantOutcome::status(text, Tone::Warning)
        } else {
            TenantOutcome::status(text, Tone::Success)
        }
    }

    /// The export found its files there: ask before replacing them, on the
    /// Tenant tab with no dialog open; else say it was not written.
    fn on_export_exists(
        &self,
        path: PathBuf,
        format: ExportFormat,
        existing: &[PathBuf],
        ctx: &TenantCtx,
    ) -> TenantOutcome {
        let mut names: Vec<String> = existing
            .iter()
            .map(|p| sanitize(&p.display().to_string()).into_owned())
            .collect();
        let (files, they) = match names.pop() {
            Some(last) if !names.is_empty() => {
                (format!("{} and {last}", names.join(", ")), "They exist")
            }
            Some(one) => (one, "It exists"),
            None => (
                sanitize(&path.display().to_string()).into_owned(),
                "It exists",
            ),
        };
        let here = ctx.screen == Screen::List && ctx.list_tab == ListTab::Tenant;
        if !here || self.modal.is_some() {
            let text = format!("not exported: {files} already there; x exports again");
            return TenantOutcome::status(text, Tone::Warning);
        }
        TenantOutcome {
            confirm: Some(Confirmation {
                title: "Replace".into(),
                question: format!("Replace {files}? {they}."),
                verb: "replace",
                pending: Pending::ReplaceExport { path, format },
            }),
            ..TenantOutcome::default()
        }
    }

    fn on_deleted(
        &mut self,
        results: Vec<(String, Result<(), GraphError>)>,
        received_at: DateTimeOffset,
        ctx: &TenantCtx,
    ) -> TenantOutcome {
        self.learn_now(received_at);
        let done: Vec<String> = results
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(id, _)| id.clone())
            .collect();
        let identifier = |id: &str| {
            self.view
                .rows()
                .find_id(id)
                .and_then(|i| self.view.rows().get(i))
                .map(|r| r.identifier().to_string())
                .or_else(|| {
                    ctx.detail
                        .filter(|d| d.id.as_deref() == Some(id))
                        .map(|d| d.identifier().to_string())
                })
                .unwrap_or_else(|| id.to_string())
        };
        let lines: Vec<ResultLine> = results
            .iter()
            .map(|(id, r)| {
                let name = sanitize(&identifier(id)).into_owned();
                match r {
                    Ok(()) => ResultLine::Succeeded(format!("deleted {name}")),
                    Err(e) => ResultLine::failed(&name, e),
                }
            })
            .collect();
        let rows = self.view.rows();
        let removed_rows: Vec<u32> = done.iter().filter_map(|id| rows.find_id(id)).collect();
        for row in removed_rows {
            self.marked.remove(&row);
        }
        self.view.remove_ids(&done);
        self.clamp();
        let failed = results.len() - done.len();
        let detail_gone = ctx
            .detail
            .and_then(|d| d.id.as_ref())
            .is_some_and(|id| done.contains(id));
        let mut outcome = TenantOutcome::default();
        if detail_gone && ctx.screen == Screen::Detail {
            outcome.detail = Some(DetailChange::Close);
        }
        if results.len() == 1 && failed == 0 {
            self.modal = None;
            outcome.with_status(lines[0].text().to_string(), Tone::Success)
        } else {
            let title = format!("Deleted {} of {}", done.len(), results.len());
            self.modal = Some(TenantModal::Results { title, lines });
            let tone = if failed == 0 {
                Tone::Success
            } else {
                Tone::Error
            };
            outcome.with_status(format!("{} deleted, {failed} failed", done.len()), tone)
        }
    }

    fn on_updated(
        &mut self,
        id: String,
        result: Result<Box<ImportedDeviceIdentity>, GraphError>,
        received_at: DateTimeOffset,
    ) -> TenantOutcome {
        match result {
            Ok(identity) => {
                self.view.replace(&identity);
                if matches!(self.modal, Some(TenantModal::EditDescription { .. })) {
                    self.modal = None;
                }
                TenantOutcome::detail(DetailChange::Edited {
                    id,
                    identity,
                    at: received_at,
                })
                .with_status("description saved", Tone::Success)
            }
            Err(e) => {
                let e = sanitize(&e.user_message()).into_owned();
                if let Some(TenantModal::EditDescription { error, saving, .. }) =
                    self.modal.as_mut()
                {
                    *error = Some(e.clone());
                    *saving = false;
                }
                TenantOutcome::status(format!("description not saved: {e}"), Tone::Error)
            }
        }
    }
}
