//! Scan mode's keys through the keymap and its messages: what the feature
//! does by itself, and what it asks the app to do ([`ScanOutcome`]).

use crossterm::event::{KeyCode, KeyEvent};

use super::{EntryState, InputTarget, ScanEffect, ScanMsg, ScanState};
use crate::app::keymap::{Action, Keymap, Scope};
use crate::model::RowStatus;
use crate::widgets::Tone;

/// What a key or an action on the Scan screen asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanOutcome {
    /// Scan mode's own work (possibly none).
    Effects(Vec<ScanEffect>),
    /// An action bound on the Scan screen that is not scan mode's own.
    Apply(Action),
    /// Leave scan mode for the Form.
    Leave,
    /// Not a key for the input: the global bindings get it.
    Unhandled,
}

impl ScanState {
    /// A key while the Scan screen is shown. The input always has focus:
    /// the screen's bindings first, then F-keys and the global bindings
    /// (never letters), everything else to the input.
    pub fn on_screen_key(
        &mut self,
        key: &KeyEvent,
        keymap: &Keymap,
        at_ms: Option<u64>,
    ) -> ScanOutcome {
        if let Some(action) = keymap.actions(Scope::Scan, key, true).first() {
            return self.on_action(*action, keymap);
        }
        if matches!(key.code, KeyCode::F(_)) || !keymap.actions(Scope::Global, key, true).is_empty()
        {
            return ScanOutcome::Unhandled;
        }
        ScanOutcome::Effects(self.on_key(key, at_ms))
    }

    /// An action from the keymap; Back leaves a setting being edited, else
    /// the screen.
    pub fn on_action(&mut self, action: Action, keymap: &Keymap) -> ScanOutcome {
        let effects = match action {
            Action::ScanUndo => self.undo(&keymap.key_for(Scope::Scan, Action::ScanUndo)),
            Action::ScanCycleType => {
                self.cycle_type();
                Vec::new()
            }
            Action::ScanCyclePlatform => {
                self.cycle_platform();
                Vec::new()
            }
            Action::ScanEditSetting => {
                self.cycle_target();
                Vec::new()
            }
            Action::ScanToggleCommit => self.toggle_commit(),
            Action::ScanSendQueued => self.send_queued(),
            Action::Back => return self.back(),
            other => return ScanOutcome::Apply(other),
        };
        ScanOutcome::Effects(effects)
    }

    /// Esc: leave a setting being edited, else leave the screen.
    pub fn back(&mut self) -> ScanOutcome {
        if self.target != InputTarget::Scan {
            self.target = InputTarget::Scan;
            self.input.clear();
            ScanOutcome::Effects(Vec::new())
        } else {
            ScanOutcome::Leave
        }
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
