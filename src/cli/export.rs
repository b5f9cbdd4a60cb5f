//! `enroll-console export`: the tenant's identities (or a filtered, stale
//! view of them) as CSV, admin-center CSV or JSON, streamed page by page.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::domain::ImportedDeviceIdentity;
use crate::graph::{GraphClient, ListQuery};
use crate::session::Paths;
use crate::tenant::{ExportFormat, Exporter, Selection, Stale, write_admin_files};

use super::args::GlobalArgs;
use super::connect::connect;
use super::exit::{Exit, Failure};

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub target: super::args::TargetArgs,
    /// csv (headered, JSON property names), csv-admin (the admin center's headerless
    /// identifier,details; Windows as manufacturer,model,serial, in a file of its own
    /// when the view holds both) or json.
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
    let result = if args.format == ExportFormat::CsvAdmin {
        export_admin(&conn.client, &args).await
    } else {
        export_streamed(&conn.client, &args).await
    };
    conn.shutdown().await;
    result
}

async fn export_streamed(client: &GraphClient, args: &ExportArgs) -> Result<Exit, Failure> {
    match &args.output {
        Some(path) => export_to_file(client, args, path).await,
        None => {
            let stdout = std::io::stdout();
            let out = std::io::BufWriter::new(stdout.lock());
            let mut exporter = Exporter::new(args.format, out).map_err(export_err)?;
            let listed =
                each_identity(client, args, |i| exporter.write(i).map_err(export_err)).await;
            if let Err(failure) = listed {
                // What was written stays written; a JSON array is left open,
                // so no reader takes it for the whole view.
                let n = exporter.written();
                drop(exporter);
                return Err(stopped(
                    failure,
                    format!(
                        "{n} identities were written before it stopped; the output is incomplete"
                    ),
                ));
            }
            exporter.finish().map_err(export_err)?;
            Ok(Exit::Ok)
        }
    }
}

/// `FILE.partial.EXT` beside `FILE.EXT`: where an export is written until
/// the listing reached its end, and what is left of one that did not.
pub fn partial_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.partial.{}", ext.to_string_lossy()),
        None => format!("{stem}.partial"),
    };
    path.with_file_name(name)
}

/// Streams into `FILE.partial.EXT`, renamed to `FILE` only once every page
/// was read: a listing that stops (a cycle of next-page links, the page cap,
/// a failure after the retries) never leaves a file that looks complete.
async fn export_to_file(
    client: &GraphClient,
    args: &ExportArgs,
    path: &Path,
) -> Result<Exit, Failure> {
    let partial = partial_path(path);
    let file = std::fs::File::create(&partial)
        .map_err(|e| Failure::usage(format!("cannot create {}: {e}", partial.display())))?;
    let mut exporter =
        Exporter::new(args.format, std::io::BufWriter::new(file)).map_err(export_err)?;
    let listed = each_identity(client, args, |i| exporter.write(i).map_err(export_err)).await;
    let n = match listed {
        Ok(n) => n,
        Err(failure) => {
            let n = exporter.written();
            let kept = exporter.finish().is_ok() && n > 0;
            let note = if kept {
                format!(
                    "{n} identities were read before it stopped; they are in {}, and {} was not written",
                    partial.display(),
                    path.display()
                )
            } else {
                let _ = std::fs::remove_file(&partial);
                format!(
                    "{n} identities were read before it stopped; {} was not written",
                    path.display()
                )
            };
            return Err(stopped(failure, note));
        }
    };
    exporter.finish().map_err(export_err)?;
    std::fs::rename(&partial, path).map_err(|e| {
        Failure::usage(format!(
            "cannot move {} to {}: {e}",
            partial.display(),
            path.display()
        ))
    })?;
    eprintln!("exported {n} identities to {}", path.display());
    Ok(Exit::Ok)
}

/// A listing's failure with what became of the rows read before it.
fn stopped(failure: Failure, note: String) -> Failure {
    if failure.message.is_empty() {
        return failure;
    }
    Failure {
        exit: failure.exit,
        message: format!("{}\n{note}", failure.message),
    }
}

/// The admin center reads one dialect per file: a view holding Windows
/// tuples and other identifiers is written as one file per dialect, and
/// refused on standard output.
async fn export_admin(client: &GraphClient, args: &ExportArgs) -> Result<Exit, Failure> {
    let mut identities = Vec::new();
    let listed = each_identity(client, args, |i| {
        identities.push(i.clone());
        Ok(())
    })
    .await;
    if let Err(failure) = listed {
        // Nothing is written until every page was read.
        let n = identities.len();
        return Err(stopped(
            failure,
            format!("{n} identities were read before it stopped; nothing was written"),
        ));
    }
    match &args.output {
        Some(path) => {
            let files = write_admin_files(path, &identities).map_err(export_err)?;
            if let [(file, n)] = files.as_slice() {
                eprintln!("exported {n} identities to {}", file.display());
            } else {
                eprintln!(
                    "exported {} identities, one file per admin-center dialect:",
                    identities.len()
                );
                for (file, n) in &files {
                    eprintln!("  {n} to {}", file.display());
                }
            }
        }
        None => {
            if crate::tenant::export::split_by_dialect(&identities).len() > 1 {
                return Err(Failure::usage(
                    "this view holds Windows tuples and other identifiers, which the admin \
                     center reads from separate files: give -o FILE (one file per dialect is \
                     written beside it) or narrow the view with --filter type:manufacturer \
                     or --filter type:imei / type:serial",
                ));
            }
            let stdout = std::io::stdout();
            let out = std::io::BufWriter::new(stdout.lock());
            let mut exporter = Exporter::new(args.format, out).map_err(export_err)?;
            for identity in &identities {
                exporter.write(identity).map_err(export_err)?;
            }
            exporter.finish().map_err(export_err)?;
        }
    }
    Ok(Exit::Ok)
}

fn export_err(e: crate::tenant::ExportError) -> Failure {
    match e {
        crate::tenant::ExportError::Io(io) => Failure::write(io),
        crate::tenant::ExportError::Csv(csv) if csv.is_io_error() => match csv.into_kind() {
            csv::ErrorKind::Io(io) => Failure::write(io),
            other => Failure::usage(format!("cannot write the export: {other:?}")),
        },
        other => Failure::usage(other.to_string()),
    }
}

/// Calls `each` for every identity of the view, page by page; returns how many.
async fn each_identity(
    client: &GraphClient,
    args: &ExportArgs,
    mut each: impl FnMut(&ImportedDeviceIdentity) -> Result<(), Failure>,
) -> Result<usize, Failure> {
    let selection = args.view.selection();
    let mut count = 0;
    // Stops (exit 4) on a cycle of next-page links or the page cap.
    let mut pager = client.pages(ListQuery::default());
    while let Some(listed) = pager.next_page().await? {
        for identity in selection.pick(&listed.page.value) {
            each(identity)?;
            count += 1;
        }
    }
    Ok(count)
}
