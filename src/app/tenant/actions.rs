//! What the Tenant list's and Detail's actions do to the Tenant state:
//! loading, sorting, the Stale view, marks, opening a row, deleting,
//! editing a description and exporting (asking before replacing a file).

use std::path::{Path, PathBuf};

use super::outcome::{DetailChange, TenantOutcome};
use super::{LoadOutcome, TenantEffect, TenantModal, TenantState};
use crate::domain::validate::validate_description;
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType};
use crate::tenant::{ExportFormat, Sort};
use crate::widgets::{TextField, Tone};

/// The file an export proposes, in the current folder.
pub const DEFAULT_EXPORT_NAME: &str = "identities";

/// `12345` → `12,345`.
pub fn thousands(n: usize) -> String {
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

/// Whether an identity can have a description (Windows
/// manufacturer/model/serial tuples take none).
pub fn takes_description(identity: &ImportedDeviceIdentity) -> bool {
    identity.imported_device_identity_type
        != Some(ImportedDeviceIdentityType::ManufacturerModelSerial)
}

impl TenantState {
    /// Starts a (re)load, stopping the one running.
    pub fn reload(&mut self) -> Vec<TenantEffect> {
        let mut effects = Vec::new();
        if self.loading {
            effects.push(TenantEffect::CancelLoad { load: self.load });
        }
        let load = self.start_load();
        effects.push(TenantEffect::Load { load });
        effects
    }

    /// The first visit of the tab loads; later ones show what was loaded.
    pub fn on_shown(&mut self) -> Vec<TenantEffect> {
        if self.started {
            Vec::new()
        } else {
            self.reload()
        }
    }

    pub(super) fn cancel_load(&mut self) -> TenantOutcome {
        if !self.loading {
            return TenantOutcome::default();
        }
        self.loading = false;
        self.outcome = LoadOutcome::Cancelled;
        TenantOutcome::effect(TenantEffect::CancelLoad { load: self.load }).with_status(
            format!(
                "loading stopped at {} identities; r reloads",
                thousands(self.view.total())
            ),
            Tone::Warning,
        )
    }

    pub(super) fn cycle_sort(&mut self, reverse: bool) {
        let current = self.view.sort();
        let next = if reverse {
            current.map(|s| Sort {
                descending: !s.descending,
                ..s
            })
        } else {
            Sort::cycle(current)
        };
        let keep = self.selected_row();
        self.view.set_sort(next);
        self.selected = keep
            .and_then(|row| self.view.view().iter().position(|&r| r == row))
            .unwrap_or(0);
    }

    pub(super) fn toggle_stale(&mut self) {
        self.stale_on = !self.stale_on;
        self.selected = 0;
        self.apply_stale();
    }

    pub(super) fn toggle_mark(&mut self) {
        if let Some(row) = self.selected_row()
            && !self.marked.remove(&row)
        {
            self.marked.insert(row);
        }
        self.move_by(1);
    }

    /// Enter (or a click) on a row: Detail opens on it.
    pub fn open_selected(&mut self) -> TenantOutcome {
        match self.view.row_at(self.selected) {
            Some(row) => {
                let identity = Box::new(row.to_identity());
                self.raw_json = false;
                TenantOutcome::detail(DetailChange::Open(identity))
            }
            None => TenantOutcome::default(),
        }
    }

    pub(super) fn ask_delete(&mut self, targets: Vec<(String, String)>) -> TenantOutcome {
        if targets.is_empty() {
            return TenantOutcome::status("nothing to delete: the identity has no id", Tone::Info);
        }
        self.modal = Some(TenantModal::ConfirmDelete { targets });
        TenantOutcome::default()
    }

    /// Delete from Detail: the identity shown.
    pub(super) fn ask_delete_detail(
        &mut self,
        detail: Option<&ImportedDeviceIdentity>,
    ) -> TenantOutcome {
        let targets = detail
            .and_then(|i| {
                i.id.as_ref()
                    .map(|id| (id.clone(), i.identifier().to_string()))
            })
            .into_iter()
            .collect();
        self.ask_delete(targets)
    }

    pub(super) fn confirm_delete(&mut self) -> TenantOutcome {
        let Some(TenantModal::ConfirmDelete { targets }) = self.modal.take() else {
            return TenantOutcome::default();
        };
        self.modal = Some(TenantModal::Deleting {
            count: targets.len(),
        });
        TenantOutcome::effect(TenantEffect::Delete {
            ids: targets.into_iter().map(|(id, _)| id).collect(),
        })
    }

    pub(super) fn start_edit_description(
        &mut self,
        detail: Option<&ImportedDeviceIdentity>,
    ) -> TenantOutcome {
        let Some(identity) = detail else {
            return TenantOutcome::default();
        };
        if identity.id.is_none() {
            return TenantOutcome::status("this identity has no id to edit", Tone::Info);
        }
        if !takes_description(identity) {
            return TenantOutcome::status("Windows identities take no description", Tone::Info);
        }
        let field = TextField::with_value(identity.description.as_deref().unwrap_or(""));
        self.modal = Some(TenantModal::EditDescription {
            identity: Box::new(identity.clone()),
            field,
            error: None,
            saving: false,
        });
        TenantOutcome::default()
    }

    pub(super) fn save_description(&mut self) -> TenantOutcome {
        let Some(TenantModal::EditDescription {
            identity,
            field,
            error,
            saving,
        }) = self.modal.as_mut()
        else {
            return TenantOutcome::default();
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
            return TenantOutcome::default();
        }
        let Some(id) = identity.id.clone() else {
            return TenantOutcome::default();
        };
        *error = None;
        *saving = true;
        let mut updated = (**identity).clone();
        updated.description = (!text.is_empty()).then(|| text.clone());
        TenantOutcome::effect(TenantEffect::UpdateDescription {
            id,
            description: text,
            identity: Box::new(updated),
        })
    }

    pub(super) fn start_export(&mut self) {
        let format = ExportFormat::Csv;
        let name = format!("{DEFAULT_EXPORT_NAME}.{}", format.extension());
        self.modal = Some(TenantModal::Export {
            field: TextField::with_value(&name),
            format,
        });
    }

    /// Tab in the export prompt: the next format; a default name follows it.
    pub(super) fn cycle_export_format(&mut self) {
        if let Some(TenantModal::Export { field, format }) = self.modal.as_mut() {
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

    pub(super) fn run_export(&mut self) -> TenantOutcome {
        let Some(TenantModal::Export { field, format }) = self.modal.take() else {
            return TenantOutcome::default();
        };
        let path = field.value().trim().to_string();
        if path.is_empty() {
            self.modal = Some(TenantModal::Export { field, format });
            return TenantOutcome::default();
        }
        self.export_to(PathBuf::from(path), format, false)
    }

    /// Yes to replacing the files an export found there: the rows shown
    /// now are written over them.
    pub fn replace_export(&mut self, path: PathBuf, format: ExportFormat) -> TenantOutcome {
        self.export_to(path, format, true)
    }

    /// No to replacing them: the export prompt again, with its path.
    pub fn reopen_export(&mut self, path: &Path, format: ExportFormat) {
        self.modal = Some(TenantModal::Export {
            field: TextField::with_value(&path.display().to_string()),
            format,
        });
    }

    fn export_to(&mut self, path: PathBuf, format: ExportFormat, overwrite: bool) -> TenantOutcome {
        self.export_incomplete = self.loading || self.outcome != LoadOutcome::Complete;
        TenantOutcome::effect(TenantEffect::Export {
            path,
            format,
            rows: self.view.snapshot(),
            overwrite,
        })
        .with_status("exporting…", Tone::Info)
    }
}
