//! Scan mode's state tests: bursts and typing, duplicates, chunks, sticky
//! settings, Windows tuples and undo.

use super::*;
use crate::model::RowStatus;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Types `text` then Enter, `gap_ms` apart, starting at `start`.
fn type_token(s: &mut ScanState, text: &str, start: u64, gap_ms: u64) -> Vec<ScanEffect> {
    let mut t = start;
    for c in text.chars() {
        assert!(s.on_key(&key(KeyCode::Char(c)), Some(t)).is_empty());
        t += gap_ms;
    }
    s.on_key(&key(KeyCode::Enter), Some(t))
}

fn sent(rows: &[(u64, RowStatus, &str)]) -> ScanMsg {
    let identity = ImportedDeviceIdentity::default();
    ScanMsg::Sent {
        results: rows
            .iter()
            .map(|(seq, status, id)| {
                RowResult::new(
                    *seq as usize,
                    &identity,
                    *status,
                    Some(id.to_string()),
                    None,
                )
            })
            .collect(),
        stopped: None,
    }
}

#[test]
fn the_three_acceptance_scans() {
    let mut s = ScanState::default();
    let e1 = type_token(&mut s, "490154203237518", 1_000, 8);
    let e2 = type_token(&mut s, "4006381333931", 2_000, 8);
    let e3 = type_token(&mut s, "C02XK0XXJGH5", 3_000, 8);
    assert!(
        matches!(&e1[..], [ScanEffect::Send { rows }] if rows[0].1.imported_device_identity_type == Some(T::Imei))
    );
    assert_eq!(e2, vec![ScanEffect::Bell]);
    assert!(matches!(&e3[..], [ScanEffect::Send { rows }] if rows[0].0 == 3));
    assert!(s.entries.iter().all(|e| !e.manual));
    match &s.entries[1].state {
        EntryState::Refused(r) => assert!(r.contains("EAN-13"), "{r}"),
        other => panic!("{other:?}"),
    }
    let c = s.counts();
    assert_eq!((c.accepted, c.rejected), (2, 1));
    s.on_msg(sent(&[
        (1, RowStatus::Created, "a"),
        (3, RowStatus::Created, "b"),
    ]));
    assert_eq!(s.counts().created, 2);
    assert_eq!(s.entries[0].tone_and_reason().0, Tone::Success);
    assert_eq!(s.entries[1].tone_and_reason().0, Tone::Error);
}

#[test]
fn slow_typing_is_manual_entry_and_still_works() {
    let mut s = ScanState::default();
    let effects = type_token(&mut s, "C02XK0XXJGH5", 0, 180);
    assert_eq!(effects.len(), 1);
    assert!(s.entries[0].manual);
    // Key releases never reach here; Tab ends a token too.
    for c in "SERIAL0002".chars() {
        s.on_key(&key(KeyCode::Char(c)), Some(10_000));
    }
    assert_eq!(s.on_key(&key(KeyCode::Tab), Some(10_001)).len(), 1);
    assert!(!s.entries[1].manual);
    let _ = KeyEventKind::Press;
}

#[test]
fn session_duplicates_are_warned_and_not_sent() {
    let mut s = ScanState::default();
    type_token(&mut s, "C02XK0XXJGH5", 0, 5);
    let again = type_token(&mut s, "c02.xk0xxjgh5", 100, 5);
    assert!(again.is_empty());
    assert!(matches!(&s.entries[1].state, EntryState::Duplicate(r) if r.contains("#1")));
    assert_eq!(s.counts().duplicates, 1);
    assert_eq!(s.entries[1].tone_and_reason().0, Tone::Warning);
}

#[test]
fn chunk_mode_queues_checks_the_tenant_and_sends_together() {
    let mut s = ScanState::default();
    assert!(s.toggle_commit().is_empty());
    let e1 = type_token(&mut s, "C02XK0XXJGH5", 0, 5);
    assert!(matches!(&e1[..], [ScanEffect::CheckTenant { seq: 1, .. }]));
    type_token(&mut s, "SERIAL0002", 100, 5);
    s.on_msg(ScanMsg::TenantChecked {
        seq: 2,
        result: Ok(Some("id-2".into())),
    });
    assert!(matches!(
        s.entries[1].state,
        EntryState::AlreadyPresent { .. }
    ));
    let effects = s.send_queued();
    assert!(
        matches!(&effects[..], [ScanEffect::Send { rows }] if rows.len() == 1 && rows[0].0 == 1)
    );
    assert!(s.send_queued().is_empty(), "nothing is sent twice");
}

#[test]
fn sticky_settings_apply_to_every_scan() {
    let mut s = ScanState::default();
    s.cycle_target();
    assert_eq!(s.target, InputTarget::Description);
    type_token(&mut s, "PO-4711 cart {n}", 0, 100);
    assert_eq!(s.target, InputTarget::Scan);
    s.cycle_platform();
    assert_eq!(s.platform, Platform::Android);
    let e = type_token(&mut s, "C02XK0XXJGH5", 0, 5);
    let ScanEffect::Send { rows } = &e[0] else {
        panic!("{e:?}")
    };
    assert_eq!(rows[0].1.description.as_deref(), Some("PO-4711 cart 1"));
    assert_eq!(rows[0].1.platform, Some(Platform::Android));
    // Windows: Ctrl-T reaches it, and asks for the manufacturer and model.
    s.cycle_type();
    s.cycle_type();
    s.cycle_type();
    assert!(s.windows_mode());
    assert_eq!(s.target, InputTarget::Manufacturer);
    type_token(&mut s, "Lenovo", 0, 100);
    assert_eq!(s.target, InputTarget::Model, "the model follows");
    type_token(&mut s, "ThinkPad T14", 0, 100);
    assert_eq!(s.target, InputTarget::Scan);
    // Ctrl-E in Windows mode: manufacturer, model, back; no description.
    s.cycle_target();
    assert_eq!(
        (s.target, s.input.as_str()),
        (InputTarget::Manufacturer, "Lenovo")
    );
    s.cycle_target();
    assert_eq!(s.target, InputTarget::Model);
    s.cycle_target();
    assert_eq!(s.target, InputTarget::Scan);
    let e = type_token(&mut s, "PF.4ABCDE", 0, 5);
    let ScanEffect::Send { rows } = &e[0] else {
        panic!("{e:?}")
    };
    assert_eq!(rows[0].1.identifier(), "Lenovo,ThinkPad T14,PF4ABCDE");
    assert_eq!(rows[0].1.platform, Some(Platform::Windows));
    assert_eq!(rows[0].1.description, None);
    assert_eq!(s.type_label(), "Windows (manufacturer,model,serial)");
    // One more Ctrl-T leaves Windows: scans are classified again, and
    // Ctrl-E edits the description; the manufacturer and model are kept.
    s.cycle_type();
    assert!(!s.windows_mode());
    assert_eq!(s.type_label(), "auto");
    s.cycle_target();
    assert_eq!(s.target, InputTarget::Description);
    assert_eq!(s.manufacturer, "Lenovo");
}

#[test]
fn a_windows_scan_without_manufacturer_asks_for_it() {
    let mut s = ScanState {
        forced_type: Some(crate::domain::ImportedDeviceIdentityType::ManufacturerModelSerial),
        ..ScanState::default()
    };
    assert_eq!(s.scan("PF4ABCDE", true), vec![ScanEffect::Bell]);
    assert!(s.entries.is_empty());
    assert_eq!(s.target, InputTarget::Manufacturer);
    assert!(s.notice.as_ref().unwrap().0.contains("manufacturer"));
}

#[test]
fn a_scan_already_in_the_tenant_is_a_duplicate_not_accepted() {
    let mut s = ScanState::default();
    type_token(&mut s, "C02XK0XXJGH5", 0, 5);
    type_token(&mut s, "SERIAL0002", 0, 5);
    s.on_msg(sent(&[(1, RowStatus::Created, "id-1")]));
    s.on_msg(sent(&[(2, RowStatus::AlreadyPresent, "id-2")]));
    let c = s.counts();
    assert_eq!((c.accepted, c.created, c.duplicates), (1, 1, 1));
}

#[test]
fn undo_removes_a_queued_scan_and_deletes_a_created_one_after_confirm() {
    let mut s = ScanState::default();
    s.toggle_commit();
    type_token(&mut s, "C02XK0XXJGH5", 0, 5);
    assert!(s.undo("Ctrl-Z").is_empty());
    assert_eq!(s.entries[0].state, EntryState::Removed);
    assert_eq!(s.counts().accepted, 0);
    s.toggle_commit();
    type_token(&mut s, "SERIAL0002", 0, 5);
    s.on_msg(sent(&[(2, RowStatus::Created, "id-2")]));
    assert!(s.undo("Ctrl-Z").is_empty(), "first Ctrl-Z only asks");
    assert_eq!(s.confirm_delete, Some(2));
    assert_eq!(
        s.undo("Ctrl-Z"),
        vec![ScanEffect::Delete {
            seq: 2,
            id: "id-2".into()
        }]
    );
    s.on_msg(ScanMsg::Deleted {
        seq: 2,
        result: Ok(()),
    });
    assert_eq!(s.entries[1].state, EntryState::Removed);
}

#[test]
fn another_key_cancels_a_pending_delete() {
    let mut s = ScanState::default();
    type_token(&mut s, "SERIAL0002", 0, 5);
    s.on_msg(sent(&[(1, RowStatus::Created, "id-1")]));
    s.undo("Ctrl-Z");
    s.on_key(&key(KeyCode::Char('x')), Some(1));
    assert_eq!(s.confirm_delete, None);
    assert!(s.undo("Ctrl-Z").is_empty(), "asks again");
}
