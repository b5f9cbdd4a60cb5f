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

#[cfg(unix)]
fn terminal_lent() -> bool {
    TERMINAL_LENT.load(std::sync::atomic::Ordering::SeqCst)
}

/// Sends `Msg::Quit` when the process is asked to stop (SIGTERM, SIGHUP, and
/// SIGINT from outside, e.g. `kill -INT`: in raw mode Ctrl-C is a key; on
/// Windows the console closing or Ctrl-Break/Ctrl-C outside raw mode), so
/// the draft is saved and the terminal restored.
pub fn spawn_quit_on_signals(tx: UnboundedSender<Msg>) -> JoinHandle<()> {
    tokio::spawn(async move {
        wait_for_stop_signal().await;
        let _ = tx.send(Msg::Quit);
    })
}

#[cfg(unix)]
async fn wait_for_stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut hup), Ok(mut interrupt)) => loop {
            tokio::select! {
                _ = term.recv() => return,
                _ = hup.recv() => return,
                _ = interrupt.recv() => {
                    if !terminal_lent() {
                        return;
                    }
                }
            }
        },
        _ => std::future::pending().await,
    }
}

#[cfg(windows)]
async fn wait_for_stop_signal() {
    use tokio::signal::windows::{ctrl_c, ctrl_close};
    match (ctrl_close(), ctrl_c()) {
        (Ok(mut close), Ok(mut interrupt)) => {
            tokio::select! {
                _ = close.recv() => {}
                _ = interrupt.recv() => {}
            }
        }
        _ => std::future::pending().await,
    }
}

#[cfg(not(any(unix, windows)))]
async fn wait_for_stop_signal() {
    std::future::pending().await
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
