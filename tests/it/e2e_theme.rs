//! End to end: colour on a real terminal (tmux, the pane captured with its
//! escapes). With NO_COLOR the screen carries no colour at all while the
//! selection still shows (a marker and reverse video); `color = "always"`
//! brings colour back despite NO_COLOR, in the palette `theme` names.

use crate::support;

use std::path::Path;

use support::tmux::{self, Tmux};

const BIN: &str = env!("CARGO_BIN_EXE_enroll-console");

fn console(home: &Path, env: &[(&str, &str)]) -> Tmux {
    let home_s = home.display().to_string();
    let mut all_env = vec![("ENROLL_CONSOLE_HOME", home_s.as_str())];
    all_env.extend_from_slice(env);
    let t = Tmux::start(Path::new(BIN), &[], &all_env, home, 100, 30);
    t.wait_for("New device identity");
    t
}

/// The parameters of every SGR sequence (`ESC [ … m`) in `line`; `ESC [ m`
/// gives an empty list.
fn sgr_params(line: &str) -> Vec<Vec<u16>> {
    let mut all = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("\u{1b}[") {
        rest = &rest[start + 2..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':'))
            .unwrap_or(rest.len());
        if rest[end..].starts_with('m') {
            all.push(
                rest[..end]
                    .split([';', ':'])
                    .filter(|p| !p.is_empty())
                    .filter_map(|p| p.parse().ok())
                    .collect(),
            );
        }
        rest = &rest[end..];
    }
    all
}

/// The codes of every SGR sequence on `line`, each with its arguments:
/// `38;5;4` is one code (`[38, 5, 4]`), not three.
fn sgr_codes(line: &str) -> Vec<Vec<u16>> {
    let mut codes = Vec::new();
    for params in sgr_params(line) {
        let mut i = 0;
        while i < params.len() {
            let len = match (params[i], params.get(i + 1)) {
                (38 | 48 | 58, Some(5)) => 3,
                (38 | 48 | 58, Some(2)) => 5,
                _ => 1,
            };
            let end = (i + len).min(params.len());
            codes.push(params[i..end].to_vec());
            i = end;
        }
    }
    codes
}

/// The colours set on the screen, as `fg4`, `bg3`, `fg-rgb` (39 and 49,
/// the terminal's defaults, are no colour).
fn colours(screen: &str) -> Vec<String> {
    let mut found = Vec::new();
    for code in screen.lines().flat_map(sgr_codes) {
        let name = match code.as_slice() {
            [n @ 30..=37] => format!("fg{}", n - 30),
            [n @ 90..=97] => format!("fg{}", n - 90 + 8),
            [n @ 40..=47] => format!("bg{}", n - 40),
            [n @ 100..=107] => format!("bg{}", n - 100 + 8),
            [38, 5, n] => format!("fg{n}"),
            [48, 5, n] => format!("bg{n}"),
            [38, ..] => "fg-rgb".into(),
            [48, ..] => "bg-rgb".into(),
            _ => continue,
        };
        found.push(name);
    }
    found
}

fn has_reverse(line: &str) -> bool {
    sgr_codes(line).iter().any(|c| c == &[7])
}

/// Registers one identity on the embedded sandbox and opens Recent.
fn create_one_and_open_recent(t: &Tmux) {
    t.type_text("490154203237518");
    t.wait_for("detected: IMEI");
    t.keys(&["C-s"]);
    t.wait_for("✓ created");
    t.keys(&["F4"]);
    // The whole frame, not just its first lines (a capture may land while
    // a frame is written).
    t.wait_until("Recent with its row, footer and status bar", |s| {
        s.contains("Recent (1)")
            && s.lines()
                .any(|l| l.contains("490154203237518") && l.contains('>'))
            && s.contains("SANDBOX")
    });
}

#[test]
fn no_color_means_no_colour_escapes_and_the_selection_still_shows() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let t = console(home.path(), &[("NO_COLOR", "1")]);
    create_one_and_open_recent(&t);

    let screen = t.screen_with_escapes();
    assert!(screen.contains('\u{1b}'), "no escapes captured:\n{screen}");
    assert_eq!(colours(&screen), Vec::<String>::new(), "{screen:?}");
    let row = screen
        .lines()
        .find(|l| l.contains("490154203237518"))
        .unwrap_or_else(|| panic!("no Recent row:\n{screen}"));
    assert!(row.contains('>'), "no marker on the selected row: {row:?}");
    assert!(
        has_reverse(row),
        "no reverse video on the selected row: {row:?}"
    );

    // The message log: the submission's last message (the embedded sandbox
    // is today's service: create answered 500, sent with import), selected
    // the same way.
    let newest_message = |l: &str| {
        l.contains("> ")
            && (l.contains("Created 490154203237518") || l.contains("Create answered 500"))
    };
    t.keys(&["F9"]);
    t.wait_for("Messages (");
    let log = t.wait_until_with_escapes("the selected message", |s| s.lines().any(newest_message));
    assert_eq!(colours(&log), Vec::<String>::new(), "{log:?}");
    let newest = log
        .lines()
        .find(|l| newest_message(l))
        .unwrap_or_else(|| panic!("no selected message:\n{}", t.screen()));
    assert!(has_reverse(newest), "{newest:?}");
    t.keys(&["Escape"]);
    t.wait_until("the log to close", |s| !s.contains("Messages ("));
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn color_always_overrides_no_color_in_the_chosen_palette() {
    if !tmux::available() {
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    std::fs::write(
        home.path().join("config.toml"),
        "color = \"always\"\ntheme = \"light\"\n",
    )
    .expect("write config.toml");
    let t = console(home.path(), &[("NO_COLOR", "1")]);
    create_one_and_open_recent(&t);

    let screen = t.screen_with_escapes();
    let set = colours(&screen);
    // The light palette's accent is blue (4); it has no cyan (6).
    assert!(set.iter().any(|c| c == "fg4"), "no blue accent: {set:?}");
    assert!(
        !set.iter().any(|c| c == "fg6"),
        "cyan in the light palette: {set:?}"
    );
    let row = screen
        .lines()
        .find(|l| l.contains("490154203237518"))
        .unwrap_or_else(|| panic!("no Recent row:\n{screen}"));
    assert!(row.contains('>') && has_reverse(row), "{row:?}");
    t.keys(&["C-c"]);
    t.wait_exit();
}

#[test]
fn the_sgr_reader_finds_colours_and_skips_their_arguments() {
    assert_eq!(
        colours("\u{1b}[1;7m a \u{1b}[39;49m b \u{1b}[m"),
        Vec::<String>::new()
    );
    assert_eq!(
        colours("\u{1b}[38;5;7m\u{1b}[44m\u{1b}[0;91m\u{1b}[48;2;1;2;3m"),
        ["fg7", "bg4", "fg9", "bg-rgb"]
    );
    assert!(has_reverse("x\u{1b}[1;7my"));
    assert!(!has_reverse("x\u{1b}[38;5;7my"));
}
