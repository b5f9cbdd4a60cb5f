//! The real run loop (TestBackend, a channel of keys) with the real outbox
//! against the sandbox: a submission made offline is queued, going online
//! sends it, and the form typed afterwards is saved as a draft on Ctrl-C.

use crate::ui_support;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use enroll_console::app::App;
use enroll_console::graph::{BearerToken, ClientConfig, GraphClient, SubmitMethod, Submitter};
use enroll_console::outbox::{Outbox, Syncer};
use enroll_console::runtime::{Services, run_loop};
use enroll_console::sandbox::{self, SANDBOX_TOKEN, SandboxOptions};
use enroll_console::screens::buffer_to_string;
use enroll_console::store::{ItemState, Store};
use futures::channel::mpsc as input;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use ui_support::*;

fn press(code: KeyCode, modifiers: KeyModifiers) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, modifiers)))
}

/// Waits (bounded) until `done` holds.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..2000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_then_online_sends_the_outbox_and_ctrl_c_keeps_the_draft() {
    let running = sandbox::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxOptions::default(),
    )
    .await
    .unwrap();
    let client = GraphClient::new(
        ClientConfig::new(running.graph_url()).with_token(BearerToken::new(SANDBOX_TOKEN)),
    )
    .unwrap();
    let submitter = Submitter::new(client, SubmitMethod::Auto);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("console.db");
    let outbox = Outbox::new(Store::open(&db).unwrap(), "sandbox");
    let services = Services::new(submitter.clone(), Store::open(&db).unwrap())
        .with_outbox(Syncer::new(outbox.clone(), &submitter));
    let mut session = info();
    session.offline = true;
    let mut app = App::new(session);
    let Ok(mut terminal) = Terminal::new(TestBackend::new(100, 24));
    let (keys, events) = input::unbounded();
    let (tx, rx) = mpsc::unbounded_channel();
    let key = |code, m| {
        let _ = keys.unbounded_send(press(code, m));
    };
    let type_text = |text: &str| {
        for c in text.chars() {
            key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    };
    let check = outbox.clone();
    let items = move || {
        let check = check.clone();
        std::thread::spawn(move || {
            check
                .with_store_now(|s, p| s.outbox_items(Some(p)))
                .unwrap_or_default()
        })
        .join()
        .unwrap_or_default()
    };
    let driver = async {
        type_text("LOOPSERIAL01");
        key(KeyCode::Char('s'), KeyModifiers::CONTROL);
        until("the queued item", || {
            items().iter().any(|i| i.state == ItemState::Queued)
        })
        .await;
        assert_eq!(running.identity_count(), 0, "nothing is sent while offline");
        key(KeyCode::Char('o'), KeyModifiers::CONTROL);
        until("the item to be created", || {
            items().iter().any(|i| i.state == ItemState::Created)
        })
        .await;
        type_text("HALFTYPED");
        key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    };
    let (result, ()) = tokio::join!(
        run_loop(&mut terminal, &mut app, events, services, tx, rx),
        driver
    );
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(running.identity_count(), 1);
    let all = items();
    let created = all.iter().find(|i| i.state == ItemState::Created).unwrap();
    assert_eq!(created.identifier, "LOOPSERIAL01");
    assert!(created.service_id.is_some());
    let draft = all
        .iter()
        .find(|i| i.state == ItemState::Draft)
        .expect("a draft");
    assert_eq!(
        draft.form.as_ref().map(|f| f.identifier.as_str()),
        Some("HALFTYPED")
    );
    let screen = buffer_to_string(terminal.backend().buffer());
    assert!(!screen.contains("OFFLINE"), "{screen}");
}

/// Quitting while the form's submission is in flight: its request may have
/// been applied, so the item goes to the outbox with an unknown outcome (to
/// be checked before it is sent again), and no draft of it is left behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_in_flight_at_quit_goes_to_the_outbox_as_unknown_outcome() {
    let running = sandbox::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxOptions {
            faults: sandbox::Faults {
                latency_ms: 60_000,
                ..sandbox::Faults::default()
            },
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap();
    let client = GraphClient::new(
        ClientConfig::new(running.graph_url()).with_token(BearerToken::new(SANDBOX_TOKEN)),
    )
    .unwrap();
    let submitter = Submitter::new(client, SubmitMethod::Create);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("console.db");
    let outbox = Outbox::new(Store::open(&db).unwrap(), "sandbox");
    let services = Services::new(submitter.clone(), Store::open(&db).unwrap())
        .with_outbox(Syncer::new(outbox.clone(), &submitter));
    let mut app = App::new(info());
    let Ok(mut terminal) = Terminal::new(TestBackend::new(100, 24));
    let (keys, events) = input::unbounded();
    let (tx, rx) = mpsc::unbounded_channel();
    let key = |code, m| {
        let _ = keys.unbounded_send(press(code, m));
    };
    let check = outbox.clone();
    let items = move || {
        let check = check.clone();
        std::thread::spawn(move || {
            check
                .with_store_now(|s, p| s.outbox_items(Some(p)))
                .unwrap_or_default()
        })
        .join()
        .unwrap_or_default()
    };
    let driver = async {
        for c in "INFLIGHT0001".chars() {
            key(KeyCode::Char(c), KeyModifiers::NONE);
        }
        key(KeyCode::Char('s'), KeyModifiers::CONTROL);
        until("the item to be sending", || {
            items().iter().any(|i| i.state == ItemState::Sending)
        })
        .await;
        key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    };
    let (result, ()) = tokio::join!(
        run_loop(&mut terminal, &mut app, events, services, tx, rx),
        driver
    );
    assert!(result.is_ok(), "{result:?}");
    let all = items();
    assert_eq!(all.len(), 1, "one item, no extra draft: {all:#?}");
    let item = &all[0];
    assert_eq!(item.identifier, "INFLIGHT0001");
    assert_eq!(item.state, ItemState::Queued);
    assert!(item.unknown_outcome, "{item:#?}");
    assert_eq!(item.lease_owner, None);
}
