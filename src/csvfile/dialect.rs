//! Guessing a file's dialect from its first record.

use super::{Dialect, Record};

/// Headered when the first record names `importedDeviceIdentifier`; Windows
/// when it has three fields and does not start with a bare number (an IMEI
/// with an unquoted comma in its details); otherwise `identifier,details`.
pub fn detect(records: &[Record]) -> Dialect {
    let Some((_, first)) = records.first() else {
        return Dialect::IdentifierDetails;
    };
    if first
        .iter()
        .any(|f| f.trim().eq_ignore_ascii_case("importedDeviceIdentifier"))
    {
        return Dialect::Headered;
    }
    let starts_with_number = first
        .first()
        .map(|f| {
            let f = f.trim();
            !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit())
        })
        .unwrap_or(false);
    if first.len() == 3 && !starts_with_number {
        Dialect::ManufacturerModelSerial
    } else {
        Dialect::IdentifierDetails
    }
}
