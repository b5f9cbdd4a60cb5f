//! The ledger's items as the console holds them: a draft or outbox item,
//! where it is in its life (draft → queued → sending → created | rejected |
//! duplicate, or discarded), the form it came from, and the counts per
//! state. Plain records; the store reads and writes them.

use serde::{Deserialize, Serialize};

use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};

/// Where an item is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    /// A form saved while typing; not ready to send.
    Draft,
    /// Waiting to be sent.
    Queued,
    /// An attempt was started and has not been settled (a crash leaves it
    /// here: its outcome is unknown and is checked before sending again).
    Sending,
    /// The service holds it; `service_id` is its id.
    Created,
    /// The service refused it; `reason` says why. Editable and resendable.
    Rejected,
    /// The identifier was already in the tenant; not overwritten.
    Duplicate,
    /// Thrown away by the user.
    Discarded,
}

impl ItemState {
    pub const ALL: [ItemState; 7] = [
        ItemState::Draft,
        ItemState::Queued,
        ItemState::Sending,
        ItemState::Created,
        ItemState::Rejected,
        ItemState::Duplicate,
        ItemState::Discarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Draft => "draft",
            ItemState::Queued => "queued",
            ItemState::Sending => "sending",
            ItemState::Created => "created",
            ItemState::Rejected => "rejected",
            ItemState::Duplicate => "duplicate",
            ItemState::Discarded => "discarded",
        }
    }

    pub fn parse(s: &str) -> Option<ItemState> {
        ItemState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Still to be sent (queued, or interrupted while sending).
    pub fn is_pending(self) -> bool {
        matches!(self, ItemState::Queued | ItemState::Sending)
    }
}

impl std::fmt::Display for ItemState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The form as typed, enough to restore every field and the focus.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DraftFields {
    pub identifier: String,
    /// The picked type; `None` while on Auto.
    pub type_choice: Option<String>,
    pub platform: String,
    pub enrollment_state: String,
    pub description: String,
    pub last_contacted: String,
    /// The focused field's label.
    pub focus: String,
}

/// One draft or outbox item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxItem {
    pub id: i64,
    pub profile: String,
    pub state: ItemState,
    pub identifier: String,
    /// The form it came from (drafts, and items queued from the form).
    pub form: Option<DraftFields>,
    /// What is sent (every state but draft).
    pub identity: Option<ImportedDeviceIdentity>,
    /// An earlier attempt may have been applied: check before sending again.
    pub unknown_outcome: bool,
    /// Overwrite an existing identity with the same identifier (an explicit choice).
    pub overwrite: bool,
    /// Why it is queued, rejected or a duplicate.
    pub reason: Option<String>,
    pub service_id: Option<String>,
    /// The service's answer for a created item.
    pub result: Option<serde_json::Value>,
    pub attempts: u32,
    pub created_at: DateTimeOffset,
    pub updated_at: DateTimeOffset,
    /// Where it came from: "form", "scan" or "import".
    pub origin: String,
    /// Sends of it that may have been applied without an answer (a lost
    /// answer, or a sender gone while sending); none after a definite answer.
    pub lost_answers: u32,
    /// The sender holding it now, if any (the store leases an item to one sender).
    pub lease_owner: Option<String>,
    /// How it was created: "create", "import" or "checked".
    pub method: Option<String>,
    /// Not to be sent before this time: its attempts were spent while the
    /// service kept failing (`None`: whenever a sync runs).
    pub next_attempt_at: Option<DateTimeOffset>,
    /// How many times in a row its attempts were spent.
    pub spent_rounds: u32,
}

/// How many items are in each state, for one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OutboxCounts {
    pub drafts: usize,
    pub pending: usize,
    pub rejected: usize,
    pub duplicate: usize,
    pub created: usize,
}

#[cfg(test)]
impl OutboxItem {
    /// An item for tests: `identifier` in `state`, of profile "sandbox", from
    /// the form, made and changed `at`; every other field empty. Tests set
    /// what they need with `..OutboxItem::sample(…)`.
    pub(crate) fn sample(id: i64, identifier: &str, state: ItemState, at: DateTimeOffset) -> Self {
        OutboxItem {
            id,
            profile: "sandbox".into(),
            state,
            identifier: identifier.into(),
            form: None,
            identity: None,
            unknown_outcome: false,
            overwrite: false,
            reason: None,
            service_id: None,
            result: None,
            attempts: 0,
            created_at: at,
            updated_at: at,
            origin: "form".into(),
            lost_answers: 0,
            lease_owner: None,
            method: None,
            next_attempt_at: None,
            spent_rounds: 0,
        }
    }
}
