//! A batch of identities written to the ledger set-wise, in one
//! transaction: the rows are staged in a temporary table, the items already
//! holding their identifiers are found with one join on
//! `(profile, ident_key)`, new items are added with one `INSERT … SELECT`
//! and claims with one `UPDATE`. The decisions are the ones queuing the rows
//! one by one would make — a later row with an identifier an earlier row of
//! the batch already holds sees that row's item — without a statement per row.

use std::collections::HashMap;

use rusqlite::{Transaction, params};

use super::lease::{held_by_other, lease_until, unix_ns};
use super::ledger::{Holder, Queued, Slot, immediate};
use super::outbox::json;
use super::{ItemState, Store, StoreError};
use crate::domain::validate::identity_key;
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};

/// The states in which an item holds its identifier for the profile.
const HOLDING: &str = "o.state IN ('queued', 'sending', 'created')";

/// One row of the batch as staged: its key, and whether it is the first row
/// of the batch with that key.
struct Staged {
    key: String,
    first: bool,
}

/// Stages `identities` in `temp.batch_rows` (position, identifier, key, JSON).
fn stage<T: AsRef<ImportedDeviceIdentity>>(
    tx: &Transaction<'_>,
    identities: &[T],
) -> Result<Vec<Staged>, StoreError> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS batch_rows (
            pos INTEGER PRIMARY KEY,
            identifier TEXT NOT NULL,
            ident_key TEXT NOT NULL,
            identity_json TEXT NOT NULL,
            fresh INTEGER NOT NULL
         );
         CREATE TEMP TABLE IF NOT EXISTS batch_claims (
            id INTEGER PRIMARY KEY,
            last_pos INTEGER NOT NULL,
            bumps INTEGER NOT NULL
         );
         DELETE FROM temp.batch_rows;
         DELETE FROM temp.batch_claims;",
    )?;
    let mut seen: HashMap<&str, ()> = HashMap::with_capacity(identities.len());
    let keys: Vec<String> = identities
        .iter()
        .map(|i| identity_key(i.as_ref()))
        .collect();
    let mut staged = Vec::with_capacity(identities.len());
    let mut insert = tx.prepare_cached(
        "INSERT INTO temp.batch_rows (pos, identifier, ident_key, identity_json, fresh)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (pos, (identity, key)) in identities.iter().zip(&keys).enumerate() {
        let identity = identity.as_ref();
        let first = seen.insert(key.as_str(), ()).is_none();
        insert.execute(params![
            pos as i64,
            identity.identifier(),
            key,
            json(identity),
            first
        ])?;
        staged.push(Staged {
            key: key.clone(),
            first,
        });
    }
    Ok(staged)
}

/// The item holding each staged key for `profile` (other than `except`):
/// one join; of several, a pending one before a created one, then the oldest.
fn holders(
    tx: &Transaction<'_>,
    profile: &str,
    except: Option<i64>,
) -> Result<HashMap<String, Holder>, StoreError> {
    let sql = format!(
        "SELECT b.ident_key, o.id, o.state, o.lease_owner, o.lease_until_ns, o.unknown_outcome,
                o.service_id, o.identity_json
         FROM temp.batch_rows b JOIN outbox o INDEXED BY outbox_by_key
           ON o.profile = ?1 AND o.ident_key = b.ident_key
         WHERE b.fresh AND {HOLDING} AND o.id IS NOT ?2"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![profile, except])?;
    let mut found: HashMap<String, Holder> = HashMap::new();
    while let Some(r) = rows.next()? {
        let Some(state) = ItemState::parse(&r.get::<_, String>(2)?) else {
            continue;
        };
        let h = Holder {
            id: r.get(1)?,
            state,
            lease_owner: r.get(3)?,
            lease_until_ns: r.get(4)?,
            unknown: r.get(5)?,
            service_id: r.get(6)?,
            identity_json: r.get(7)?,
        };
        let rank = |h: &Holder| (h.state == ItemState::Created, h.id);
        let key: String = r.get(0)?;
        match found.get(&key) {
            Some(old) if rank(old) <= rank(&h) => {}
            _ => {
                found.insert(key, h);
            }
        }
    }
    Ok(found)
}

/// Adds an item for every staged row marked fresh whose key no item holds:
/// one `INSERT … SELECT` (`columns` after profile, state, identifier,
/// ident_key and identity_json; `values` their values, `?3` the state).
/// Returns the new item of each key.
fn insert_fresh(
    tx: &Transaction<'_>,
    columns: &str,
    values: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<HashMap<String, i64>, StoreError> {
    let sql = format!(
        "INSERT INTO outbox (profile, state, identifier, ident_key, identity_json, {columns})
         SELECT ?1, ?3, b.identifier, b.ident_key, b.identity_json, {values}
         FROM temp.batch_rows b
         WHERE b.fresh AND NOT EXISTS (
           SELECT 1 FROM outbox o INDEXED BY outbox_by_key
           WHERE o.profile = ?1 AND o.ident_key = b.ident_key AND {HOLDING} AND o.id IS NOT ?2)
         ORDER BY b.pos
         RETURNING id, ident_key"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut rows = stmt.query(args)?;
    let mut ids = HashMap::new();
    while let Some(r) = rows.next()? {
        ids.insert(r.get::<_, String>(1)?, r.get::<_, i64>(0)?);
    }
    Ok(ids)
}

/// What a key's earlier rows in the batch left for its later ones.
enum KeyState {
    /// Settled for every row of the key (created before, or busy).
    Fixed(Holder),
    /// An item claimed by this batch: later rows claim it again.
    Claimed(i64),
    /// A new item for the key: later rows claim it again.
    New,
    /// The form's draft took the key's first row; it does not hold the key
    /// for the later rows (as if the draft were not there).
    Draft,
}

/// A slot whose new item's id is known only after the insert.
enum Pending {
    Done(Slot),
    New { key: String, check: bool },
}

/// A claim to write: the row whose data the item takes (the last of its
/// key) and how many of the claims found it already sending.
struct Claim {
    last_pos: usize,
    bumps: i64,
}

impl Store {
    /// Puts identities in the outbox with the reason they wait, in one
    /// transaction (all or none). Returns the item holding each identity:
    /// an identifier already queued or created for the profile adds nothing.
    pub fn enqueue_checked(
        &self,
        profile: &str,
        identities: &[ImportedDeviceIdentity],
        reason: &str,
        origin: &str,
        at: DateTimeOffset,
    ) -> Result<Vec<Queued>, StoreError> {
        let tx = immediate(self)?;
        let staged = stage(&tx, identities)?;
        let held = holders(&tx, profile, None)?;
        let stamp = at.to_string();
        let new = insert_fresh(
            &tx,
            "reason, origin, created_at, updated_at",
            "?4, ?5, ?6, ?6",
            &[&profile, &None::<i64>, &"queued", &reason, &origin, &stamp],
        )?;
        let mut out = Vec::with_capacity(staged.len());
        for row in &staged {
            let q = match (held.get(&row.key), new.get(&row.key)) {
                (Some(h), _) => Queued::Already {
                    id: h.id,
                    state: h.state,
                },
                (None, Some(&id)) if row.first => Queued::New(id),
                (None, Some(&id)) => Queued::Already {
                    id,
                    state: ItemState::Queued,
                },
                (None, None) => {
                    return Err(StoreError::from(rusqlite::Error::QueryReturnedNoRows));
                }
            };
            out.push(q);
        }
        tx.execute("DELETE FROM temp.batch_rows", [])?;
        tx.commit()?;
        Ok(out)
    }

    /// Journals identities about to be sent by `owner`, in one transaction,
    /// before any request leaves: each becomes (or reuses) an item in
    /// `sending`, claimed by `owner`. An identity this machine already
    /// created is not sent again (unless `overwrite`), and one another live
    /// sender holds is left to it. `draft` is the form's draft, which
    /// becomes the item.
    #[allow(clippy::too_many_arguments)]
    pub fn journal_sends<T: AsRef<ImportedDeviceIdentity>>(
        &self,
        profile: &str,
        origin: &str,
        identities: &[T],
        owner: &str,
        overwrite: bool,
        draft: Option<i64>,
        at: DateTimeOffset,
    ) -> Result<Vec<Slot>, StoreError> {
        let tx = immediate(self)?;
        let now_ns = unix_ns(at);
        let until = lease_until(at);
        let stamp = at.to_string();
        let staged = stage(&tx, identities)?;
        let mut held = holders(&tx, profile, draft)?;
        let mut draft_free = match draft {
            Some(d) => tx
                .query_row(
                    "SELECT count(*) FROM outbox WHERE id = ?1 AND state = 'draft'",
                    [d],
                    |r| r.get::<_, i64>(0),
                )
                .map(|n| n == 1)?,
            None => false,
        };
        let mut keys: HashMap<&str, KeyState> = HashMap::new();
        let mut claims: HashMap<i64, Claim> = HashMap::new();
        let mut new_claims: HashMap<&str, Claim> = HashMap::new();
        let mut unfresh = Vec::new();
        let mut refresh = Vec::new();
        let mut draft_row = None;
        let mut slots = Vec::with_capacity(staged.len());
        for (pos, (row, identity)) in staged.iter().zip(identities).enumerate() {
            let identity = identity.as_ref();
            let key = row.key.as_str();
            let state = keys.remove(key);
            let (slot, next) = match state {
                Some(KeyState::Fixed(h)) => (fixed_slot(&h, identity), KeyState::Fixed(h)),
                Some(KeyState::Claimed(id)) => {
                    let c = claims.entry(id).or_insert(Claim {
                        last_pos: pos,
                        bumps: 0,
                    });
                    (c.last_pos, c.bumps) = (pos, c.bumps + 1);
                    (
                        Pending::Done(Slot::Send { id, check: true }),
                        KeyState::Claimed(id),
                    )
                }
                Some(KeyState::New) => {
                    let c = new_claims.entry(key).or_insert(Claim {
                        last_pos: pos,
                        bumps: 0,
                    });
                    (c.last_pos, c.bumps) = (pos, c.bumps + 1);
                    let check = true;
                    (
                        Pending::New {
                            key: row.key.clone(),
                            check,
                        },
                        KeyState::New,
                    )
                }
                Some(KeyState::Draft) => {
                    // The draft does not hold the key: this row adds its item.
                    refresh.push(pos);
                    (
                        Pending::New {
                            key: row.key.clone(),
                            check: false,
                        },
                        KeyState::New,
                    )
                }
                None => match held.remove(key) {
                    Some(h) if h.state == ItemState::Created && !overwrite => {
                        (fixed_slot(&h, identity), KeyState::Fixed(h))
                    }
                    Some(h)
                        if h.state.is_pending()
                            && held_by_other(
                                h.lease_owner.as_deref(),
                                h.lease_until_ns,
                                owner,
                                now_ns,
                            ) =>
                    {
                        let slot = Pending::Done(Slot::Busy { id: h.id });
                        (slot, KeyState::Fixed(h))
                    }
                    Some(h) => {
                        let check = h.state == ItemState::Sending || h.unknown;
                        let bumps = i64::from(h.state == ItemState::Sending);
                        claims.insert(
                            h.id,
                            Claim {
                                last_pos: pos,
                                bumps,
                            },
                        );
                        let slot = Pending::Done(Slot::Send { id: h.id, check });
                        (slot, KeyState::Claimed(h.id))
                    }
                    None if let Some(d) = draft.filter(|_| draft_free) => {
                        draft_free = false;
                        unfresh.push(pos);
                        draft_row = Some(pos);
                        let slot = Slot::Send {
                            id: d,
                            check: false,
                        };
                        (Pending::Done(slot), KeyState::Draft)
                    }
                    None => {
                        let check = false;
                        (
                            Pending::New {
                                key: row.key.clone(),
                                check,
                            },
                            KeyState::New,
                        )
                    }
                },
            };
            keys.insert(key, next);
            slots.push(slot);
        }
        // The rows whose item is not the first row's of their key: the draft's row
        // and the row after it that adds the key's item.
        if !unfresh.is_empty() || !refresh.is_empty() {
            let mut mark =
                tx.prepare_cached("UPDATE temp.batch_rows SET fresh = ?2 WHERE pos = ?1")?;
            for pos in &unfresh {
                mark.execute(params![*pos as i64, false])?;
            }
            for pos in &refresh {
                mark.execute(params![*pos as i64, true])?;
            }
        }
        if let (Some(d), Some(pos)) = (draft, draft_row) {
            tx.execute(
                "UPDATE outbox SET state = 'sending', identity_json = b.identity_json,
                   overwrite = ?3, lease_owner = ?4, lease_until_ns = ?5, updated_at = ?6,
                   identifier = b.identifier, ident_key = b.ident_key, origin = ?7
                 FROM (SELECT * FROM temp.batch_rows WHERE pos = ?2) AS b
                 WHERE outbox.id = ?1 AND outbox.state = 'draft'",
                params![d, pos as i64, overwrite, owner, until, stamp, origin],
            )?;
        }
        let new = insert_fresh(
            &tx,
            "overwrite, origin, lease_owner, lease_until_ns, created_at, updated_at",
            "?4, ?5, ?6, ?7, ?8, ?8",
            &[
                &profile, &draft, &"sending", &overwrite, &origin, &owner, &until, &stamp,
            ],
        )?;
        for (key, c) in new_claims {
            if let Some(&id) = new.get(key) {
                claims.insert(id, c);
            }
        }
        write_claims(&tx, &claims, overwrite, owner, until, &stamp)?;
        let mut out = Vec::with_capacity(slots.len());
        for slot in slots {
            out.push(match slot {
                Pending::Done(slot) => slot,
                Pending::New { key, check } => Slot::Send {
                    id: *new
                        .get(&key)
                        .ok_or(StoreError::from(rusqlite::Error::QueryReturnedNoRows))?,
                    check,
                },
            });
        }
        tx.execute("DELETE FROM temp.batch_rows", [])?;
        tx.commit()?;
        Ok(out)
    }
}

/// The slot of a row whose key is created already (`h` created) or busy.
fn fixed_slot(h: &Holder, identity: &ImportedDeviceIdentity) -> Pending {
    if h.state != ItemState::Created {
        return Pending::Done(Slot::Busy { id: h.id });
    }
    let same = h
        .identity_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<ImportedDeviceIdentity>(j).ok())
        .is_some_and(|held| held.to_request() == identity.to_request());
    Pending::Done(Slot::Created {
        id: h.id,
        service_id: h.service_id.clone(),
        same,
    })
}

/// Claims every item in `claims` for `owner`: one `UPDATE … FROM`. Each
/// takes the data of the last batch row with its key.
fn write_claims(
    tx: &Transaction<'_>,
    claims: &HashMap<i64, Claim>,
    overwrite: bool,
    owner: &str,
    until: i64,
    stamp: &str,
) -> Result<(), StoreError> {
    if claims.is_empty() {
        return Ok(());
    }
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO temp.batch_claims (id, last_pos, bumps) VALUES (?1, ?2, ?3)",
        )?;
        for (id, c) in claims {
            insert.execute(params![id, c.last_pos as i64, c.bumps])?;
        }
    }
    tx.prepare_cached(
        "UPDATE outbox SET lost_answers = lost_answers + c.bumps, state = 'sending',
           identity_json = c.identity_json, overwrite = ?1, lease_owner = ?2,
           lease_until_ns = ?3, updated_at = ?4, identifier = c.identifier, ident_key = c.ident_key
         FROM (SELECT k.id, k.bumps, b.identity_json, b.identifier, b.ident_key
               FROM temp.batch_claims k JOIN temp.batch_rows b ON b.pos = k.last_pos) AS c
         WHERE outbox.id = c.id",
    )?
    .execute(params![overwrite, owner, until, stamp])?;
    tx.execute("DELETE FROM temp.batch_claims", [])?;
    Ok(())
}

#[cfg(test)]
#[path = "batch_tests.rs"]
mod tests;
