//! The Import screen's messages: the file read, the tenant checked, the
//! progress and the final report, the report saved (or its file found
//! there already), Tab's file names.

use std::collections::HashMap;

use super::{ImportEffect, ImportMsg, ImportOutcome, ImportPhase, ImportState, PreviewRow};
use crate::domain::ImportedDeviceIdentity;
use crate::domain::validate::identity_key;
use crate::model::{Report, RowResult, RowStatus};
use crate::widgets::TextField;

impl ImportState {
    /// Rows that were not sent, as results (for the final report).
    fn unsent_results(&self) -> Vec<RowResult> {
        self.rows
            .iter()
            .filter(|r| !r.sendable())
            .map(|r| {
                let (status, id, message) = if let Some(e) = &r.error {
                    (RowStatus::Invalid, None, e.clone())
                } else if let Some(first) = r.duplicate_of {
                    (
                        RowStatus::Invalid,
                        None,
                        format!("same identifier as line {first}"),
                    )
                } else {
                    (
                        RowStatus::AlreadyPresent,
                        r.in_tenant.clone(),
                        "already in the tenant; not overwritten".to_string(),
                    )
                };
                RowResult::new(r.line, &r.identity, status, id, Some(message))
            })
            .collect()
    }

    pub fn on_msg(&mut self, msg: ImportMsg) -> ImportOutcome {
        match msg {
            ImportMsg::Loaded(Err(e)) => {
                self.phase = ImportPhase::Prompt;
                self.notice = Some(format!(
                    "{e} (typing replaces the path; ← or Home edits it)"
                ));
                self.replace_on_type = true;
            }
            ImportMsg::Completions { typed, names } => {
                // Only if the field is still what was completed.
                if self.phase == ImportPhase::Prompt && self.path.value() == typed {
                    let (text, shown) = super::path::complete(&typed, &names);
                    self.path = TextField::with_value(&text);
                    self.notice = names
                        .is_empty()
                        .then(|| "no file name starts so".to_string());
                    self.completions = shown;
                }
            }
            ImportMsg::Loaded(Ok(parsed)) => {
                let mut first: HashMap<String, usize> = HashMap::new();
                self.dialect = Some(parsed.dialect.name());
                self.file_notes = parsed.warnings.clone();
                self.rows = parsed
                    .rows
                    .iter()
                    .map(|row| {
                        let identity = row.identity.to_request();
                        let error = row.error().map(str::to_string);
                        let duplicate_of = match error {
                            Some(_) => None,
                            None => {
                                let key = identity_key(&identity);
                                let earlier = first.get(&key).copied();
                                first.entry(key).or_insert(row.line);
                                earlier
                            }
                        };
                        PreviewRow {
                            line: row.line,
                            warning: row
                                .findings
                                .iter()
                                .find(|f| !f.is_error())
                                .map(|f| f.message.clone()),
                            identity,
                            error,
                            duplicate_of,
                            in_tenant: None,
                            overwrite: false,
                        }
                    })
                    .collect();
                self.cursor = 0;
                self.phase = ImportPhase::Preview;
                let identities: Vec<ImportedDeviceIdentity> = self
                    .rows
                    .iter()
                    .filter(|r| r.error.is_none() && r.duplicate_of.is_none())
                    .map(|r| r.identity.clone())
                    .collect();
                if !identities.is_empty() {
                    self.tenant_check = None;
                    return ImportOutcome::Effects(vec![ImportEffect::CheckTenant { identities }]);
                }
                self.tenant_check = Some(Ok(()));
            }
            ImportMsg::TenantChecked(result) => match result {
                Ok(found) => {
                    for r in &mut self.rows {
                        r.in_tenant = found.get(&identity_key(&r.identity)).cloned();
                    }
                    self.tenant_check = Some(Ok(()));
                }
                Err(e) => self.tenant_check = Some(Err(e)),
            },
            ImportMsg::Progress { done, of } => {
                if let ImportPhase::Sending { .. } = self.phase {
                    self.phase = ImportPhase::Sending { done, of };
                }
            }
            ImportMsg::Finished(report) => {
                let mut rows = report.rows;
                rows.extend(self.unsent_results());
                let mut merged = Report::new(rows);
                merged.stopped = report.stopped;
                merged.import_calls = report.import_calls;
                merged.search_calls = report.search_calls;
                self.phase = ImportPhase::Done(merged);
            }
            ImportMsg::Saved(result) => {
                self.notice = Some(match result {
                    Ok(path) => format!("report saved to {path}"),
                    Err(e) => format!("report not saved: {e}"),
                });
            }
            ImportMsg::ReportExists { path } => {
                if matches!(self.phase, ImportPhase::Done(_)) {
                    return ImportOutcome::ConfirmOverwrite { path };
                }
            }
        }
        ImportOutcome::Effects(Vec::new())
    }

    /// The user agreed to write the report over the file at `path`.
    pub fn overwrite_report(&self, path: String) -> Vec<ImportEffect> {
        match &self.phase {
            ImportPhase::Done(report) => vec![ImportEffect::Save {
                path,
                report: report.clone(),
                overwrite: true,
            }],
            _ => Vec::new(),
        }
    }
}
