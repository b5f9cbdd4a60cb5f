//! `enroll-console history`: the ledger of every identity this machine sent
//! (form, Scan, imports, the outbox), newest first, with its state, where
//! it came from and the service's id.

use std::io::Write;

use clap::Args;

use crate::sanitize::sanitize;
use crate::session::Paths;
use crate::store::{LedgerQuery, Store};

use super::exit::{Exit, Failure};

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// One JSON array of items.
    #[arg(long)]
    pub json: bool,
    /// Only items that came from this: form, scan or import.
    #[arg(long, value_name = "ORIGIN", value_parser = ["form", "scan", "import"])]
    pub origin: Option<String>,
    /// Only identifiers containing this text (any case).
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Only what the service holds (created items), as Recent shows them.
    #[arg(long)]
    pub created: bool,
    /// At most this many items.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub limit: usize,
    /// Skip this many of the newest first (to page).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
}

pub fn run(args: HistoryArgs, paths: &Paths) -> Result<Exit, Failure> {
    let store = Store::open(&paths.store_file()).map_err(|e| Failure::usage(e.to_string()))?;
    let items = store
        .ledger(&LedgerQuery {
            profile: None,
            origin: args.origin.as_deref(),
            text: args.filter.as_deref(),
            created_only: args.created,
            limit: args.limit,
            offset: args.offset,
        })
        .map_err(|e| Failure::usage(e.to_string()))?;
    let write_err = |e: std::io::Error| Failure::usage(format!("cannot write the output: {e}"));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        let text =
            serde_json::to_string_pretty(&items).map_err(|e| Failure::usage(e.to_string()))?;
        writeln!(out, "{text}").map_err(write_err)?;
    } else {
        writeln!(
            out,
            "{:>6}  {:<25}  {:<9}  {:<6}  {:<24}  SERVICE ID",
            "ITEM", "WHEN", "STATE", "ORIGIN", "IDENTIFIER"
        )
        .map_err(write_err)?;
        for item in &items {
            let clean = |s: &str| sanitize(s).into_owned();
            writeln!(
                out,
                "{:>6}  {:<25}  {:<9}  {:<6}  {:<24}  {}",
                item.id,
                item.updated_at.to_string(),
                item.state.as_str(),
                clean(&item.origin),
                clean(&item.identifier),
                clean(item.service_id.as_deref().unwrap_or("")),
            )
            .map_err(write_err)?;
        }
        writeln!(out, "{} items", items.len()).map_err(write_err)?;
    }
    out.flush().map_err(write_err)?;
    Ok(Exit::Ok)
}
