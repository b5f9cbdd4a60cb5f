//! End to end: a keymap in config.toml drives the built console in tmux
//! (embedded sandbox), and a bad keymap stops it before the terminal is
//! touched, with exit code 2 and the line on stderr.

use crate::support;

use std::path::Path;
use std::process::Command;

use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

fn home_with_config(config: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp home");
    std::fs::write(home.path().join("config.toml"), config).expect("write config.toml");
    home
}

#[test]
fn f10_submits_when_bound_in_config_and_footer_and_help_say_so() {
    if !tmux::available() {
        return;
    }
    let home = home_with_config("# the helpdesk's keys\n[keys.form]\nsubmit = \"F10\"\n");
    let home_s = home.path().display().to_string();
    let t = Tmux::start(
        Path::new(BIN),
        &[],
        &[("ENROLL_CONSOLE_HOME", home_s.as_str())],
        home.path(),
        100,
        30,
    );
    let screen = t.wait_until("the footer and the status bar", |s| {
        s.contains("F10 submit") && s.contains("SANDBOX")
    });
    assert!(!screen.contains("Ctrl-S"), "{screen}");

    t.type_text("490154203237518");
    t.wait_for("detected: IMEI");
    // Ctrl-S is no longer submit: the form stays idle (the submit hint is
    // hidden while sending, and the key is handled before F1 opens Help).
    t.keys(&["C-s", "F1"]);
    let help = t.wait_for("Help · enroll-console");
    let submit_line = help
        .lines()
        .find(|l| l.contains("submit"))
        .unwrap_or_else(|| panic!("no submit line in Help:\n{help}"));
    assert!(submit_line.contains("F10"), "{help}");
    assert!(!help.contains("Ctrl-S"), "{help}");
    t.keys(&["Escape"]);
    let form = t.wait_until("Help closed", |s| {
        !s.contains("Help · enroll-console") && s.contains("F10 submit")
    });
    assert!(!form.contains("✓ created"), "Ctrl-S submitted:\n{form}");
    assert!(!form.contains("Submitting"), "Ctrl-S submitted:\n{form}");

    t.keys(&["F10"]);
    t.wait_for("✓ created");
    t.keys(&["C-c"]);
    t.wait_exit();

    let held = support::console::json(home.path(), &["list", "--json"]);
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(
        held[0]["importedDeviceIdentifier"], "490154203237518",
        "{held:?}"
    );
}

#[test]
fn a_conflicting_keymap_exits_2_naming_the_line_before_the_terminal_is_touched() {
    let home = home_with_config("mouse = false\n\n[keys.form]\nsubmit = \"F2\"\n");
    for args in [&[][..], &["list", "--json"][..]] {
        let out = Command::new(BIN)
            .args(args)
            .env("ENROLL_CONSOLE_HOME", home.path())
            .output()
            .expect("run the console");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let file = home.path().join("config.toml");
        assert!(
            stderr.contains(&format!("{}:4:", file.display())),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("[keys.form] submit = \"F2\""), "{stderr}");
        assert!(stderr.contains("[keys.global] open_form"), "{stderr}");
        // Nothing was drawn: no alternate screen, no escape sequences.
        assert!(
            !out.stdout.contains(&0x1b),
            "{args:?} wrote to the terminal"
        );
    }
}
