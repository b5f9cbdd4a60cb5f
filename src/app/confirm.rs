//! One confirmation for every step that deletes, discards or overwrites
//! something: a modal question answered with the keys of the `confirm`
//! scope (y/Enter go ahead, n/Esc keep; both changeable in `config.toml`).
//! Other keys do nothing while it is open. The Tenant delete dialog answers
//! with the same keys (see `tenant::keys`).

use std::path::PathBuf;

use crossterm::event::KeyEvent;

use super::keymap::{Action, Scope};
use super::msg::Effect;
use super::{App, ListTab, Screen};
use crate::tenant::ExportFormat;
use crate::widgets::Tone;

/// What a yes does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// Drafts/Outbox: drop this item.
    DiscardOutboxItem(i64),
    /// Drafts/Outbox: queue this item again, overwriting the tenant's copy.
    OverwriteTenantCopy(i64),
    /// Tenant: export to `path` over the files there (a no reopens the
    /// export prompt with the path).
    ReplaceExport { path: PathBuf, format: ExportFormat },
    /// Import: write the report over the file at this path.
    OverwriteImportReport(String),
}

/// An open question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub title: String,
    /// What happens on yes, in a sentence.
    pub question: String,
    /// The verb of the yes key in the dialog's footer ("discard").
    pub verb: &'static str,
    pub pending: Pending,
}

impl App {
    /// The open confirmation, if any.
    pub fn confirmation(&self) -> Option<&Confirmation> {
        self.confirm.as_ref()
    }

    pub(super) fn ask(&mut self, confirmation: Confirmation) {
        self.confirm = Some(confirmation);
    }

    /// Whether the key answers `action` in the confirm scope.
    pub(super) fn confirm_key_is(&self, key: &KeyEvent, action: Action) -> bool {
        self.keymap
            .actions(Scope::Confirm, key, false)
            .contains(&action)
    }

    /// A key while the question is open.
    pub(super) fn on_confirm_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        if self.confirm_key_is(key, Action::Keep) {
            let kept = self.confirm.take().map(|c| c.pending);
            self.set_status("Kept", Tone::Info);
            if let Some(Pending::ReplaceExport { path, format }) = kept {
                self.keep_export(&path, format);
            }
            return Vec::new();
        }
        if !self.confirm_key_is(key, Action::Confirm) {
            return Vec::new();
        }
        let Some(confirmation) = self.confirm.take() else {
            return Vec::new();
        };
        let on_outbox = self.screen == Screen::List && self.list_tab == ListTab::Outbox;
        match confirmation.pending {
            // The Tenant tab's export (see `route_tenant`).
            Pending::ReplaceExport { path, format } => self.replace_export(path, format),
            // The Import screen's report: only on that screen.
            Pending::OverwriteImportReport(path) if self.screen == Screen::Import => {
                self.overwrite_import_report(path)
            }
            Pending::OverwriteImportReport(_) => Vec::new(),
            // The Drafts/Outbox tab's questions only act there.
            _ if !on_outbox => Vec::new(),
            Pending::DiscardOutboxItem(id) => self.discard_item(id),
            Pending::OverwriteTenantCopy(id) => self.resend_item(id, true),
        }
    }
}
