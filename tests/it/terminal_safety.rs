//! Hostile text — an OSC title sequence, a clear-screen CSI, NUL bytes, a
//! right-to-left override and a 1 MB line — arriving in a CSV description
//! (the Import preview, the Drafts/Outbox tab, the Tenant list and Detail)
//! and in a sandbox answer reaches the screen only as printable text, and
//! drawing it never panics.

use crate::ui_support;

use crossterm::event::KeyCode;
use enroll_console::app::{App, ImportMsg, Msg, OutboxMsg, Screen, TenantEffect, TenantMsg};
use enroll_console::csvfile::parse;
use enroll_console::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType, Page, Platform};
use enroll_console::graph::decode::decode_success;
use enroll_console::graph::{BearerToken, ClientConfig, GraphClient, ListQuery};
use enroll_console::outbox::Outbox;
use enroll_console::sandbox::{self, SANDBOX_TOKEN, SandboxOptions};
use enroll_console::screens::render_to_string;
use enroll_console::store::Store;
use ui_support::*;

/// Each short enough for the service's 128-character description limit.
const HOSTILE: [&str; 4] = [
    "\u{1b}]0;title\u{7}",
    "\u{1b}[2J",
    "nul\0nul",
    "\u{202E}fdp.exe",
];

fn hostile_description() -> String {
    format!("desc {}", HOSTILE.concat())
}

fn megabyte_line() -> String {
    format!("big{}", "\u{1b}[2J\0x".repeat(1024 * 1024 / 6))
}

const SIZES: [(u16, u16); 5] = [(1, 1), (20, 5), (60, 20), (120, 30), (300, 100)];

fn assert_printable(screen: &str, height: u16) {
    assert_eq!(screen.lines().count(), usize::from(height));
    for c in screen.chars() {
        let bidi = ('\u{202A}'..='\u{202E}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
        assert!(
            c == '\n' || !(c.is_control() || bidi),
            "unprintable {c:?} reached the screen"
        );
    }
    assert!(!screen.contains("]0;"), "an OSC sequence survived");
    assert!(!screen.contains("[2J"), "a CSI sequence survived");
}

fn assert_printable_at_every_size(app: &App) -> String {
    for (w, h) in SIZES {
        assert_printable(&render_to_string(app, w, h), h);
    }
    render_to_string(app, 120, 30)
}

/// The console on the Tenant tab with these identities loaded, as the
/// runtime delivers a page.
fn tenant_with(identities: Vec<ImportedDeviceIdentity>) -> App {
    let mut app = app();
    send(&mut app, [key(KeyCode::F(4))]);
    let effects = send(&mut app, [key(KeyCode::Char('2'))]);
    let load = effects
        .iter()
        .find_map(|e| match e {
            enroll_console::app::Effect::Tenant(TenantEffect::Load { load }) => Some(*load),
            _ => None,
        })
        .expect("the Tenant tab loads");
    app.update(Msg::Tenant(TenantMsg::Page {
        load,
        received_at: at("2024-06-01T12:00:00Z"),
        identities,
        last: true,
    }));
    app
}

/// Draws the Tenant list, then the Detail of its first row.
fn check_tenant_and_detail(identities: Vec<ImportedDeviceIdentity>, expect: &str) {
    let mut app = tenant_with(identities);
    let list = assert_printable_at_every_size(&app);
    assert!(list.contains(expect), "{list}");
    app.update(key(KeyCode::Enter));
    let detail = assert_printable_at_every_size(&app);
    assert!(detail.contains(expect), "{detail}");
}

#[tokio::test]
async fn hostile_csv_descriptions_are_drawn_printable() {
    let csv = format!(
        "importedDeviceIdentifier,importedDeviceIdentityType,description\n\
         490154203237518,imei,\"{}\"\n\
         C02XK0001GH5,serialNumber,{}\n",
        hostile_description(),
        megabyte_line()
    );
    let parsed = parse(csv.as_bytes(), None).expect("the file reads");
    assert_eq!(parsed.rows.len(), 2);
    assert_eq!(
        parsed.rows[0].identity.description.as_deref(),
        Some(hostile_description().as_str()),
        "the text is kept as data; only drawing cleans it"
    );
    let mut identities: Vec<ImportedDeviceIdentity> =
        parsed.rows.iter().map(|r| r.identity.clone()).collect();
    // The rows' findings (control characters, too long) show as messages.
    for row in &parsed.rows {
        assert!(!row.is_valid(), "line {} should be refused", row.line);
    }

    // Through the Import screen's preview, as the console reads a file.
    let mut import = app();
    send(&mut import, [key(KeyCode::F(7))]);
    type_text(&mut import, "devices.csv");
    send(&mut import, [key(KeyCode::Enter)]);
    import.update(Msg::Import(ImportMsg::Loaded(Ok(parsed.clone()))));
    import.update(Msg::Import(ImportMsg::TenantChecked(
        Ok(Default::default()),
    )));
    assert_eq!(import.screen(), Screen::Import);
    let preview = assert_printable_at_every_size(&import);
    assert!(preview.contains("490154203237518"), "{preview}");
    send(&mut import, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert_printable_at_every_size(&import);

    // Through the outbox into the Drafts/Outbox tab.
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::new(
        Store::open(&dir.path().join("console.db")).expect("store"),
        "sandbox",
    );
    outbox
        .enqueue(identities.clone(), format!("csv {}", HOSTILE.concat()))
        .await
        .expect("enqueue");
    let items = outbox.items().await.expect("items");
    let mut app = app();
    app.update(Msg::Outbox(OutboxMsg::Loaded {
        items,
        counts: Default::default(),
    }));
    send(&mut app, [key(KeyCode::F(4)), key(KeyCode::Char('3'))]);
    let tab = assert_printable_at_every_size(&app);
    assert!(tab.contains("490154203237518"), "{tab}");

    // The screens that show an identity: the Tenant list and its Detail.
    for identity in &mut identities {
        identity.id = Some(format!("id-{}", identity.identifier()));
    }
    check_tenant_and_detail(identities, "desc ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_descriptions_from_the_sandbox_are_drawn_printable() {
    // The documented create, which this test calls directly.
    let running = sandbox::start(
        "127.0.0.1:0".parse().expect("addr"),
        SandboxOptions {
            faults: sandbox::Faults {
                create_route: sandbox::CreateRoute::Documented,
                ..sandbox::Faults::default()
            },
            ..SandboxOptions::default()
        },
    )
    .await
    .expect("sandbox");
    let graph = GraphClient::new(
        ClientConfig::new(running.graph_url()).with_token(BearerToken::new(SANDBOX_TOKEN)),
    )
    .expect("client");
    let created = graph
        .create(&ImportedDeviceIdentity::new(
            "490154203237518",
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
        ))
        .await
        .expect("create");
    let id = created.value.identity.id.clone().expect("id");
    let patch = ImportedDeviceIdentity {
        description: Some(hostile_description()),
        ..ImportedDeviceIdentity::default()
    };
    graph
        .update(&id, &patch)
        .await
        .expect("the sandbox accepts it");

    let listed = graph.list_all(&ListQuery::default()).await.expect("list");
    assert_eq!(
        listed[0].description.as_deref(),
        Some(hostile_description().as_str())
    );
    check_tenant_and_detail(listed, "desc ");
    running.shutdown().await;
}

#[test]
fn a_megabyte_description_in_a_service_answer_is_drawn_printable() {
    // The sandbox refuses descriptions over 128 characters on write, so this
    // answer is decoded by the client's own decoder instead.
    let body = serde_json::json!({
        "value": [{
            "id": "00000000-0000-4000-8000-000000000001",
            "importedDeviceIdentifier": format!("C02{}", HOSTILE.concat()),
            "importedDeviceIdentityType": "serialNumber",
            "description": megabyte_line(),
            "platform": HOSTILE.concat(),
        }]
    });
    let page: Page<ImportedDeviceIdentity> =
        decode_success(body.to_string().as_bytes()).expect("decodes");
    check_tenant_and_detail(page.value, "big");
}
