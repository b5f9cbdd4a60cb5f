//! `enroll-console drafts list|sync|discard`: the drafts and the outbox
//! from a script. `sync` exits 0 when everything was sent, 1 when some
//! items were rejected or already in the tenant, 4 when the service could
//! not be reached (3 for a sign-in problem).

use std::io::Write;

use clap::{Args, Subcommand};

use crate::graph::Submitter;
use crate::outbox::{Outbox, Stop, Syncer};
use crate::sanitize::sanitize;
use crate::session::Paths;
use crate::store::{OutboxItem, ProfileFact, Store};

use super::args::GlobalArgs;
use super::connect::connect;
use super::exit::{Exit, Failure};

#[derive(Debug, Clone, Args)]
pub struct DraftsArgs {
    #[command(subcommand)]
    pub command: DraftsCommand,
    #[command(flatten)]
    pub target: super::args::TargetArgs,
    #[command(flatten)]
    pub offline: super::args::OfflineArg,
    #[command(flatten)]
    pub submit: super::args::SubmitMethodArg,
}

#[derive(Debug, Clone, Subcommand)]
pub enum DraftsCommand {
    /// Show every draft and outbox item with its state.
    List {
        /// One JSON array of items.
        #[arg(long)]
        json: bool,
    },
    /// Send the outbox of the current target now.
    Sync {
        /// List every item with its state as one JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Throw a draft or outbox item away.
    Discard {
        /// The item's number, as `drafts list` shows it.
        id: i64,
    },
}

fn open_store(paths: &Paths) -> Result<Store, Failure> {
    Store::open(&paths.store_file()).map_err(|e| Failure::usage(e.to_string()))
}

pub async fn run(global: &GlobalArgs, args: DraftsArgs, paths: &Paths) -> Result<Exit, Failure> {
    match args.command {
        DraftsCommand::List { json } => {
            let items = open_store(paths)?
                .outbox_items(None)
                .map_err(|e| Failure::usage(e.to_string()))?;
            print_items(&items, json)?;
            Ok(Exit::Ok)
        }
        DraftsCommand::Discard { id } => {
            let at = crate::outbox::now();
            let found = open_store(paths)?
                .discard_item(id, at)
                .map_err(|e| Failure::usage(e.to_string()))?;
            if found {
                println!("discarded {id}");
                Ok(Exit::Ok)
            } else {
                Err(Failure::usage(format!("no draft or outbox item {id}")))
            }
        }
        DraftsCommand::Sync { json } => sync(global, paths, json).await,
    }
}

async fn sync(global: &GlobalArgs, paths: &Paths, json: bool) -> Result<Exit, Failure> {
    if global.offline {
        return Err(Failure::usage(
            "sending is paused with --offline; run drafts sync without it",
        ));
    }
    let store = open_store(paths)?;
    let conn = connect(global, paths).await?;
    let method = match &global.submit_method {
        Some(m) => m
            .parse()
            .map_err(|_| Failure::usage(format!("bad --submit-method {m}")))?,
        None => conn.submit_method,
    };
    let submitter = Submitter::new(conn.client.clone(), method);
    if let Ok(true) = store.knows(ProfileFact::CreateUnusable, &conn.profile) {
        submitter.remember_create_route_missing();
    }
    let outbox = Outbox::new(store, conn.profile.clone());
    let syncer = Syncer::new(outbox.clone(), &submitter);
    let report = syncer.sync(&|_| {}).await;
    let items = outbox.items().await;
    conn.shutdown().await;
    let report = report.map_err(|e| Failure::usage(e.to_string()))?;
    let items = items.map_err(|e| Failure::usage(e.to_string()))?;
    print_items(&items, json)?;
    let summary = format!(
        "{} created, {} rejected, {} already in the tenant, {} still queued",
        report.created, report.rejected, report.duplicate, report.pending
    );
    eprintln!("{summary}");
    match report.stopped {
        Some(Stop::Auth(m)) => Err(Failure::auth(m)),
        Some(Stop::Config(m)) => Err(Failure::usage(m)),
        Some(stop @ (Stop::Unreachable(_) | Stop::GaveUp(_))) => {
            Err(Failure::service(stop.message().to_string()))
        }
        // Items the service kept failing wait for their next attempt (not a
        // loop); items other senders hold are theirs to finish.
        None if report.next_attempt_in.is_some() => Err(Failure::service(format!(
            "the service kept failing; {} waiting in the outbox ({})",
            report.pending,
            crate::outbox::backoff::next_try_text(report.next_attempt_in.unwrap_or_default())
        ))),
        None if report.rejected + report.duplicate > 0 => Ok(Exit::RowsFailed),
        None => Ok(Exit::Ok),
    }
}

fn print_items(items: &[OutboxItem], json: bool) -> Result<(), Failure> {
    let write_err = Failure::write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if json {
        let text =
            serde_json::to_string_pretty(items).map_err(|e| Failure::usage(e.to_string()))?;
        writeln!(out, "{}", crate::sanitize::escape_json_controls(&text)).map_err(write_err)?;
    } else {
        writeln!(
            out,
            "{:>5}  {:<9}  {:<24}  {:<36}  REASON",
            "ID", "STATE", "IDENTIFIER", "SERVICE ID"
        )
        .map_err(write_err)?;
        for item in items {
            let clean = |s: &str| sanitize(s).into_owned();
            writeln!(
                out,
                "{:>5}  {:<9}  {:<24}  {:<36}  {}",
                item.id,
                item.state.as_str(),
                clean(&item.identifier),
                clean(item.service_id.as_deref().unwrap_or("")),
                clean(item.reason.as_deref().unwrap_or("")),
            )
            .map_err(write_err)?;
        }
        writeln!(out, "{} items", items.len()).map_err(write_err)?;
    }
    out.flush().map_err(write_err)
}
