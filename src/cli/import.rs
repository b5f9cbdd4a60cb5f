//! `enroll-console import FILE`: validate a CSV, then send its valid rows in
//! chunks of `importDeviceIdentityList` and report every row.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use clap::builder::TypedValueParser;
use serde::Serialize;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::bulk::{self, Counts, DEFAULT_CHUNK, ImportOptions, ImportPlan, Progress, Report};
use crate::bulk::{MAX_CHUNK, RowResult, RowStatus, StopReason};
use crate::csvfile::{self, Dialect};
use crate::domain::validate::NormalizeOptions;
use crate::outbox::{JournalNotes, Outbox, run_journaled};
use crate::sanitize::sanitize;
use crate::session::Paths;
use crate::store::Store;

use super::args::GlobalArgs;
use super::connect::connect;
use super::exit::{Exit, Failure};

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub target: super::args::TargetArgs,
    #[command(flatten)]
    pub offline: super::args::OfflineArg,
    /// The CSV file: the admin center's `identifier,details` or `manufacturer,model,serial`
    /// (no header), or a header row of JSON property names.
    pub file: PathBuf,
    /// The file's dialect instead of the detected one: identifier-details,
    /// manufacturer-model-serial or headered.
    #[arg(long, value_name = "D")]
    pub dialect: Option<Dialect>,
    /// Validate and report only; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace identities that already exist in the tenant.
    #[arg(long)]
    pub overwrite: bool,
    /// Rows per importDeviceIdentityList call.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CHUNK,
          value_parser = clap::value_parser!(u32).range(1..=MAX_CHUNK as i64).map(|n| n as usize))]
    pub chunk: usize,
    /// Calls in flight at once (all within the service's write throttle).
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=16).map(|n| n as usize))]
    pub in_flight: usize,
    /// One JSON document on stdout with every row's result.
    #[arg(long)]
    pub json: bool,
    /// Save every row's result to this file (JSON when it ends in .json, else CSV).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// The longest total wait between attempts for one chunk before giving up (seconds).
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub retry_budget: u64,
    /// Send valid 15-digit IMEIs as their 14-digit body (without the check digit).
    #[arg(long)]
    pub imei_14: bool,
    /// Upper-case serial numbers before sending.
    #[arg(long)]
    pub uppercase_serials: bool,
}

/// The document `--json` prints and `--report x.json` saves.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    file: String,
    dialect: &'a str,
    dry_run: bool,
    warnings: &'a [String],
    counts: Counts,
    chunks: usize,
    import_calls: usize,
    search_calls: usize,
    stopped: Option<&'a StopReason>,
    rows: &'a [RowResult],
}

pub async fn run(global: &GlobalArgs, args: ImportArgs, paths: &Paths) -> Result<Exit, Failure> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", args.file.display())))?;
    let options = NormalizeOptions {
        imei_to_14: args.imei_14,
        uppercase_serials: args.uppercase_serials,
    };
    let parsed = csvfile::parse_with(&bytes, args.dialect, options)
        .map_err(|e| Failure::usage(format!("{}: {e}", args.file.display())))?;
    let plan = bulk::plan_file(&parsed, args.chunk);
    let chunks = plan.chunks.len();
    if !args.json {
        for w in &parsed.warnings {
            eprintln!("note: {w}");
        }
        print_row_warnings(&parsed);
    }
    let report = if args.dry_run {
        let mut report = Report::new(plan.refused.clone());
        report.counts.total = plan.total_rows;
        report
    } else if plan.chunks.is_empty() {
        Report::new(plan.refused.clone())
    } else if global.offline {
        // Sending is paused: every valid row waits in the outbox.
        // Connecting sends nothing; it names the profile the items belong to.
        let conn = connect(global, paths).await?;
        let profile = conn.profile.clone();
        conn.shutdown().await;
        queue_offline(&plan, paths, &profile)?
    } else {
        let store = open_ledger(paths)?;
        let conn = connect(global, paths).await?;
        let defaults = ImportOptions::default();
        let import = ImportOptions {
            overwrite: args.overwrite,
            in_flight: args.in_flight,
            retry: crate::graph::RetryPolicy {
                max_total_wait: std::time::Duration::from_secs(args.retry_budget),
                ..defaults.retry
            },
            ..defaults
        };
        let outbox = Outbox::new(store, conn.profile.clone());
        let show_progress = std::io::stderr().is_terminal();
        let (tx, rx) = unbounded_channel();
        let sending = async {
            let tx = tx;
            run_journaled(&outbox, "import", &conn.client, plan, &import, Some(&tx)).await
        };
        let (sent, ()) = tokio::join!(sending, print_progress(rx, show_progress));
        conn.shutdown().await;
        let (report, notes) = sent.map_err(|e| {
            Failure::usage(format!(
                "nothing was sent: the ledger could not record the rows first ({e})"
            ))
        })?;
        tell_notes(&report, &notes);
        report
    };
    let document = Document {
        file: args.file.display().to_string(),
        dialect: parsed.dialect.name(),
        dry_run: args.dry_run,
        warnings: &parsed.warnings,
        counts: report.counts,
        chunks,
        import_calls: report.import_calls,
        search_calls: report.search_calls,
        stopped: report.stopped.as_ref(),
        rows: &report.rows,
    };
    if let Some(path) = &args.report {
        save_report(path, &document, &report)?;
    }
    let write_err = Failure::write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        let text = serde_json::to_string_pretty(&document)
            .map_err(|e| Failure::usage(format!("cannot write the output: {e}")))?;
        writeln!(out, "{}", crate::sanitize::escape_json_controls(&text)).map_err(write_err)?;
    } else {
        print_text(&mut out, &document, &report, chunks).map_err(write_err)?;
    }
    out.flush().map_err(write_err)?;
    if let Some(reason) = &report.stopped {
        let (StopReason::Service(m) | StopReason::Auth(m)) = reason;
        eprintln!("enroll-console: sending stopped: {}.", sanitize(m));
    }
    Ok(exit_for(&report, args.dry_run))
}

fn open_ledger(paths: &Paths) -> Result<Store, Failure> {
    Store::open(&paths.store_file()).map_err(|e| Failure::usage(e.to_string()))
}

/// `--offline`: every valid row goes in the outbox, in one transaction (all
/// or none); an identifier already queued or created adds nothing.
fn queue_offline(plan: &ImportPlan, paths: &Paths, profile: &str) -> Result<Report, Failure> {
    let rows: Vec<&bulk::PlannedRow> = plan.chunks.iter().flatten().collect();
    let identities: Vec<_> = rows.iter().map(|r| r.identity.clone()).collect();
    let reason = "sending is paused (--offline)";
    let queued = open_ledger(paths)?
        .enqueue_checked(profile, &identities, reason, "import", crate::outbox::now())
        .map_err(|e| {
            Failure::usage(format!(
                "nothing was queued: the outbox could not record the rows ({e})"
            ))
        })?;
    let mut results = plan.refused.clone();
    let mut added = 0;
    for (row, q) in rows.iter().zip(&queued) {
        let message = match q.note() {
            Some(note) => note,
            None => {
                added += 1;
                format!("{reason}; queued as item {}", q.id())
            }
        };
        results.push(RowResult::new(
            row.line,
            &row.identity,
            RowStatus::Unsent,
            None,
            Some(message),
        ));
    }
    let mut report = Report::new(results);
    report.counts.total = plan.total_rows;
    eprintln!(
        "enroll-console: {added} rows queued in the outbox, {} already there: `enroll-console \
         drafts sync` sends them.",
        queued.len() - added
    );
    Ok(report)
}

/// What the ledger did besides sending, on stderr.
fn tell_notes(report: &Report, notes: &JournalNotes) {
    if notes.already_created > 0 {
        eprintln!(
            "enroll-console: {} rows were created from this machine before; not sent again.",
            notes.already_created
        );
    }
    if notes.busy > 0 {
        eprintln!(
            "enroll-console: {} rows are being sent by another session; left to it.",
            notes.busy
        );
    }
    let waiting = report.counts.unsent.saturating_sub(notes.busy);
    if waiting > 0 {
        eprintln!(
            "enroll-console: {waiting} unsent rows are in the outbox: `enroll-console drafts sync` \
             sends them (rows whose outcome is unknown are checked first)."
        );
    }
    if let Some((n, e)) = &notes.unrecorded {
        eprintln!(
            "enroll-console: the answers for {n} rows could not be recorded ({}); they stay marked \
             as sending and are checked before anything is sent again.",
            sanitize(e)
        );
    }
}

/// 0 all created (or, dry run, all valid), 1 some rows invalid or refused,
/// 3 the sign-in was refused, 4 the service could not be reached.
fn exit_for(report: &Report, dry_run: bool) -> Exit {
    match &report.stopped {
        Some(StopReason::Auth(_)) => Exit::Auth,
        Some(StopReason::Service(_)) => Exit::Service,
        None if report.counts.unsent > 0 => Exit::Service,
        None if dry_run && report.counts.invalid == 0 => Exit::Ok,
        None if !dry_run && report.all_created() => Exit::Ok,
        None => Exit::RowsFailed,
    }
}

fn print_text(
    out: &mut impl Write,
    doc: &Document<'_>,
    report: &Report,
    chunks: usize,
) -> std::io::Result<()> {
    for r in report.problems() {
        writeln!(
            out,
            "line {}: {}: {} [{}]",
            r.line,
            r.status.as_str(),
            sanitize(r.message.as_deref().unwrap_or("")),
            sanitize(&r.identifier)
        )?;
    }
    let c = &doc.counts;
    if doc.dry_run {
        writeln!(
            out,
            "dry run: {} rows, {} valid, {} invalid; would send {} calls of up to {} rows ({} dialect); nothing was sent",
            c.total,
            c.total - c.invalid,
            c.invalid,
            chunks,
            report_chunk_hint(c.total - c.invalid, chunks),
            doc.dialect
        )
    } else {
        writeln!(
            out,
            "{} created, {} already present, {} rejected, {} invalid, {} unsent of {} rows ({} dialect, {} import calls, {} searches)",
            c.created,
            c.already_present,
            c.rejected,
            c.invalid,
            c.unsent,
            c.total,
            doc.dialect,
            doc.import_calls,
            doc.search_calls
        )
    }
}

/// Warnings of valid rows (they are sent anyway): each message once, with
/// how many rows and their first lines; at most [`MAX_WARNINGS_SHOWN`].
fn print_row_warnings(parsed: &csvfile::Parsed) {
    for line in row_warning_lines(parsed) {
        eprintln!("{line}");
    }
}

fn row_warning_lines(parsed: &csvfile::Parsed) -> Vec<String> {
    let mut grouped: Vec<(&str, Vec<usize>)> = Vec::new();
    for row in parsed.rows.iter().filter(|r| r.is_valid()) {
        for finding in &row.findings {
            match grouped.iter_mut().find(|(m, _)| *m == finding.message) {
                Some((_, lines)) => lines.push(row.line),
                None => grouped.push((finding.message.as_str(), vec![row.line])),
            }
        }
    }
    let mut out: Vec<String> = grouped
        .iter()
        .take(MAX_WARNINGS_SHOWN)
        .map(|(message, lines)| match lines.as_slice() {
            [line] => format!("line {line}: warning: {}", sanitize(message)),
            _ => {
                let first: Vec<String> = lines.iter().take(5).map(usize::to_string).collect();
                let more = if lines.len() > 5 { ", …" } else { "" };
                format!(
                    "warning: {} ({} rows: lines {}{more})",
                    sanitize(message),
                    lines.len(),
                    first.join(", ")
                )
            }
        })
        .collect();
    if grouped.len() > MAX_WARNINGS_SHOWN {
        out.push(format!(
            "… and {} more kinds of warning",
            grouped.len() - MAX_WARNINGS_SHOWN
        ));
    }
    out
}

const MAX_WARNINGS_SHOWN: usize = 20;

fn report_chunk_hint(valid: usize, chunks: usize) -> usize {
    if chunks == 0 {
        0
    } else {
        valid.div_ceil(chunks)
    }
}

fn save_report(path: &PathBuf, doc: &Document<'_>, report: &Report) -> Result<(), Failure> {
    let bytes = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        serde_json::to_vec_pretty(doc).map_err(|e| Failure::usage(e.to_string()))?
    } else {
        report.to_csv().map_err(|e| Failure::usage(e.to_string()))?
    };
    std::fs::write(path, bytes)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))
}

/// One self-overwriting line on stderr while rows are answered.
async fn print_progress(mut rx: UnboundedReceiver<Progress>, show: bool) {
    let mut shown = false;
    while let Some(p) = rx.recv().await {
        if !show {
            continue;
        }
        let line = match p {
            Progress::Chunk { done, of, .. } => format!("importing: {done}/{of} rows answered"),
            Progress::Waiting { wait, reason } => {
                format!("waiting {:.1} s: {}", wait.as_secs_f64(), sanitize(&reason))
            }
        };
        eprint!("\r\x1b[2K{line}");
        shown = true;
    }
    if shown {
        eprintln!();
    }
}
