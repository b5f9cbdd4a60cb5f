//! Logs go to a file in the log folder, never to the terminal while the TUI
//! runs. `ENROLL_CONSOLE_LOG` sets the filter (default `info`).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

pub const LOG_ENV: &str = "ENROLL_CONSOLE_LOG";
pub const LOG_FILE: &str = "enroll-console.log";

/// Starts file logging; keep the guard alive until exit so lines are flushed.
/// Logging is best effort: a folder that cannot be created or written (a
/// read-only home, another user's folder) means no log file, one warning on
/// stderr, and the program goes on.
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    let file = std::fs::create_dir_all(log_dir).and_then(|()| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log_dir.join(LOG_FILE))
    });
    let file = match file {
        Ok(file) => file,
        Err(e) => {
            eprintln!(
                "enroll-console: warning: no log file ({}: {e}); going on without one",
                log_dir.join(LOG_FILE).display()
            );
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
