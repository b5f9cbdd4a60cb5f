//! Drafts and the outbox in the local database, and the append-only journal
//! of every attempt to send an item. One table holds an item through its
//! whole life: draft → queued → sending → created | rejected | duplicate
//! (or discarded, kept so the journal keeps pointing at something).

use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::{Store, StoreError};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::model::{DraftFields, ItemState, OutboxCounts, OutboxItem};

/// One line of the journal: one request made for an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub item_id: i64,
    pub at: DateTimeOffset,
    /// "create", "import" or "check" (searchExistingIdentities).
    pub action: String,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub http_status: Option<u16>,
    pub error: Option<String>,
    /// The state the item was left in, or "not-found" for a check.
    pub outcome: String,
}

/// How an attempt leaves an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Settlement {
    pub state: ItemState,
    pub unknown_outcome: bool,
    pub reason: Option<String>,
    pub service_id: Option<String>,
    pub result: Option<serde_json::Value>,
}

/// A new item for the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    pub identity: ImportedDeviceIdentity,
    pub reason: String,
    pub form: Option<DraftFields>,
    /// A send was made whose outcome is unknown (check before re-sending).
    pub unknown_outcome: bool,
    /// The draft this item comes from; that row becomes the item.
    pub draft_id: Option<i64>,
}

pub(super) const COLUMNS: &str = "id, profile, state, identifier, form_json, identity_json, \
     unknown_outcome, overwrite, reason, service_id, result_json, attempts, created_at, updated_at, \
     origin, lost_answers, lease_owner, method, next_attempt_at, spent_rounds";

pub(super) fn item_from_row(row: &Row<'_>) -> rusqlite::Result<Option<OutboxItem>> {
    let state: String = row.get(2)?;
    let form: Option<String> = row.get(4)?;
    let identity: Option<String> = row.get(5)?;
    let result: Option<String> = row.get(10)?;
    let created_at: String = row.get(12)?;
    let updated_at: String = row.get(13)?;
    let next_attempt_at: Option<String> = row.get(18)?;
    // A row this build cannot read is skipped by the caller.
    let (Some(state), Ok(created_at), Ok(updated_at)) = (
        ItemState::parse(&state),
        DateTimeOffset::parse(&created_at),
        DateTimeOffset::parse(&updated_at),
    ) else {
        return Ok(None);
    };
    Ok(Some(OutboxItem {
        id: row.get(0)?,
        profile: row.get(1)?,
        state,
        identifier: row.get(3)?,
        form: form.and_then(|f| serde_json::from_str(&f).ok()),
        identity: identity.and_then(|i| serde_json::from_str(&i).ok()),
        unknown_outcome: row.get(6)?,
        overwrite: row.get(7)?,
        reason: row.get(8)?,
        service_id: row.get(9)?,
        result: result.and_then(|r| serde_json::from_str(&r).ok()),
        attempts: row.get(11)?,
        created_at,
        updated_at,
        origin: row.get(14)?,
        lost_answers: row.get(15)?,
        lease_owner: row.get(16)?,
        method: row.get(17)?,
        next_attempt_at: next_attempt_at.and_then(|t| DateTimeOffset::parse(&t).ok()),
        spent_rounds: row.get(19)?,
    }))
}

pub(super) fn json<T: Serialize>(value: &T) -> String {
    // Our own plain data types: serialising them cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

impl Store {
    /// Saves the form as a draft: updates draft `id` while it is still a
    /// draft, else adds a new one. Returns the draft's id.
    pub fn save_draft(
        &self,
        id: Option<i64>,
        profile: &str,
        fields: &DraftFields,
        at: DateTimeOffset,
    ) -> Result<i64, StoreError> {
        let form = json(fields);
        if let Some(id) = id {
            let changed = self.conn.execute(
                "UPDATE outbox SET form_json = ?2, identifier = ?3, updated_at = ?4
                 WHERE id = ?1 AND state = 'draft'",
                params![id, form, fields.identifier, at.to_string()],
            )?;
            if changed == 1 {
                return Ok(id);
            }
        }
        self.conn.execute(
            "INSERT INTO outbox (profile, state, identifier, form_json, created_at, updated_at)
             VALUES (?1, 'draft', ?2, ?3, ?4, ?4)",
            params![profile, fields.identifier, form, at.to_string()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(super) fn select_items(
        &self,
        filter: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        self.select_items_raw(&format!("{filter} ORDER BY id"), args)
    }

    /// Items matching `tail` (a WHERE condition with its ORDER BY and LIMIT).
    pub(super) fn select_items_raw(
        &self,
        tail: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE {tail}");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(args, item_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            match row? {
                Some(item) => out.push(item),
                None => tracing::warn!("skipping an unreadable outbox row"),
            }
        }
        Ok(out)
    }

    /// Every item not discarded, of one profile or all, oldest first.
    pub fn outbox_items(&self, profile: Option<&str>) -> Result<Vec<OutboxItem>, StoreError> {
        match profile {
            Some(p) => self.select_items("state != 'discarded' AND profile = ?1", [p]),
            None => self.select_items("state != 'discarded'", []),
        }
    }

    /// The items still to send for a profile, oldest first.
    pub fn pending_items(&self, profile: &str) -> Result<Vec<OutboxItem>, StoreError> {
        self.select_items("state IN ('queued', 'sending') AND profile = ?1", [profile])
    }

    pub fn outbox_item(&self, id: i64) -> Result<Option<OutboxItem>, StoreError> {
        Ok(self.select_items("id = ?1", [id])?.into_iter().next())
    }

    /// How many items of a profile are in each state.
    pub fn outbox_counts(&self, profile: &str) -> Result<OutboxCounts, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT state, COUNT(*) FROM outbox WHERE profile = ?1 GROUP BY state",
        )?;
        let rows = stmt.query_map([profile], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut counts = OutboxCounts::default();
        for row in rows {
            let (state, n) = row?;
            let n = usize::try_from(n).unwrap_or(0);
            match ItemState::parse(&state) {
                Some(ItemState::Draft) => counts.drafts += n,
                Some(ItemState::Queued | ItemState::Sending) => counts.pending += n,
                Some(ItemState::Rejected) => counts.rejected += n,
                Some(ItemState::Duplicate) => counts.duplicate += n,
                Some(ItemState::Created) => counts.created += n,
                Some(ItemState::Discarded) | None => {}
            }
        }
        Ok(counts)
    }

    /// Marks an item as being sent: if the process dies now, its outcome
    /// is unknown and will be checked before it is sent again. Only a
    /// pending item, and (with `owner`) only while that sender holds it.
    /// Returns whether it was marked.
    pub fn mark_sending(
        &self,
        id: i64,
        owner: Option<&str>,
        at: DateTimeOffset,
    ) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = 'sending', updated_at = ?2
             WHERE id = ?1 AND state IN ('queued', 'sending')
               AND (?3 IS NULL OR lease_owner = ?3)",
            params![id, at.to_string(), owner],
        )?;
        Ok(changed == 1)
    }

    /// Journals an attempt and settles the item, in one transaction. A
    /// settled item's lease ends with it.
    pub fn record_attempt(
        &self,
        attempt: &Attempt,
        settlement: &Settlement,
    ) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        super::ledger::settle_in(&tx, attempt, settlement, &mut Default::default())?;
        // Settled or sent again: the next-attempt wait starts afresh.
        tx.execute(
            "UPDATE outbox SET
               next_attempt_at = CASE WHEN ?2 IN ('queued', 'sending') THEN next_attempt_at END,
               spent_rounds = CASE WHEN ?2 IN ('queued', 'sending') THEN spent_rounds ELSE 0 END
             WHERE id = ?1",
            params![attempt.item_id, settlement.state.as_str()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Holds a pending item until `until`: its attempts were spent for the
    /// `rounds`-th time in a row.
    pub fn defer_item(
        &self,
        id: i64,
        until: DateTimeOffset,
        rounds: u32,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET next_attempt_at = ?2, spent_rounds = ?3
             WHERE id = ?1 AND state IN ('queued', 'sending')",
            params![id, until.to_string(), rounds],
        )?;
        Ok(())
    }

    /// The journal of one item, oldest first.
    pub fn attempts(&self, item_id: i64) -> Result<Vec<Attempt>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT item_id, at, action, request_id, client_request_id, http_status, error, outcome
             FROM attempts WHERE item_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([item_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<u16>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (item_id, at, action, request_id, client_request_id, http_status, error, outcome) =
                row?;
            let Ok(at) = DateTimeOffset::parse(&at) else {
                continue;
            };
            out.push(Attempt {
                item_id,
                at,
                action,
                request_id,
                client_request_id,
                http_status,
                error,
                outcome,
            });
        }
        Ok(out)
    }

    /// A send cut off because its console quit: the item goes back to the
    /// outbox with an unknown outcome (checked with a search before it is
    /// sent again), released. Only while `owner` holds it still `sending`;
    /// returns whether it was.
    pub fn interrupted(
        &self,
        id: i64,
        owner: &str,
        at: DateTimeOffset,
    ) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = 'queued', unknown_outcome = 1,
               lost_answers = lost_answers + 1, reason = 'interrupted: the console quit while sending',
               lease_owner = NULL, lease_until_ns = NULL, updated_at = ?3
             WHERE id = ?1 AND state = 'sending' AND lease_owner = ?2",
            params![id, owner, at.to_string()],
        )?;
        Ok(changed == 1)
    }

    /// Throws an item away (kept as discarded for the journal). Returns
    /// whether there was such an item to discard.
    pub fn discard_item(&self, id: i64, at: DateTimeOffset) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = 'discarded', updated_at = ?2
             WHERE id = ?1 AND state != 'discarded'",
            params![id, at.to_string()],
        )?;
        Ok(changed == 1)
    }

    /// Drops a draft (only while it is one). Returns whether it was dropped.
    pub fn discard_draft(&self, id: i64, at: DateTimeOffset) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = 'discarded', updated_at = ?2
             WHERE id = ?1 AND state = 'draft'",
            params![id, at.to_string()],
        )?;
        Ok(changed == 1)
    }

    /// Queues a rejected or duplicate item again, optionally edited and
    /// optionally overwriting what the tenant holds. Returns whether it was requeued.
    pub fn requeue(
        &self,
        id: i64,
        identity: Option<&ImportedDeviceIdentity>,
        overwrite: bool,
        at: DateTimeOffset,
    ) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = 'queued', overwrite = ?2,
               identity_json = COALESCE(?3, identity_json), identifier = COALESCE(?4, identifier),
               reason = 'resent', lost_answers = 0, updated_at = ?5, next_attempt_at = NULL,
               spent_rounds = 0
             WHERE id = ?1 AND state IN ('rejected', 'duplicate')",
            params![
                id,
                overwrite,
                identity.map(json),
                identity.map(|i| i.identifier().to_string()),
                at.to_string()
            ],
        )?;
        Ok(changed == 1)
    }

    /// The newest draft of a profile.
    pub fn latest_draft(&self, profile: &str) -> Result<Option<OutboxItem>, StoreError> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM outbox WHERE profile = ?1 AND state = 'draft'
                 ORDER BY updated_at DESC, id DESC LIMIT 1",
                [profile],
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => self.outbox_item(id),
            None => Ok(None),
        }
    }

    /// `PRAGMA integrity_check` says "ok".
    pub fn integrity_ok(&self) -> Result<bool, StoreError> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(verdict == "ok")
    }
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
