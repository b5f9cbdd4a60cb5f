//! The database's health at open: `PRAGMA quick_check`, and a damaged file
//! is never read as empty. Its path is named in the error and a copy of it
//! (with its WAL) is kept aside, so nothing the user had is lost to a retry.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

/// Checks the file `conn` opened. A new or empty file is healthy.
pub(super) fn check_at_open(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let verdict = quick_check(conn);
    let detail = match verdict {
        Ok(v) if v == "ok" => return Ok(()),
        Ok(v) => v,
        Err(e) => match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                e.to_string()
            }
            // Locked, unreadable, …: not a verdict on the file's contents.
            _ => return Err(e.into()),
        },
    };
    let copy = keep_aside(path);
    Err(StoreError::Damaged {
        path: path.display().to_string(),
        detail: crate::sanitize::sanitize(&detail).into_owned(),
        copy,
    })
}

/// The first line `quick_check` reports ("ok" when healthy).
fn quick_check(conn: &Connection) -> rusqlite::Result<String> {
    let mut stmt = conn.prepare("PRAGMA quick_check(5)")?;
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines.join("; "))
}

/// Copies the damaged file (and its WAL, if any) next to it; returns the copy's name.
fn keep_aside(path: &Path) -> String {
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "console.db".to_string());
    let copy = path.with_file_name(format!("{name}.damaged-{stamp}"));
    match std::fs::copy(path, &copy) {
        Ok(_) => {
            let wal = path.with_file_name(format!("{name}-wal"));
            if wal.exists() {
                let _ = std::fs::copy(
                    &wal,
                    copy.with_file_name(format!("{name}.damaged-{stamp}-wal")),
                );
            }
            copy.display().to_string()
        }
        Err(e) => format!("(none: copying failed: {e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::*;

    /// Sets the cell count of the outbox table's root page to zero, as a torn write would.
    pub(crate) fn tear_root_page(path: &Path) {
        let conn = Connection::open(path).unwrap();
        let (root, page_size): (i64, i64) = (
            conn.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'outbox'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
            conn.query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap(),
        );
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE").ok();
        drop(conn);
        let mut bytes = std::fs::read(path).unwrap();
        let header = ((root - 1) * page_size) as usize;
        bytes[header + 3] = 0;
        bytes[header + 4] = 0;
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn a_torn_root_page_is_named_and_kept_aside_not_read_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("console.db");
        {
            let store = Store::open(&path).unwrap();
            let rows: Vec<_> = (0..400)
                .map(|i| {
                    crate::domain::ImportedDeviceIdentity::new(
                        format!("SER{i:06}"),
                        crate::domain::ImportedDeviceIdentityType::SerialNumber,
                        crate::domain::Platform::Ios,
                    )
                })
                .collect();
            store
                .enqueue("p", &rows, "offline", crate::outbox::now())
                .unwrap();
        }
        tear_root_page(&path);
        let err = match Store::open(&path) {
            Err(e) => e,
            Ok(store) => panic!(
                "opened a damaged database: {} items",
                store.outbox_items(None).unwrap().len()
            ),
        };
        let text = err.to_string();
        assert!(matches!(err, StoreError::Damaged { .. }), "{text}");
        assert!(text.contains(&path.display().to_string()), "{text}");
        let kept = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().contains(".damaged-"));
        assert!(kept, "a copy is kept aside");
    }

    #[test]
    fn a_healthy_file_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("console.db");
        drop(Store::open(&path).unwrap());
        assert!(Store::open(&path).is_ok());
    }
}
