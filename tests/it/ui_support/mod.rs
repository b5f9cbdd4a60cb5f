//! Shared fixtures for the UI tests: a session description, keys, and
//! fixed identities (fixed ids and timestamps, nothing random).
#![allow(dead_code)]

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use enroll_console::app::{App, Effect, ImportMsg, Msg, SessionInfo, TenantEffect, TenantMsg};
use enroll_console::domain::{
    DateTimeOffset, EnrollmentState, ImportedDeviceIdentity, ImportedDeviceIdentityResult,
    ImportedDeviceIdentityType, Platform, RecordedMethod,
};
use enroll_console::graph::{SubmitOutcome, UsedMethod};
use enroll_console::session::{Paths, Target};
use enroll_console::store::{
    DraftFields, ItemState, OutboxItem, RecentEntry, StoreError, StoreFailure, StoreTask,
};

pub fn info() -> SessionInfo {
    SessionInfo {
        target: Target::Sandbox,
        profile: "sandbox".into(),
        paths: Paths {
            config_dir: PathBuf::from("/home/helpdesk/.config/enroll-console"),
            data_dir: PathBuf::from("/home/helpdesk/.local/share/enroll-console"),
            log_dir: PathBuf::from("/home/helpdesk/.local/state/enroll-console"),
        },
        offline: false,
    }
}

pub fn app() -> App {
    App::new(info())
}

pub fn at(s: &str) -> DateTimeOffset {
    DateTimeOffset::parse(s).expect("fixed test timestamp")
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// The effects other than saving drafts (which typing arms).
pub fn without_drafts(effects: Vec<Effect>) -> Vec<Effect> {
    effects
        .into_iter()
        .filter(|e| {
            !matches!(
                e,
                Effect::Outbox(
                    enroll_console::app::OutboxEffect::ArmDraftTimer
                        | enroll_console::app::OutboxEffect::SaveDraft(_)
                )
            )
        })
        .collect()
}

/// Sends each message; returns all effects.
pub fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| app.update(m)).collect()
}

/// Types text key by key.
pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    send(app, text.chars().map(|c| key(KeyCode::Char(c))))
}

/// The identity a Submit effect carries, and its request id.
pub fn submitted(effects: &[Effect]) -> Option<(u64, ImportedDeviceIdentity)> {
    effects.iter().find_map(|e| match e {
        Effect::Submit { request, identity } => Some((*request, identity.clone())),
        _ => None,
    })
}

/// What the service answers for a created identity.
pub fn created_result(identifier: &str, id: &str) -> ImportedDeviceIdentityResult {
    let mut identity = ImportedDeviceIdentity::new(
        identifier,
        ImportedDeviceIdentityType::Imei,
        Platform::Android,
    );
    identity.odata_type = None;
    identity.id = Some(id.into());
    identity.enrollment_state = Some(EnrollmentState::NotContacted);
    identity.created_date_time = Some(at("2024-05-01T09:30:12.1234567Z"));
    identity.last_modified_date_time = Some(at("2024-05-01T09:30:12.1234567Z"));
    identity.last_contacted_date_time = Some(at("0001-01-01T00:00:00Z"));
    identity.description = Some("PO-4711 cart 3".into());
    ImportedDeviceIdentityResult {
        identity,
        status: None,
    }
}

pub fn outcome(result: ImportedDeviceIdentityResult, method: UsedMethod) -> SubmitOutcome {
    let raw = serde_json::to_value(&result).unwrap_or(serde_json::Value::Null);
    SubmitOutcome {
        result,
        raw,
        method,
        switched_to_import: false,
        create_unusable: None,
        found_existing: false,
        request_id: Some("7d1c7a52-0000-4000-8000-000000000001".into()),
    }
}

/// A few Recent entries, newest first.
pub fn recent_entries() -> Vec<RecentEntry> {
    let rows = [
        (
            "490154203237518",
            "b6f3e8a0-51d4-4c1e-9a57-3c1f0e2d7a11",
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
            Some(true),
        ),
        (
            "C02XK0XXJGH5",
            "0f7a2c94-8e1b-4d63-b0a5-92e4c7d1f302",
            ImportedDeviceIdentityType::SerialNumber,
            Platform::MacOs,
            None,
        ),
        (
            "Lenovo,ThinkPad T14,PF3ABCDE",
            "5e2d9b71-3a4f-4c8e-a1d6-7b0c9e8f4a23",
            ImportedDeviceIdentityType::ManufacturerModelSerial,
            Platform::Windows,
            None,
        ),
        (
            "35209900176148",
            "9c4e1f08-7d2a-4b6e-8f3c-1a5d0e9b7c44",
            ImportedDeviceIdentityType::Imei,
            Platform::Ios,
            Some(false),
        ),
    ];
    rows.iter()
        .enumerate()
        .map(|(i, (identifier, id, ty, platform, status))| {
            let mut identity =
                ImportedDeviceIdentity::new(*identifier, ty.clone(), platform.clone());
            identity.id = Some((*id).into());
            identity.created_date_time = Some(at(&format!("2024-05-0{}T0{}:15:00Z", 4 - i, 9 - i)));
            RecentEntry {
                recorded_at: at(&format!("2024-05-0{}T0{}:15:01Z", 4 - i, 9 - i)),
                profile: "sandbox".into(),
                method: if i == 3 {
                    RecordedMethod::Import
                } else {
                    RecordedMethod::Create
                },
                result: ImportedDeviceIdentityResult {
                    identity,
                    status: *status,
                },
                raw: serde_json::Value::Null,
                origin: if i == 2 { "scan" } else { "form" }.into(),
                item_id: Some(i as i64 + 1),
                live: None,
            }
        })
        .collect()
}

/// A Drafts/Outbox item with fixed times: a draft has no identity yet, a
/// created one has the service's id.
pub fn outbox_item(
    id: i64,
    identifier: &str,
    state: ItemState,
    reason: Option<&str>,
) -> OutboxItem {
    let identity = ImportedDeviceIdentity::new(
        identifier,
        ImportedDeviceIdentityType::SerialNumber,
        Platform::Ios,
    );
    OutboxItem {
        id,
        profile: "sandbox".into(),
        state,
        identifier: identifier.into(),
        form: Some(DraftFields {
            identifier: identifier.into(),
            ..DraftFields::default()
        }),
        identity: (state != ItemState::Draft).then_some(identity),
        unknown_outcome: false,
        overwrite: false,
        reason: reason.map(str::to_string),
        service_id: (state == ItemState::Created)
            .then(|| "b6f3e8a0-51d4-4c1e-9a57-3c1f0e2d7a11".to_string()),
        result: None,
        attempts: 1,
        created_at: at("2024-05-01T09:30:00Z"),
        updated_at: at("2024-05-01T09:31:00Z"),
        origin: "form".into(),
        lost_answers: 0,
        lease_owner: None,
        method: None,
        next_attempt_at: None,
        spent_rounds: 0,
    }
}

/// Tenant row `n`: a serial with a fixed id, description and times.
pub fn tenant_identity(n: usize) -> ImportedDeviceIdentity {
    let mut identity = ImportedDeviceIdentity::new(
        format!("C02XK{n:04}GH5"),
        ImportedDeviceIdentityType::SerialNumber,
        Platform::MacOs,
    );
    identity.odata_type = None;
    identity.id = Some(format!("00000000-0000-4000-8000-{n:012}"));
    identity.description = Some(format!("cart {n}"));
    identity.created_date_time = Some(at("2024-05-01T09:30:13Z"));
    identity.last_contacted_date_time = Some(at("0001-01-01T00:00:00Z"));
    identity
}

/// Opens the Tenant tab (F4, then 2) and gives it `identities` as its one page.
pub fn load_tenant(app: &mut App, identities: Vec<ImportedDeviceIdentity>) {
    send(app, [key(KeyCode::F(4))]);
    let effects = send(app, [key(KeyCode::Char('2'))]);
    let load = effects
        .iter()
        .find_map(|e| match e {
            Effect::Tenant(TenantEffect::Load { load }) => Some(*load),
            _ => None,
        })
        .expect("the Tenant tab loads");
    app.update(Msg::Tenant(TenantMsg::Page {
        load,
        received_at: at("2024-06-01T12:00:00Z"),
        identities,
        last: true,
    }));
}

/// Opens Import (F7) on `devices.csv` and loads a three-row file into the
/// preview: a valid IMEI, one with a wrong check digit and a serial.
pub fn load_import_preview(app: &mut App) {
    send(app, [key(KeyCode::F(7))]);
    type_text(app, "devices.csv");
    send(app, [key(KeyCode::Enter)]);
    let file = "490154203237518,PO-4711\n490154203237517,wrong digit\nC02XK0XXJGH5,\n";
    let parsed = enroll_console::csvfile::parse(file.as_bytes(), None).expect("parses");
    app.update(Msg::Import(ImportMsg::Loaded(Ok(parsed))));
    app.update(Msg::Import(ImportMsg::TenantChecked(
        Ok(Default::default()),
    )));
}

/// A failed save to Recent whose error says `text` (as a failed store task does).
pub fn store_failed(text: &str) -> Msg {
    Msg::StoreError(StoreFailure::new(
        StoreTask::SaveRecent,
        StoreError::Task(text.into()),
    ))
}
