//! Scan mode (PRODUCT §7): one always-focused input; a token ends with
//! Enter or Tab; a fast burst of keys is a scan, slow typing manual entry,
//! and both work. Each token is classified and normalised by the shared
//! validation, checked against this session (and, when queued, against the
//! tenant), then sent at once or queued for a chunk. Product barcodes are
//! refused here. Pure: key times come in the messages.
//!
//! This file holds the feature's messages, effects and state with its sticky
//! settings; `token` the input and the scans, `update` the keys through the
//! keymap and the messages, `entry` one scan. The app's side is
//! `app::route_scan`.

mod entry;
mod token;
mod update;

use crossterm::event::KeyEvent;

use crate::domain::validate::NormalizeOptions;
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType as T, Platform};
use crate::model::RowResult;
use crate::widgets::Tone;

pub use entry::{EntryState, ScanCounts, ScanEntry};
pub use update::ScanOutcome;

/// A token whose keys came at most this far apart on average is a scan
/// (scanners type about 5–15 ms per key; people rarely under 50 ms).
pub const BURST_GAP_MS: u64 = 30;
/// In chunk mode the queue is sent by itself once it holds this many.
pub const CHUNK_SEND_AT: usize = 50;

/// Scan-mode messages, wrapped by `Msg::Scan`.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanMsg {
    /// A key, stamped by the runtime with a monotonic time in milliseconds.
    Key { key: KeyEvent, at_ms: u64 },
    /// A send finished: each row's result (`line` is the scan number).
    Sent {
        results: Vec<RowResult>,
        stopped: Option<String>,
    },
    /// The tenant check of a queued scan: the id found, if any.
    TenantChecked {
        seq: u64,
        result: Result<Option<String>, String>,
    },
    Deleted {
        seq: u64,
        result: Result<(), String>,
    },
}

/// Scan-mode work, wrapped by `Effect::Scan`.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanEffect {
    /// `importDeviceIdentityList` for these scans (scan number, identity).
    Send {
        rows: Vec<(u64, ImportedDeviceIdentity)>,
    },
    /// `searchExistingIdentities` for one queued scan.
    CheckTenant {
        seq: u64,
        identity: ImportedDeviceIdentity,
    },
    /// Undo of a created scan, after confirmation.
    Delete { seq: u64, id: String },
    /// The terminal bell (a refused scan).
    Bell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitMode {
    EachScan,
    Chunks,
}

/// What the one input edits: scans, or one of the sticky settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputTarget {
    Scan,
    Description,
    Manufacturer,
    Model,
}

impl InputTarget {
    pub fn label(self) -> &'static str {
        match self {
            InputTarget::Scan => "Scan",
            InputTarget::Description => "Description template",
            InputTarget::Manufacturer => "Windows manufacturer",
            InputTarget::Model => "Windows model",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScanState {
    pub input: String,
    pub target: InputTarget,
    /// Sticky for the batch.
    pub forced_type: Option<T>,
    pub platform: Platform,
    pub description_template: String,
    pub manufacturer: String,
    pub model: String,
    pub commit: CommitMode,
    pub options: NormalizeOptions,
    /// Oldest first; drawn newest first.
    pub entries: Vec<ScanEntry>,
    /// Undo of this created scan waits for a second Ctrl-Z.
    pub confirm_delete: Option<u64>,
    /// The last message of the screen.
    pub notice: Option<(String, Tone)>,
    key_times: Vec<u64>,
    next_seq: u64,
}

impl Default for ScanState {
    fn default() -> Self {
        ScanState {
            input: String::new(),
            target: InputTarget::Scan,
            forced_type: None,
            platform: Platform::Ios,
            description_template: String::new(),
            manufacturer: String::new(),
            model: String::new(),
            commit: CommitMode::EachScan,
            options: NormalizeOptions::default(),
            entries: Vec::new(),
            confirm_delete: None,
            notice: None,
            key_times: Vec::new(),
            next_seq: 1,
        }
    }
}

/// Ctrl-T: auto, IMEI, serial, then Windows (manufacturer, model and the
/// scanned serial), and round to auto again.
const TYPE_CYCLE: [Option<T>; 4] = [
    None,
    Some(T::Imei),
    Some(T::SerialNumber),
    Some(T::ManufacturerModelSerial),
];
const PLATFORM_CYCLE: [Platform; 5] = [
    Platform::Ios,
    Platform::Android,
    Platform::MacOs,
    Platform::Windows,
    Platform::Unknown,
];

impl ScanState {
    /// Windows tuples: each scan supplies only the serial.
    pub fn windows_mode(&self) -> bool {
        self.forced_type == Some(T::ManufacturerModelSerial)
    }

    /// The Windows setting still empty, first the manufacturer.
    fn missing_windows_setting(&self) -> Option<InputTarget> {
        if self.manufacturer.trim().is_empty() {
            Some(InputTarget::Manufacturer)
        } else if self.model.trim().is_empty() {
            Some(InputTarget::Model)
        } else {
            None
        }
    }

    /// Puts the input on a setting, its value loaded for editing.
    fn edit(&mut self, target: InputTarget) {
        self.target = target;
        self.input = match target {
            InputTarget::Scan => String::new(),
            InputTarget::Description => self.description_template.clone(),
            InputTarget::Manufacturer => self.manufacturer.clone(),
            InputTarget::Model => self.model.clone(),
        };
        self.key_times.clear();
    }

    pub fn counts(&self) -> ScanCounts {
        let mut c = ScanCounts::default();
        for e in &self.entries {
            match e.state {
                EntryState::Refused(_) | EntryState::Failed(_) => c.rejected += 1,
                EntryState::Duplicate(_) => c.duplicates += 1,
                EntryState::Queued => {
                    c.accepted += 1;
                    c.queued += 1;
                }
                EntryState::Created { .. } => {
                    c.accepted += 1;
                    c.created += 1;
                }
                EntryState::Sending => c.accepted += 1,
                // Already in the tenant: nothing new was accepted.
                EntryState::AlreadyPresent { .. } => c.duplicates += 1,
                EntryState::Deleting { .. } | EntryState::Removed => {}
            }
        }
        c
    }

    pub fn type_label(&self) -> &'static str {
        match &self.forced_type {
            None => "auto",
            Some(T::Imei) => "imei",
            Some(T::ManufacturerModelSerial) => "Windows (manufacturer,model,serial)",
            Some(_) => "serialNumber",
        }
    }

    pub fn cycle_type(&mut self) {
        let i = TYPE_CYCLE
            .iter()
            .position(|t| *t == self.forced_type)
            .unwrap_or(0);
        self.forced_type = TYPE_CYCLE[(i + 1) % TYPE_CYCLE.len()].clone();
        if self.windows_mode() {
            // Windows needs its manufacturer and model: ask for what is missing.
            if let Some(missing) = self.missing_windows_setting() {
                self.edit(missing);
            }
        } else if matches!(self.target, InputTarget::Manufacturer | InputTarget::Model) {
            self.edit(InputTarget::Scan);
        }
    }

    pub fn cycle_platform(&mut self) {
        let i = PLATFORM_CYCLE
            .iter()
            .position(|p| *p == self.platform)
            .unwrap_or(0);
        self.platform = PLATFORM_CYCLE[(i + 1) % PLATFORM_CYCLE.len()].clone();
    }

    pub fn toggle_commit(&mut self) -> Vec<ScanEffect> {
        self.commit = match self.commit {
            CommitMode::EachScan => CommitMode::Chunks,
            CommitMode::Chunks => CommitMode::EachScan,
        };
        match self.commit {
            CommitMode::EachScan => self.send_queued(),
            CommitMode::Chunks => Vec::new(),
        }
    }

    /// Moves the input to the next setting of the current type (its value
    /// loaded), or back to scanning: Windows has a manufacturer and a model
    /// (and no description), the others a description template.
    pub fn cycle_target(&mut self) {
        self.edit(self.next_target());
    }

    /// The setting Ctrl-E goes to from here, for the screen to name.
    pub fn next_target(&self) -> InputTarget {
        match (self.windows_mode(), self.target) {
            (true, InputTarget::Scan) => InputTarget::Manufacturer,
            (true, InputTarget::Manufacturer) => InputTarget::Model,
            (false, InputTarget::Scan) => InputTarget::Description,
            _ => InputTarget::Scan,
        }
    }
}

#[cfg(test)]
mod tests;
