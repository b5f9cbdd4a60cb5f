//! From a parsed CSV file to what will be sent (an [`ImportPlan`]): each
//! row's identity as sent and its first validation error.

use crate::csvfile::Parsed;
use crate::model::ImportPlan;

/// Plans `parsed` in chunks of `chunk` rows (clamped to 1..=[`crate::model::MAX_CHUNK`]).
pub fn plan_file(parsed: &Parsed, chunk: usize) -> ImportPlan {
    let rows = parsed.rows.iter().map(|r| {
        (
            r.line,
            r.identity.to_request(),
            r.error().map(str::to_string),
        )
    });
    ImportPlan::from_rows(rows, chunk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csvfile::parse;

    #[test]
    fn invalid_and_repeated_rows_are_refused_and_the_rest_chunked() {
        let text = "490154203237518,a\n490154203237517,bad check digit\nC02XK0XXJGH5,\nc02xk0xxjgh5,again\nSERIAL0001,\nSERIAL0002,\n";
        let parsed = parse(text.as_bytes(), None).unwrap();
        let plan = plan_file(&parsed, 2);
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
        let plan = plan_file(&parsed, 0);
        assert_eq!(plan.chunks.len(), 1);
        assert_eq!(plan.refused.len(), 1);
    }
}
