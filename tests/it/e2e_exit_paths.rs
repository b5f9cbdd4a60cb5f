//! End to end: SIGTERM, SIGHUP and SIGINT to a console with a half-typed form, run
//! from a shell in tmux. Afterwards the terminal is usable — canonical mode
//! and echo back on (`stty -a`), the alternate screen left, mouse reporting
//! off — and the draft is there when the console starts again.

use crate::support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::tmux::{self, SCREEN_TIMEOUT, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");
const TOKEN: &str = "e2e-token";

/// Prints the terminal's canonical-mode and echo flags on one line.
const MODES: &str = "echo \"MO\"\"DES: $(stty -a | tr -s ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' ')\"; echo modes' 'shown";

/// A shell in tmux that runs the console, then an interactive shell.
fn console_in_shell(home: &Path) -> Tmux {
    let home_s = home.display().to_string();
    let env = [
        ("ENROLL_CONSOLE_HOME", home_s.as_str()),
        ("ENROLL_CONSOLE_TOKEN", TOKEN),
    ];
    let script = format!("'{BIN}' --offline; echo \"console ended $?\"; exec sh -i");
    let t = Tmux::start(Path::new("/bin/sh"), &["-c", &script], &env, home, 160, 30);
    t.wait_for("New device identity");
    t
}

/// The console's process: the shell's only child (read from `/proc`).
fn console_pid(shell: u32) -> u32 {
    let deadline = Instant::now() + SCREEN_TIMEOUT;
    loop {
        let child = std::fs::read_dir("/proc")
            .expect("read /proc")
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .find(|&pid| {
                std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .ok()
                    .and_then(|stat| {
                        // `pid (comm) state ppid …`; comm may hold spaces.
                        let after = &stat[stat.rfind(')')? + 1..];
                        after.split_whitespace().nth(1)?.parse::<u32>().ok()
                    })
                    == Some(shell)
            });
        if let Some(pid) = child {
            return pid;
        }
        assert!(Instant::now() < deadline, "no console under the shell");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn drafts(home: &Path) -> Vec<Value> {
    support::console::json(home, &["drafts", "list", "--json"])
}

fn signal_leaves_a_usable_shell_and_the_draft(signal: &str, identifier: &str, code: u8) {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let t = console_in_shell(home.path());
    assert_eq!(
        t.pane_format("#{alternate_on}"),
        "1",
        "the console uses the alternate screen"
    );
    t.type_text(identifier);
    t.wait_for("detected: serial number");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]);
    t.type_text("cart 9");
    t.wait_for("cart 9");

    let status = Command::new("kill")
        .args([signal, &console_pid(t.pane_pid()).to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());

    let ended = t.wait_for("console ended");
    assert!(
        ended.contains(&format!("console ended {code}")),
        "{signal} exits {code} (128 + the signal) after the clean save:\n{ended}"
    );
    // The shell takes typed commands again: ask it for the terminal's modes.
    t.type_text(MODES);
    t.keys(&["Enter"]);
    let screen = t.wait_for("modes shown");
    let modes: Vec<&str> = screen
        .lines()
        .find(|l| l.starts_with("MODES:"))
        .unwrap_or_else(|| panic!("no stty output:\n{screen}"))
        .split_whitespace()
        .collect();
    assert!(
        modes.contains(&"icanon") && modes.contains(&"echo"),
        "raw mode left on: {modes:?}"
    );
    assert!(
        !modes.contains(&"-icanon") && !modes.contains(&"-echo"),
        "{modes:?}"
    );
    assert_eq!(
        t.pane_format("#{alternate_on}"),
        "0",
        "the alternate screen was left"
    );
    assert_eq!(
        t.pane_format("#{mouse_any_flag}"),
        "0",
        "mouse reporting is off"
    );
    t.type_text("exit");
    t.keys(&["Enter"]);
    t.wait_exit();
    drop(t);

    let items = drafts(home.path());
    let draft = items
        .iter()
        .find(|i| i["identifier"] == identifier)
        .unwrap_or_else(|| panic!("no draft for {identifier}: {items:?}"));
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["form"]["description"], "cart 9", "{draft}");
}

#[test]
fn sigterm_leaves_a_usable_shell_and_the_draft() {
    signal_leaves_a_usable_shell_and_the_draft("-TERM", "SIGTERM00002", 143);
}

#[test]
fn sigint_from_outside_leaves_a_usable_shell_and_the_draft() {
    signal_leaves_a_usable_shell_and_the_draft("-INT", "SIGINT000003", 130);
}

#[test]
fn sighup_leaves_a_usable_shell_and_the_draft() {
    signal_leaves_a_usable_shell_and_the_draft("-HUP", "SIGHUP000001", 129);
}
