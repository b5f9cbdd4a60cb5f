//! What the Tenant feature reads from the rest of the app (`TenantCtx`) and
//! what it hands back for the router to do (`TenantOutcome`): its effects,
//! a line for the status bar, a change to Detail, and a question to ask.

use super::msg::TenantEffect;
use crate::app::confirm::Confirmation;
use crate::app::tabs::ListTab;
use crate::app::{Screen, StatusMessage};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::widgets::Tone;

/// Where the user is, and the identity Detail shows (if any).
#[derive(Debug, Clone, Copy)]
pub struct TenantCtx<'a> {
    pub screen: Screen,
    pub list_tab: ListTab,
    pub detail: Option<&'a ImportedDeviceIdentity>,
}

/// A change to Detail the Tenant feature asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailChange {
    /// Open Detail on this row of the tenant's list.
    Open(Box<ImportedDeviceIdentity>),
    /// The identity Detail shows was deleted: back to the list.
    Close,
    /// The description of identity `id` was saved: Detail shows `identity`
    /// if it shows `id`, and the ledger keeps the copy (edited `at`).
    Edited {
        id: String,
        identity: Box<ImportedDeviceIdentity>,
        at: DateTimeOffset,
    },
}

/// What the router applies after a Tenant key or message.
#[derive(Debug, Default, PartialEq)]
pub struct TenantOutcome {
    pub effects: Vec<TenantEffect>,
    pub status: Option<StatusMessage>,
    pub detail: Option<DetailChange>,
    /// Ask this first (the router's confirmation, see `app::confirm`).
    pub confirm: Option<Confirmation>,
}

impl TenantOutcome {
    pub fn effect(effect: TenantEffect) -> Self {
        TenantOutcome {
            effects: vec![effect],
            ..TenantOutcome::default()
        }
    }

    pub fn effects(effects: Vec<TenantEffect>) -> Self {
        TenantOutcome {
            effects,
            ..TenantOutcome::default()
        }
    }

    pub fn status(text: impl Into<String>, tone: Tone) -> Self {
        TenantOutcome::default().with_status(text, tone)
    }

    pub fn with_status(mut self, text: impl Into<String>, tone: Tone) -> Self {
        self.status = Some(StatusMessage {
            text: text.into(),
            tone,
        });
        self
    }

    pub fn detail(change: DetailChange) -> Self {
        TenantOutcome {
            detail: Some(change),
            ..TenantOutcome::default()
        }
    }
}
