//! One scan as scan mode keeps it: what was read, what will be sent, and
//! where it stands (refused, queued, sent, created, …), with its colour.

use crate::domain::ImportedDeviceIdentity;
use crate::widgets::Tone;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryState {
    /// Refused here (validation, product barcode).
    Refused(String),
    /// Already scanned in this session.
    Duplicate(String),
    Queued,
    Sending,
    Created {
        id: Option<String>,
    },
    AlreadyPresent {
        id: Option<String>,
    },
    /// The service refused it, or it could not be sent.
    Failed(String),
    Deleting {
        id: String,
    },
    /// Undone.
    Removed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScanEntry {
    pub seq: u64,
    pub raw: String,
    pub identity: ImportedDeviceIdentity,
    /// Typed slowly rather than scanned.
    pub manual: bool,
    pub warning: Option<String>,
    pub state: EntryState,
}

impl ScanEntry {
    pub fn normalized(&self) -> &str {
        self.identity.identifier()
    }

    /// Green, yellow or red, and the reason shown.
    pub fn tone_and_reason(&self) -> (Tone, String) {
        let warn = |s: &str| match &self.warning {
            Some(w) => format!("{s}; {w}"),
            None => s.to_string(),
        };
        let tone_ok = if self.warning.is_some() {
            Tone::Warning
        } else {
            Tone::Success
        };
        match &self.state {
            EntryState::Refused(r) => (Tone::Error, r.clone()),
            EntryState::Duplicate(r) => (Tone::Warning, r.clone()),
            EntryState::Queued => (tone_ok, warn("queued")),
            EntryState::Sending => (tone_ok, warn("sending…")),
            EntryState::Created { .. } => (tone_ok, warn("created")),
            EntryState::AlreadyPresent { .. } => (Tone::Warning, "already in the tenant".into()),
            EntryState::Failed(r) => (Tone::Error, r.clone()),
            EntryState::Deleting { .. } => (Tone::Warning, "deleting…".into()),
            EntryState::Removed => (Tone::Info, "undone".into()),
        }
    }
}

/// Running counts for the counter line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanCounts {
    pub accepted: usize,
    pub rejected: usize,
    pub duplicates: usize,
    pub queued: usize,
    pub created: usize,
}
