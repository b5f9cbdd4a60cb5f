//! From parsed CSV rows to what will be sent: valid rows in chunks, the
//! others refused with their line and reason (never sent).

use std::collections::HashMap;

use crate::csvfile::Parsed;
use crate::domain::ImportedDeviceIdentity;

use super::report::{RowResult, RowStatus};

/// Rows per `importDeviceIdentityList` call unless told otherwise. 1,000
/// rows is about 150 KB of JSON: ten calls for 10,000 rows, far inside
/// Intune's 100 writes per 20 s; small enough that a timeout, a whole-call
/// 400 (one bad row fails the call) or a re-check touches few rows; large
/// enough that per-request overhead is negligible.
pub const DEFAULT_CHUNK: usize = 1_000;
/// The admin center's own file limit; the largest chunk we send.
pub const MAX_CHUNK: usize = 5_000;

/// A row that will be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRow {
    /// 1-based line in the file (or position in a scan batch).
    pub line: usize,
    /// The identity as sent (writable properties only).
    pub identity: ImportedDeviceIdentity,
}

/// What an import will do.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    /// Valid rows in chunks, in file order.
    pub chunks: Vec<Vec<PlannedRow>>,
    /// Rows refused here (validation errors, repeats within the file).
    pub refused: Vec<RowResult>,
    /// Every row of the file.
    pub total_rows: usize,
}

/// How identifiers compare (as the service does); see
/// [`crate::domain::validate::identity_key`].
pub fn dedupe_key(identity: &ImportedDeviceIdentity) -> String {
    crate::domain::validate::identity_key(identity)
}

impl ImportPlan {
    /// Plans `parsed` in chunks of `chunk` rows (clamped to 1..=[`MAX_CHUNK`]).
    pub fn new(parsed: &Parsed, chunk: usize) -> Self {
        let rows = parsed.rows.iter().map(|r| {
            (
                r.line,
                r.identity.to_request(),
                r.error().map(str::to_string),
            )
        });
        Self::from_rows(rows, chunk)
    }

    /// Plans rows given as (line, identity, first error).
    pub fn from_rows(
        rows: impl IntoIterator<Item = (usize, ImportedDeviceIdentity, Option<String>)>,
        chunk: usize,
    ) -> Self {
        let chunk = chunk.clamp(1, MAX_CHUNK);
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut valid = Vec::new();
        let mut refused = Vec::new();
        let mut total_rows = 0;
        for (line, identity, error) in rows {
            total_rows += 1;
            let reason = match error {
                Some(e) => Some(e),
                None => match seen.get(&dedupe_key(&identity)) {
                    Some(first) => Some(format!("same identifier as line {first}")),
                    None => {
                        seen.insert(dedupe_key(&identity), line);
                        None
                    }
                },
            };
            match reason {
                Some(message) => refused.push(RowResult::new(
                    line,
                    &identity,
                    RowStatus::Invalid,
                    None,
                    Some(message),
                )),
                None => valid.push(PlannedRow { line, identity }),
            }
        }
        let mut chunks = Vec::with_capacity(valid.len().div_ceil(chunk));
        let mut rest = valid.into_iter().peekable();
        while rest.peek().is_some() {
            chunks.push(rest.by_ref().take(chunk).collect());
        }
        ImportPlan {
            chunks,
            refused,
            total_rows,
        }
    }

    /// Rows that will be sent.
    pub fn valid_rows(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csvfile::parse;

    #[test]
    fn invalid_and_repeated_rows_are_refused_and_the_rest_chunked() {
        let text = "490154203237518,a\n490154203237517,bad check digit\nC02XK0XXJGH5,\nc02xk0xxjgh5,again\nSERIAL0001,\nSERIAL0002,\n";
        let parsed = parse(text.as_bytes(), None).unwrap();
        let plan = ImportPlan::new(&parsed, 2);
        assert_eq!(plan.total_rows, 6);
        assert_eq!(plan.valid_rows(), 4);
        let sizes: Vec<usize> = plan.chunks.iter().map(Vec::len).collect();
        assert_eq!(sizes, [2, 2]);
        let lines: Vec<usize> = plan.chunks.concat().iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 3, 5, 6]);
        let refused: Vec<(usize, &str)> = plan
            .refused
            .iter()
            .map(|r| (r.line, r.message.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(refused[0].0, 2);
        assert!(refused[0].1.contains("check digit"), "{refused:?}");
        assert_eq!(refused[1], (4, "same identifier as line 3"));
        // Sent rows carry no server-assigned fields.
        assert!(plan.chunks[0][0].identity.id.is_none());
    }

    #[test]
    fn chunk_size_is_clamped_and_windows_keys_ignore_punctuation() {
        let parsed = parse(b"Lenovo,T14,PF-4AB\nLENOVO,t 14,pf4ab\n", None).unwrap();
        let plan = ImportPlan::new(&parsed, 0);
        assert_eq!(plan.chunks.len(), 1);
        assert_eq!(plan.refused.len(), 1);
        let big = ImportPlan::from_rows(
            (1..=6_000).map(|i| {
                let id = ImportedDeviceIdentity::new(
                    format!("SER{i:06}"),
                    crate::domain::ImportedDeviceIdentityType::SerialNumber,
                    crate::domain::Platform::Ios,
                );
                (i, id, None)
            }),
            1_000_000,
        );
        assert_eq!(big.chunks[0].len(), MAX_CHUNK);
        assert_eq!(big.chunks[1].len(), 1_000);
    }
}
