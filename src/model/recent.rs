//! Recent's records: one identity created from this machine with the
//! service's answer, and the copy last read from the tenant. An entry is
//! built from its ledger item here; the store pages them out of the ledger.

use super::OutboxItem;
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

/// The method an item was recorded with; an item that names none (or a name
/// this version does not know) was created with a POST.
fn recorded_method(stored: Option<&str>) -> RecordedMethod {
    stored
        .and_then(RecordedMethod::parse)
        .unwrap_or(RecordedMethod::Create)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_without_a_known_method_reads_as_created_with_a_post() {
        assert_eq!(recorded_method(None), RecordedMethod::Create);
        assert_eq!(recorded_method(Some("later")), RecordedMethod::Create);
        assert_eq!(recorded_method(Some("checked")), RecordedMethod::Checked);
    }

    #[test]
    fn an_imported_item_without_a_stored_result_shows_the_identity_sent_with_its_id() {
        use crate::domain::{ImportedDeviceIdentityType, Platform};
        let at = DateTimeOffset::parse("2026-12-02T05:00:00Z").unwrap();
        let sent = ImportedDeviceIdentity::new(
            "SN0001".to_string(),
            ImportedDeviceIdentityType::SerialNumber,
            Platform::Ios,
        );
        let item = OutboxItem {
            identity: Some(sent.clone()),
            service_id: Some("svc-7".into()),
            attempts: 1,
            origin: "import".into(),
            method: Some("import".into()),
            ..OutboxItem::sample(7, "SN0001", crate::model::ItemState::Created, at)
        };
        let entry = RecentEntry::from_item(item).unwrap();
        let mut expected = sent;
        expected.id = Some("svc-7".into());
        assert_eq!(entry.result.identity, expected);
        assert_eq!(entry.result.status, Some(true));
        assert_eq!(entry.raw["id"], "svc-7");
        assert_eq!(entry.raw["importedDeviceIdentifier"], "SN0001");
        assert_eq!(entry.raw["status"], true);
    }
}
