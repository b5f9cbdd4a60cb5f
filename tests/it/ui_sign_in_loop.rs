//! The real run loop with fake services: the service refuses the sign-in,
//! the Sign-in screen runs the (fake) device code flow, `c` copies the code
//! through the session's clipboard, and Esc stops the flow. (Approval is
//! covered by the state tests and, with the real outbox, end to end in tmux.)

use crate::ui_support;

use std::io;
use std::sync::{Arc, Mutex};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use enroll_console::app::{Screen, SignInCode, SignInMsg};
use enroll_console::domain::ImportedDeviceIdentity;
use enroll_console::graph::{GraphError, SubmitOutcome, UsedMethod};
use enroll_console::runtime::sign_in::{ProgressSink, SignInDone};
use enroll_console::runtime::{
    Clipboard, LocalStore, Services, SignInService, SubmitService, run_loop,
};
use enroll_console::screens::buffer_to_string;
use enroll_console::store::{ProfileFact, RecentEntry, StoreError};
use futures::channel::mpsc as input;
use futures::future::BoxFuture;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::{Notify, mpsc};
use ui_support::*;

/// Refuses the first submission with 401, creates afterwards.
struct RefusesOnce {
    calls: Mutex<u32>,
    started: mpsc::UnboundedSender<String>,
}

impl SubmitService for RefusesOnce {
    fn submit<'a>(
        &'a self,
        identity: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<SubmitOutcome, GraphError>> {
        Box::pin(async move {
            let first = {
                let mut calls = self.calls.lock().unwrap();
                *calls += 1;
                *calls == 1
            };
            let _ = self.started.send(identity.identifier().to_string());
            if first {
                return Err(GraphError::SignIn {
                    message: "not signed in to profile \"p\"".into(),
                });
            }
            Ok(outcome(
                created_result(
                    identity.identifier(),
                    "0f0e0d0c-0b0a-4909-8807-060504030201",
                ),
                UsedMethod::Create,
            ))
        })
    }

    fn find_existing<'a>(
        &'a self,
        _identity: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<Option<ImportedDeviceIdentity>, GraphError>> {
        Box::pin(async { Ok(None) })
    }
}

struct NoStore;

impl LocalStore for NoStore {
    fn recent(&self, _limit: usize) -> Result<Vec<RecentEntry>, StoreError> {
        Ok(Vec::new())
    }
    fn record_recent(&self, _entry: &RecentEntry) -> Result<(), StoreError> {
        Ok(())
    }
    fn learn(&self, _fact: ProfileFact, _profile: &str) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Shows a code, then waits until the test approves.
struct FakeSignIn {
    shown: mpsc::UnboundedSender<()>,
    approve: Arc<Notify>,
}

struct FakeClipboard(Arc<Mutex<Vec<String>>>);

impl Clipboard for FakeClipboard {
    fn copy(&self, text: &str) -> Result<(), String> {
        self.0.lock().unwrap().push(text.to_string());
        Ok(())
    }
}

impl SignInService for FakeSignIn {
    fn sign_in(&self, report: ProgressSink) -> BoxFuture<'_, Result<SignInDone, String>> {
        Box::pin(async move {
            report(SignInMsg::CodeReady(SignInCode {
                user_code: "CODE1234".into(),
                verification_uri: "https://microsoft.com/devicelogin".into(),
                expires_in: 900,
            }));
            let _ = self.shown.send(());
            self.approve.notified().await;
            Ok(SignInDone {
                account: Some("ana@contoso.test".into()),
                stored: Some("Tokens are kept in the test keychain.".into()),
            })
        })
    }
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, modifiers)))
}

#[tokio::test]
async fn the_sign_in_flow_runs_copies_and_cancels() {
    let (keys, events) = input::unbounded();
    let (started_tx, mut started) = mpsc::unbounded_channel();
    let (shown_tx, mut shown) = mpsc::unbounded_channel();
    let approve = Arc::new(Notify::new());
    let copied = Arc::new(Mutex::new(Vec::new()));
    let services = Services::new(
        RefusesOnce {
            calls: Mutex::new(0),
            started: started_tx,
        },
        NoStore,
    )
    .with_sign_in(FakeSignIn {
        shown: shown_tx,
        approve: approve.clone(),
    })
    .with_clipboard(FakeClipboard(copied.clone()));
    let mut app = app().with_sign_in(true);
    let Ok(mut terminal) = Terminal::new(TestBackend::new(80, 24));
    let key = |code, m| {
        let _ = keys.unbounded_send(press(code, m));
    };
    for c in "490154203237518".chars() {
        key(KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let (tx, rx) = mpsc::unbounded_channel();
    let driver = async {
        let first = started.recv().await;
        shown.recv().await;
        key(KeyCode::Char('c'), KeyModifiers::NONE);
        // Approve only once the code was copied (results go before keys).
        while copied.lock().unwrap().is_empty() {
            tokio::task::yield_now().await;
        }
        key(KeyCode::Esc, KeyModifiers::NONE);
        key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        first
    };
    let (result, first) = tokio::join!(
        run_loop(&mut terminal, &mut app, events, services, tx, rx),
        driver
    );
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(first.as_deref(), Some("490154203237518"));
    assert_eq!(*copied.lock().unwrap(), vec!["CODE1234".to_string()]);
    assert_eq!(app.screen(), Screen::Form);
    assert!(app.sign_in().is_none());
    let screen = buffer_to_string(terminal.backend().buffer());
    assert!(screen.contains("Sign-in cancelled"), "{screen}");
}
