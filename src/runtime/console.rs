//! Where the loop's terminal events come from, and how the terminal is lent
//! to another program (an editor) and taken back.
//!
//! crossterm's `EventStream` reads the terminal on a thread of its own, also
//! while the loop is not polling it: left alive while an editor runs, it
//! would take the editor's keystrokes. So the real console drops the stream
//! before it lends the terminal and opens a new one after.

use std::future::Future;
use std::io;

use crossterm::event::{Event, EventStream};
use futures::{Stream, StreamExt};

use crate::terminal;

/// The terminal side of the loop.
pub trait Console {
    /// The next terminal event; `None` when the input has ended.
    fn next_event(&mut self) -> impl Future<Output = Option<io::Result<Event>>>;

    /// Stops reading the terminal and puts it back as the shell had it, so
    /// another program can use it.
    fn suspend(&mut self) -> io::Result<()>;

    /// Sets the terminal up again and reads it again.
    fn resume(&mut self) -> io::Result<()>;
}

/// A given stream of events (tests, previews): nothing to lend.
pub struct StreamConsole<E> {
    events: E,
}

impl<E> StreamConsole<E> {
    pub fn new(events: E) -> Self {
        StreamConsole { events }
    }
}

impl<E> Console for StreamConsole<E>
where
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    fn next_event(&mut self) -> impl Future<Output = Option<io::Result<Event>>> {
        self.events.next()
    }

    fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn resume(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The real terminal, read through crossterm's `EventStream`.
pub struct TerminalConsole {
    /// `None` while the terminal is lent out: nothing reads stdin then.
    events: Option<EventStream>,
    mouse: bool,
}

impl TerminalConsole {
    /// Reads the terminal (already set up by `terminal::TerminalGuard`);
    /// `mouse`: capture the mouse again after a hand-off.
    pub fn new(mouse: bool) -> Self {
        TerminalConsole {
            events: Some(EventStream::new()),
            mouse,
        }
    }
}

impl Console for TerminalConsole {
    async fn next_event(&mut self) -> Option<io::Result<Event>> {
        match self.events.as_mut() {
            Some(events) => events.next().await,
            // Not reading while suspended; the loop does not ask then.
            None => std::future::pending().await,
        }
    }

    fn suspend(&mut self) -> io::Result<()> {
        // Dropping the stream stops and wakes its reader thread.
        self.events = None;
        terminal::restore()
    }

    fn resume(&mut self) -> io::Result<()> {
        terminal::set_up(self.mouse)?;
        self.events = Some(EventStream::new());
        Ok(())
    }
}
