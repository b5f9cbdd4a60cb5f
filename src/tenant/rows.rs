//! Compact storage for a tenant's identities: every string of a row lives in
//! one shared text arena, enums are interned to small codes, and a lowercase
//! search text per row makes filtering one substring scan. About 200 bytes a
//! row, so 100,000 rows fit in a few tens of megabytes.

use crate::domain::{
    DateTimeOffset, EnrollmentState, ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform,
    UnreadableDates,
};

/// The code of an absent enum value.
pub const NONE: u16 = u16::MAX;

/// Separates fields in the search text; never typed in a filter.
pub const FIELD_SEPARATOR: char = '\u{1}';

/// Interned enum wire names (`imei`, `notContacted`, …, or a newer member).
#[derive(Debug, Clone, Default)]
pub struct Interner {
    names: Vec<String>,
}

impl Interner {
    fn code(&mut self, wire: &str) -> u16 {
        if let Some(i) = self.names.iter().position(|n| n == wire) {
            return u16::try_from(i).unwrap_or(NONE);
        }
        if self.names.len() >= usize::from(NONE) {
            return NONE;
        }
        self.names.push(wire.to_string());
        u16::try_from(self.names.len() - 1).unwrap_or(NONE)
    }

    pub fn name(&self, code: u16) -> Option<&str> {
        self.names.get(usize::from(code)).map(String::as_str)
    }

    /// Every (code, wire name) pair.
    pub fn iter(&self) -> impl Iterator<Item = (u16, &str)> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (u16::try_from(i).unwrap_or(NONE), n.as_str()))
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One identity, by reference into the arena.
#[derive(Debug, Clone)]
struct Row {
    start: u32,
    id_len: u32,
    ident_len: u32,
    desc_len: u32,
    /// The lowercase search text: identifier first, description last.
    hay_len: u32,
    ident_lower_len: u32,
    desc_lower_len: u32,
    ty: u16,
    platform: u16,
    state: u16,
    deleted: bool,
    created: Option<DateTimeOffset>,
    contacted: Option<DateTimeOffset>,
    modified: Option<DateTimeOffset>,
    /// Date-times the service sent that could not be read, as sent (rare).
    unreadable: Option<Box<UnreadableDates>>,
}

/// The rows of a tenant, in the order they arrived. Rows are never moved:
/// an index stays valid until [`TenantRows::clear`].
#[derive(Debug, Clone, Default)]
pub struct TenantRows {
    text: String,
    rows: Vec<Row>,
    live: usize,
    /// The longest identifier pushed, in characters: the Tenant table sizes
    /// its identifier column from it without scanning the rows.
    widest_identifier: usize,
    pub types: Interner,
    pub platforms: Interner,
    pub states: Interner,
}

/// A borrowed view of one row.
#[derive(Debug, Clone, Copy)]
pub struct RowRef<'a> {
    rows: &'a TenantRows,
    row: &'a Row,
}

fn len32(s: &str) -> u32 {
    u32::try_from(s.len()).unwrap_or(u32::MAX)
}

/// The short date text of the table and the search text.
pub fn date_text(value: Option<&DateTimeOffset>) -> String {
    match value {
        None => "—".to_string(),
        Some(d) if d.is_min() => "never".to_string(),
        Some(d) => d.short(),
    }
}

/// [`date_text`], or the mark of a date-time the service sent unreadably
/// (`raw`, its text): never a bare "—" for a value that was there.
pub fn date_cell(value: Option<&DateTimeOffset>, raw: Option<&str>) -> String {
    match (value, raw) {
        (None, Some(raw)) => crate::domain::datetime::unreadable_short(raw).to_string(),
        _ => date_text(value),
    }
}

/// What a row's search text is made of, lowercased; the CLI matches the same.
/// Only what the table's columns show: the id, never shown, is left out so a
/// word cannot match through it.
pub fn search_text(identity: &ImportedDeviceIdentity) -> String {
    let sep = FIELD_SEPARATOR.to_string();
    let enum_text = |wire: Option<&str>, label: Option<&str>| match (wire, label) {
        (Some(w), Some(l)) if !w.eq_ignore_ascii_case(l) => format!("{w} {l}"),
        (Some(w), _) => w.to_string(),
        _ => String::new(),
    };
    let ty = identity.imported_device_identity_type.as_ref();
    let platform = identity.platform.as_ref();
    let state = identity.enrollment_state.as_ref();
    let unreadable = identity.unreadable_dates.as_deref();
    [
        identity.identifier().to_string(),
        enum_text(ty.map(|t| t.as_str()), ty.map(|t| t.label())),
        enum_text(platform.map(|p| p.as_str()), platform.map(|p| p.label())),
        enum_text(state.map(|s| s.as_str()), state.map(|s| s.label())),
        date_cell(
            identity.last_contacted_date_time.as_ref(),
            unreadable.and_then(|u| u.last_contacted_date_time.as_deref()),
        ),
        date_cell(
            identity.created_date_time.as_ref(),
            unreadable.and_then(|u| u.created_date_time.as_deref()),
        ),
        identity.description.clone().unwrap_or_default(),
    ]
    .join(&sep)
    .to_lowercase()
}

impl TenantRows {
    pub fn new() -> Self {
        TenantRows::default()
    }

    /// Rows ever pushed (deleted ones included): the range of valid indices.
    pub fn capacity_len(&self) -> usize {
        self.rows.len()
    }

    /// The length in characters of the longest identifier ever pushed.
    pub fn widest_identifier(&self) -> usize {
        self.widest_identifier
    }

    /// Rows not deleted.
    pub fn live_len(&self) -> usize {
        self.live
    }

    pub fn clear(&mut self) {
        *self = TenantRows::default();
    }

    /// Adds one identity; returns its index.
    pub fn push(&mut self, identity: &ImportedDeviceIdentity) -> u32 {
        let start = len32(&self.text);
        let id = identity.id.as_deref().unwrap_or("");
        let ident = identity.identifier();
        let desc = identity.description.as_deref().unwrap_or("");
        let hay = search_text(identity);
        let ident_lower_len = len32(&ident.to_lowercase());
        let desc_lower_len = len32(&desc.to_lowercase());
        self.text.push_str(id);
        self.text.push_str(ident);
        self.text.push_str(desc);
        self.text.push_str(&hay);
        let code = |interner: &mut Interner, wire: Option<&str>| match wire {
            Some(w) => interner.code(w),
            None => NONE,
        };
        let row = Row {
            start,
            id_len: len32(id),
            ident_len: len32(ident),
            desc_len: len32(desc),
            hay_len: len32(&hay),
            ident_lower_len,
            desc_lower_len,
            ty: code(
                &mut self.types,
                identity
                    .imported_device_identity_type
                    .as_ref()
                    .map(|t| t.as_str()),
            ),
            platform: code(
                &mut self.platforms,
                identity.platform.as_ref().map(|p| p.as_str()),
            ),
            state: code(
                &mut self.states,
                identity.enrollment_state.as_ref().map(|s| s.as_str()),
            ),
            deleted: false,
            created: identity.created_date_time,
            contacted: identity.last_contacted_date_time,
            modified: identity.last_modified_date_time,
            unreadable: identity.unreadable_dates.clone(),
        };
        self.rows.push(row);
        self.live += 1;
        self.widest_identifier = self.widest_identifier.max(ident.chars().count());
        u32::try_from(self.rows.len() - 1).unwrap_or(u32::MAX)
    }

    pub fn get(&self, index: u32) -> Option<RowRef<'_>> {
        let row = self.rows.get(usize::try_from(index).ok()?)?;
        Some(RowRef { rows: self, row })
    }

    /// Marks a row deleted; returns whether it was live.
    pub fn delete(&mut self, index: u32) -> bool {
        match usize::try_from(index)
            .ok()
            .and_then(|i| self.rows.get_mut(i))
        {
            Some(row) if !row.deleted => {
                row.deleted = true;
                self.live -= 1;
                true
            }
            _ => false,
        }
    }

    /// The index of the live row with this id (a linear scan: for actions, not drawing).
    pub fn find_id(&self, id: &str) -> Option<u32> {
        (0..self.rows.len())
            .filter_map(|i| u32::try_from(i).ok())
            .find(|&i| self.get(i).is_some_and(|r| !r.is_deleted() && r.id() == id))
    }

    /// Replaces a row's data in place (after an edit), keeping its index.
    pub fn replace(&mut self, index: u32, identity: &ImportedDeviceIdentity) {
        let Some(i) = usize::try_from(index).ok().filter(|i| *i < self.rows.len()) else {
            return;
        };
        let deleted = self.rows[i].deleted;
        self.push(identity);
        self.live -= 1;
        // The new row was pushed last; move it into place (the arena keeps the old text).
        if let Some(mut row) = self.rows.pop() {
            row.deleted = deleted;
            self.rows[i] = row;
        }
    }

    /// The live indices, in arrival order.
    pub fn live_indices(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.deleted)
            .filter_map(|(i, _)| u32::try_from(i).ok())
    }

    /// Bytes held (approximate), for measurements.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.rows.capacity() * std::mem::size_of::<Row>()
    }
}

impl<'a> RowRef<'a> {
    fn slice(&self, from: u32, len: u32) -> &'a str {
        let start = self.row.start as usize + from as usize;
        self.rows
            .text
            .get(start..start + len as usize)
            .unwrap_or("")
    }

    pub fn id(&self) -> &'a str {
        self.slice(0, self.row.id_len)
    }
    pub fn identifier(&self) -> &'a str {
        self.slice(self.row.id_len, self.row.ident_len)
    }
    pub fn description(&self) -> &'a str {
        self.slice(self.row.id_len + self.row.ident_len, self.row.desc_len)
    }
    /// The lowercase search text.
    pub fn haystack(&self) -> &'a str {
        let r = self.row;
        self.slice(r.id_len + r.ident_len + r.desc_len, r.hay_len)
    }
    /// The identifier, lowercased (sorting).
    pub fn identifier_lower(&self) -> &'a str {
        self.haystack()
            .get(..self.row.ident_lower_len as usize)
            .unwrap_or("")
    }
    /// The description, lowercased (sorting).
    pub fn description_lower(&self) -> &'a str {
        let hay = self.haystack();
        hay.get(hay.len().saturating_sub(self.row.desc_lower_len as usize)..)
            .unwrap_or("")
    }
    pub fn type_code(&self) -> u16 {
        self.row.ty
    }
    pub fn platform_code(&self) -> u16 {
        self.row.platform
    }
    pub fn state_code(&self) -> u16 {
        self.row.state
    }
    pub fn identity_type(&self) -> Option<ImportedDeviceIdentityType> {
        self.rows
            .types
            .name(self.row.ty)
            .map(ImportedDeviceIdentityType::parse)
    }
    pub fn platform(&self) -> Option<Platform> {
        self.rows
            .platforms
            .name(self.row.platform)
            .map(Platform::parse)
    }
    pub fn enrollment_state(&self) -> Option<EnrollmentState> {
        self.rows
            .states
            .name(self.row.state)
            .map(EnrollmentState::parse)
    }
    pub fn created(&self) -> Option<DateTimeOffset> {
        self.row.created
    }
    pub fn last_contacted(&self) -> Option<DateTimeOffset> {
        self.row.contacted
    }
    pub fn last_modified(&self) -> Option<DateTimeOffset> {
        self.row.modified
    }
    /// The date-times the service sent that could not be read, as sent.
    pub fn unreadable_dates(&self) -> Option<&UnreadableDates> {
        self.row.unreadable.as_deref()
    }
    pub fn is_deleted(&self) -> bool {
        self.row.deleted
    }

    /// The identity again, as the service listed it (unknown properties aside).
    pub fn to_identity(&self) -> ImportedDeviceIdentity {
        let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
        ImportedDeviceIdentity {
            odata_type: None,
            id: text(self.id()),
            imported_device_identifier: text(self.identifier()),
            imported_device_identity_type: self.identity_type(),
            last_modified_date_time: self.row.modified,
            created_date_time: self.row.created,
            last_contacted_date_time: self.row.contacted,
            description: text(self.description()),
            enrollment_state: self.enrollment_state(),
            platform: self.platform(),
            unreadable_dates: self.row.unreadable.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn identity(id: &str, ident: &str, desc: &str) -> ImportedDeviceIdentity {
        let mut i =
            ImportedDeviceIdentity::new(ident, ImportedDeviceIdentityType::Imei, Platform::Android);
        i.odata_type = None;
        i.id = Some(id.into());
        i.description = (!desc.is_empty()).then(|| desc.to_string());
        i.created_date_time = DateTimeOffset::parse("2024-05-01T09:30:00Z").ok();
        i.last_contacted_date_time = DateTimeOffset::parse("0001-01-01T00:00:00Z").ok();
        i
    }

    #[test]
    fn a_row_gives_back_what_went_in() {
        let mut rows = TenantRows::new();
        let mut original = identity("id-1", "490154203237518", "Cart Ä");
        original.platform = Some(Platform::Other("holoLens".into()));
        let i = rows.push(&original);
        rows.push(&identity("id-2", "SERIAL2", ""));
        let row = rows.get(i).unwrap();
        assert_eq!(row.to_identity(), original);
        assert_eq!(row.identifier_lower(), "490154203237518");
        assert_eq!(row.description_lower(), "cart ä");
        assert!(row.haystack().contains("not contacted"));
        assert!(row.haystack().contains("holoLens".to_lowercase().as_str()));
        assert_eq!(rows.find_id("id-2"), Some(1));
        assert_eq!(rows.live_len(), 2);
    }

    #[test]
    fn delete_and_replace_keep_indices() {
        let mut rows = TenantRows::new();
        rows.push(&identity("a", "A1", "one"));
        rows.push(&identity("b", "B1", "two"));
        rows.replace(0, &identity("a", "A1", "edited"));
        assert_eq!(rows.get(0).unwrap().description(), "edited");
        assert_eq!(rows.get(1).unwrap().description(), "two");
        assert!(rows.delete(1));
        assert!(!rows.delete(1));
        assert_eq!(rows.live_len(), 1);
        assert_eq!(rows.find_id("b"), None);
        assert_eq!(rows.live_indices().collect::<Vec<_>>(), vec![0]);
    }
}
