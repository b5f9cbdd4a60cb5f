//! `enroll-console man [--dir DIR]`: manual pages generated from the command-line
//! definition — the main page on stdout, or one page per command written to a folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};

use super::{Cli, Exit, Failure};

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write `enroll-console.1` and one page per subcommand (`enroll-console-list.1`, …) into
    /// this folder, creating it, and print each file's path; without it the main page goes to
    /// stdout.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The command-line definition the pages describe.
fn definition() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn page(cmd: clap::Command) -> clap_mangen::Man {
    // The footer's source: the revision is in the VERSION section and the date in the title.
    let man =
        clap_mangen::Man::new(cmd).source(concat!("enroll-console ", env!("CARGO_PKG_VERSION")));
    match crate::build_info::GIT_COMMIT_DATE {
        "" => man,
        date => man.date(date),
    }
}

/// The main page (section 1) as roff: the exit status, environment and files as sections of
/// their own instead of the text `--help` shows after the options.
pub fn main_page() -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    page(definition().after_long_help(None::<&str>)).render(&mut out)?;
    let text = String::from_utf8_lossy(&out);
    let sections = super::help_text::man_sections();
    let page = match text.find("\n.SH VERSION") {
        Some(at) => format!("{}\n{sections}{}", &text[..at], &text[at + 1..]),
        None => format!("{text}{sections}"),
    };
    Ok(page.into_bytes())
}

/// Writes the main page and one page per visible subcommand, nested ones included, into
/// `dir`; returns the files written, the main page first.
pub fn write_pages(dir: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    fn subcommands(cmd: &clap::Command) -> Vec<clap::Command> {
        cmd.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .cloned()
            .collect()
    }
    fn write(cmd: clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> std::io::Result<()> {
        let nested = subcommands(&cmd);
        written.push(page(cmd).generate_to(dir)?);
        nested
            .into_iter()
            .try_for_each(|sub| write(sub, dir, written))
    }
    std::fs::create_dir_all(dir)?;
    let main = definition();
    let main_file = dir.join(page(main.clone()).get_filename());
    std::fs::write(&main_file, main_page()?)?;
    let mut written = vec![main_file];
    for sub in subcommands(&main) {
        write(sub, dir, &mut written)?;
    }
    Ok(written)
}

pub fn run(args: &ManArgs) -> Result<Exit, Failure> {
    let cannot = |e: std::io::Error| Failure::service(format!("cannot write the manual: {e}"));
    let mut stdout = std::io::stdout().lock();
    match &args.dir {
        None => stdout.write_all(&main_page().map_err(cannot)?),
        Some(dir) => {
            let written = write_pages(dir).map_err(|e| {
                Failure::service(format!("cannot write the manual to {}: {e}", dir.display()))
            })?;
            written
                .iter()
                .try_for_each(|path| writeln!(stdout, "{}", path.display()))
        }
    }
    .map_err(cannot)?;
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_page_per_command_with_the_main_page_first() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_pages(dir.path()).unwrap();
        let names: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name()?.to_str().map(String::from))
            .collect();
        assert_eq!(names.first().map(String::as_str), Some("enroll-console.1"));
        for name in ["enroll-console-list.1", "enroll-console-drafts-sync.1"] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        let main = String::from_utf8(main_page().unwrap()).unwrap_or_default();
        assert!(main.contains("\n.TH enroll-console 1 "), "{main}");
    }
}
