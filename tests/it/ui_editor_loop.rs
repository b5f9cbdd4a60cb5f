//! The editor hand-off through the real loop (TestBackend, a channel of
//! keys) with small shell scripts as the editor, and the hand-off itself:
//! the terminal is lent before the editor starts and taken back after it
//! ends, whatever the editor did.

use crate::ui_support;

use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use enroll_console::domain::ImportedDeviceIdentity;
use enroll_console::graph::{GraphError, SubmitOutcome};
use enroll_console::runtime::editor::{self, EditorError};
use enroll_console::runtime::{
    Console, Editor, Services, StreamConsole, SubmitService, run_console,
};
use enroll_console::screens::buffer_to_string;
use enroll_console::store::Store;
use futures::channel::mpsc as input;
use futures::future::BoxFuture;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use ui_support::*;

/// Nothing is submitted in these tests.
struct NoSubmissions;

impl SubmitService for NoSubmissions {
    fn submit<'a>(
        &'a self,
        _identity: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<SubmitOutcome, GraphError>> {
        Box::pin(std::future::pending())
    }
    fn find_existing<'a>(
        &'a self,
        _identity: &'a ImportedDeviceIdentity,
    ) -> BoxFuture<'a, Result<Option<ImportedDeviceIdentity>, GraphError>> {
        Box::pin(async { Ok(None) })
    }
}

/// A script in `dir` run by `sh`, as the editor command.
fn script(dir: &Path, body: &str) -> Editor {
    let path = dir.join("editor.sh");
    std::fs::write(&path, body).expect("write the editor script");
    Editor::command(&format!("sh '{}'", path.display()))
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, modifiers)))
}

/// Types an identifier and the description `start`, presses Ctrl-E, types
/// `!` and quits; returns the description and the last screen.
async fn round_trip(editor: Editor) -> (String, String, Option<String>) {
    let services = Services::new(NoSubmissions, Store::open_in_memory().expect("store"));
    let mut app = app();
    let Ok(mut terminal) = Terminal::new(TestBackend::new(100, 24));
    let (keys, events) = input::unbounded();
    let send = |code, m| {
        let _ = keys.unbounded_send(press(code, m));
    };
    for c in "490154203237518".chars() {
        send(KeyCode::Char(c), KeyModifiers::NONE);
    }
    for _ in 0..4 {
        send(KeyCode::Tab, KeyModifiers::NONE);
    }
    for c in "start".chars() {
        send(KeyCode::Char(c), KeyModifiers::NONE);
    }
    send(KeyCode::BackTab, KeyModifiers::SHIFT);
    send(KeyCode::Char('e'), KeyModifiers::CONTROL);
    // Read only after the editor has ended: nothing reads input meanwhile.
    send(KeyCode::Char('!'), KeyModifiers::NONE);
    send(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let (tx, rx) = mpsc::unbounded_channel();
    let console = StreamConsole::new(events);
    let result = run_console(&mut terminal, &mut app, console, editor, services, tx, rx).await;
    assert!(result.is_ok(), "{result:?}");
    let screen = buffer_to_string(terminal.backend().buffer());
    let status = app.status().map(|s| s.text.clone());
    (app.form().description.value().to_string(), screen, status)
}

#[tokio::test]
async fn the_editor_text_comes_back_into_the_description() {
    let dir = tempfile::tempdir().expect("temp dir");
    let editor = script(dir.path(), "printf ' appended by editor\\n' >> \"$1\"\n");
    let (description, screen, _) = round_trip(editor).await;
    assert_eq!(description, "start appended by editor!");
    assert!(screen.contains("start appended by editor!"), "{screen}");
    // The screen was blanked for the editor and drawn again in full: also
    // what did not change since.
    for unchanged in [
        "New device identity",
        "490154203237518",
        "Ctrl-S submit",
        "SANDBOX",
    ] {
        assert!(
            screen.contains(unchanged),
            "{unchanged:?} missing:\n{screen}"
        );
    }
}

#[tokio::test]
async fn a_failing_editor_keeps_the_description_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let editor = script(dir.path(), "echo changed > \"$1\"\nexit 3\n");
    let (description, screen, status) = round_trip(editor).await;
    assert_eq!(description, "start!");
    let status = status.unwrap_or_default();
    assert!(status.contains("Description unchanged"), "{status}");
    assert!(status.contains("sh ended (exit status: 3)"), "{status}");
    // An error stays in the status bar until the next key; the `!` typed
    // after the editor cleared it from the screen, not from the log.
    assert!(!screen.contains("Description unchanged"), "{screen}");
}

#[tokio::test]
async fn a_missing_editor_keeps_the_description_and_says_so() {
    let editor = Editor::command("enroll-console-no-such-editor --wait");
    let (description, _, status) = round_trip(editor).await;
    assert_eq!(description, "start!");
    let status = status.unwrap_or_default();
    assert!(status.contains("not found"), "{status}");
    assert!(status.contains("enroll-console-no-such-editor"), "{status}");
}

/// Records the hand-off's steps; the editor script adds its own.
struct RecordingConsole {
    log: Arc<Mutex<Vec<String>>>,
}

impl Console for RecordingConsole {
    async fn next_event(&mut self) -> Option<io::Result<Event>> {
        None
    }
    fn suspend(&mut self) -> io::Result<()> {
        self.log
            .lock()
            .map_err(|_| io::ErrorKind::Other)?
            .push("suspend".into());
        Ok(())
    }
    fn resume(&mut self) -> io::Result<()> {
        self.log
            .lock()
            .map_err(|_| io::ErrorKind::Other)?
            .push("resume".into());
        Ok(())
    }
}

#[tokio::test]
async fn the_terminal_is_lent_for_the_editor_and_taken_back_even_when_it_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let marker = dir.path().join("ran");
    let body = format!(
        "cat \"$1\" > '{m}'\nprintf 'new text' > \"$1\"\nexit ${{EXIT_CODE:-0}}\n",
        m = marker.display()
    );
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut console = RecordingConsole {
        log: Arc::clone(&log),
    };

    let ok = script(dir.path(), &body);
    let edited = editor::edit(&mut console, &ok, "old text").await;
    assert_eq!(
        edited.ok().and_then(Result::ok).as_deref(),
        Some("new text")
    );
    // The editor saw the old text, exactly (no line break added).
    assert_eq!(
        std::fs::read_to_string(&marker).ok().as_deref(),
        Some("old text")
    );

    let failing = script(dir.path(), &body.replace("${EXIT_CODE:-0}", "1"));
    let edited = editor::edit(&mut console, &failing, "old text").await;
    assert!(
        matches!(edited, Ok(Err(EditorError::Failed { .. }))),
        "{edited:?}"
    );
    // A file the editor removed, or left as bytes that are not text.
    for (body, what) in [
        ("rm \"$1\"\n", "removed"),
        ("printf '\\377' > \"$1\"\n", "not UTF-8"),
    ] {
        let edited = editor::edit(&mut console, &script(dir.path(), body), "old").await;
        assert!(
            matches!(edited, Ok(Err(EditorError::Unreadable(_)))),
            "{what}: {edited:?}"
        );
    }
    // A command that cannot be split never lends the terminal.
    let edited = editor::edit(&mut console, &Editor::command("vim 'open"), "x").await;
    assert!(
        matches!(edited, Ok(Err(EditorError::BadCommand(..)))),
        "{edited:?}"
    );
    let steps = log.lock().map(|l| l.clone()).unwrap_or_default();
    assert_eq!(steps, ["suspend", "resume"].repeat(4));
}

/// Waits (bounded, without a fixed delay) until `path` exists.
async fn until_exists(path: &Path) {
    for _ in 0..2000 {
        if path.exists() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{} never appeared", path.display());
}

#[tokio::test]
async fn a_quit_that_arrives_while_the_editor_runs_saves_the_edited_text() {
    use enroll_console::app::Msg;
    use enroll_console::graph::{ClientConfig, GraphClient, SubmitMethod, Submitter};
    use enroll_console::outbox::{Outbox, Syncer};
    use enroll_console::store::ItemState;

    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("console.db");
    // Never reached: nothing is sent.
    let client = GraphClient::new(ClientConfig::new("http://127.0.0.1:9")).expect("client");
    let submitter = Submitter::new(client, SubmitMethod::Auto);
    let outbox = Outbox::new(Store::open(&db).expect("store"), "sandbox");
    let services = Services::new(NoSubmissions, Store::open(&db).expect("store"))
        .with_outbox(Syncer::new(outbox.clone(), &submitter));
    // The editor says it runs, then waits for the test's go-ahead.
    let started = dir.path().join("started");
    let go = dir.path().join("go");
    let editor = script(
        dir.path(),
        &format!(
            "touch '{s}'\nwhile [ ! -e '{g}' ]; do sleep 0.01; done\nprintf ' edited' >> \"$1\"\n",
            s = started.display(),
            g = go.display()
        ),
    );
    let mut app = app();
    let Ok(mut terminal) = Terminal::new(TestBackend::new(100, 24));
    let (keys, events) = input::unbounded();
    let send = |code, m| {
        let _ = keys.unbounded_send(press(code, m));
    };
    for c in "SERIAL0001".chars() {
        send(KeyCode::Char(c), KeyModifiers::NONE);
    }
    for _ in 0..4 {
        send(KeyCode::Tab, KeyModifiers::NONE);
    }
    for c in "start".chars() {
        send(KeyCode::Char(c), KeyModifiers::NONE);
    }
    send(KeyCode::Char('e'), KeyModifiers::CONTROL);
    let (tx, rx) = mpsc::unbounded_channel();
    let signal = tx.clone();
    let driver = async {
        until_exists(&started).await;
        // As SIGTERM would: the quit waits in the channel.
        let _ = signal.send(Msg::Quit);
        std::fs::write(&go, "").expect("go-ahead");
    };
    let console = StreamConsole::new(events);
    let (result, ()) = tokio::join!(
        run_console(&mut terminal, &mut app, console, editor, services, tx, rx),
        driver
    );
    assert!(result.is_ok(), "{result:?}");
    assert!(app.should_quit());
    let items = outbox
        .with_store_now(|s, p| s.outbox_items(Some(p)))
        .expect("outbox items");
    let draft = items
        .iter()
        .find(|i| i.state == ItemState::Draft)
        .unwrap_or_else(|| panic!("no draft: {items:?}"));
    assert_eq!(
        draft.form.as_ref().map(|f| f.description.as_str()),
        Some("start edited")
    );
}
