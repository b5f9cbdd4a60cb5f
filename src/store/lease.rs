//! Claims on outbox items: before a sender sends an item it takes a lease
//! (its owner and an expiry) with a conditional update, so two senders, in
//! one process or two, never send the same item. A lease ends when the item
//! is settled, when its sender lets it go, when it expires, or at once when
//! the process that holds it is gone (on systems with `/proc`). An item whose
//! sender died while sending is still `sending`: the next sender checks it
//! with a search before sending it again.

use std::time::Duration;

use rusqlite::{OptionalExtension, params};

use super::outbox::{COLUMNS, item_from_row};
use super::{OutboxItem, Store, StoreError};
use crate::domain::DateTimeOffset;

/// How long a claim holds without being renewed.
pub const LEASE: Duration = Duration::from_secs(120);

/// A sender's name in the ledger: this process's id and a random part, so
/// two senders in one process are two owners.
pub fn new_owner() -> String {
    format!("{}:{:016x}", std::process::id(), rand::random::<u64>())
}

/// Whether the sender named `owner` may still be running. Only a process
/// known to be gone (its id absent from `/proc`) counts as dead; where that
/// cannot be told, the lease's expiry decides.
pub fn owner_alive(owner: &str) -> bool {
    let Some(pid) = owner.split(':').next().and_then(|p| p.parse::<u32>().ok()) else {
        return true;
    };
    if pid == std::process::id() {
        return true;
    }
    let proc_dir = std::path::Path::new("/proc");
    if !proc_dir.join("self").exists() {
        return true;
    }
    proc_dir.join(pid.to_string()).exists()
}

/// Nanoseconds since the epoch, as leases store them.
pub fn unix_ns(at: DateTimeOffset) -> i64 {
    i64::try_from(at.inner().unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

/// When a lease taken at `at` ends.
pub fn lease_until(at: DateTimeOffset) -> i64 {
    unix_ns(at).saturating_add(i64::try_from(LEASE.as_nanos()).unwrap_or(i64::MAX))
}

/// Whether a lease held by `holder` until `until_ns` stops `owner` at `now_ns`.
pub(super) fn held_by_other(
    holder: Option<&str>,
    until_ns: Option<i64>,
    owner: &str,
    now_ns: i64,
) -> bool {
    match holder {
        None => false,
        Some(h) if h == owner => false,
        Some(h) => until_ns.is_some_and(|u| u > now_ns) && owner_alive(h),
    }
}

impl Store {
    /// Claims pending item `id` for `owner` until `until_ns`. Returns the
    /// item as stored now, or `None` when another live sender holds it or
    /// it is no longer pending (settled meanwhile by someone else).
    pub fn claim(
        &self,
        id: i64,
        owner: &str,
        at: DateTimeOffset,
    ) -> Result<Option<OutboxItem>, StoreError> {
        let now_ns = unix_ns(at);
        let current: Option<(Option<String>, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT lease_owner, lease_until_ns FROM outbox
                 WHERE id = ?1 AND state IN ('queued', 'sending')",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((holder, until)) = current else {
            return Ok(None);
        };
        if held_by_other(holder.as_deref(), until, owner, now_ns) {
            return Ok(None);
        }
        // Compare and swap: only if the holder is still the one seen above.
        let changed = self.conn.execute(
            "UPDATE outbox SET lease_owner = ?2, lease_until_ns = ?3,
               lost_answers = lost_answers + (state = 'sending')
             WHERE id = ?1 AND state IN ('queued', 'sending') AND lease_owner IS ?4",
            params![id, owner, lease_until(at), holder],
        )?;
        if changed != 1 {
            return Ok(None);
        }
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1");
        let item = self
            .conn
            .query_row(&sql, [id], item_from_row)
            .optional()?
            .flatten();
        Ok(item)
    }

    /// Lets go of an item `owner` holds (it stays as it is, for the next sender).
    pub fn release(&self, id: i64, owner: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET lease_owner = NULL, lease_until_ns = NULL
             WHERE id = ?1 AND lease_owner = ?2",
            params![id, owner],
        )?;
        Ok(())
    }

    /// Lets go of every item of `profile` that `owner` still holds. Only a
    /// pending item holds a lease (settling one clears it), so the lookup reads
    /// the profile's pending items through `outbox_ledger`, not the whole ledger.
    pub fn release_all(&self, profile: &str, owner: &str) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "UPDATE outbox SET lease_owner = NULL, lease_until_ns = NULL
             WHERE profile = ?1 AND state IN ('queued', 'sending') AND lease_owner = ?2",
            params![profile, owner],
        )?)
    }

    /// Extends every lease `owner` holds on `profile`'s items (a long import
    /// keeps its rows); the same lookup as [`Store::release_all`].
    pub fn renew_leases(
        &self,
        profile: &str,
        owner: &str,
        at: DateTimeOffset,
    ) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "UPDATE outbox SET lease_until_ns = ?3
             WHERE profile = ?1 AND state IN ('queued', 'sending') AND lease_owner = ?2",
            params![profile, owner, lease_until(at)],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_own_process_is_alive_and_a_gone_one_is_not() {
        assert!(owner_alive(&new_owner()));
        assert!(owner_alive("not-a-pid"));
        if std::path::Path::new("/proc/self").exists() {
            // Far above any pid_max.
            assert!(!owner_alive("4000000000:00"));
        }
    }

    #[test]
    fn a_lease_stops_others_until_it_expires() {
        let me = new_owner();
        let other = new_owner();
        assert!(!held_by_other(None, None, &me, 10));
        assert!(!held_by_other(Some(&me), Some(20), &me, 10));
        assert!(held_by_other(Some(&other), Some(20), &me, 10));
        assert!(!held_by_other(Some(&other), Some(20), &me, 30));
    }
}
