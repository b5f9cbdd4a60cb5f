//! Per-row results of an import, their counts, the exit status they imply,
//! and the saved report (JSON or CSV).

use serde::Serialize;

use crate::domain::ImportedDeviceIdentity;

/// How a row ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RowStatus {
    /// The service created (or, with overwrite, replaced) it: `status: true`.
    Created,
    /// The service answered `status: false`: the identifier is already there.
    AlreadyPresent,
    /// The service refused it, with its message.
    Rejected,
    /// Refused here before sending (validation, repeated in the file).
    Invalid,
    /// Never sent (or its outcome never confirmed): the service could not be reached.
    Unsent,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Created => "created",
            RowStatus::AlreadyPresent => "alreadyPresent",
            RowStatus::Rejected => "rejected",
            RowStatus::Invalid => "invalid",
            RowStatus::Unsent => "unsent",
        }
    }
}

/// One row's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowResult {
    pub line: usize,
    pub identifier: String,
    #[serde(rename = "importedDeviceIdentityType")]
    pub identity_type: String,
    pub status: RowStatus,
    /// The service's id of the identity (created or already present).
    pub id: Option<String>,
    /// Why it was not created, or a note (e.g. confirmed by a search).
    pub message: Option<String>,
}

impl RowResult {
    pub fn new(
        line: usize,
        identity: &ImportedDeviceIdentity,
        status: RowStatus,
        id: Option<String>,
        message: Option<String>,
    ) -> Self {
        RowResult {
            line,
            identifier: identity.identifier().to_string(),
            identity_type: identity
                .imported_device_identity_type
                .as_ref()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            status,
            id,
            message,
        }
    }
}

/// Rows per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub total: usize,
    pub created: usize,
    pub already_present: usize,
    pub rejected: usize,
    pub invalid: usize,
    pub unsent: usize,
}

/// Why sending stopped before every row had an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "message")]
pub enum StopReason {
    /// The service could not be reached, kept failing, or refused every call.
    Service(String),
    /// The sign-in was refused (401/403).
    Auth(String),
}

/// The whole import, row by row, in line order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub counts: Counts,
    pub rows: Vec<RowResult>,
    /// Set when sending stopped early.
    pub stopped: Option<StopReason>,
    /// `importDeviceIdentityList` calls made (each chunk, split or re-sent part).
    pub import_calls: usize,
    /// `searchExistingIdentities` calls made before re-sending.
    pub search_calls: usize,
}

impl Report {
    /// Builds the report from every row's result (any order).
    pub fn new(mut rows: Vec<RowResult>) -> Self {
        rows.sort_by_key(|r| r.line);
        let mut counts = Counts {
            total: rows.len(),
            ..Counts::default()
        };
        for r in &rows {
            match r.status {
                RowStatus::Created => counts.created += 1,
                RowStatus::AlreadyPresent => counts.already_present += 1,
                RowStatus::Rejected => counts.rejected += 1,
                RowStatus::Invalid => counts.invalid += 1,
                RowStatus::Unsent => counts.unsent += 1,
            }
        }
        Report {
            counts,
            rows,
            ..Report::default()
        }
    }

    /// Every row was created.
    pub fn all_created(&self) -> bool {
        self.counts.created == self.counts.total
    }

    /// Rows that were not created, in line order.
    pub fn problems(&self) -> impl Iterator<Item = &RowResult> {
        self.rows.iter().filter(|r| r.status != RowStatus::Created)
    }

    /// The report as CSV: `line,identifier,importedDeviceIdentityType,status,id,message`.
    pub fn to_csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "line",
            "identifier",
            "importedDeviceIdentityType",
            "status",
            "id",
            "message",
        ])?;
        for r in &self.rows {
            w.write_record([
                r.line.to_string().as_str(),
                &r.identifier,
                &r.identity_type,
                r.status.as_str(),
                r.id.as_deref().unwrap_or(""),
                r.message.as_deref().unwrap_or(""),
            ])?;
        }
        w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ImportedDeviceIdentityType, Platform};

    fn row(line: usize, status: RowStatus) -> RowResult {
        let id = ImportedDeviceIdentity::new(
            format!("SER{line}"),
            ImportedDeviceIdentityType::SerialNumber,
            Platform::Ios,
        );
        RowResult::new(line, &id, status, None, Some("why, \"quoted\"".into()))
    }

    #[test]
    fn counts_order_and_csv() {
        let r = Report::new(vec![
            row(3, RowStatus::Invalid),
            row(1, RowStatus::Created),
            row(2, RowStatus::AlreadyPresent),
        ]);
        assert_eq!(r.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(r.counts.created, 1);
        assert_eq!(r.counts.already_present, 1);
        assert_eq!(r.counts.invalid, 1);
        assert!(!r.all_created());
        assert_eq!(r.problems().count(), 2);
        let csv = String::from_utf8(r.to_csv().unwrap()).unwrap();
        assert!(
            csv.contains("3,SER3,serialNumber,invalid,,\"why, \"\"quoted\"\"\""),
            "{csv}"
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["rows"][1]["status"], "alreadyPresent");
        assert_eq!(json["counts"]["alreadyPresent"], 1);
    }
}
