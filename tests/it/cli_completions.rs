//! `enroll-console completions SHELL`, `man` and `--version` as a packager or a script sees
//! them: generated from the command-line definition, so they name every command there is.

use std::path::Path;
use std::process::{Command, Output};

use clap::CommandFactory;
use enroll_console::cli::Cli;

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

/// Runs the binary with no home folder at all: these commands must need none.
fn console(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("HOME")
        .env_remove("ENROLL_CONSOLE_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .output()
        .unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let out = console(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every subcommand, nested ones as (parent, child) paths.
fn subcommands() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut here = path.to_vec();
            here.push(sub.get_name().to_string());
            out.push(here.clone());
            walk(sub, &here, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &[], &mut out);
    out
}

#[test]
fn the_definition_has_the_documented_commands() {
    let names: Vec<String> = subcommands().into_iter().map(|p| p.join(" ")).collect();
    for expected in [
        "list",
        "export",
        "import",
        "login",
        "logout",
        "whoami",
        "sandbox",
        "drafts",
        "drafts sync",
        "completions",
        "man",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
}

#[test]
fn every_shells_script_names_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("enroll-console"), "{shell}");
        for path in subcommands() {
            let name = path.last().unwrap();
            assert!(
                script.contains(name.as_str()),
                "{shell} script lacks {path:?}"
            );
        }
    }
}

#[test]
fn long_help_ends_with_exit_codes_environment_and_files() {
    let help = stdout_of(&["--help"]);
    for heading in ["Exit status:", "Environment:", "Files:"] {
        assert!(help.contains(heading), "--help lacks {heading}");
    }
    assert!(help.contains("  4  service or network error"), "{help}");
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = console(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// The first request in a page after the string definitions clap_mangen puts before it.
fn first_macro(page: &str) -> &str {
    page.lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap_or_default()
}

#[test]
fn the_man_page_starts_with_its_title_and_lists_every_subcommand() {
    let page = stdout_of(&["man"]);
    assert!(
        first_macro(&page).starts_with(".TH enroll-console 1 "),
        "{page}"
    );
    for section in [
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
    ] {
        assert!(page.contains(section), "man page lacks {section}");
    }
    let unescaped = page.replace("\\-", "-");
    for variable in ["ENROLL_CONSOLE_HOME", "ENROLL_CONSOLE_TOKEN", "NO_COLOR"] {
        assert!(unescaped.contains(variable), "man page lacks {variable}");
    }
    for path in subcommands().into_iter().filter(|p| p.len() == 1) {
        let reference = format!("enroll-console-{}(1)", path[0]);
        assert!(unescaped.contains(&reference), "man page lacks {reference}");
    }
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("man1");
    let listed = stdout_of(&["man", "--dir", target.to_str().unwrap()]);
    let mut pages = vec!["enroll-console".to_string()];
    pages.extend(
        subcommands()
            .into_iter()
            .map(|p| format!("enroll-console-{}", p.join("-"))),
    );
    assert_eq!(listed.lines().count(), pages.len(), "{listed}");
    for name in pages {
        let file = target.join(format!("{name}.1"));
        assert!(listed.contains(file.to_str().unwrap()), "{name} not listed");
        let page = std::fs::read_to_string(&file).unwrap();
        assert!(
            first_macro(&page).starts_with(&format!(".TH {name} 1 ")),
            "{name}: {page}"
        );
    }
}

/// What git says this checkout's revision is, when the crate is its own repository.
fn checkout_revision() -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        out.status.success().then(|| text.trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    git(&["rev-parse", "--short=12", "HEAD"])
}

#[test]
fn version_carries_the_git_revision_or_unknown() {
    for flag in ["--version", "-V"] {
        let line = stdout_of(&[flag]);
        let prefix = format!("enroll-console {} (git ", env!("CARGO_PKG_VERSION"));
        assert!(line.starts_with(&prefix), "{line}");
        match checkout_revision() {
            Some(rev) => assert!(line.contains(&format!("(git {rev}, ")), "{line} vs {rev}"),
            None => assert!(line.contains("(git unknown)"), "{line}"),
        }
    }
}

/// The long options a subcommand's `--help` lists.
fn help_flags(path: &[&str]) -> Vec<String> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut sub = &mut cmd;
    for name in path {
        sub = sub.find_subcommand_mut(name).expect("a subcommand");
    }
    let help = sub.render_long_help().to_string();
    help.split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches([',', '.', ')']).to_string())
        .collect()
}

#[test]
fn each_subcommands_help_lists_only_the_options_that_apply_to_it() {
    let connects = ["--sandbox", "--graph-url", "--profile"];
    for path in [&["completions"][..], &["man"], &["sandbox"]] {
        let flags = help_flags(path);
        for flag in connects.iter().chain(&["--offline", "--submit-method"]) {
            assert!(!flags.iter().any(|f| f == flag), "{path:?} lists {flag}");
        }
    }
    for path in [
        &["list"][..],
        &["export"],
        &["whoami"],
        &["login"],
        &["logout"],
    ] {
        let flags = help_flags(path);
        for flag in connects {
            assert!(flags.iter().any(|f| f == flag), "{path:?} lacks {flag}");
        }
        assert!(!flags.iter().any(|f| f == "--submit-method"), "{path:?}");
    }
    let import = help_flags(&["import"]);
    assert!(import.iter().any(|f| f == "--offline"), "{import:?}");
    assert!(!import.iter().any(|f| f == "--submit-method"), "{import:?}");
    for path in [&["drafts"][..], &["drafts", "sync"]] {
        let drafts = help_flags(path);
        for flag in ["--submit-method", "--offline", "--profile"] {
            assert!(drafts.iter().any(|f| f == flag), "{path:?} lacks {flag}");
        }
    }
}
