//! Every `enroll-console …` command in the shell code blocks of the README and of `docs/`
//! runs as written, in document order, against the embedded sandbox in a fresh home folder
//! (one per document), and exits with the code the document gives: `# exit N` at the end of
//! the line, 0 otherwise. So the docs cannot drift from the command line.
//!
//! A command that opens the console or needs a real tenant is listed in [`SKIPPED`] with the
//! reason; every entry there must still appear in the docs. Every `toml` example must be a
//! `config.toml` the console accepts.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

/// Commands not run here, exactly as written in the docs, with the reason.
const SKIPPED: &[(&str, &str)] = &[
    (
        "enroll-console --profile contoso",
        "opens the console, on a real tenant; the tmux tests (tests/e2e_*.rs) drive the console",
    ),
    (
        "enroll-console --profile contoso login",
        "signs in to a real tenant",
    ),
    (
        "enroll-console --profile contoso whoami",
        "needs a real tenant's sign-in",
    ),
    (
        "enroll-console --profile contoso import assets/samples/headered.csv --dry-run",
        "needs the contoso profile of a real tenant",
    ),
    (
        "enroll-console --profile automation import assets/samples/headered.csv",
        "needs a real tenant and its client secret",
    ),
];

/// The documents whose shell blocks are checked.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .collect()
        })
        .unwrap_or_default();
    docs.sort();
    docs.insert(0, root.join("README.md"));
    docs
}

/// One command from a document: its line number, the text to run, the exit code it expects.
#[derive(Debug)]
struct DocCommand {
    line: usize,
    text: String,
    exit: i32,
}

/// Whether a shell line runs the console: `enroll-console` as the first word of a command
/// (after variable assignments), or inside `$(…)`, `<(…)`, or after `&&`, `;` or `|`.
fn runs_the_console(line: &str) -> bool {
    let starts = |s: &str| {
        let mut words = s.split_whitespace().skip_while(|w| {
            w.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
            })
        });
        words.next() == Some("enroll-console")
    };
    starts(line)
        || ["$(", "<(", "&&", ";", "|"]
            .iter()
            .any(|sep| line.split(sep).skip(1).any(starts))
}

/// The command without its trailing comment, and the exit code the comment gives
/// (`# exit N`, maybe followed by words), else 0.
fn split_exit(line: &str) -> Result<(String, i32), String> {
    let Some((command, comment)) = line.split_once(" #") else {
        return Ok((line.trim_end().to_string(), 0));
    };
    let command = command.trim_end().to_string();
    match comment.trim().strip_prefix("exit ") {
        Some(rest) => rest
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|code| code.parse().ok())
            .map(|code| (command, code))
            .ok_or_else(|| format!("bad exit annotation in {line:?}")),
        None => Ok((command, 0)),
    }
}

/// The console commands in the document's `sh`/`bash`/`shell` code blocks.
fn commands_in(markdown: &str) -> Result<Vec<DocCommand>, String> {
    let mut out = Vec::new();
    let mut in_shell = None;
    for (n, line) in markdown.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            in_shell = match in_shell {
                Some(_) => None,
                None => Some(matches!(info.trim(), "sh" | "bash" | "shell" | "console")),
            };
            continue;
        }
        if in_shell != Some(true) {
            continue;
        }
        let text = trimmed.strip_prefix("$ ").unwrap_or(trimmed);
        if text.starts_with('#') || !runs_the_console(text) {
            continue;
        }
        let (text, exit) = split_exit(text)?;
        out.push(DocCommand {
            line: n + 1,
            text,
            exit,
        });
    }
    Ok(out)
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh checkout's view: a working folder with the repository's `assets/`, a home with no
/// configuration (so the embedded sandbox is the target) and the built binary on PATH.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_folder(&root.join("assets"), &dir.path().join("assets"));
        Workspace { dir }
    }

    fn run(&self, command: &str) -> std::process::Output {
        let bin_dir = Path::new(BIN).parent().unwrap();
        let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .unwrap();
        Command::new("timeout")
            .args(["120", "bash", "-c", command])
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("HOME", self.dir.path())
            .env("ENROLL_CONSOLE_HOME", self.dir.path().join("home"))
            .env_remove("ENROLL_CONSOLE_TOKEN")
            .env_remove("ENROLL_CONSOLE_CLIENT_SECRET")
            .env_remove("ENROLL_CONSOLE_LOG")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

#[test]
fn every_documented_command_exits_as_the_docs_say() {
    let mut ran = 0;
    let mut skipped_seen = Vec::new();
    let mut failures = Vec::new();
    for doc in documents() {
        let name = doc
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&doc)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&doc).unwrap();
        let commands = commands_in(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let workspace = Workspace::new();
        for command in commands {
            if let Some((skip, _)) = SKIPPED.iter().find(|(s, _)| *s == command.text) {
                skipped_seen.push(*skip);
                continue;
            }
            let out = workspace.run(&command.text);
            ran += 1;
            if out.status.code() != Some(command.exit) {
                failures.push(format!(
                    "{name}:{}: `{}` exited {:?}, the docs say {}{}\n--- stderr\n{}",
                    command.line,
                    command.text,
                    out.status.code(),
                    command.exit,
                    if out.status.code() == Some(124) {
                        " (timed out: a command that opens the console belongs in SKIPPED)"
                    } else {
                        ""
                    },
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The docs show the command line at work; finding almost nothing means the parsing broke.
    assert!(ran >= 20, "only {ran} documented commands found");
    for (skip, reason) in SKIPPED {
        assert!(
            skipped_seen.contains(skip),
            "SKIPPED lists `{skip}` ({reason}), which no document shows any more"
        );
    }
}

/// The contents of the document's code blocks whose info string is `lang`, with the line each
/// starts on.
fn blocks_in(markdown: &str, lang: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, bool, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        match (line.trim().strip_prefix("```"), open.take()) {
            (Some(info), None) => open = Some((n + 2, info.trim() == lang, String::new())),
            (Some(_), Some((start, true, text))) => out.push((start, text)),
            (Some(_), Some(_)) => {}
            (None, Some((start, wanted, mut text))) => {
                text.push_str(line);
                text.push('\n');
                open = Some((start, wanted, text));
            }
            (None, None) => {}
        }
    }
    out
}

#[test]
fn every_toml_example_in_the_docs_is_a_valid_config() {
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        for (line, block) in blocks_in(&text, "toml") {
            let parsed = enroll_console::config::Config::parse(&block, Path::new("config.toml"));
            assert!(
                parsed.is_ok(),
                "{}:{line}: {}",
                doc.display(),
                parsed.err().map(|e| e.to_string()).unwrap_or_default()
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} toml examples found");
}

#[test]
fn shell_lines_that_run_the_console_are_found_with_their_exit_codes() {
    let doc = "text\n```sh\nenroll-console list  # all of them\n# a comment\nX=1 enroll-console import a.csv  # exit 1: some rows\nsource <(enroll-console completions bash)\ncargo run --release\n```\n```text\nenroll-console list [--json]\n```\n";
    let found = commands_in(doc).unwrap();
    let got: Vec<(usize, &str, i32)> = found
        .iter()
        .map(|c| (c.line, c.text.as_str(), c.exit))
        .collect();
    assert_eq!(
        got,
        [
            (3, "enroll-console list", 0),
            (5, "X=1 enroll-console import a.csv", 1),
            (6, "source <(enroll-console completions bash)", 0),
        ]
    );
    assert!(commands_in("```sh\nenroll-console list # exit one\n```\n").is_err());
}
