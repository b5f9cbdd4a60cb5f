//! CSV parsing: any bytes, in every dialect and detected; never panics, and
//! every row's line number lies inside the file.
#![no_main]

use enroll_console::csvfile::{Dialect, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = line_count(data);
    for dialect in [
        None,
        Some(Dialect::Headered),
        Some(Dialect::IdentifierDetails),
        Some(Dialect::ManufacturerModelSerial),
    ] {
        if let Ok(parsed) = parse(data, dialect) {
            let mut last = 0;
            for row in &parsed.rows {
                assert!(row.line >= 1 && row.line <= lines, "line {} of {lines}", row.line);
                assert!(row.line > last, "rows out of order");
                last = row.line;
                let _ = row.error();
            }
        }
    }
});

/// Lines in the file: LF, CRLF and a lone CR each end one.
fn line_count(bytes: &[u8]) -> usize {
    let mut count = 1;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            count += 1;
        }
    }
    count
}
