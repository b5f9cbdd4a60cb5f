//! How the Tenant list and the Detail actions change with messages and
//! actions.

use std::path::PathBuf;

use super::tabs::ListTab;
use super::tenant::{LoadOutcome, TenantEffect, TenantModal, TenantMsg};
use super::{App, DetailView, Effect, Screen};
use crate::domain::validate::validate_description;
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityResult};
use crate::sanitize::sanitize;
use crate::tenant::{ExportFormat, Sort};
use crate::widgets::{TextField, Tone};

/// The file an export proposes, in the current folder.
pub const DEFAULT_EXPORT_NAME: &str = "identities";

fn tenant(effect: TenantEffect) -> Vec<Effect> {
    vec![Effect::Tenant(effect)]
}

fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `12345` → `12,345`.
pub fn thousands(n: usize) -> String {
    count(n)
}

impl DetailView {
    /// An identity from the tenant's list.
    pub fn from_identity(identity: ImportedDeviceIdentity) -> Self {
        DetailView {
            result: ImportedDeviceIdentityResult {
                identity,
                status: None,
            },
            method: None,
            found_existing: false,
            request_id: None,
            recorded_at: None,
            note: None,
            live_fetched_at: None,
            provenance: super::ledger_detail::Provenance::Tenant { created_here: None },
        }
    }
}

impl App {
    pub fn list_tab(&self) -> ListTab {
        self.list_tab
    }

    pub fn tenant(&self) -> &super::tenant::TenantState {
        &self.tenant
    }

    /// The Stale view's N (from `stale_days` in config.toml).
    pub fn with_stale_days(mut self, days: u32) -> Self {
        self.tenant.set_stale_days(days);
        self
    }

    /// Shows a tab; the Tenant tab starts its first load when first shown.
    pub(super) fn show_tab(&mut self, tab: ListTab) -> Vec<Effect> {
        if tab == ListTab::Recent {
            return self.open_recent();
        }
        self.list_tab = tab;
        if tab == ListTab::Tenant && !self.tenant.started {
            return self.reload_tenant();
        }
        if tab == ListTab::Outbox && std::mem::take(&mut self.outbox.stale) {
            return vec![Effect::Outbox(super::OutboxEffect::Load)];
        }
        Vec::new()
    }

    pub(super) fn reload_tenant(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.tenant.loading {
            effects.push(Effect::Tenant(TenantEffect::CancelLoad {
                load: self.tenant.load,
            }));
        }
        let load = self.tenant.start_load();
        effects.push(Effect::Tenant(TenantEffect::Load { load }));
        effects
    }

    pub(super) fn cancel_tenant_load(&mut self) -> Vec<Effect> {
        if !self.tenant.loading {
            return Vec::new();
        }
        self.tenant.loading = false;
        self.tenant.outcome = LoadOutcome::Cancelled;
        self.set_status(
            format!(
                "loading stopped at {} identities; r reloads",
                count(self.tenant.view.total())
            ),
            Tone::Warning,
        );
        tenant(TenantEffect::CancelLoad {
            load: self.tenant.load,
        })
    }

    pub(super) fn cycle_sort(&mut self, reverse: bool) {
        let current = self.tenant.view.sort();
        let next = if reverse {
            current.map(|s| Sort {
                descending: !s.descending,
                ..s
            })
        } else {
            Sort::cycle(current)
        };
        let keep = self.tenant.selected_row();
        self.tenant.view.set_sort(next);
        self.tenant.selected = keep
            .and_then(|row| self.tenant.view.view().iter().position(|&r| r == row))
            .unwrap_or(0);
    }

    pub(super) fn toggle_stale(&mut self) {
        self.tenant.stale_on = !self.tenant.stale_on;
        self.tenant.selected = 0;
        self.tenant.apply_stale();
    }

    pub(super) fn toggle_mark(&mut self) {
        if let Some(row) = self.tenant.selected_row()
            && !self.tenant.marked.remove(&row)
        {
            self.tenant.marked.insert(row);
        }
        self.tenant.move_by(1);
    }

    pub(super) fn open_tenant_detail(&mut self) -> Vec<Effect> {
        if let Some(row) = self.tenant.view.row_at(self.tenant.selected) {
            self.detail = Some(DetailView::from_identity(row.to_identity()));
            self.detail_back = Screen::List;
            self.screen = Screen::Detail;
            self.tenant.raw_json = false;
            return self.ask_ledger_about_detail();
        }
        Vec::new()
    }

    pub(super) fn ask_delete(&mut self, targets: Vec<(String, String)>) {
        if targets.is_empty() {
            self.set_status("nothing to delete: the identity has no id", Tone::Info);
        } else {
            self.tenant.modal = Some(TenantModal::ConfirmDelete { targets });
        }
    }

    /// Delete from Detail: the identity shown.
    pub(super) fn ask_delete_detail(&mut self) {
        let targets = self
            .detail
            .as_ref()
            .map(|d| &d.result.identity)
            .and_then(|i| {
                i.id.as_ref()
                    .map(|id| (id.clone(), i.identifier().to_string()))
            })
            .into_iter()
            .collect();
        self.ask_delete(targets);
    }

    pub(super) fn confirm_delete(&mut self) -> Vec<Effect> {
        let Some(TenantModal::ConfirmDelete { targets }) = self.tenant.modal.take() else {
            return Vec::new();
        };
        self.tenant.modal = Some(TenantModal::Deleting {
            count: targets.len(),
        });
        tenant(TenantEffect::Delete {
            ids: targets.into_iter().map(|(id, _)| id).collect(),
        })
    }

    /// Whether the identity on Detail can have a description (Windows
    /// manufacturer/model/serial tuples take none).
    pub fn detail_takes_description(&self) -> bool {
        self.detail.as_ref().is_some_and(|view| {
            view.result.identity.imported_device_identity_type
                != Some(crate::domain::ImportedDeviceIdentityType::ManufacturerModelSerial)
        })
    }

    pub(super) fn start_edit_description(&mut self) {
        let Some(view) = &self.detail else {
            return;
        };
        let identity = view.result.identity.clone();
        if identity.id.is_none() {
            self.set_status("this identity has no id to edit", Tone::Info);
            return;
        }
        if !self.detail_takes_description() {
            self.set_status("Windows identities take no description", Tone::Info);
            return;
        }
        let field = TextField::with_value(identity.description.as_deref().unwrap_or(""));
        self.tenant.modal = Some(TenantModal::EditDescription {
            identity: Box::new(identity),
            field,
            error: None,
            saving: false,
        });
    }

    pub(super) fn save_description(&mut self) -> Vec<Effect> {
        let Some(TenantModal::EditDescription {
            identity,
            field,
            error,
            saving,
        }) = self.tenant.modal.as_mut()
        else {
            return Vec::new();
        };
        let text = field.value().trim().to_string();
        let ty = identity
            .imported_device_identity_type
            .clone()
            .unwrap_or_default();
        if let Some(finding) = validate_description(&text, &ty)
            .into_iter()
            .find(|f| f.is_error())
        {
            *error = Some(finding.message);
            return Vec::new();
        }
        let Some(id) = identity.id.clone() else {
            return Vec::new();
        };
        *error = None;
        *saving = true;
        let mut updated = (**identity).clone();
        updated.description = (!text.is_empty()).then(|| text.clone());
        tenant(TenantEffect::UpdateDescription {
            id,
            description: text,
            identity: Box::new(updated),
        })
    }

    pub(super) fn copy_detail_id(&mut self) -> Vec<Effect> {
        match self
            .detail
            .as_ref()
            .and_then(|d| d.result.identity.id.clone())
        {
            Some(text) => tenant(TenantEffect::Copy { text }),
            None => {
                self.set_status("this identity has no id to copy", Tone::Info);
                Vec::new()
            }
        }
    }

    pub(super) fn start_export(&mut self) {
        let format = ExportFormat::Csv;
        let name = format!("{DEFAULT_EXPORT_NAME}.{}", format.extension());
        self.tenant.modal = Some(TenantModal::Export {
            field: TextField::with_value(&name),
            format,
        });
    }

    /// Tab in the export prompt: the next format; a default name follows it.
    pub(super) fn cycle_export_format(&mut self) {
        if let Some(TenantModal::Export { field, format }) = self.tenant.modal.as_mut() {
            let next = match format {
                ExportFormat::Csv => ExportFormat::CsvAdmin,
                ExportFormat::CsvAdmin => ExportFormat::Json,
                ExportFormat::Json => ExportFormat::Csv,
            };
            let old = format!(".{}", format.extension());
            if let Some(stem) = field.value().strip_suffix(&old) {
                *field = TextField::with_value(&format!("{stem}.{}", next.extension()));
            }
            *format = next;
        }
    }

    pub(super) fn run_export(&mut self) -> Vec<Effect> {
        let Some(TenantModal::Export { field, format }) = self.tenant.modal.take() else {
            return Vec::new();
        };
        let path = field.value().trim().to_string();
        if path.is_empty() {
            self.tenant.modal = Some(TenantModal::Export { field, format });
            return Vec::new();
        }
        self.set_status("exporting…", Tone::Info);
        self.tenant.export_incomplete =
            self.tenant.loading || self.tenant.outcome != LoadOutcome::Complete;
        tenant(TenantEffect::Export {
            path: PathBuf::from(path),
            format,
            rows: self.tenant.view.snapshot(),
        })
    }

    pub(super) fn on_tenant_msg(&mut self, msg: TenantMsg) -> Vec<Effect> {
        match msg {
            TenantMsg::Page {
                load,
                received_at,
                identities,
                last,
            } => {
                if load != self.tenant.load || !self.tenant.loading {
                    return Vec::new();
                }
                self.tenant.learn_now(received_at);
                self.tenant.view.append(&identities);
                self.tenant.pages += 1;
                if last {
                    self.tenant.loading = false;
                    self.tenant.outcome = LoadOutcome::Complete;
                }
            }
            TenantMsg::LoadFailed { load, error } => {
                if load == self.tenant.load && self.tenant.loading {
                    self.tenant.loading = false;
                    let text = sanitize(&error.user_message()).into_owned();
                    self.set_status(format!("tenant list: {text}"), Tone::Error);
                    self.tenant.outcome = LoadOutcome::Failed(error);
                }
            }
            TenantMsg::LoadCancelled { .. } => {}
            TenantMsg::Deleted {
                received_at,
                results,
            } => self.on_deleted(results, received_at),
            TenantMsg::Updated {
                received_at,
                id,
                result,
            } => {
                self.tenant.learn_now(received_at);
                return self.on_updated(id, result, received_at);
            }
            TenantMsg::Exported(result) => match result {
                Ok(files) => {
                    let shown: Vec<String> = files
                        .iter()
                        .map(|(path, rows)| {
                            let path = sanitize(&path.display().to_string()).into_owned();
                            if files.len() > 1 {
                                format!("{} to {path}", count(*rows))
                            } else {
                                path
                            }
                        })
                        .collect();
                    let total: usize = files.iter().map(|(_, rows)| rows).sum();
                    let text = if files.len() > 1 {
                        format!(
                            "exported {} identities, one file per admin-center dialect: {}",
                            count(total),
                            shown.join(", ")
                        )
                    } else {
                        format!("exported {} identities to {}", count(total), shown.join(""))
                    };
                    if self.tenant.export_incomplete {
                        // What was loaded, not the tenant: say so.
                        let text = format!(
                            "{text} — only what was loaded: the list did not load to its end"
                        );
                        self.set_status(text, Tone::Warning);
                    } else {
                        self.set_status(text, Tone::Success);
                    }
                }
                Err(e) => self.set_status(sanitize(&e).into_owned(), Tone::Error),
            },
            TenantMsg::Copied(result) => match result {
                Ok(()) => self.set_status("id copied to the clipboard (OSC 52)", Tone::Success),
                Err(e) => self.set_status(format!("could not copy: {}", sanitize(&e)), Tone::Error),
            },
        }
        Vec::new()
    }

    fn on_deleted(
        &mut self,
        results: Vec<(String, Result<(), String>)>,
        received_at: crate::domain::DateTimeOffset,
    ) {
        self.tenant.learn_now(received_at);
        let done: Vec<String> = results
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(id, _)| id.clone())
            .collect();
        let identifier = |id: &str| {
            self.tenant
                .view
                .rows()
                .find_id(id)
                .and_then(|i| self.tenant.view.rows().get(i))
                .map(|r| r.identifier().to_string())
                .or_else(|| {
                    self.detail
                        .as_ref()
                        .filter(|d| d.result.identity.id.as_deref() == Some(id))
                        .map(|d| d.result.identity.identifier().to_string())
                })
                .unwrap_or_else(|| id.to_string())
        };
        let lines: Vec<(bool, String)> = results
            .iter()
            .map(|(id, r)| {
                let name = sanitize(&identifier(id)).into_owned();
                match r {
                    Ok(()) => (true, format!("deleted {name}")),
                    Err(e) => (false, format!("{name}: {}", sanitize(e))),
                }
            })
            .collect();
        let rows = self.tenant.view.rows();
        let removed_rows: Vec<u32> = done.iter().filter_map(|id| rows.find_id(id)).collect();
        for row in removed_rows {
            self.tenant.marked.remove(&row);
        }
        self.tenant.view.remove_ids(&done);
        self.tenant.clamp();
        let failed = results.len() - done.len();
        let detail_gone = self
            .detail
            .as_ref()
            .and_then(|d| d.result.identity.id.as_ref())
            .is_some_and(|id| done.contains(id));
        if detail_gone && self.screen == Screen::Detail {
            self.screen = Screen::List;
            self.detail = None;
        }
        if results.len() == 1 && failed == 0 {
            self.tenant.modal = None;
            self.set_status(lines[0].1.clone(), Tone::Success);
        } else {
            let title = format!("Deleted {} of {}", done.len(), results.len());
            self.tenant.modal = Some(TenantModal::Results { title, lines });
            let tone = if failed == 0 {
                Tone::Success
            } else {
                Tone::Error
            };
            self.set_status(format!("{} deleted, {failed} failed", done.len()), tone);
        }
    }

    fn on_updated(
        &mut self,
        id: String,
        result: Result<Box<ImportedDeviceIdentity>, String>,
        received_at: crate::domain::DateTimeOffset,
    ) -> Vec<Effect> {
        match result {
            Ok(identity) => {
                let identity = *identity;
                let identity_copy = identity.clone();
                self.tenant.view.replace(&identity);
                if let Some(detail) = self.detail.as_mut()
                    && detail.result.identity.id.as_deref() == Some(id.as_str())
                {
                    detail.result.identity = identity;
                }
                if matches!(self.tenant.modal, Some(TenantModal::EditDescription { .. })) {
                    self.tenant.modal = None;
                }
                self.set_status("description saved", Tone::Success);
                self.carry_edit_into_ledger(identity_copy, received_at)
            }
            Err(e) => {
                let e = sanitize(&e).into_owned();
                if let Some(TenantModal::EditDescription { error, saving, .. }) =
                    self.tenant.modal.as_mut()
                {
                    *error = Some(e.clone());
                    *saving = false;
                }
                self.set_status(format!("description not saved: {e}"), Tone::Error);
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(100000), "100,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
