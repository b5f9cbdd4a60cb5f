//! Reading identity CSV files: the admin center's headerless dialects
//! (`identifier,details` and Windows `manufacturer,model,serial`) and a
//! headered one whose columns are the JSON property names. UTF-8 with or
//! without BOM, CRLF or LF, quoted fields. Each row is validated.

mod dialect;

use std::fmt;
use std::str::FromStr;

use crate::domain::validate::{
    Finding, NormalizeOptions, detect_type, has_control_chars, normalize_identifier_with,
    sanity_warnings, validate_description, validate_identifier,
};
use crate::domain::{
    DateTimeOffset, EnrollmentState, ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform,
};

pub use dialect::detect;

/// The admin center's own limits per file; we accept more and chunk.
pub const ADMIN_CENTER_MAX_ROWS: usize = 5_000;
pub const ADMIN_CENTER_MAX_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `identifier,details`, no header (IMEI or serial per row).
    IdentifierDetails,
    /// `manufacturer,model,serial`, no header (Windows).
    ManufacturerModelSerial,
    /// A header row of JSON property names (`importedDeviceIdentifier`, …).
    Headered,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::IdentifierDetails => "identifier-details",
            Dialect::ManufacturerModelSerial => "manufacturer-model-serial",
            Dialect::Headered => "headered",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "identifier-details" | "admin" => Ok(Dialect::IdentifierDetails),
            "manufacturer-model-serial" | "windows" => Ok(Dialect::ManufacturerModelSerial),
            "headered" | "header" => Ok(Dialect::Headered),
            other => Err(format!(
                "unknown dialect {other:?}: identifier-details, manufacturer-model-serial or headered"
            )),
        }
    }
}

/// One data row: where it was, what it becomes, and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line number in the file.
    pub line: usize,
    pub identity: ImportedDeviceIdentity,
    pub findings: Vec<Finding>,
}

impl Row {
    pub fn is_valid(&self) -> bool {
        !self.findings.iter().any(Finding::is_error)
    }
    /// The first error, for reports.
    pub fn error(&self) -> Option<&str> {
        self.findings
            .iter()
            .find(|f| f.is_error())
            .map(|f| f.message.as_str())
    }
}

/// A whole file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub dialect: Dialect,
    pub rows: Vec<Row>,
    /// File-level notes (admin-center limits exceeded, …).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("the file is not UTF-8 text (line {line})")]
    NotUtf8 { line: usize },
    #[error("line {line}: {message}")]
    Malformed { line: usize, message: String },
    #[error("the file holds no rows (it is empty, or has only blank lines or a header)")]
    Empty,
    #[error("the header has no importedDeviceIdentifier column")]
    NoIdentifierColumn,
}

/// Reads CSV bytes in the given dialect, or the detected one.
pub fn parse(bytes: &[u8], dialect: Option<Dialect>) -> Result<Parsed, CsvError> {
    parse_with(bytes, dialect, NormalizeOptions::default())
}

/// [`parse`] with the optional identifier conversions.
pub fn parse_with(
    bytes: &[u8],
    dialect: Option<Dialect>,
    options: NormalizeOptions,
) -> Result<Parsed, CsvError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(text).map_err(|e| CsvError::NotUtf8 {
        line: text[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1,
    })?;
    let records = read_records(text)?;
    let dialect = dialect.unwrap_or_else(|| detect(&records));
    let mut warnings = Vec::new();
    let rows = match dialect {
        Dialect::Headered => headered_rows(&records, options)?,
        Dialect::IdentifierDetails => records
            .iter()
            .map(|(line, fields)| identifier_details_row(*line, fields, options))
            .collect(),
        Dialect::ManufacturerModelSerial => records
            .iter()
            .map(|(line, fields)| windows_row(*line, fields, options))
            .collect(),
    };
    if rows.is_empty() {
        return Err(CsvError::Empty);
    }
    if rows.len() > ADMIN_CENTER_MAX_ROWS {
        warnings.push(format!(
            "{} rows: more than the admin center's {ADMIN_CENTER_MAX_ROWS} per file (sent in chunks here)",
            rows.len()
        ));
    }
    if bytes.len() > ADMIN_CENTER_MAX_BYTES {
        warnings.push(format!(
            "{:.1} MB: larger than the admin center's 5 MB per file (sent in chunks here)",
            bytes.len() as f64 / (1024.0 * 1024.0)
        ));
    }
    Ok(Parsed {
        dialect,
        rows,
        warnings,
    })
}

type Record = (usize, Vec<String>);

/// Non-empty records with their 1-based line numbers.
fn read_records(text: &str) -> Result<Vec<Record>, CsvError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // Line numbers come from byte offsets: the reader counts CRLF as two
    // terminators and may report a record as starting at its leading line
    // break, so skip breaks to the record's first byte, then count lines.
    // Records come in file order, so lines are counted incrementally from
    // the previous record (counting from the start each time is quadratic).
    let bytes = text.as_bytes();
    let mut counted_to = 0usize;
    let mut lines_before = 0usize;
    let mut line_at = |byte: u64| {
        let mut start = (byte as usize).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < counted_to {
            counted_to = 0;
            lines_before = 0;
        }
        lines_before += line_breaks(&bytes[counted_to..start]);
        counted_to = start;
        lines_before + 1
    };
    let mut out = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| CsvError::Malformed {
            line: e.position().map(|p| line_at(p.byte())).unwrap_or(0),
            message: e.to_string(),
        })?;
        let line = record.position().map(|p| line_at(p.byte())).unwrap_or(0);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        out.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

/// Line breaks in `bytes`: LF, CRLF and a lone CR each count once, as the
/// CSV reader ends records at any of them.
fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

fn finish(
    line: usize,
    mut identity: ImportedDeviceIdentity,
    mut findings: Vec<Finding>,
    options: NormalizeOptions,
) -> Row {
    let ty = identity
        .imported_device_identity_type
        .clone()
        .unwrap_or_default();
    let raw = identity.identifier().to_string();
    findings.extend(validate_identifier(&raw, &ty));
    identity.imported_device_identifier = Some(normalize_identifier_with(&raw, &ty, options));
    if let Some(d) = &identity.description {
        findings.extend(validate_description(d, &ty));
    }
    if ty == ImportedDeviceIdentityType::ManufacturerModelSerial {
        identity.platform = Some(Platform::Windows);
    }
    if let Some(p) = &identity.platform {
        findings.extend(sanity_warnings(&ty, p));
    }
    Row {
        line,
        identity,
        findings,
    }
}

fn identifier_details_row(line: usize, fields: &[String], options: NormalizeOptions) -> Row {
    let identifier = fields.first().map(|s| s.trim()).unwrap_or("");
    let ty = detect_type(identifier);
    let mut identity = ImportedDeviceIdentity::new(identifier, ty, Platform::Unknown);
    identity.platform = None;
    let details = fields[1.min(fields.len())..].join(",");
    let details = details.trim();
    if !details.is_empty() {
        identity.description = Some(details.to_string());
    }
    finish(line, identity, Vec::new(), options)
}

fn windows_row(line: usize, fields: &[String], options: NormalizeOptions) -> Row {
    let joined = fields
        .iter()
        .map(|f| f.trim())
        .collect::<Vec<_>>()
        .join(",");
    let identity = ImportedDeviceIdentity::new(
        joined,
        ImportedDeviceIdentityType::ManufacturerModelSerial,
        Platform::Windows,
    );
    finish(line, identity, Vec::new(), options)
}

fn headered_rows(records: &[Record], options: NormalizeOptions) -> Result<Vec<Row>, CsvError> {
    let Some(((_, header), data)) = records.split_first() else {
        return Ok(Vec::new());
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let id_col = column("importedDeviceIdentifier").ok_or(CsvError::NoIdentifierColumn)?;
    let type_col = column("importedDeviceIdentityType");
    let platform_col = column("platform");
    let state_col = column("enrollmentState");
    let desc_col = column("description");
    let contacted_col = column("lastContactedDateTime");
    let cell = |fields: &[String], col: Option<usize>| -> Option<String> {
        col.and_then(|c| fields.get(c))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Ok(data
        .iter()
        .map(|(line, fields)| {
            let mut findings = Vec::new();
            let identifier = cell(fields, Some(id_col)).unwrap_or_default();
            let ty = match cell(fields, type_col) {
                Some(t) => ImportedDeviceIdentityType::parse(&t),
                None => detect_type(&identifier),
            };
            let mut identity =
                ImportedDeviceIdentity::new(identifier, ty.clone(), Platform::Unknown);
            identity.platform = cell(fields, platform_col).map(|p| Platform::parse(&p));
            if let Some(s) = cell(fields, state_col) {
                identity.enrollment_state = Some(EnrollmentState::parse(&s));
            }
            identity.description = cell(fields, desc_col);
            if let Some(t) = cell(fields, contacted_col) {
                match DateTimeOffset::parse_input(&t) {
                    Ok(d) => identity.last_contacted_date_time = Some(d),
                    Err(e) => findings.push(Finding::error(format!("lastContactedDateTime: {e}"))),
                }
            }
            let names = |all: &[&str]| all.join(", ");
            let unknown = [
                (
                    "importedDeviceIdentityType",
                    (!ty.is_known()).then(|| ty.as_str().to_string()),
                    names(
                        &ImportedDeviceIdentityType::PICKABLE
                            .iter()
                            .map(|t| t.as_str())
                            .collect::<Vec<_>>(),
                    ),
                ),
                (
                    "platform",
                    identity
                        .platform
                        .as_ref()
                        .filter(|p| !p.is_known())
                        .map(|p| p.as_str().to_string()),
                    names(
                        &Platform::PICKABLE
                            .iter()
                            .map(|p| p.as_str())
                            .collect::<Vec<_>>(),
                    ),
                ),
                (
                    "enrollmentState",
                    identity
                        .enrollment_state
                        .as_ref()
                        .filter(|s| !s.is_known())
                        .map(|s| s.as_str().to_string()),
                    names(
                        &EnrollmentState::PICKABLE
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>(),
                    ),
                ),
            ];
            for (name, value, valid) in unknown {
                if let Some(value) = value {
                    findings.push(Finding::error(format!(
                        "{name}: {:?} is not a known value (one of {valid})",
                        crate::sanitize::sanitize(&value)
                    )));
                }
            }
            if fields.iter().any(|f| has_control_chars(f)) {
                findings.push(Finding::error("control characters are not allowed"));
            }
            finish(*line, identity, findings, options)
        })
        .collect())
}

#[cfg(test)]
mod tests;
