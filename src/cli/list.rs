//! `enroll-console list`: every identity of the tenant, page by page.

use std::io::Write;

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

async fn print_all(
    client: &crate::graph::GraphClient,
    json: bool,
    selection: &Selection,
) -> Result<Exit, Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let write_err = |e: std::io::Error| Failure::usage(format!("cannot write the output: {e}"));
    // Stops (exit 4) on a cycle of next-page links or the page cap; what was
    // printed by then is followed by the error, never by a count.
    let mut pager = client.pages(ListQuery::default());
    let mut first = true;
    let mut total = 0usize;
    if json {
        write!(out, "[").map_err(write_err)?;
    } else {
        writeln!(
            out,
            "{:<36}  {:<24}  {:<23}  {:<13}  {:<13}  DESCRIPTION",
            "ID", "IDENTIFIER", "TYPE", "PLATFORM", "STATE"
        )
        .map_err(write_err)?;
    }
    while let Some(listed) = pager.next_page().await? {
        let page = listed.page;
        for identity in selection.pick(&page.value) {
            total += 1;
            if json {
                let text =
                    serde_json::to_string(identity).map_err(|e| Failure::service(e.to_string()))?;
                write!(out, "{}\n  {text}", if first { "" } else { "," }).map_err(write_err)?;
                first = false;
            } else {
                let field = |s: Option<String>| sanitize(&s.unwrap_or_default()).into_owned();
                writeln!(
                    out,
                    "{:<36}  {:<24}  {:<23}  {:<13}  {:<13}  {}",
                    field(identity.id.clone()),
                    field(identity.imported_device_identifier.clone()),
                    field(
                        identity
                            .imported_device_identity_type
                            .as_ref()
                            .map(|t| t.to_string())
                    ),
                    field(identity.platform.as_ref().map(|t| t.to_string())),
                    field(identity.enrollment_state.as_ref().map(|t| t.to_string())),
                    field(identity.description.clone()),
                )
                .map_err(write_err)?;
            }
        }
    }
    if json {
        writeln!(out, "{}]", if first { "" } else { "\n" }).map_err(write_err)?;
    } else {
        writeln!(out, "{total} identities").map_err(write_err)?;
    }
    out.flush().map_err(write_err)?;
    Ok(Exit::Ok)
}
