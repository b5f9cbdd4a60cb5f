//! The command line: parses arguments, sets up files and logging, and hands
//! off to the TUI or to a command. `main.rs` only calls [`main`].

pub mod args;
mod auth_cmd;
pub mod completions;
mod connect;
pub mod drafts;
mod exit;
mod export;
mod help_text;
mod history;
mod import;
mod list;
pub mod man;
mod sandbox_cmd;

use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;
pub use connect::TOKEN_ENV;
pub use exit::{Exit, Failure};

use crate::session::{Paths, Session};
use crate::store::Store;

/// Runs the console with the process's arguments; returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // These read and write none of the console's files: packaging runs them with no home folder.
    match &cli.command {
        Some(args::Command::Completions(args)) => return finish(completions::run(args)),
        Some(args::Command::Man(args)) => return finish(man::run(args)),
        _ => {}
    }
    let paths = match Paths::from_env() {
        Ok(p) => p,
        Err(e) => return fail(Failure::usage(e.to_string())),
    };
    let _log_guard = crate::logging::init(&paths.log_dir);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(Failure::service(format!("cannot start: {e}"))),
    };
    finish(runtime.block_on(dispatch(cli, paths)))
}

fn finish(result: Result<Exit, Failure>) -> ExitCode {
    match result {
        Ok(exit) => exit.into(),
        Err(failure) => fail(failure),
    }
}

fn fail(failure: Failure) -> ExitCode {
    if !failure.message.is_empty() {
        eprintln!("enroll-console: {}", failure.message);
    }
    failure.exit.into()
}

async fn dispatch(cli: Cli, paths: Paths) -> Result<Exit, Failure> {
    match cli.command {
        Some(args::Command::Sandbox(args)) => sandbox_cmd::run(args, &paths).await,
        Some(args::Command::List(args)) => {
            let global = cli.global.with(&args.target, None, None);
            list::run(&global, args, &paths).await
        }
        Some(args::Command::Import(args)) => {
            let global = cli.global.with(&args.target, Some(&args.offline), None);
            import::run(&global, args, &paths).await
        }
        Some(args::Command::Login(a)) => {
            let global = cli.global.with(&a.target, None, None);
            auth_cmd::login(&global, &a, &paths).await
        }
        Some(args::Command::Logout(a)) => {
            auth_cmd::logout(&cli.global.with(&a.target, None, None), a.json, &paths)
        }
        Some(args::Command::Whoami(a)) => {
            auth_cmd::whoami(&cli.global.with(&a.target, None, None), a.json, &paths)
        }
        Some(args::Command::Drafts(args)) => {
            let global = cli
                .global
                .with(&args.target, Some(&args.offline), Some(&args.submit));
            drafts::run(&global, args, &paths).await
        }
        Some(args::Command::History(args)) => history::run(args, &paths),
        Some(args::Command::Export(args)) => {
            let global = cli.global.with(&args.target, None, None);
            export::run(&global, args, &paths).await
        }
        Some(args::Command::Completions(args)) => completions::run(&args),
        Some(args::Command::Man(args)) => man::run(&args),
        None => run_tui(&cli.global, paths).await,
    }
}

async fn run_tui(global: &args::GlobalArgs, paths: Paths) -> Result<Exit, Failure> {
    let store = Store::open(&paths.store_file()).map_err(|e| Failure::usage(e.to_string()))?;
    let conn = connect::connect(global, &paths).await?;
    let method = match &global.submit_method {
        Some(m) => m
            .parse()
            .map_err(|_| Failure::usage(format!("bad --submit-method {m}")))?,
        None => conn.submit_method,
    };
    let submitter = crate::graph::Submitter::new(conn.client.clone(), method);
    let session = Session {
        target: conn.target.clone(),
        profile: conn.profile.clone(),
        submitter,
        store,
        paths,
        offline: global.offline,
        person_login: conn.person_login.clone(),
    };
    let result = crate::runtime::run(session).await;
    conn.shutdown().await;
    result
        .map(|()| {
            crate::terminal::stopped_by_signal()
                .and_then(Exit::for_signal)
                .unwrap_or(Exit::Ok)
        })
        .map_err(|e| Failure::service(e.to_string()))
}
