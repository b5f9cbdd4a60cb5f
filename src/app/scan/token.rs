//! Scan mode's input: keys and pastes into the one field, telling a burst
//! (a scanner) from typing, and what becomes of a finished token: a scan
//! classified, checked for duplicates and sent or queued, or a setting
//! stored; undo of the newest scan.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{
    BURST_GAP_MS, CHUNK_SEND_AT, CommitMode, EntryState, InputTarget, ScanEffect, ScanEntry,
    ScanState,
};
use crate::domain::validate::identity_key;
use crate::domain::validate::{ScanVerdict, classify};
use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType as T, Platform};
use crate::widgets::Tone;

impl ScanState {
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
                let key = identity_key(&entry.identity);
                let earlier = self.entries.iter().find(|e| {
                    !matches!(
                        e.state,
                        EntryState::Refused(_) | EntryState::Duplicate(_) | EntryState::Removed
                    ) && identity_key(&e.identity) == key
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

    pub(super) fn entry_mut(&mut self, seq: u64) -> Option<&mut ScanEntry> {
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
}
