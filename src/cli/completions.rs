//! `enroll-console completions SHELL`: the shell completion script, generated from the
//! command-line definition, on stdout.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, Exit, Failure};

/// The binary's name, as the scripts complete it.
const BIN_NAME: &str = "enroll-console";

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN_NAME, &mut out);
    out
}

pub fn run(args: &CompletionsArgs) -> Result<Exit, Failure> {
    std::io::stdout()
        .lock()
        .write_all(&script(args.shell))
        .map_err(|e| Failure::service(format!("cannot write the completion script: {e}")))?;
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_binary() {
        for shell in [
            Shell::Bash,
            Shell::Elvish,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Zsh,
        ] {
            let text = String::from_utf8(script(shell)).unwrap_or_default();
            assert!(text.contains(BIN_NAME), "{shell}: {text}");
        }
    }
}
