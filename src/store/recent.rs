//! Recent: what this machine created, by any path (form, outbox, Scan,
//! import), read from the ledger newest first, with the live copy last read
//! from the tenant.

use rusqlite::{OptionalExtension, params};

use super::lease::unix_ns;
use super::ledger::LedgerQuery;
use super::outbox::json;
use super::{OutboxItem, Store, StoreError};
use crate::domain::validate::identity_key;
use crate::domain::{
    DateTimeOffset, ImportedDeviceIdentity, ImportedDeviceIdentityResult, RecordedMethod,
};

/// One identity created from this machine, with the service's response.
#[derive(Debug, Clone, PartialEq)]
pub struct RecentEntry {
    pub recorded_at: DateTimeOffset,
    /// The profile name, or "sandbox".
    pub profile: String,
    /// How it was sent, or that it was found after a cancel.
    pub method: RecordedMethod,
    pub result: ImportedDeviceIdentityResult,
    /// The response body as the service sent it.
    pub raw: serde_json::Value,
    /// Where it came from: "form", "scan" or "import".
    pub origin: String,
    /// Its item in the ledger (none until it is stored).
    pub item_id: Option<i64>,
    /// The copy last read from the tenant (GET by id), and when.
    pub live: Option<Box<LiveCopy>>,
}

/// An identity as the tenant last showed it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveCopy {
    pub identity: ImportedDeviceIdentity,
    pub fetched_at: DateTimeOffset,
}

impl RecentEntry {
    /// The entry of a created item (`None`: the item holds no identity).
    pub fn from_item(item: OutboxItem) -> Option<RecentEntry> {
        let stored = item.result.clone();
        let result = stored
            .clone()
            .and_then(|raw| serde_json::from_value::<ImportedDeviceIdentityResult>(raw).ok())
            .filter(|r| r.identity.id.is_some())
            .or_else(|| {
                let mut identity = item.identity.clone()?;
                identity.id = identity.id.or(item.service_id.clone());
                Some(ImportedDeviceIdentityResult {
                    identity,
                    status: Some(true),
                })
            })?;
        // An import's item stores no result (its answer is the identity and
        // its id): the raw JSON is the result put together.
        let raw = stored
            .unwrap_or_else(|| serde_json::to_value(&result).unwrap_or(serde_json::Value::Null));
        Some(RecentEntry {
            recorded_at: item.updated_at,
            profile: item.profile,
            method: recorded_method(item.method.as_deref()),
            result,
            raw,
            origin: item.origin,
            item_id: Some(item.id),
            live: None,
        })
    }
}

impl Store {
    /// Created items, newest first, paged: `limit` from `offset`.
    pub fn recent_page(&self, query: &LedgerQuery<'_>) -> Result<Vec<RecentEntry>, StoreError> {
        let query = LedgerQuery {
            created_only: true,
            ..query.clone()
        };
        let items = self.ledger(&query)?;
        let mut out = Vec::with_capacity(items.len());
        let mut live = self
            .conn
            .prepare_cached("SELECT live_json, live_fetched_at FROM outbox WHERE id = ?1")?;
        for item in items {
            let id = item.id;
            match RecentEntry::from_item(item) {
                Some(mut entry) => {
                    let (json, at): (Option<String>, Option<String>) =
                        live.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                    entry.live = live_copy(json.as_deref(), at.as_deref()).map(Box::new);
                    out.push(entry);
                }
                None => tracing::warn!("skipping an unreadable Recent row"),
            }
        }
        Ok(out)
    }

    /// Stores the copy of a created item just read from the tenant.
    pub fn record_live(
        &self,
        item_id: i64,
        identity: &ImportedDeviceIdentity,
        fetched_at: DateTimeOffset,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET live_json = ?2, live_fetched_at = ?3 WHERE id = ?1",
            params![item_id, json(identity), fetched_at.to_string()],
        )?;
        Ok(())
    }

    /// Keeps a copy just written to the tenant (a description edited on
    /// Detail) as the live copy of the items that created it. Returns how
    /// many items hold it.
    pub fn record_live_for(
        &self,
        identity: &ImportedDeviceIdentity,
        fetched_at: DateTimeOffset,
    ) -> Result<usize, StoreError> {
        let Some(service_id) = identity.id.as_deref() else {
            return Ok(0);
        };
        Ok(self.conn.execute(
            "UPDATE outbox SET live_json = ?2, live_fetched_at = ?3
             WHERE service_id = ?1 AND state = 'created'",
            params![service_id, json(identity), fetched_at.to_string()],
        )?)
    }

    /// Whether this machine created the identity with this id in the tenant.
    pub fn created_here(&self, service_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM outbox WHERE service_id = ?1 AND state = 'created' LIMIT 1",
                [service_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Newest first, at most `limit` entries, of every profile.
    pub fn recent(&self, limit: usize) -> Result<Vec<RecentEntry>, StoreError> {
        self.recent_page(&LedgerQuery {
            limit,
            ..LedgerQuery::default()
        })
    }

    /// Records that an identity was created: the ledger item already
    /// waiting for or holding it is settled as created; an identity the
    /// ledger never saw (a session without one) gets its own item.
    pub fn record_recent(&self, entry: &RecentEntry) -> Result<(), StoreError> {
        let identity: &ImportedDeviceIdentity = &entry.result.identity;
        let key = identity_key(identity);
        let at = entry.recorded_at;
        let tx = self.conn.unchecked_transaction()?;
        let existing: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, state FROM outbox
                 WHERE profile = ?1 AND (id = ?2 OR (service_id IS NOT NULL AND service_id = ?3)
                   OR (ident_key = ?4 AND state IN ('queued', 'sending', 'created')))
                 ORDER BY state = 'created' DESC, id DESC LIMIT 1",
                params![entry.profile, entry.item_id, identity.id, key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match existing {
            Some((_, state)) if state == "created" => {}
            Some((id, _)) => {
                tx.execute(
                    "UPDATE outbox SET state = 'created', service_id = COALESCE(?2, service_id),
                       result_json = ?3, method = ?4, unknown_outcome = 0, updated_at = ?5,
                       settled_unix_ns = ?6, lease_owner = NULL, lease_until_ns = NULL
                     WHERE id = ?1",
                    params![
                        id,
                        identity.id,
                        entry.raw.to_string(),
                        entry.method.as_str(),
                        at.to_string(),
                        unix_ns(at)
                    ],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO outbox (profile, state, identifier, ident_key, identity_json,
                       service_id, result_json, method, origin, attempts, created_at,
                       updated_at, settled_unix_ns)
                     VALUES (?1, 'created', ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9, ?10)",
                    params![
                        entry.profile,
                        identity.identifier(),
                        key,
                        json(identity),
                        identity.id,
                        entry.raw.to_string(),
                        entry.method.as_str(),
                        entry.origin,
                        at.to_string(),
                        unix_ns(at)
                    ],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// The method an item was recorded with; an item that names none (or a name
/// this version does not know) was created with a POST.
fn recorded_method(stored: Option<&str>) -> RecordedMethod {
    stored
        .and_then(RecordedMethod::parse)
        .unwrap_or(RecordedMethod::Create)
}

/// The stored live copy, when both halves are there and readable.
fn live_copy(json: Option<&str>, at: Option<&str>) -> Option<LiveCopy> {
    let identity = serde_json::from_str(json?).ok()?;
    let fetched_at = DateTimeOffset::parse(at?).ok()?;
    Some(LiveCopy {
        identity,
        fetched_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ImportedDeviceIdentityType, Platform};

    fn entry(identifier: &str, at: &str) -> RecentEntry {
        let mut identity = ImportedDeviceIdentity::new(
            identifier,
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
        );
        identity.id = Some(format!("id-{identifier}"));
        let result = ImportedDeviceIdentityResult {
            identity,
            status: Some(true),
        };
        RecentEntry {
            recorded_at: DateTimeOffset::parse(at).unwrap(),
            profile: "sandbox".into(),
            method: RecordedMethod::Create,
            raw: serde_json::to_value(&result).unwrap(),
            result,
            origin: "form".into(),
            item_id: None,
            live: None,
        }
    }

    #[test]
    fn recent_is_newest_first_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("console.db");
        {
            let store = Store::open(&path).unwrap();
            store
                .record_recent(&entry("1", "2026-01-01T10:00:00Z"))
                .unwrap();
            store
                .record_recent(&entry("2", "2026-01-01T12:00:00+01:00"))
                .unwrap();
            store
                .record_recent(&entry("3", "2026-01-01T10:30:00Z"))
                .unwrap();
            // Recorded twice (the form and its item): kept once.
            store
                .record_recent(&entry("3", "2026-01-01T10:30:00Z"))
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let recent = store.recent(10).unwrap();
        let ids: Vec<_> = recent
            .iter()
            .map(|e| e.result.identity.identifier())
            .collect();
        // 12:00+01:00 is 11:00Z: ordered by instant, not by text.
        assert_eq!(ids, ["2", "3", "1"]);
        let mut first = entry("2", "2026-01-01T12:00:00+01:00");
        first.item_id = recent[0].item_id;
        assert_eq!(recent[0], first);
        assert_eq!(store.recent(1).unwrap().len(), 1);
    }

    #[test]
    fn each_method_is_stored_as_its_name_and_read_back() {
        let store = Store::open_in_memory().unwrap();
        for (n, method) in RecordedMethod::ALL.into_iter().enumerate() {
            let mut e = entry(&format!("35693803564380{n}"), "2026-01-01T10:00:00Z");
            e.method = method;
            store.record_recent(&e).unwrap();
        }
        let stored: Vec<String> = store
            .conn
            .prepare("SELECT method FROM outbox ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(stored, ["create", "import", "checked"]);
        let mut read: Vec<RecordedMethod> =
            store.recent(10).unwrap().iter().map(|e| e.method).collect();
        read.sort_by_key(|m| m.as_str());
        assert_eq!(
            read,
            [
                RecordedMethod::Checked,
                RecordedMethod::Create,
                RecordedMethod::Import
            ]
        );
    }

    #[test]
    fn an_item_without_a_known_method_reads_as_created_with_a_post() {
        assert_eq!(recorded_method(None), RecordedMethod::Create);
        assert_eq!(recorded_method(Some("later")), RecordedMethod::Create);
        assert_eq!(recorded_method(Some("checked")), RecordedMethod::Checked);
    }

    #[test]
    fn an_old_recent_table_is_carried_into_the_ledger() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(super::super::migrations::STEPS[0])
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        let e = entry("356938035643809", "2025-03-01T08:00:00Z");
        conn.execute(
            "INSERT INTO recent (recorded_at, recorded_unix_ns, profile, method, service_id, identifier, result_json, raw_json)
             VALUES (?1, ?2, 'sandbox', 'import', 'id-356938035643809', '356938035643809', ?3, ?4)",
            params![
                "2025-03-01T08:00:00Z",
                unix_ns(e.recorded_at),
                serde_json::to_string(&e.result).unwrap(),
                e.raw.to_string()
            ],
        )
        .unwrap();
        let store = Store::init(conn).unwrap();
        let recent = store.recent(10).unwrap();
        assert_eq!(recent.len(), 1);
        assert_eq!(recent[0].result, e.result);
        assert_eq!(recent[0].method, RecordedMethod::Import);
        // Queuing it again adds nothing: it is created already.
        let queued = store
            .enqueue_checked(
                "sandbox",
                std::slice::from_ref(&e.result.identity),
                "offline",
                "import",
                e.recorded_at,
            )
            .unwrap();
        assert_eq!(
            queued[0].note().as_deref(),
            Some(format!("already created as item {}", recent[0].item_id.unwrap()).as_str())
        );
    }

    #[test]
    fn an_edit_is_kept_on_the_item_that_created_it() {
        let store = Store::open_in_memory().unwrap();
        store
            .record_recent(&entry("490154203237518", "2026-01-01T10:00:00Z"))
            .unwrap();
        assert!(store.created_here("id-490154203237518").unwrap());
        assert!(!store.created_here("someone-else").unwrap());
        let mut edited = entry("490154203237518", "2026-01-01T10:00:00Z")
            .result
            .identity;
        edited.description = Some("cart 3".into());
        let at = DateTimeOffset::parse("2026-01-01T11:00:00Z").unwrap();
        assert_eq!(store.record_live_for(&edited, at).unwrap(), 1);
        let read = store.recent(10).unwrap().remove(0).live.unwrap();
        assert_eq!(read.identity.description.as_deref(), Some("cart 3"));
        // An identity this machine did not create is not in the ledger.
        edited.id = Some("someone-else".into());
        assert_eq!(store.record_live_for(&edited, at).unwrap(), 0);
    }

    #[test]
    fn the_live_copy_is_kept_on_its_item_and_read_back() {
        let store = Store::open_in_memory().unwrap();
        store
            .record_recent(&entry("490154203237518", "2026-01-01T10:00:00Z"))
            .unwrap();
        let item = store.recent(10).unwrap()[0].item_id.unwrap();
        let mut live = entry("490154203237518", "2026-01-01T10:00:00Z")
            .result
            .identity;
        live.enrollment_state = Some(crate::domain::EnrollmentState::Enrolled);
        let at = DateTimeOffset::parse("2026-01-01T10:05:00Z").unwrap();
        store.record_live(item, &live, at).unwrap();
        let read = store.recent(10).unwrap().remove(0).live.unwrap();
        assert_eq!(read.identity, live);
        assert_eq!(read.fetched_at, at);
    }
}
