//! Exit codes, environment variables and files: after the options in `--help`, and as the
//! EXIT STATUS, ENVIRONMENT and FILES sections of the manual page — one table for both.
//! `docs/CONFIG.md` and `docs/TROUBLESHOOTING.md` say the same at length.

use roff::{Roff, bold, roman};

/// A name (a code, a variable, a file) and what it is.
type Rows = &'static [(&'static str, &'static str)];

pub const EXIT_STATUS: Rows = &[
    ("0", "ok"),
    (
        "1",
        "some rows failed (import: invalid, rejected or already present; drafts sync: rejected)",
    ),
    ("2", "usage or configuration error"),
    (
        "3",
        "sign-in error (not signed in, sign-in refused, 401 or 403 from the service)",
    ),
    (
        "4",
        "service or network error (unreachable, timed out, failing, throttling; or --offline)",
    ),
];

pub const ENVIRONMENT: Rows = &[
    (
        "ENROLL_CONSOLE_HOME",
        "one folder for everything: config.toml, data/ and logs/",
    ),
    (
        "ENROLL_CONSOLE_LOG",
        "the log filter (default info), e.g. debug",
    ),
    (
        "ENROLL_CONSOLE_TOKEN",
        "bearer token for --graph-url and for auth = \"token-env\" profiles",
    ),
    (
        "ENROLL_CONSOLE_CLIENT_SECRET",
        "client secret of auth = \"client-secret\" profiles (unless client_secret_env names another variable)",
    ),
    (
        "NO_COLOR",
        "no colour when set and not empty, unless config.toml says color = \"always\"",
    ),
    (
        "VISUAL, EDITOR",
        "the editor Ctrl-E opens for the description (else vi; notepad on Windows)",
    ),
];

pub const FILES: Rows = &[
    (
        "config.toml",
        "profiles and settings, in the config folder (Linux: ~/.config/enroll-console/)",
    ),
    (
        "console.db",
        "Recent, drafts, the outbox and settings, in the data folder",
    ),
    (
        "sandbox.db",
        "the embedded sandbox's tenant, in the data folder",
    ),
    (
        "tokens/NAME.json",
        "each device-code profile's sign-in, in the data folder",
    ),
    ("enroll-console.log", "the log, in the log folder"),
];

/// Each section's title in `--help`, its heading in the manual page, and its rows.
const SECTIONS: [(&str, &str, Rows); 3] = [
    ("Exit status", "EXIT STATUS", EXIT_STATUS),
    ("Environment", "ENVIRONMENT", ENVIRONMENT),
    ("Files", "FILES", FILES),
];

const CLOSING: &str = "The Help overlay (F1) shows the folders in use. More: README.md and docs/ \
in the source repository.";

/// The text after the options in `--help`.
pub fn after_long_help() -> String {
    let mut text = String::new();
    for (title, _, rows) in SECTIONS {
        let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        text.push_str(&format!("{title}:\n"));
        for (name, what) in rows {
            text.push_str(&format!("  {name:width$}  {what}\n"));
        }
        text.push('\n');
    }
    text.push_str(CLOSING);
    text
}

/// The same as manual page sections (roff, without the string definitions a page starts with).
pub fn man_sections() -> String {
    let mut roff = Roff::new();
    for (_, heading, rows) in SECTIONS {
        roff.control("SH", [heading]);
        for (name, what) in rows {
            roff.control("TP", [])
                .text([bold(*name)])
                .text([roman(*what)]);
        }
    }
    roff.control("SH", ["SEE ALSO"]).text([roman(CLOSING)]);
    roff.render()
        .lines()
        .skip_while(|l| l.starts_with(".ie ") || l.starts_with(".el "))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_and_manual_list_the_same_rows() {
        let help = after_long_help();
        let man = man_sections();
        assert!(man.starts_with(".SH \"EXIT STATUS\"\n"), "{man}");
        for (_, _, rows) in SECTIONS {
            for (name, _) in rows {
                assert!(help.contains(name), "{name} in --help");
                assert!(
                    man.contains(&name.replace('-', "\\-")),
                    "{name} in the manual"
                );
            }
        }
    }
}
