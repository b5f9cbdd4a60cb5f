//! Routing to the Tenant feature (`app::tenant`): keys and messages go to
//! [`TenantState`](super::tenant::TenantState) with a [`TenantCtx`]; the
//! [`TenantOutcome`] that comes back is applied here (effects, the status
//! line, opening, leaving or updating Detail, the ledger, a question).

use std::path::{Path, PathBuf};

use crossterm::event::KeyEvent;

use super::keymap::Action;
use super::ledger_detail::Provenance;
use super::tenant::{DetailChange, TenantCtx, TenantMsg, TenantOutcome, TenantState};
use super::{App, DetailView, Effect, ListTab, Screen};
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityResult};
use crate::tenant::ExportFormat;

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
            provenance: Provenance::Tenant { created_here: None },
        }
    }
}

impl App {
    pub fn tenant(&self) -> &TenantState {
        &self.tenant
    }

    /// The Stale view's N (from `stale_days` in config.toml).
    pub fn with_stale_days(mut self, days: u32) -> Self {
        self.tenant.set_stale_days(days);
        self
    }

    /// Whether the identity on Detail can have a description.
    pub fn detail_takes_description(&self) -> bool {
        self.detail
            .as_ref()
            .is_some_and(|view| super::tenant::takes_description(&view.result.identity))
    }

    /// Pasted text for a Tenant field (a dialog's, or the filter prompt's);
    /// whether one took it.
    pub(super) fn on_tenant_paste(&mut self, text: &str) -> bool {
        if !matches!(self.screen, Screen::List | Screen::Detail) {
            return false;
        }
        let ctx = ctx(self.screen, self.list_tab, self.detail.as_ref());
        self.tenant.paste(text, &ctx)
    }

    /// Keys of the List tabs, the Tenant list and the Detail actions, before
    /// the screen's own bindings; `None` lets the key fall through.
    pub(super) fn on_tenant_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        if self.screen == Screen::List
            && !self
                .tenant
                .holds_keys(&ctx(self.screen, self.list_tab, None))
            && let Some(effects) = self.on_list_tab_key(key)
        {
            return Some(effects);
        }
        let ctx = ctx(self.screen, self.list_tab, self.detail.as_ref());
        let outcome = self.tenant.on_key(key, &self.keymap, &ctx)?;
        Some(self.apply_tenant_outcome(outcome))
    }

    pub(super) fn on_tenant_msg(&mut self, msg: TenantMsg) -> Vec<Effect> {
        let ctx = ctx(self.screen, self.list_tab, self.detail.as_ref());
        let outcome = self.tenant.update(msg, &ctx);
        self.apply_tenant_outcome(outcome)
    }

    /// A click on the selected Tenant row: the action Enter is bound to, on
    /// the same path (Detail opens, and the ledger is asked whether this
    /// machine created the identity; the caller runs that question).
    #[must_use]
    pub(super) fn open_tenant_detail(&mut self) -> Vec<Effect> {
        match self.tenant.on_action(Action::OpenSelected) {
            Some(outcome) => self.apply_tenant_outcome(outcome),
            None => Vec::new(),
        }
    }

    /// Yes to replacing an export's files.
    pub(super) fn replace_export(&mut self, path: PathBuf, format: ExportFormat) -> Vec<Effect> {
        let outcome = self.tenant.replace_export(path, format);
        self.apply_tenant_outcome(outcome)
    }

    /// No to replacing them: back to the export prompt.
    pub(super) fn keep_export(&mut self, path: &Path, format: ExportFormat) {
        self.tenant.reopen_export(path, format);
    }

    fn apply_tenant_outcome(&mut self, outcome: TenantOutcome) -> Vec<Effect> {
        let TenantOutcome {
            effects,
            status,
            detail,
            confirm,
        } = outcome;
        if let Some(confirmation) = confirm {
            self.ask(confirmation);
        }
        let mut effects = wrap(effects);
        match detail {
            Some(DetailChange::Open(identity)) => {
                self.detail = Some(DetailView::from_identity(*identity));
                self.detail_back = Screen::List;
                self.screen = Screen::Detail;
                effects.extend(self.ask_ledger_about_detail());
            }
            Some(DetailChange::Close) => {
                self.screen = Screen::List;
                self.detail = None;
            }
            Some(DetailChange::Edited { id, identity, at }) => {
                if let Some(detail) = self.detail.as_mut()
                    && detail.result.identity.id.as_deref() == Some(id.as_str())
                {
                    detail.result.identity = (*identity).clone();
                }
                effects.extend(self.carry_edit_into_ledger(*identity, at));
            }
            None => {}
        }
        if let Some(status) = status {
            self.set_status(status.text, status.tone);
        }
        effects
    }
}

/// What the Tenant feature reads: where the user is, the identity on Detail.
fn ctx(screen: Screen, list_tab: ListTab, detail: Option<&DetailView>) -> TenantCtx<'_> {
    TenantCtx {
        screen,
        list_tab,
        detail: detail.map(|d| &d.result.identity),
    }
}

fn wrap(effects: Vec<super::TenantEffect>) -> Vec<Effect> {
    effects.into_iter().map(Effect::Tenant).collect()
}
