//! The Import screen (PRODUCT §8): a file path, a preview of every row with
//! its line and validation, duplicates in the file and in the tenant with a
//! per-row overwrite choice, counts, then the commit with a progress bar and
//! a per-row result report that can be saved. Pure: reading the file,
//! searching the tenant, sending and saving are effects.
//!
//! This file holds the messages, effects and state, and the keys and
//! actions; `update` the messages, `path` the path field's completion. The
//! app's side is `app::route_import`.

pub mod path;
mod update;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{Action, Keymap, Scope};
use crate::csvfile::Parsed;
use crate::domain::ImportedDeviceIdentity;
use crate::model::{ImportPlan, Report};
use crate::widgets::TextField;

/// Import-screen messages, wrapped by `Msg::Import`.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportMsg {
    /// The file, read and validated (the error is user-facing text).
    Loaded(Result<Parsed, String>),
    /// The tenant's ids of the identifiers already there, by dedupe key.
    TenantChecked(Result<HashMap<String, String>, String>),
    Progress {
        done: usize,
        of: usize,
    },
    Finished(Report),
    Saved(Result<String, String>),
    /// The report file is there already and was not written (a save
    /// without `overwrite`): the user is asked first.
    ReportExists {
        path: String,
    },
    /// The names in the directory of `typed` starting with its last part
    /// (directories with a trailing `/`), for Tab completion.
    Completions {
        typed: String,
        names: Vec<String>,
    },
}

/// Import-screen work, wrapped by `Effect::Import`.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportEffect {
    Load {
        path: String,
    },
    CheckTenant {
        identities: Vec<ImportedDeviceIdentity>,
    },
    /// Rows to create, and rows to overwrite (the user's per-row choice).
    Commit {
        create: ImportPlan,
        overwrite: ImportPlan,
    },
    /// Writes the report as CSV. Without `overwrite`, an existing file is
    /// kept and answered with [`ImportMsg::ReportExists`].
    Save {
        path: String,
        report: Report,
        overwrite: bool,
    },
    /// Lists the names Tab may complete `typed` to.
    Complete {
        typed: String,
    },
}

/// What a key on the Import screen asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportOutcome {
    /// The screen's own work (possibly none).
    Effects(Vec<ImportEffect>),
    /// Back from the path prompt: leave for the Form.
    Leave,
    /// The report file exists: ask before writing over it.
    ConfirmOverwrite { path: String },
}

/// One previewed row.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewRow {
    pub line: usize,
    pub identity: ImportedDeviceIdentity,
    /// The first error: the row is never sent.
    pub error: Option<String>,
    pub warning: Option<String>,
    /// An earlier line with the same identifier.
    pub duplicate_of: Option<usize>,
    /// The tenant's id when the identifier is already there.
    pub in_tenant: Option<String>,
    /// Overwrite the tenant's identity (only for rows in the tenant).
    pub overwrite: bool,
}

impl PreviewRow {
    pub fn sendable(&self) -> bool {
        self.error.is_none()
            && self.duplicate_of.is_none()
            && (self.in_tenant.is_none() || self.overwrite)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PreviewCounts {
    pub rows: usize,
    pub invalid: usize,
    pub file_duplicates: usize,
    pub in_tenant: usize,
    pub overwrite: usize,
    pub to_send: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportPhase {
    /// Asking for the file.
    Prompt,
    Loading,
    Preview,
    Sending {
        done: usize,
        of: usize,
    },
    Done(Report),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportState {
    pub path: TextField,
    /// After a failed load, the next typed character replaces the path
    /// (an editing key keeps it for editing instead).
    pub replace_on_type: bool,
    /// The names Tab found when more than one matched.
    pub completions: Vec<String>,
    pub phase: ImportPhase,
    pub dialect: Option<&'static str>,
    pub file_notes: Vec<String>,
    pub rows: Vec<PreviewRow>,
    pub cursor: usize,
    /// Whether the tenant check is still running (or failed: the text).
    pub tenant_check: Option<Result<(), String>>,
    pub notice: Option<String>,
}

impl Default for ImportState {
    fn default() -> Self {
        ImportState {
            path: TextField::new(),
            replace_on_type: false,
            completions: Vec::new(),
            phase: ImportPhase::Prompt,
            dialect: None,
            file_notes: Vec::new(),
            rows: Vec::new(),
            cursor: 0,
            tenant_check: None,
            notice: None,
        }
    }
}

impl ImportState {
    /// The path prompt has focus (letters are text).
    pub fn text_focused(&self) -> bool {
        self.phase == ImportPhase::Prompt
    }

    pub fn counts(&self) -> PreviewCounts {
        let mut c = PreviewCounts {
            rows: self.rows.len(),
            ..PreviewCounts::default()
        };
        for r in &self.rows {
            if r.error.is_some() {
                c.invalid += 1;
            } else if r.duplicate_of.is_some() {
                c.file_duplicates += 1;
            } else if r.in_tenant.is_some() {
                c.in_tenant += 1;
                c.overwrite += usize::from(r.overwrite);
            }
            c.to_send += usize::from(r.sendable());
        }
        c
    }

    /// A key while the Import screen is shown: the screen's bindings first
    /// (Back at the prompt leaves), then the path field; `None` leaves it to
    /// the global bindings.
    pub fn on_screen_key(&mut self, key: &KeyEvent, keymap: &Keymap) -> Option<ImportOutcome> {
        for action in keymap.actions(Scope::Import, key, self.text_focused()) {
            if action == Action::Back && self.phase == ImportPhase::Prompt {
                return Some(ImportOutcome::Leave);
            }
            if let Some(effects) = self.on_action(action) {
                return Some(ImportOutcome::Effects(effects));
            }
        }
        self.on_key(key).map(ImportOutcome::Effects)
    }

    /// A key the screen's bindings did not take (the path field); `None`
    /// leaves it to the global bindings.
    pub fn on_key(&mut self, key: &KeyEvent) -> Option<Vec<ImportEffect>> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (&self.phase, key.code) {
            (ImportPhase::Prompt, KeyCode::Tab) => {
                self.replace_on_type = false;
                Some(vec![ImportEffect::Complete {
                    typed: self.path.value().to_string(),
                }])
            }
            (ImportPhase::Prompt, KeyCode::Char(_)) if !ctrl && self.replace_on_type => {
                self.replace_on_type = false;
                self.path = TextField::new();
                self.path.handle_key(key);
                Some(Vec::new())
            }
            (ImportPhase::Prompt, _) if self.path.handle_key(key) => {
                self.replace_on_type = false;
                self.completions.clear();
                Some(Vec::new())
            }
            _ => None,
        }
    }

    /// An action from the keymap (overwrite, commit, save the report, back
    /// to the prompt); `None` when it does not apply in this phase.
    pub fn on_action(&mut self, action: Action) -> Option<Vec<ImportEffect>> {
        match (&self.phase, action) {
            (ImportPhase::Prompt, Action::ImportLoad) => {
                let path = self.path.value().trim().to_string();
                if path.is_empty() {
                    self.notice = Some("type the path of a CSV file".into());
                    return Some(Vec::new());
                }
                self.phase = ImportPhase::Loading;
                self.notice = None;
                self.completions.clear();
                Some(vec![ImportEffect::Load { path }])
            }
            (ImportPhase::Preview, Action::MoveUp) => {
                self.cursor = self.cursor.saturating_sub(1);
                Some(Vec::new())
            }
            (ImportPhase::Preview, Action::MoveDown) => {
                self.cursor = (self.cursor + 1).min(self.rows.len().saturating_sub(1));
                Some(Vec::new())
            }
            (ImportPhase::Preview, Action::ImportToggleOverwrite) => {
                if let Some(r) = self.rows.get_mut(self.cursor)
                    && r.in_tenant.is_some()
                    && r.error.is_none()
                    && r.duplicate_of.is_none()
                {
                    r.overwrite = !r.overwrite;
                }
                Some(Vec::new())
            }
            (ImportPhase::Preview, Action::ImportCommit) => Some(self.commit()),
            (ImportPhase::Preview | ImportPhase::Done(_), Action::Back) => {
                *self = ImportState {
                    path: std::mem::take(&mut self.path),
                    ..ImportState::default()
                };
                Some(Vec::new())
            }
            (ImportPhase::Done(report), Action::ImportSaveReport) => {
                Some(vec![ImportEffect::Save {
                    path: format!("{}.report.csv", self.path.value().trim()),
                    report: report.clone(),
                    overwrite: false,
                }])
            }
            _ => None,
        }
    }

    pub fn paste(&mut self, text: &str) {
        if self.phase == ImportPhase::Prompt {
            let text: String = text
                .chars()
                .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
                .collect();
            if self.replace_on_type {
                self.replace_on_type = false;
                self.path = TextField::new();
            }
            self.path.insert_str(text.trim());
        }
    }

    fn commit(&mut self) -> Vec<ImportEffect> {
        let pick = |overwrite: bool| {
            ImportPlan::from_rows(
                self.rows
                    .iter()
                    .filter(|r| r.sendable() && (r.in_tenant.is_some() && r.overwrite) == overwrite)
                    .map(|r| (r.line, r.identity.clone(), None)),
                crate::model::DEFAULT_CHUNK,
            )
        };
        let (create, overwrite) = (pick(false), pick(true));
        let of = create.valid_rows() + overwrite.valid_rows();
        self.phase = ImportPhase::Sending { done: 0, of };
        vec![ImportEffect::Commit { create, overwrite }]
    }
}

#[cfg(test)]
mod tests;
