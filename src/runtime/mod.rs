//! The one event loop: app messages (results of background work) before
//! input, one redraw after the queue is drained, a tick only while something
//! animates. Effects run as tokio tasks that report back as messages.

pub mod console;
pub mod editor;
mod effects;
mod import_effects;
mod ledger_effects;
mod mouse;
mod outbox_effects;
mod recent_live;
mod scan_effects;
pub mod services;
pub mod sign_in;
pub mod tenant;
mod tenant_client;

use std::io;
use std::time::Duration;

use crossterm::event::Event;
use futures::Stream;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::Rect;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::MissedTickBehavior;

pub use console::{Console, StreamConsole, TerminalConsole};
pub use editor::Editor;
pub use effects::now;
pub use import_effects::save_report;
pub use mouse::{help_fits_message, mouse_message};
pub use services::{LocalStore, Services, SubmitService};
pub use sign_in::{SignInDone, SignInService};
pub use tenant::{Clipboard, TenantService};
pub use tenant_client::TenantClient;

use crate::app::{App, EditorEffect, EditorMsg, Effect, Msg, ScanMsg, SessionInfo, TICK_MS};
use crate::outbox::{Outbox, Syncer};
use crate::screens;
use crate::session::Session;
use crate::store::{ProfileFact, Store};
use crate::terminal;
use crate::widgets::Theme;
use effects::EffectRunner;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("could not set up the terminal: {0}")]
    Terminal(#[source] io::Error),
    #[error("could not draw the screen: {0}")]
    Draw(String),
    #[error("could not read from the terminal: {0}")]
    Input(#[source] io::Error),
}

/// Opens the console on the terminal and runs it until the user quits;
/// the terminal is restored on every way out.
pub async fn run(session: Session) -> Result<(), RunError> {
    let info = SessionInfo::from_session(&session);
    let Session {
        submitter,
        store,
        profile,
        person_login,
        paths,
        ..
    } = session;
    if let Ok(true) = store.knows(ProfileFact::CreateUnusable, &profile) {
        submitter.remember_create_route_missing();
    }
    // The session has already read the file and refused a bad one.
    let config = crate::config::Config::load(&info.paths.config_file()).unwrap_or_default();
    let color = config
        .color
        .use_color(std::env::var_os("NO_COLOR").as_deref());
    // crossterm drops colours by itself when NO_COLOR is set; the setting
    // decides instead (`color = "always"` overrides NO_COLOR).
    crossterm::style::force_color_output(color);
    let stale_days = config
        .stale_days
        .unwrap_or(crate::tenant::DEFAULT_STALE_DAYS);
    // Checked with the rest of the file; the defaults if it changed since.
    let keymap = config.keymap().unwrap_or_else(|e| {
        tracing::error!("keys: {e}; using the default keys");
        crate::keymap::Keymap::default()
    });
    let mut app = App::new(info)
        .with_keymap(keymap)
        .with_theme(Theme::for_terminal(color, config.theme))
        .with_stale_days(stale_days)
        .with_sign_in(person_login.is_some())
        .with_browser_sign_in(
            person_login
                .as_ref()
                .is_some_and(|l| l.flow == crate::auth::Flow::Browser),
        );
    let client = submitter.client().clone();
    // Drafts and the outbox use a connection of their own to the same file.
    let outbox = match Store::open(&paths.store_file()) {
        Ok(outbox_store) => Some(Syncer::new(
            Outbox::new(outbox_store, profile.clone()),
            &submitter,
        )),
        Err(e) => {
            tracing::error!("drafts and the outbox are unavailable: {e}");
            None
        }
    };
    let mut services = Services::new(submitter, store).with_tenant(TenantClient::new(client));
    if let Some(syncer) = outbox {
        services = services.with_outbox(syncer);
    }
    if let Some(login) = person_login {
        services = services.with_sign_in(login);
    }

    terminal::install_panic_hook();
    let mut guard =
        terminal::TerminalGuard::enter_with(config.mouse).map_err(RunError::Terminal)?;
    let (tx, rx) = unbounded_channel();
    let signals = terminal::spawn_quit_on_signals(tx.clone());
    let result = run_console(
        guard.terminal(),
        &mut app,
        TerminalConsole::new(config.mouse),
        Editor::from_env(),
        services,
        tx,
        rx,
    )
    .await;
    signals.abort();
    let restored = guard.restore();
    result?;
    restored.map_err(RunError::Terminal)
}

/// The message for a terminal event, with `app` drawn on `area` now. A
/// resize needs none: the next draw lays the screen out anew.
fn message_for(event: Event, app: &App, area: Rect) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Mouse(mouse) => mouse_message(app, area, mouse),
        _ => None,
    }
}

/// Keys reach scan mode with the time they arrived (update reads no clock).
fn stamp(msg: Msg, app: &App, started: std::time::Instant) -> Msg {
    match msg {
        Msg::Key(key) if app.wants_key_times() => Msg::Scan(ScanMsg::Key {
            key,
            at_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        }),
        other => other,
    }
}

/// Draws the app; returns the area drawn on (the terminal's size).
fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &App) -> Result<Rect, RunError> {
    terminal
        .draw(|frame| screens::draw(frame, app))
        .map(|drawn| drawn.area)
        .map_err(|e| RunError::Draw(e.to_string()))
}

/// Applies one message and starts its effects, except an editor hand-off,
/// which is left in `hand_off` for the loop. Returns whether to quit.
fn dispatch(
    app: &mut App,
    runner: &mut EffectRunner,
    msg: Msg,
    hand_off: &mut Option<String>,
) -> bool {
    let updated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app.update(msg)));
    let effects = match updated {
        Ok(effects) => effects,
        Err(panic) => {
            // Nothing typed is lost, even now.
            runner.save_draft_now(&app.form().draft_fields());
            std::panic::resume_unwind(panic);
        }
    };
    let mut quit = false;
    for effect in effects {
        match effect {
            Effect::Editor(EditorEffect::Open { text }) => *hand_off = Some(text),
            other => quit |= runner.run(other),
        }
    }
    quit
}

/// Blanks the terminal and forgets the last frame, so the next draw paints
/// everything (after another program used the screen). Not
/// `Terminal::clear`: it asks the terminal for the cursor position, and the
/// answer is lost to a wake-up that the dropped event stream leaves behind.
fn redraw_all<B: Backend>(terminal: &mut Terminal<B>) -> Result<(), B::Error> {
    terminal
        .backend_mut()
        .clear_region(ratatui::backend::ClearType::All)?;
    // The frame on screen becomes the one to draw into (blank), and the
    // reset one the previous: the next diff is against a blank screen.
    terminal.swap_buffers();
    Ok(())
}

/// Runs the console on any backend with any stream of terminal events until
/// the app quits or the input ends. `tx`/`rx` is the app's message channel;
/// other senders (signal handlers, tests) may hold clones of `tx`.
pub async fn run_loop<B, E>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: E,
    services: Services,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
) -> Result<(), RunError>
where
    B: Backend,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    let console = StreamConsole::new(events);
    run_console(terminal, app, console, Editor::default(), services, tx, rx).await
}

/// How often the loop wakes while Recent is open (see `app::recent::live`).
const HEARTBEAT_SECS: u64 = 5;

/// [`run_loop`] on a [`Console`] that can lend the terminal to `editor`.
pub async fn run_console<B, C>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut console: C,
    editor: Editor,
    services: Services,
    tx: UnboundedSender<Msg>,
    mut rx: UnboundedReceiver<Msg>,
) -> Result<(), RunError>
where
    B: Backend,
    C: Console,
{
    let mut runner = EffectRunner::new(services, tx);
    let mut quit = false;
    for effect in app.startup_effects() {
        quit |= runner.run(effect);
    }
    let started = std::time::Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_millis(TICK_MS));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    // While Recent is open the loop wakes now and then, so the app sees the
    // time pass and refreshes the live state when it is due.
    let mut heartbeat = tokio::time::interval(Duration::from_secs(HEARTBEAT_SECS));
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let outcome = 'run: loop {
        if quit || app.should_quit() {
            break Ok(());
        }
        // Input is read against the screen as drawn: a click is found on it.
        let area = match draw(terminal, app) {
            Ok(area) => area,
            Err(e) => break Err(e),
        };
        if let Some(fits) = help_fits_message(app, area) {
            quit |= dispatch(app, &mut runner, fits, &mut None);
        }
        let animating = app.is_animating();
        let msg = tokio::select! {
            biased;
            Some(msg) = rx.recv() => Some(msg),
            event = console.next_event() => match event {
                Some(Ok(event)) => message_for(event, app, area).map(|m| stamp(m, app, started)),
                Some(Err(e)) => break Err(RunError::Input(e)),
                None => break Ok(()),
            },
            _ = ticker.tick(), if animating => Some(Msg::Tick),
            _ = heartbeat.tick(), if app.recent_open() => None,
        };
        // The wall time first, for the messages this batch may set.
        let mut pending = vec![Msg::Clock(now())];
        pending.extend(msg);
        while let Ok(more) = rx.try_recv() {
            pending.push(more);
        }
        let mut hand_off = None;
        for msg in pending {
            quit |= dispatch(app, &mut runner, msg, &mut hand_off);
        }
        while let Some(text) = hand_off.take().filter(|_| !quit) {
            // Nothing is drawn and no input is read until the editor ends;
            // messages that arrive meanwhile wait in the channel.
            let edited = match editor::edit(&mut console, &editor, &text).await {
                Ok(edited) => edited,
                Err(e) => break 'run Err(RunError::Terminal(e)),
            };
            if let Err(e) = redraw_all(terminal) {
                break 'run Err(RunError::Draw(e.to_string()));
            }
            // Applied before what arrived meanwhile: a quit that waits
            // saves the draft with the edited text.
            let result = Msg::Editor(EditorMsg::Finished(edited.map_err(|e| e.to_string())));
            quit |= dispatch(app, &mut runner, result, &mut hand_off);
        }
    };
    runner.abort_all();
    outcome
}
