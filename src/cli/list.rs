//! `enroll-console list`: every identity of the tenant, page by page.

use std::io::Write;

use ratatui::text::Span;

use crate::domain::ImportedDeviceIdentity;
use crate::graph::ListQuery;
use crate::sanitize::sanitize;
use crate::session::Paths;
use crate::tenant::Selection;

use super::args::{GlobalArgs, ListArgs};
use super::connect::connect;
use super::exit::{Exit, Failure};

pub async fn run(global: &GlobalArgs, args: ListArgs, paths: &Paths) -> Result<Exit, Failure> {
    let conn = connect(global, paths).await?;
    let selection = args.view.selection();
    let result = print_all(&conn.client, args.json, &selection).await;
    conn.shutdown().await;
    result
}

const HEADINGS: [&str; 6] = [
    "ID",
    "IDENTIFIER",
    "TYPE",
    "PLATFORM",
    "STATE",
    "DESCRIPTION",
];

/// One identity's cells, cleaned for the terminal.
fn table_row(identity: &ImportedDeviceIdentity) -> [String; 6] {
    let field = |s: Option<String>| sanitize(&s.unwrap_or_default()).into_owned();
    [
        field(identity.id.clone()),
        field(identity.imported_device_identifier.clone()),
        field(
            identity
                .imported_device_identity_type
                .as_ref()
                .map(|t| t.to_string()),
        ),
        field(identity.platform.as_ref().map(|t| t.to_string())),
        field(identity.enrollment_state.as_ref().map(|t| t.to_string())),
        field(identity.description.clone()),
    ]
}

/// The table with every column as wide as its longest cell (the last one
/// unpadded), so no identifier pushes the later columns out of line.
fn write_table(out: &mut impl Write, rows: &[[String; 6]]) -> std::io::Result<()> {
    let width = |s: &str| Span::raw(s).width();
    let mut widths = HEADINGS.map(width);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let mut line = |cells: [&str; 6]| -> std::io::Result<()> {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths[i].saturating_sub(width(cell)) + 2;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(HEADINGS)?;
    for row in rows {
        line(row.each_ref().map(String::as_str))?;
    }
    Ok(())
}

async fn print_all(
    client: &crate::graph::GraphClient,
    json: bool,
    selection: &Selection,
) -> Result<Exit, Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let write_err = Failure::write;
    // Stops (exit 4) on a cycle of next-page links or the page cap; what was
    // printed by then is followed by the error, never by a count.
    let mut pager = client.pages(ListQuery::default());
    let mut first = true;
    let mut table = Vec::new();
    if json {
        write!(out, "[").map_err(write_err)?;
    }
    while let Some(listed) = pager.next_page().await? {
        let page = listed.page;
        for identity in selection.pick(&page.value) {
            if json {
                let text =
                    serde_json::to_string(identity).map_err(|e| Failure::service(e.to_string()))?;
                let text = crate::sanitize::escape_json_controls(&text);
                write!(out, "{}\n  {text}", if first { "" } else { "," }).map_err(write_err)?;
                first = false;
            } else {
                table.push(table_row(identity));
            }
        }
    }
    if json {
        writeln!(out, "{}]", if first { "" } else { "\n" }).map_err(write_err)?;
    } else {
        write_table(&mut out, &table).map_err(write_err)?;
        writeln!(out, "{} identities", table.len()).map_err(write_err)?;
    }
    out.flush().map_err(write_err)?;
    Ok(Exit::Ok)
}
