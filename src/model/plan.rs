//! What an import will send: valid rows in chunks, the others refused with
//! their line and reason (never sent). Planned from rows given as (line,
//! identity, first error); the bulk engine plans a parsed file with it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::domain::ImportedDeviceIdentity;
use crate::domain::validate::identity_key;

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

impl AsRef<ImportedDeviceIdentity> for PlannedRow {
    fn as_ref(&self) -> &ImportedDeviceIdentity {
        &self.identity
    }
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

impl ImportPlan {
    /// Rows planned already (valid, one per identifier) in chunks of `chunk`.
    pub fn of_planned(rows: Vec<PlannedRow>, chunk: usize) -> Self {
        let chunk = chunk.clamp(1, MAX_CHUNK);
        let total_rows = rows.len();
        let mut chunks = Vec::with_capacity(rows.len().div_ceil(chunk));
        let mut rest = rows.into_iter().peekable();
        while rest.peek().is_some() {
            chunks.push(rest.by_ref().take(chunk).collect());
        }
        ImportPlan {
            chunks,
            refused: Vec::new(),
            total_rows,
        }
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
                None => match seen.entry(identity_key(&identity)) {
                    Entry::Occupied(first) => {
                        Some(format!("same identifier as line {}", first.get()))
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(line);
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
        ImportPlan {
            refused,
            total_rows,
            ..ImportPlan::of_planned(valid, chunk)
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

    #[test]
    fn a_chunk_holds_at_most_the_largest_chunk() {
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
