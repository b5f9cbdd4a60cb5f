//! Writing a list of identities as CSV (headered, or the admin center's
//! headerless dialect) or JSON. Every text cell is stripped of control and
//! escape sequences; in the headered CSV, a text cell starting with `=`,
//! `+`, `-` or `@` is prefixed with `'` so spreadsheets do not run it as a
//! formula. The admin-center CSV keeps identifiers exactly (it is for
//! re-import, and valid identifiers never start with those characters) and
//! neutralises only the free-text details.

use std::io::Write;
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
    let date =
        |d: Option<&crate::domain::DateTimeOffset>| d.map(|d| d.to_string()).unwrap_or_default();
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
        date(i.last_contacted_date_time.as_ref()),
        date(i.created_date_time.as_ref()),
        date(i.last_modified_date_time.as_ref()),
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
    fn json_round_trips() {
        let out = export_to_vec(ExportFormat::Json, &identities()).unwrap();
        let back: Vec<ImportedDeviceIdentity> = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, identities());
        let empty = export_to_vec(ExportFormat::Json, &[]).unwrap();
        assert_eq!(empty, b"[]\n");
        assert_eq!(
            "csv-admin".parse::<ExportFormat>(),
            Ok(ExportFormat::CsvAdmin)
        );
        assert!("xml".parse::<ExportFormat>().is_err());
    }
}
