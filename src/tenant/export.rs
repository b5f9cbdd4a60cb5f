//! Writing a list of identities as CSV (headered, or the admin center's
//! headerless dialect) or JSON. Every text cell is stripped of control and
//! escape sequences; in the headered CSV, a text cell starting with `=`,
//! `+`, `-` or `@` is prefixed with `'` so spreadsheets do not run it as a
//! formula. The admin-center CSV keeps identifiers exactly (it is for
//! re-import, and valid identifiers never start with those characters) and
//! neutralises only the free-text details.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::domain::{ImportedDeviceIdentity, ImportedDeviceIdentityType};
use crate::sanitize::sanitize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A header row of JSON property names, then one row per identity.
    Csv,
    /// No header: `identifier,details`; Windows tuples as `manufacturer,model,serial`.
    CsvAdmin,
    /// One JSON array of identities.
    Json,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::CsvAdmin => "csv",
            ExportFormat::Json => "json",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::CsvAdmin => "csv-admin",
            ExportFormat::Json => "json",
        }
    }
}

impl FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "csv" => Ok(ExportFormat::Csv),
            "csv-admin" => Ok(ExportFormat::CsvAdmin),
            "json" => Ok(ExportFormat::Json),
            other => Err(format!("unknown format {other:?}: csv, csv-admin or json")),
        }
    }
}

/// The header of the headered CSV (the JSON property names, as the CSV reader takes them).
pub const CSV_HEADER: [&str; 9] = [
    "id",
    "importedDeviceIdentifier",
    "importedDeviceIdentityType",
    "platform",
    "enrollmentState",
    "lastContactedDateTime",
    "createdDateTime",
    "lastModifiedDateTime",
    "description",
];

/// A text cell a spreadsheet will not evaluate.
pub fn neutralise(cell: &str) -> String {
    let clean = sanitize(cell);
    if clean.starts_with(['=', '+', '-', '@']) {
        format!("'{clean}")
    } else {
        clean.into_owned()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the export: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes identities one at a time (the CLI streams pages through it).
pub struct Exporter<W: Write> {
    format: ExportFormat,
    csv: Option<csv::Writer<W>>,
    json: Option<W>,
    written: usize,
}

impl<W: Write> Exporter<W> {
    pub fn new(format: ExportFormat, out: W) -> Result<Self, ExportError> {
        let mut exporter = Exporter {
            format,
            csv: None,
            json: None,
            written: 0,
        };
        match format {
            ExportFormat::Json => {
                let mut out = out;
                out.write_all(b"[")?;
                exporter.json = Some(out);
            }
            ExportFormat::Csv | ExportFormat::CsvAdmin => {
                let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
                if format == ExportFormat::Csv {
                    writer.write_record(CSV_HEADER)?;
                }
                exporter.csv = Some(writer);
            }
        }
        Ok(exporter)
    }

    pub fn written(&self) -> usize {
        self.written
    }

    pub fn write(&mut self, identity: &ImportedDeviceIdentity) -> Result<(), ExportError> {
        if let Some(out) = self.json.as_mut() {
            let text = serde_json::to_string(identity)?;
            let text = crate::sanitize::escape_json_controls(&text);
            let sep = if self.written == 0 { "\n  " } else { ",\n  " };
            out.write_all(sep.as_bytes())?;
            out.write_all(text.as_bytes())?;
        } else if let Some(writer) = self.csv.as_mut() {
            let record = match self.format {
                ExportFormat::CsvAdmin => admin_record(identity),
                _ => headered_record(identity),
            };
            writer.write_record(&record)?;
        }
        self.written += 1;
        Ok(())
    }

    /// Ends the output and flushes it.
    pub fn finish(mut self) -> Result<W, ExportError> {
        if let Some(mut out) = self.json.take() {
            out.write_all(if self.written == 0 { b"]\n" } else { b"\n]\n" })?;
            out.flush()?;
            return Ok(out);
        }
        match self.csv.take() {
            Some(writer) => writer
                .into_inner()
                .map_err(|e| ExportError::Io(e.into_error())),
            None => Err(ExportError::Io(std::io::Error::other(
                "exporter used twice",
            ))),
        }
    }
}

fn headered_record(i: &ImportedDeviceIdentity) -> Vec<String> {
    // A date-time the service sent unreadably is written as it was sent.
    let unreadable = i.unreadable_dates.as_deref();
    let date = |d: Option<&crate::domain::DateTimeOffset>, raw: Option<&String>| match (d, raw) {
        (Some(d), _) => d.to_string(),
        (None, Some(raw)) => neutralise(raw),
        (None, None) => String::new(),
    };
    vec![
        neutralise(i.id.as_deref().unwrap_or("")),
        neutralise(i.identifier()),
        i.imported_device_identity_type
            .as_ref()
            .map(|t| neutralise(t.as_str()))
            .unwrap_or_default(),
        i.platform
            .as_ref()
            .map(|p| neutralise(p.as_str()))
            .unwrap_or_default(),
        i.enrollment_state
            .as_ref()
            .map(|s| neutralise(s.as_str()))
            .unwrap_or_default(),
        date(
            i.last_contacted_date_time.as_ref(),
            unreadable.and_then(|u| u.last_contacted_date_time.as_ref()),
        ),
        date(
            i.created_date_time.as_ref(),
            unreadable.and_then(|u| u.created_date_time.as_ref()),
        ),
        date(
            i.last_modified_date_time.as_ref(),
            unreadable.and_then(|u| u.last_modified_date_time.as_ref()),
        ),
        neutralise(i.description.as_deref().unwrap_or("")),
    ]
}

fn admin_record(i: &ImportedDeviceIdentity) -> Vec<String> {
    let identifier = sanitize(i.identifier()).into_owned();
    if i.imported_device_identity_type == Some(ImportedDeviceIdentityType::ManufacturerModelSerial)
    {
        // No details column for Windows.
        return identifier.split(',').map(str::to_string).collect();
    }
    vec![
        identifier,
        neutralise(i.description.as_deref().unwrap_or("")),
    ]
}

/// The admin center's two headerless dialects; it reads one per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminDialect {
    /// `manufacturer,model,serial` (Windows, no details).
    Windows,
    /// `identifier,details` (IMEIs and serial numbers).
    IdentifierDetails,
}

impl AdminDialect {
    pub fn of(identity: &ImportedDeviceIdentity) -> AdminDialect {
        match identity.imported_device_identity_type {
            Some(ImportedDeviceIdentityType::ManufacturerModelSerial) => AdminDialect::Windows,
            _ => AdminDialect::IdentifierDetails,
        }
    }

    /// What a split export adds to the file name.
    pub fn suffix(self) -> &'static str {
        match self {
            AdminDialect::Windows => "windows",
            AdminDialect::IdentifierDetails => "identifiers",
        }
    }
}

/// `out.csv` → `out-windows.csv` (or `-identifiers`): the file of one dialect
/// of a mixed admin-center export, beside the one asked for.
pub fn dialect_path(path: &Path, dialect: AdminDialect) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{}.{}", dialect.suffix(), ext.to_string_lossy()),
        None => format!("{stem}-{}", dialect.suffix()),
    };
    path.with_file_name(name)
}

/// The identities of a csv-admin export, grouped by dialect (Windows first),
/// each group in its original order; empty groups left out.
pub fn split_by_dialect(
    identities: &[ImportedDeviceIdentity],
) -> Vec<(AdminDialect, Vec<&ImportedDeviceIdentity>)> {
    [AdminDialect::Windows, AdminDialect::IdentifierDetails]
        .into_iter()
        .map(|d| {
            let rows: Vec<_> = identities
                .iter()
                .filter(|i| AdminDialect::of(i) == d)
                .collect();
            (d, rows)
        })
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
}

/// The files a csv-admin export of `identities` to `path` writes: `path`,
/// or one file per dialect beside it when both dialects are there.
pub fn admin_targets(path: &Path, identities: &[ImportedDeviceIdentity]) -> Vec<PathBuf> {
    let groups = split_by_dialect(identities);
    if groups.len() > 1 {
        groups.iter().map(|(d, _)| dialect_path(path, *d)).collect()
    } else {
        vec![path.to_path_buf()]
    }
}

/// Opens an export's file. With `replace` false the file must not be there
/// yet (`create_new`): one that appeared after the check is never replaced.
pub fn create_file(path: &Path, replace: bool) -> std::io::Result<std::fs::File> {
    if replace {
        std::fs::File::create(path)
    } else {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    }
}

/// Writes a csv-admin export to `path`, or, when the identities hold both
/// dialects, one file per dialect beside it (see [`dialect_path`]), so each
/// file imports again as one dialect. Returns each file with its row count.
/// Files already there are replaced.
pub fn write_admin_files(
    path: &Path,
    identities: &[ImportedDeviceIdentity],
) -> Result<Vec<(PathBuf, usize)>, ExportError> {
    write_admin_files_to(path, identities, true)
}

/// [`write_admin_files`], replacing files already there only if `replace`
/// (else such a file is an error and is left as it is).
pub fn write_admin_files_to(
    path: &Path,
    identities: &[ImportedDeviceIdentity],
    replace: bool,
) -> Result<Vec<(PathBuf, usize)>, ExportError> {
    let groups = split_by_dialect(identities);
    let mixed = groups.len() > 1;
    if groups.is_empty() {
        create_file(path, replace)?;
        return Ok(vec![(path.to_path_buf(), 0)]);
    }
    let mut written = Vec::new();
    for (dialect, rows) in groups {
        let target = if mixed {
            dialect_path(path, dialect)
        } else {
            path.to_path_buf()
        };
        let file = create_file(&target, replace).map_err(|e| {
            ExportError::Io(std::io::Error::new(
                e.kind(),
                format!("cannot create {}: {e}", target.display()),
            ))
        })?;
        let mut exporter = Exporter::new(ExportFormat::CsvAdmin, std::io::BufWriter::new(file))?;
        for identity in &rows {
            exporter.write(identity)?;
        }
        exporter.finish()?.flush()?;
        written.push((target, rows.len()));
    }
    Ok(written)
}

/// Writes all identities into a byte vector.
pub fn export_to_vec(
    format: ExportFormat,
    identities: &[ImportedDeviceIdentity],
) -> Result<Vec<u8>, ExportError> {
    let mut exporter = Exporter::new(format, Vec::new())?;
    for identity in identities {
        exporter.write(identity)?;
    }
    exporter.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DateTimeOffset, Platform};

    fn identities() -> Vec<ImportedDeviceIdentity> {
        let mut a = ImportedDeviceIdentity::new(
            "490154203237518",
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
        );
        a.odata_type = None;
        a.id = Some("id-1".into());
        a.description = Some("=HYPERLINK(\"x\")\u{1b}[31m, cart".into());
        a.created_date_time = DateTimeOffset::parse("2024-05-01T09:30:00Z").ok();
        let mut w = ImportedDeviceIdentity::new(
            "Contoso,Laptop 5,SN0001",
            ImportedDeviceIdentityType::ManufacturerModelSerial,
            Platform::Windows,
        );
        w.odata_type = None;
        vec![a, w]
    }

    #[test]
    fn headered_csv_neutralises_formulas_and_escapes() {
        let out =
            String::from_utf8(export_to_vec(ExportFormat::Csv, &identities()).unwrap()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert!(lines[1].starts_with("id-1,490154203237518,imei,android,notContacted,,"));
        assert!(
            lines[1].contains("\"'=HYPERLINK(\"\"x\"\"), cart\""),
            "{}",
            lines[1]
        );
        assert!(!out.contains('\u{1b}'));
        assert!(lines[2].contains("\"Contoso,Laptop 5,SN0001\""));
        assert_eq!(neutralise("-1+1"), "'-1+1");
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("plain"), "plain");
    }

    #[test]
    fn admin_csv_is_headerless_with_windows_tuples() {
        let out = String::from_utf8(export_to_vec(ExportFormat::CsvAdmin, &identities()).unwrap())
            .unwrap();
        assert_eq!(
            out,
            "490154203237518,\"'=HYPERLINK(\"\"x\"\"), cart\"\nContoso,Laptop 5,SN0001\n"
        );
        // What the admin-center reader makes of it.
        let parsed = crate::csvfile::parse(out.lines().nth(1).unwrap().as_bytes(), None).unwrap();
        assert_eq!(parsed.rows.len(), 1);
    }

    #[test]
    fn a_mixed_admin_export_goes_to_one_file_per_dialect() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let written = write_admin_files(&path, &identities()).unwrap();
        let names: Vec<_> = written
            .iter()
            .map(|(p, n)| (p.file_name().unwrap().to_string_lossy().into_owned(), *n))
            .collect();
        assert_eq!(
            names,
            [
                ("out-windows.csv".to_string(), 1),
                ("out-identifiers.csv".to_string(), 1)
            ]
        );
        assert!(!path.exists());
        let windows = std::fs::read_to_string(dir.path().join("out-windows.csv")).unwrap();
        assert_eq!(windows, "Contoso,Laptop 5,SN0001\n");
        // One dialect: the file asked for.
        let single = write_admin_files(&path, &identities()[..1]).unwrap();
        assert_eq!(single, [(path.clone(), 1)]);
        assert_eq!(
            dialect_path(Path::new("a/b"), AdminDialect::Windows),
            Path::new("a/b-windows")
        );
    }

    #[test]
    fn an_admin_export_not_to_replace_leaves_a_file_there_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let targets = admin_targets(&path, &identities());
        assert_eq!(
            targets,
            [
                dir.path().join("out-windows.csv"),
                dir.path().join("out-identifiers.csv")
            ]
        );
        std::fs::write(&targets[0], "yesterday").unwrap();
        assert!(write_admin_files_to(&path, &identities(), false).is_err());
        assert_eq!(std::fs::read_to_string(&targets[0]).unwrap(), "yesterday");
        write_admin_files_to(&path, &identities(), true).unwrap();
        assert_ne!(std::fs::read_to_string(&targets[0]).unwrap(), "yesterday");
    }

    #[test]
    fn json_round_trips() {
        let out = export_to_vec(ExportFormat::Json, &identities()).unwrap();
        let back: Vec<ImportedDeviceIdentity> = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, identities());
        let mut hostile = identities();
        hostile[1].description = Some("\u{9b}2J\u{9d}0;x\u{7}\u{7f}\u{202e}".into());
        let out = String::from_utf8(export_to_vec(ExportFormat::Json, &hostile).unwrap()).unwrap();
        assert!(
            out.contains(r#""\u009b2J\u009d0;x\u0007\u007f\u202e""#),
            "{out}"
        );
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'));
        let back: Vec<ImportedDeviceIdentity> = serde_json::from_str(&out).unwrap();
        assert_eq!(back, hostile);
        let empty = export_to_vec(ExportFormat::Json, &[]).unwrap();
        assert_eq!(empty, b"[]\n");
        assert_eq!(
            "csv-admin".parse::<ExportFormat>(),
            Ok(ExportFormat::CsvAdmin)
        );
        assert!("xml".parse::<ExportFormat>().is_err());
    }
}
