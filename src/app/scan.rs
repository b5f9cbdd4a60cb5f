//! Scan mode (PRODUCT §7): one always-focused input; a token ends with
//! Enter or Tab; a fast burst of keys is a scan, slow typing manual entry,
//! and both work. Each token is classified and normalised by the shared
//! validation, checked against this session (and, when queued, against the
//! tenant), then sent at once or queued for a chunk. Product barcodes are
//! refused here. Pure: key times come in the messages.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::validate::identity_key as dedupe_key;
use crate::domain::validate::{NormalizeOptions, ScanVerdict, classify};
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType as T, Platform};
use crate::model::{RowResult, RowStatus};
use crate::widgets::Tone;

pub use super::scan_entry::{EntryState, ScanCounts, ScanEntry};

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

    /// A key the screen's bindings did not take. Returns the effects.
    pub fn on_key(&mut self, key: &KeyEvent, at_ms: Option<u64>) -> Vec<ScanEffect> {
        if self.confirm_delete.is_some() {
            self.confirm_delete = None;
            self.notice = Some(("kept".into(), Tone::Info));
        }
        match key.code {
            KeyCode::Enter | KeyCode::Tab => self.finish_token(),
            KeyCode::Backspace => {
                self.input.pop();
                self.key_times.pop();
                Vec::new()
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                self.input.push(c);
                if let Some(t) = at_ms {
                    self.key_times.push(t);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Pasted text goes into the input (never ends a token).
    pub fn paste(&mut self, text: &str) {
        self.input.extend(text.chars().filter(|c| !c.is_control()));
        self.key_times.clear();
    }

    fn was_burst(&self) -> bool {
        match (self.key_times.first(), self.key_times.last()) {
            (Some(first), Some(last)) if self.key_times.len() >= 4 => {
                let gaps = (self.key_times.len() - 1) as u64;
                (last - first) / gaps <= BURST_GAP_MS
            }
            _ => false,
        }
    }

    fn finish_token(&mut self) -> Vec<ScanEffect> {
        let text = std::mem::take(&mut self.input);
        let burst = self.was_burst();
        self.key_times.clear();
        match self.target {
            InputTarget::Scan => {}
            other => {
                let value = text.trim().to_string();
                match other {
                    InputTarget::Description => self.description_template = value,
                    InputTarget::Manufacturer => self.manufacturer = value,
                    InputTarget::Model => self.model = value,
                    InputTarget::Scan => {}
                }
                // In Windows mode, the model follows the manufacturer.
                let next = match (self.windows_mode(), other) {
                    (true, InputTarget::Manufacturer) if self.model.trim().is_empty() => {
                        InputTarget::Model
                    }
                    _ => InputTarget::Scan,
                };
                self.edit(next);
                return Vec::new();
            }
        }
        if text.trim().is_empty() {
            return Vec::new();
        }
        self.scan(&text, !burst)
    }

    /// Classifies one token and decides what happens to it.
    pub fn scan(&mut self, raw: &str, manual: bool) -> Vec<ScanEffect> {
        if self.windows_mode()
            && let Some(missing) = self.missing_windows_setting()
        {
            self.notice = Some((
                format!(
                    "Windows scans need the manufacturer and model: type the {} and press Enter",
                    missing.label().trim_start_matches("Windows ")
                ),
                Tone::Warning,
            ));
            self.edit(missing);
            return vec![ScanEffect::Bell];
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let windows = self.windows_mode();
        let (token, forced) = if windows {
            let serial = raw.trim().replace(',', "");
            (
                format!(
                    "{},{},{serial}",
                    self.manufacturer.trim(),
                    self.model.trim()
                ),
                Some(T::ManufacturerModelSerial),
            )
        } else {
            (raw.trim().to_string(), self.forced_type.clone())
        };
        let classified = classify(&token, forced.as_ref(), self.options);
        let platform = if windows || classified.ty == T::ManufacturerModelSerial {
            Platform::Windows
        } else {
            self.platform.clone()
        };
        let mut identity = ImportedDeviceIdentity::new(
            classified.normalized.clone(),
            classified.ty.clone(),
            platform,
        );
        if !windows && classified.ty != T::ManufacturerModelSerial {
            let description = self.description_template.replace("{n}", &seq.to_string());
            if !description.trim().is_empty() {
                identity.description = Some(description);
            }
        }
        let mut entry = ScanEntry {
            seq,
            raw: raw.trim().to_string(),
            identity,
            manual,
            warning: None,
            state: EntryState::Queued,
        };
        let mut effects = Vec::new();
        match classified.scan_verdict() {
            ScanVerdict::Reject(reason) => {
                entry.state = EntryState::Refused(reason);
                effects.push(ScanEffect::Bell);
            }
            verdict => {
                if let ScanVerdict::Warn(w) = verdict {
                    entry.warning = Some(w);
                }
                let key = dedupe_key(&entry.identity);
                let earlier = self.entries.iter().find(|e| {
                    !matches!(
                        e.state,
                        EntryState::Refused(_) | EntryState::Duplicate(_) | EntryState::Removed
                    ) && dedupe_key(&e.identity) == key
                });
                if let Some(e) = earlier {
                    entry.state = EntryState::Duplicate(format!("already scanned (#{})", e.seq));
                } else if self.commit == CommitMode::EachScan {
                    entry.state = EntryState::Sending;
                    effects.push(ScanEffect::Send {
                        rows: vec![(seq, entry.identity.clone())],
                    });
                } else {
                    effects.push(ScanEffect::CheckTenant {
                        seq,
                        identity: entry.identity.clone(),
                    });
                }
            }
        }
        self.entries.push(entry);
        if self.commit == CommitMode::Chunks && self.counts().queued >= CHUNK_SEND_AT {
            effects.extend(self.send_queued());
        }
        effects
    }

    /// Sends every queued scan in one call.
    pub fn send_queued(&mut self) -> Vec<ScanEffect> {
        let rows: Vec<(u64, ImportedDeviceIdentity)> = self
            .entries
            .iter_mut()
            .filter(|e| e.state == EntryState::Queued)
            .map(|e| {
                e.state = EntryState::Sending;
                (e.seq, e.identity.clone())
            })
            .collect();
        if rows.is_empty() {
            return Vec::new();
        }
        vec![ScanEffect::Send { rows }]
    }

    fn entry_mut(&mut self, seq: u64) -> Option<&mut ScanEntry> {
        self.entries.iter_mut().find(|e| e.seq == seq)
    }

    /// Undo of the newest scan still shown; `undo_key` is how the key that
    /// confirms is written.
    pub fn undo(&mut self, undo_key: &str) -> Vec<ScanEffect> {
        let Some(entry) = self
            .entries
            .iter_mut()
            .rev()
            .find(|e| e.state != EntryState::Removed)
        else {
            self.notice = Some(("nothing to undo".into(), Tone::Info));
            return Vec::new();
        };
        let seq = entry.seq;
        match entry.state.clone() {
            EntryState::Created { id: Some(id) } => {
                if self.confirm_delete == Some(seq) {
                    self.confirm_delete = None;
                    entry.state = EntryState::Deleting { id: id.clone() };
                    return vec![ScanEffect::Delete { seq, id }];
                }
                self.confirm_delete = Some(seq);
                self.notice = Some((
                    format!(
                        "#{seq} was created: {undo_key} again deletes it from the tenant, any other key keeps it"
                    ),
                    Tone::Warning,
                ));
            }
            EntryState::Sending | EntryState::Deleting { .. } => {
                self.notice = Some((
                    format!("#{seq} is being sent: wait for its answer"),
                    Tone::Info,
                ));
            }
            _ => {
                entry.state = EntryState::Removed;
                self.notice = Some((format!("#{seq} undone"), Tone::Info));
            }
        }
        Vec::new()
    }

    pub fn on_msg(&mut self, msg: ScanMsg) -> Vec<ScanEffect> {
        match msg {
            ScanMsg::Key { key, at_ms } => return self.on_key(&key, Some(at_ms)),
            ScanMsg::Sent { results, stopped } => {
                for r in results {
                    let Some(entry) = self.entry_mut(r.line as u64) else {
                        continue;
                    };
                    entry.state = match r.status {
                        RowStatus::Created => EntryState::Created { id: r.id },
                        RowStatus::AlreadyPresent => EntryState::AlreadyPresent { id: r.id },
                        _ => EntryState::Failed(r.message.unwrap_or_else(|| "not sent".into())),
                    };
                }
                if let Some(reason) = stopped {
                    self.notice = Some((reason, Tone::Error));
                }
            }
            ScanMsg::TenantChecked { seq, result } => {
                let Some(entry) = self.entry_mut(seq) else {
                    return Vec::new();
                };
                if entry.state != EntryState::Queued {
                    return Vec::new();
                }
                match result {
                    Ok(Some(id)) => entry.state = EntryState::AlreadyPresent { id: Some(id) },
                    Ok(None) => {}
                    Err(e) => entry.warning = Some(format!("tenant not checked: {e}")),
                }
            }
            ScanMsg::Deleted { seq, result } => {
                let Some(entry) = self.entry_mut(seq) else {
                    return Vec::new();
                };
                match result {
                    Ok(()) => {
                        entry.state = EntryState::Removed;
                        self.notice = Some((format!("#{seq} deleted from the tenant"), Tone::Info));
                    }
                    Err(e) => {
                        if let EntryState::Deleting { id } = &entry.state {
                            entry.state = EntryState::Created {
                                id: Some(id.clone()),
                            };
                        }
                        self.notice = Some((format!("#{seq} not deleted: {e}"), Tone::Error));
                    }
                }
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
