//! Terminal setup and restore: raw mode, the alternate screen and bracketed
//! paste on the way in; all undone on every way out — normal exit, error
//! (the guard's Drop), panic (a hook that restores, then chains to the
//! previous hook), Ctrl-C (a key in raw mode → Quit), SIGTERM and SIGHUP
//! (turned into a Quit message).

use std::io::{self, Stdout, Write, stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::app::Msg;

pub type ConsoleTerminal = Terminal<CrosstermBackend<Stdout>>;

/// Whether the terminal is currently set up by us (the panic hook restores
/// only then, so a panic elsewhere prints no escape sequences).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore() -> io::Result<()> {
    restore_to(&mut stdout())
}

/// [`restore`] writing the sequence to `out`: raw mode off, then the
/// sequence, only when the terminal is set up by us and only once.
fn restore_to(out: &mut impl Write) -> io::Result<()> {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let raw = disable_raw_mode();
    let screen = write_restore_sequence(out);
    raw.and(screen)
}

/// Bracketed paste and mouse capture off, the alternate screen left, the
/// cursor shown. Turning off what was never turned on is harmless.
fn write_restore_sequence(out: &mut impl Write) -> io::Result<()> {
    queue!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    )?;
    out.flush()
}

/// Installs (once) a panic hook that restores the terminal before the
/// previous hook prints the panic.
pub fn install_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = restore();
            previous(info);
        }));
    });
}

/// Sets the terminal up: raw mode, the alternate screen, bracketed paste,
/// and mouse capture when asked for. Also takes the terminal back after
/// another program (an editor) had it.
pub fn set_up(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = stdout();
    let entered = execute!(out, EnterAlternateScreen, EnableBracketedPaste).and_then(|()| {
        if mouse {
            execute!(out, EnableMouseCapture)
        } else {
            Ok(())
        }
    });
    if entered.is_err() {
        let _ = restore();
    }
    entered
}

/// The set-up terminal; dropping it restores the terminal.
pub struct TerminalGuard {
    terminal: ConsoleTerminal,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        TerminalGuard::enter_with(false)
    }

    /// [`TerminalGuard::enter`], with mouse capture when `mouse` is set.
    pub fn enter_with(mouse: bool) -> io::Result<TerminalGuard> {
        set_up(mouse)?;
        let entered = Terminal::new(CrosstermBackend::new(stdout()));
        match entered {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                let _ = restore();
                Err(e)
            }
        }
    }

    pub fn terminal(&mut self) -> &mut ConsoleTerminal {
        &mut self.terminal
    }

    pub fn restore(&mut self) -> io::Result<()> {
        restore()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = restore();
    }
}

/// Set while another program (the `$EDITOR` hand-off) has the terminal: an
/// interrupt then is the user's Ctrl-C for that program, not for us.
static TERMINAL_LENT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Marks the terminal as lent to another program until dropped.
pub struct LentTerminal(());

impl LentTerminal {
    pub fn mark() -> Self {
        TERMINAL_LENT.store(true, std::sync::atomic::Ordering::SeqCst);
        LentTerminal(())
    }
}

impl Drop for LentTerminal {
    fn drop(&mut self) {
        TERMINAL_LENT.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Interrupts that arrived while the terminal was not lent, counted in the
/// signal handler itself. The watcher task runs some time after a signal
/// arrives: by then the editor that a Ctrl-C stopped may have returned the
/// terminal, so the flag read at that moment would call the user's Ctrl-C
/// for the editor a request to quit. The count is taken at delivery.
#[cfg(unix)]
static OUTSIDE_INTERRUPTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts each SIGINT that arrives while the terminal is ours.
#[cfg(unix)]
#[allow(
    unsafe_code,
    reason = "registering a signal action is unsafe; the action below is async-signal-safe"
)]
fn count_outside_interrupts() -> io::Result<()> {
    // SAFETY: the action only reads and adds to atomics, which is
    // async-signal-safe; it allocates nothing and takes no lock.
    unsafe {
        signal_hook::low_level::register(signal_hook::consts::SIGINT, || {
            if !TERMINAL_LENT.load(std::sync::atomic::Ordering::SeqCst) {
                OUTSIDE_INTERRUPTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        })
    }
    .map(|_| ())
}

/// Sends `Msg::Quit` when the process is asked to stop (SIGTERM, SIGHUP, and
/// SIGINT from outside, e.g. `kill -INT`: in raw mode Ctrl-C is a key; on
/// Windows the console closing or Ctrl-Break/Ctrl-C outside raw mode), so
/// the draft is saved and the terminal restored. The listeners are in place
/// when this returns.
pub fn spawn_quit_on_signals(tx: UnboundedSender<Msg>) -> JoinHandle<()> {
    let stop = stop_signal();
    tokio::spawn(async move {
        let number = stop.await;
        STOPPED_BY.store(number, std::sync::atomic::Ordering::SeqCst);
        let _ = tx.send(Msg::Quit);
    })
}

/// The number of the signal that stopped the console (0: none).
static STOPPED_BY: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// The signal that asked the console to stop, if one did: the process then
/// exits with 128 + its number, as shells expect (143 for SIGTERM), after
/// the same clean save and restore as any other way out.
pub fn stopped_by_signal() -> Option<i32> {
    match STOPPED_BY.load(std::sync::atomic::Ordering::SeqCst) {
        0 => None,
        n => Some(n),
    }
}

/// Listens now; the future ends at the first signal that asks us to stop.
#[cfg(unix)]
fn stop_signal() -> impl std::future::Future<Output = i32> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    const SIGHUP: i32 = 1;
    const SIGINT: i32 = 2;
    const SIGTERM: i32 = 15;
    let listeners = (
        count_outside_interrupts(),
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
        signal(SignalKind::interrupt()),
    );
    async move {
        match listeners {
            (Ok(()), Ok(mut term), Ok(mut hup), Ok(mut interrupt)) => loop {
                tokio::select! {
                    _ = term.recv() => return SIGTERM,
                    _ = hup.recv() => return SIGHUP,
                    _ = interrupt.recv() => {
                        // Only those that came while the terminal was ours.
                        if OUTSIDE_INTERRUPTS.swap(0, std::sync::atomic::Ordering::SeqCst) > 0 {
                            return SIGINT;
                        }
                    }
                }
            },
            _ => std::future::pending().await,
        }
    }
}

/// On Windows there is no 128 + N convention: the exit code stays 0.
#[cfg(windows)]
fn stop_signal() -> impl std::future::Future<Output = i32> + Send + 'static {
    use tokio::signal::windows::{ctrl_c, ctrl_close};
    let listeners = (ctrl_close(), ctrl_c());
    async move {
        match listeners {
            (Ok(mut close), Ok(mut interrupt)) => {
                tokio::select! {
                    _ = close.recv() => {}
                    _ = interrupt.recv() => {}
                }
                0
            }
            _ => std::future::pending().await,
        }
    }
}

#[cfg(not(any(unix, windows)))]
fn stop_signal() -> impl std::future::Future<Output = i32> + Send + 'static {
    std::future::pending()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_restore_sequence_turns_everything_off() {
        let mut out = Vec::new();
        write_restore_sequence(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for (what, seq) in [
            ("bracketed paste off", "\u{1b}[?2004l"),
            ("mouse capture off", "\u{1b}[?1000l"),
            ("alternate screen left", "\u{1b}[?1049l"),
            ("cursor shown", "\u{1b}[?25h"),
        ] {
            assert!(text.contains(seq), "{what}: {text:?}");
        }
    }

    /// The race behind an end-to-end flake: Ctrl-C stops the editor, the
    /// editor returns the terminal, and only then does the watcher task see
    /// the signal. It was the editor's Ctrl-C, not a request to quit.
    #[cfg(unix)]
    #[tokio::test]
    async fn an_interrupt_while_the_terminal_is_lent_never_quits_however_late_it_is_seen() {
        use tokio::signal::unix::{SignalKind, signal};
        let mut probe = signal(SignalKind::interrupt()).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let watcher = spawn_quit_on_signals(tx);

        let lent = LentTerminal::mark();
        signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
        drop(lent);
        // The signal is dispatched, and the watcher has run since.
        probe.recv().await;
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert!(
            rx.try_recv().is_err(),
            "the editor's Ctrl-C quit the console"
        );

        // From outside, with the terminal ours: a quit.
        signal_hook::low_level::raise(signal_hook::consts::SIGINT).unwrap();
        let quit = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv()).await;
        assert!(matches!(quit, Ok(Some(Msg::Quit))), "{quit:?}");
        watcher.abort();
    }

    /// One test for everything that touches the process-wide flag and hook.
    #[test]
    fn restore_runs_once_when_set_up_and_the_panic_hook_restores_and_chains() {
        // Set up by us: restored once; a second call writes nothing.
        ACTIVE.store(true, Ordering::SeqCst);
        let mut out = Vec::new();
        restore_to(&mut out).unwrap();
        assert!(!out.is_empty());
        let mut again = Vec::new();
        restore_to(&mut again).unwrap();
        assert!(again.is_empty(), "restored twice");

        // A panic while set up: the hook restores, then the previous hook runs.
        static PREVIOUS_RAN: AtomicBool = AtomicBool::new(false);
        let original = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| PREVIOUS_RAN.store(true, Ordering::SeqCst)));
        install_panic_hook();
        ACTIVE.store(true, Ordering::SeqCst);
        let caught = std::panic::catch_unwind(|| panic!("a bug"));
        let restored = !ACTIVE.load(Ordering::SeqCst);
        let chained = PREVIOUS_RAN.load(Ordering::SeqCst);
        std::panic::set_hook(original);
        assert!(caught.is_err());
        assert!(restored, "the panic hook did not restore the terminal");
        assert!(chained, "the previous panic hook did not run");
    }
}
