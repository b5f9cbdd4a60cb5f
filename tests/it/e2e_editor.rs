//! End to end: Ctrl-E hands the description to $EDITOR (a shell script the
//! test writes) in a real terminal (tmux) and takes the edited text back;
//! while the editor runs the terminal is the shell's (no raw mode, no
//! alternate screen) and the console reads none of the keys typed there.
//! With `mouse = true` the console captures the mouse and lets it go on exit.

use crate::support;

use std::path::{Path, PathBuf};

use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

/// An executable script in `dir`.
fn write_script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).expect("write the script");
    let mut permissions = std::fs::metadata(&path).expect("script").permissions();
    permissions.set_mode(0o755);
    std::fs::set_permissions(&path, permissions).expect("make the script executable");
    path
}

/// The console on the embedded sandbox with `editor` as $EDITOR ($VISUAL
/// empty, so it does not count).
fn console(home: &Path, editor: &Path) -> Tmux {
    let home_s = home.display().to_string();
    let editor_s = editor.display().to_string();
    let env = [
        ("ENROLL_CONSOLE_HOME", home_s.as_str()),
        ("EDITOR", editor_s.as_str()),
        ("VISUAL", ""),
    ];
    let t = Tmux::start(Path::new(BIN), &[], &env, home, 100, 30);
    t.wait_for("New device identity");
    t
}

/// Types an identifier and, in the description, `start`.
fn fill_in(t: &Tmux) {
    t.type_text("490154203237518");
    t.wait_for("detected: IMEI");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]);
    t.type_text("start");
    t.wait_for("start");
}

fn sandbox_descriptions(home: &Path) -> Vec<String> {
    support::console::json(home, &["list", "--json"])
        .iter()
        .map(|i| i["description"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn ctrl_e_round_trip_through_an_editor_that_appends_text() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let editor = write_script(
        home.path(),
        "append-editor.sh",
        "printf ' appended by editor' >> \"$1\"\n",
    );
    let t = console(home.path(), &editor);
    fill_in(&t);
    t.keys(&["C-e"]);
    // The whole screen is drawn again: the footer and the status bar too
    // (waited for together: a capture may land while a frame is written).
    let back = t.wait_until("the form, footer and status bar drawn again", |s| {
        s.contains("start appended by editor")
            && s.contains("Ctrl-S submit")
            && s.contains("SANDBOX")
            && s.contains("Description taken from the editor")
    });
    assert!(back.contains("New device identity"), "{back}");
    assert_eq!(
        t.pane_format("#{alternate_on}"),
        "1",
        "alternate screen again"
    );
    // Typing goes on at the end of the text.
    t.type_text(" and typed");
    t.wait_for("start appended by editor and typed");
    t.keys(&["C-s"]);
    t.wait_for("✓ created");
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    assert_eq!(
        sandbox_descriptions(home.path()),
        ["start appended by editor and typed"]
    );
}

#[test]
fn the_editor_gets_the_keys_typed_while_it_runs_in_a_restored_terminal() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    // Reads one line from the terminal: only returns in canonical mode
    // (Enter ends the line) and only if the console does not take the keys.
    // With the mouse on: capture is off for the editor and on again after.
    std::fs::write(home.path().join("config.toml"), "mouse = true\n").expect("config");
    let editor = write_script(
        home.path(),
        "reading-editor.sh",
        "printf 'EDITOR READY, type a line: '\n\
         IFS= read -r line\n\
         printf ' %s' \"$line\" >> \"$1\"\n",
    );
    let t = console(home.path(), &editor);
    fill_in(&t);
    t.keys(&["C-e"]);
    t.wait_for("EDITOR READY");
    assert_eq!(
        t.pane_format("#{alternate_on}"),
        "0",
        "the alternate screen is left for the editor"
    );
    assert_eq!(
        t.pane_format("#{mouse_any_flag}"),
        "0",
        "no mouse reporting"
    );
    t.type_text("typed in the editor");
    t.wait_for("typed in the editor");
    t.keys(&["Enter"]);
    let back = t.wait_for("start typed in the editor");
    assert!(back.contains("New device identity"), "{back}");
    assert!(!back.contains("EDITOR READY"), "not redrawn:\n{back}");
    assert_eq!(t.pane_format("#{alternate_on}"), "1");
    assert_eq!(
        t.pane_format("#{mouse_any_flag}"),
        "1",
        "mouse captured again"
    );
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn a_failing_editor_keeps_the_text_and_the_console_goes_on() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let editor = write_script(
        home.path(),
        "failing-editor.sh",
        "printf 'lost' > \"$1\"\nexit 7\n",
    );
    let t = console(home.path(), &editor);
    fill_in(&t);
    t.keys(&["C-e"]);
    let screen = t.wait_for("Description unchanged: failing-editor.sh ended (exit status: 7)");
    assert!(
        screen.contains("Description unchanged: failing-editor.sh ended (exit status: 7)"),
        "{screen}"
    );
    assert!(!screen.contains("lost"), "{screen}");
    t.type_text("ed");
    t.wait_for("started");
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn ctrl_c_in_the_editor_stops_the_editor_not_the_console() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let editor = write_script(
        home.path(),
        "waiting-editor.sh",
        "printf 'EDITOR READY'\nIFS= read -r line\nprintf ' %s' \"$line\" >> \"$1\"\n",
    );
    let t = console(home.path(), &editor);
    fill_in(&t);
    t.keys(&["C-e"]);
    t.wait_for("EDITOR READY");
    // Outside raw mode Ctrl-C interrupts the whole foreground group.
    t.keys(&["C-c"]);
    t.wait_for("Description unchanged");
    t.type_text("ed");
    t.wait_for("started");
    assert!(!t.exited(), "the console stopped with its editor");
    t.keys(&["C-c"]);
    t.wait_exit();
}

/// Where `text` is on the screen, as the 1-based column and row a mouse
/// report carries.
fn cell_of(screen: &str, text: &str) -> (usize, usize) {
    screen
        .lines()
        .enumerate()
        .find_map(|(row, line)| {
            let byte = line.find(text)?;
            Some((line[..byte].chars().count() + 1, row + 1))
        })
        .unwrap_or_else(|| panic!("{text:?} not on the screen:\n{screen}"))
}

/// A left click at a 1-based cell, as the terminal reports it (SGR mode).
fn click(t: &Tmux, (column, row): (usize, usize)) {
    t.type_text(&format!(
        "\u{1b}[<0;{column};{row}M\u{1b}[<0;{column};{row}m"
    ));
}

#[test]
fn with_mouse_on_a_click_focuses_a_field() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    std::fs::write(home.path().join("config.toml"), "mouse = true\n").expect("config");
    let editor = write_script(home.path(), "unused-editor.sh", "exit 0\n");
    let t = console(home.path(), &editor);
    let screen = t.screen();
    click(&t, cell_of(&screen, "Description"));
    t.wait_for("edit in $EDITOR");
    t.type_text("clicked here");
    let screen = t.wait_for("clicked here");
    let line = screen
        .lines()
        .find(|l| l.contains("clicked here"))
        .unwrap_or_default();
    assert!(
        line.contains("> Description"),
        "typed into another field:\n{screen}"
    );
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn with_mouse_on_the_console_captures_the_mouse_and_releases_it_on_exit() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    std::fs::write(home.path().join("config.toml"), "mouse = true\n").expect("config");
    let home_s = home.path().display().to_string();
    let script = format!("'{BIN}'; echo \"console ended $?\"; exec sh -i");
    let t = Tmux::start(
        Path::new("/bin/sh"),
        &["-c", &script],
        &[("ENROLL_CONSOLE_HOME", home_s.as_str())],
        home.path(),
        100,
        30,
    );
    t.wait_for("New device identity");
    assert_eq!(t.pane_format("#{mouse_any_flag}"), "1", "mouse captured");
    t.keys(&["C-c"]);
    t.wait_for("console ended 0");
    assert_eq!(t.pane_format("#{mouse_any_flag}"), "0", "mouse released");
    assert_eq!(t.pane_format("#{alternate_on}"), "0");
    t.type_text("exit");
    t.keys(&["Enter"]);
    t.wait_exit();
}
