//! The editor hand-off: the text in a temporary file, the terminal lent to
//! `$VISUAL` or `$EDITOR` (else a platform default) until it exits, and the
//! file's text back.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitStatus;

use super::console::Console;

/// The editor used when neither `$VISUAL` nor `$EDITOR` is set.
#[cfg(windows)]
pub const DEFAULT_EDITOR: &str = "notepad";
#[cfg(not(windows))]
pub const DEFAULT_EDITOR: &str = "vi";

/// Why no text came back; the message is for the status bar.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("$VISUAL/$EDITOR {0:?} is not a command: {1}")]
    BadCommand(String, String),
    #[error("editor {0} not found (set $VISUAL or $EDITOR)")]
    NotFound(String),
    #[error("could not start editor {0}: {1}")]
    Start(String, #[source] io::Error),
    #[error("{program} ended ({status})")]
    Failed { program: String, status: ExitStatus },
    #[error("could not prepare a file for the editor: {0}")]
    TempFile(#[source] io::Error),
    #[error("could not read the edited file: {0}")]
    Unreadable(#[source] io::Error),
}

/// Which editor to run: a command line as a shell would split it
/// (`code --wait`, `vim -u NONE`), or the platform default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Editor {
    command: Option<String>,
}

impl Editor {
    /// `$VISUAL`, else `$EDITOR` (empty values do not count).
    pub fn from_env() -> Self {
        Editor::choose(std::env::var_os("VISUAL"), std::env::var_os("EDITOR"))
    }

    /// The first non-empty of `visual` and `editor`.
    pub fn choose(visual: Option<OsString>, editor: Option<OsString>) -> Self {
        let command = [visual, editor]
            .into_iter()
            .flatten()
            .map(|v| v.to_string_lossy().into_owned())
            .find(|v| !v.trim().is_empty());
        Editor { command }
    }

    /// A given command line.
    pub fn command(line: &str) -> Self {
        Editor {
            command: Some(line.to_string()),
        }
    }

    /// The program and its arguments.
    pub fn words(&self) -> Result<Vec<String>, EditorError> {
        let Some(line) = &self.command else {
            return Ok(vec![DEFAULT_EDITOR.to_string()]);
        };
        // A path with spaces and backslashes, e.g. C:\Program Files\…\x.exe.
        if cfg!(windows) && Path::new(line.trim()).is_file() {
            return Ok(vec![line.trim().to_string()]);
        }
        let words = shell_words::split(line)
            .map_err(|e| EditorError::BadCommand(line.clone(), e.to_string()))?;
        if words.is_empty() {
            return Err(EditorError::BadCommand(line.clone(), "it is empty".into()));
        }
        Ok(words)
    }
}

/// Runs the editor on `text`, with the terminal lent to it; returns the
/// file's text, or why there is none. The outer error: the terminal could
/// not be taken back (the console cannot go on).
pub async fn edit<C: Console>(
    console: &mut C,
    editor: &Editor,
    text: &str,
) -> io::Result<Result<String, EditorError>> {
    let words = match editor.words() {
        Ok(words) => words,
        Err(e) => return Ok(Err(e)),
    };
    let path = match write_temp_file(text) {
        Ok(path) => path,
        Err(e) => return Ok(Err(EditorError::TempFile(e))),
    };
    console.suspend()?;
    let status = run(&words, &path).await;
    console.resume()?;
    Ok(status.and_then(|()| read_back(&path)))
}

/// The text in a new temporary file, closed (editors that save by
/// replacing the file work too); removed when the returned path is dropped.
fn write_temp_file(text: &str) -> io::Result<tempfile::TempPath> {
    let mut file = tempfile::Builder::new()
        .prefix("enroll-console-description-")
        .suffix(".txt")
        .tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    Ok(file.into_temp_path())
}

/// Starts the editor on `path` and waits for it (its stdio is the terminal).
async fn run(words: &[String], path: &Path) -> Result<(), EditorError> {
    let Some((program, args)) = words.split_first() else {
        return Err(EditorError::BadCommand(String::new(), "it is empty".into()));
    };
    // Messages name the program by its file name (the status bar is short).
    let name = Path::new(program)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| program.clone());
    let _interrupts = ignore_interrupts();
    let _lent = crate::terminal::LentTerminal::mark();
    let status = tokio::process::Command::new(program)
        .args(args)
        .arg(path)
        .status()
        .await
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => EditorError::NotFound(name.clone()),
            _ => EditorError::Start(name.clone(), e),
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(EditorError::Failed {
            program: name,
            status,
        })
    }
}

fn read_back(path: &Path) -> Result<String, EditorError> {
    let bytes = std::fs::read(path).map_err(EditorError::Unreadable)?;
    String::from_utf8(bytes).map_err(|e| {
        EditorError::Unreadable(io::Error::new(io::ErrorKind::InvalidData, e.utf8_error()))
    })
}

/// While the editor runs the terminal is not in raw mode: Ctrl-C there
/// interrupts the whole foreground group. Like git, the console lets the
/// editor handle it and does not stop (the returned listener takes it).
#[cfg(unix)]
fn ignore_interrupts() -> Option<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok()
}

#[cfg(not(unix))]
fn ignore_interrupts() -> Option<()> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visual_wins_over_editor_and_empty_values_do_not_count() {
        let os = |s: &str| Some(OsString::from(s));
        assert_eq!(
            Editor::choose(os("code --wait"), os("vim")),
            Editor::command("code --wait")
        );
        assert_eq!(Editor::choose(os(" "), os("vim")), Editor::command("vim"));
        assert_eq!(Editor::choose(None, None), Editor::default());
    }

    #[test]
    fn the_command_is_split_like_a_shell_would() {
        let words = |line: &str| Editor::command(line).words().ok();
        assert_eq!(
            words("code --wait"),
            Some(vec!["code".into(), "--wait".into()])
        );
        assert_eq!(
            words("'/opt/my editor/ed' -u NONE"),
            Some(vec!["/opt/my editor/ed".into(), "-u".into(), "NONE".into()])
        );
        assert!(words("vim 'unclosed").is_none());
        assert!(words("   ").is_none());
        assert_eq!(
            Editor::default().words().ok(),
            Some(vec![DEFAULT_EDITOR.to_string()])
        );
    }
}
