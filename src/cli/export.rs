//! `enroll-console export`: the tenant's identities (or a filtered, stale
//! view of them) as CSV, admin-center CSV or JSON, streamed page by page.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::graph::{GraphClient, ListQuery};
use crate::session::Paths;
use crate::tenant::{ExportFormat, Exporter, Selection, Stale};

use super::args::GlobalArgs;
use super::connect::connect;
use super::exit::{Exit, Failure};

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// csv (headered, JSON property names), csv-admin (the admin center's headerless
    /// identifier,details; Windows as manufacturer,model,serial) or json.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: ExportFormat,
    #[command(flatten)]
    pub view: ViewArgs,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The view options `list` and `export` share with the Tenant list.
#[derive(Debug, Clone, Default, Args)]
pub struct ViewArgs {
    /// Only identities never contacted or not contacted for N days (the Stale view).
    #[arg(long, value_name = "N")]
    pub stale_days: Option<u32>,
    /// Only identities matching these words (case-insensitive, any column;
    /// state:, type: and platform: words match that column).
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
}

impl ViewArgs {
    pub fn selection(&self) -> Selection {
        let stale = self.stale_days.map(|days| Stale {
            days,
            now: crate::runtime::now(),
        });
        Selection::new(self.filter.as_deref(), stale)
    }
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    s.parse()
}

pub async fn run(global: &GlobalArgs, args: ExportArgs, paths: &Paths) -> Result<Exit, Failure> {
    let conn = connect(global, paths).await?;
    let result = match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| Failure::usage(format!("cannot create {}: {e}", path.display())))?;
            let written = export(&conn.client, &args, std::io::BufWriter::new(file)).await;
            written.map(|n| {
                eprintln!("exported {n} identities to {}", path.display());
                Exit::Ok
            })
        }
        None => {
            let stdout = std::io::stdout();
            export(&conn.client, &args, std::io::BufWriter::new(stdout.lock()))
                .await
                .map(|_| Exit::Ok)
        }
    };
    conn.shutdown().await;
    result
}

async fn export<W: Write>(
    client: &GraphClient,
    args: &ExportArgs,
    out: W,
) -> Result<usize, Failure> {
    let selection = args.view.selection();
    let write_err = |e: crate::tenant::ExportError| Failure::usage(e.to_string());
    let mut exporter = Exporter::new(args.format, out).map_err(write_err)?;
    // Stops (exit 4) on a cycle of next-page links or the page cap.
    let mut pager = client.pages(ListQuery::default());
    while let Some(listed) = pager.next_page().await? {
        for identity in selection.pick(&listed.page.value) {
            exporter.write(identity).map_err(write_err)?;
        }
    }
    let written = exporter.written();
    exporter.finish().map_err(write_err)?;
    Ok(written)
}
