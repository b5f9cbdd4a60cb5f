//! The ledger: every identity this machine sends is an outbox row, written
//! before its first request leaves (one transaction per batch), with each
//! attempt journalled and the service's answer kept on it. One identifier
//! waits or is held once per profile: queuing it again adds nothing and
//! says which item already has it. Recent and `history` read this table.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::lease::unix_ns;
use super::outbox::json;
use super::{Attempt, ItemState, NewItem, OutboxItem, Settlement, Store, StoreError};
use crate::domain::validate::identity_key;
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};

/// What queuing one identity did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// A new item (or the form's draft) now waits.
    New(i64),
    /// Another item already has this identifier: nothing was added.
    Already { id: i64, state: ItemState },
}

impl Queued {
    /// The item that holds the identity now.
    pub fn id(self) -> i64 {
        match self {
            Queued::New(id) | Queued::Already { id, .. } => id,
        }
    }

    /// "already queued as item 17", or `None` for a new item.
    pub fn note(self) -> Option<String> {
        match self {
            Queued::New(_) => None,
            Queued::Already { id, state } if state.is_pending() => {
                Some(format!("already queued as item {id}"))
            }
            Queued::Already { id, state } => Some(format!("already {state} as item {id}")),
        }
    }
}

/// What journaling one identity before a send decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// Ours to send now (claimed). `check`: an earlier send may have been
    /// applied, so search for it first.
    Send { id: i64, check: bool },
    /// This machine created it already (item `id`): not sent again.
    /// `same`: with the very properties sent now (a re-run), else other ones.
    Created {
        id: i64,
        service_id: Option<String>,
        same: bool,
    },
    /// Another live sender holds it: left to that sender.
    Busy { id: i64 },
}

/// An item already holding an identifier.
pub(super) struct Holder {
    pub(super) id: i64,
    pub(super) state: ItemState,
    pub(super) lease_owner: Option<String>,
    pub(super) lease_until_ns: Option<i64>,
    pub(super) unknown: bool,
    pub(super) service_id: Option<String>,
    pub(super) identity_json: Option<String>,
}

pub(super) fn holder(
    tx: &Transaction<'_>,
    profile: &str,
    key: &str,
    except: Option<i64>,
) -> Result<Option<Holder>, StoreError> {
    let found = tx
        .prepare_cached(
            "SELECT id, state, lease_owner, lease_until_ns, unknown_outcome, service_id, identity_json
             FROM outbox INDEXED BY outbox_by_key
             WHERE profile = ?1 AND ident_key = ?2 AND state IN ('queued', 'sending', 'created')
               AND id IS NOT ?3
             ORDER BY state = 'created', id LIMIT 1",
        )?
        .query_row(params![profile, key, except], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .optional()?;
    Ok(found.and_then(
        |(id, state, lease_owner, lease_until_ns, unknown, service_id, identity_json)| {
            Some(Holder {
                id,
                state: ItemState::parse(&state)?,
                lease_owner,
                lease_until_ns,
                unknown,
                service_id,
                identity_json,
            })
        },
    ))
}

/// A write transaction that takes the database's write lock at once, so two
/// processes queuing the same identifier cannot both see it missing.
pub(super) fn immediate(store: &Store) -> Result<Transaction<'_>, StoreError> {
    Ok(Transaction::new_unchecked(
        &store.conn,
        TransactionBehavior::Immediate,
    )?)
}

/// An attempt's time as the ledger writes it, kept for the next attempt of
/// a batch: the rows of one answer share one time, written once.
#[derive(Default)]
pub(super) struct Stamp {
    at: Option<DateTimeOffset>,
    text: String,
}

impl Stamp {
    fn of(&mut self, at: DateTimeOffset) -> &str {
        if self.at != Some(at) {
            self.text = at.to_string();
            self.at = Some(at);
        }
        &self.text
    }
}

/// Journals an attempt and settles its item (inside the caller's transaction).
pub(super) fn settle_in(
    tx: &Transaction<'_>,
    attempt: &Attempt,
    settlement: &Settlement,
    stamp: &mut Stamp,
) -> Result<(), StoreError> {
    let at = stamp.of(attempt.at);
    tx.prepare_cached(
        "INSERT INTO attempts (item_id, at, action, request_id, client_request_id, http_status, error, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        attempt.item_id,
        at,
        attempt.action,
        attempt.request_id,
        attempt.client_request_id,
        attempt.http_status,
        attempt.error,
        attempt.outcome
    ])?;
    let done = !settlement.state.is_pending();
    let method = matches!(attempt.action.as_str(), "create" | "import").then_some(&attempt.action);
    tx.prepare_cached(
        "UPDATE outbox SET state = ?2, unknown_outcome = ?3, reason = ?4,
           service_id = COALESCE(?5, service_id), result_json = COALESCE(?6, result_json),
           attempts = attempts + 1, updated_at = ?7, method = COALESCE(?8, method),
           lost_answers = lost_answers + (?11 AND ?3),
           settled_unix_ns = CASE WHEN ?9 THEN ?10 ELSE settled_unix_ns END,
           lease_owner = CASE WHEN ?9 THEN NULL ELSE lease_owner END,
           lease_until_ns = CASE WHEN ?9 THEN NULL ELSE lease_until_ns END
         WHERE id = ?1",
    )?
    .execute(params![
        attempt.item_id,
        settlement.state.as_str(),
        settlement.unknown_outcome,
        settlement.reason,
        settlement.service_id,
        settlement.result.as_ref().map(json),
        at,
        method,
        done,
        unix_ns(attempt.at),
        attempt.action != "check",
    ])?;
    Ok(())
}

fn origin_of(item: &NewItem) -> &'static str {
    if item.form.is_some() || item.draft_id.is_some() {
        "form"
    } else {
        "import"
    }
}

impl Store {
    /// [`Store::enqueue_checked`] for imports, returning only the item ids.
    pub fn enqueue(
        &self,
        profile: &str,
        identities: &[ImportedDeviceIdentity],
        reason: &str,
        at: DateTimeOffset,
    ) -> Result<Vec<i64>, StoreError> {
        let queued = self.enqueue_checked(profile, identities, reason, "import", at)?;
        Ok(queued.into_iter().map(Queued::id).collect())
    }

    /// Puts one identity in the outbox; a draft (or the form's own item
    /// whose send failed) it came from becomes the item. An identifier
    /// another item already holds adds nothing.
    pub fn enqueue_item(
        &self,
        profile: &str,
        item: &NewItem,
        at: DateTimeOffset,
    ) -> Result<Queued, StoreError> {
        let tx = immediate(self)?;
        let key = identity_key(&item.identity);
        if let Some(h) = holder(&tx, profile, &key, item.draft_id)? {
            return Ok(Queued::Already {
                id: h.id,
                state: h.state,
            });
        }
        let form = item.form.as_ref().map(json);
        if let Some(draft) = item.draft_id {
            let changed = tx.execute(
                "UPDATE outbox SET state = 'queued', identifier = ?2, identity_json = ?3,
                   form_json = COALESCE(?4, form_json), reason = ?5,
                   unknown_outcome = MAX(unknown_outcome, ?6), ident_key = ?7, updated_at = ?8,
                   lease_owner = NULL, lease_until_ns = NULL
                 WHERE id = ?1 AND state IN ('draft', 'queued')",
                params![
                    draft,
                    item.identity.identifier(),
                    json(&item.identity),
                    form,
                    item.reason,
                    item.unknown_outcome,
                    key,
                    at.to_string()
                ],
            )?;
            if changed == 1 {
                tx.commit()?;
                return Ok(Queued::New(draft));
            }
        }
        tx.execute(
            "INSERT INTO outbox (profile, state, identifier, ident_key, form_json, identity_json,
               reason, unknown_outcome, origin, created_at, updated_at)
             VALUES (?1, 'queued', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                profile,
                item.identity.identifier(),
                key,
                form,
                json(&item.identity),
                item.reason,
                item.unknown_outcome,
                origin_of(item),
                at.to_string()
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Queued::New(id))
    }

    /// Journals the answers of a batch and settles their items, in one transaction.
    pub fn settle_batch(&self, settled: &[(Attempt, Settlement)]) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let mut stamp = Stamp::default();
        for (attempt, settlement) in settled {
            settle_in(&tx, attempt, settlement, &mut stamp)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Puts a form's item back to a draft (the send was refused, or cancelled
    /// before it left), or drops it when it holds no form. Only while `owner` holds it.
    pub fn back_to_draft(
        &self,
        id: i64,
        owner: &str,
        reason: Option<&str>,
        at: DateTimeOffset,
    ) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE outbox SET state = CASE WHEN form_json IS NULL THEN 'discarded' ELSE 'draft' END,
               reason = ?3, lease_owner = NULL, lease_until_ns = NULL, unknown_outcome = 0,
               updated_at = ?4
             WHERE id = ?1 AND lease_owner = ?2 AND state = 'sending'",
            params![id, owner, reason, at.to_string()],
        )?;
        Ok(changed == 1)
    }

    /// Items sent from this machine (every state but draft and discarded),
    /// newest first: of one profile or all, of one origin or all, whose
    /// identifier contains `text`; `offset` and `limit` page through them.
    pub fn ledger(&self, query: &LedgerQuery<'_>) -> Result<Vec<OutboxItem>, StoreError> {
        let states = if query.created_only {
            "state = 'created'"
        } else {
            "state NOT IN ('draft', 'discarded')"
        };
        let filter = format!(
            "{states} AND (?1 IS NULL OR profile = ?1) AND (?2 IS NULL OR origin = ?2)
             AND (?3 IS NULL OR instr(upper(identifier), upper(?3)) > 0)
             ORDER BY COALESCE(settled_unix_ns, 9223372036854775807) DESC, id DESC
             LIMIT ?4 OFFSET ?5"
        );
        self.select_items_raw(
            &filter,
            params![
                query.profile,
                query.origin,
                query.text,
                i64::try_from(query.limit).unwrap_or(i64::MAX),
                i64::try_from(query.offset).unwrap_or(0)
            ],
        )
    }
}

/// Which ledger items to list.
#[derive(Debug, Clone, Default)]
pub struct LedgerQuery<'a> {
    pub profile: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub text: Option<&'a str>,
    /// Only what the service holds (Recent); else every item sent or waiting.
    pub created_only: bool,
    pub limit: usize,
    pub offset: usize,
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
