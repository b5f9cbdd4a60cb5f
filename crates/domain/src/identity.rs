//! `importedDeviceIdentity`, `importedDeviceIdentityResult` and the
//! collection and action bodies that carry them.

use serde::{Deserialize, Serialize};

use super::datetime::DateTimeOffset;
use super::enums::{EnrollmentState, ImportedDeviceIdentityType, Platform};

/// `@odata.type` of an identity.
pub const IDENTITY_ODATA_TYPE: &str = "#microsoft.graph.importedDeviceIdentity";
/// `@odata.type` of an import result.
pub const RESULT_ODATA_TYPE: &str = "#microsoft.graph.importedDeviceIdentityResult";

/// `microsoft.graph.importedDeviceIdentity`. Every property is optional on
/// the wire: requests omit the server-assigned ones, and responses have been
/// seen without some of the non-nullable ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedDeviceIdentity {
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_device_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_device_identity_type: Option<ImportedDeviceIdentityType>,
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_modified_date_time: Option<DateTimeOffset>,
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_date_time: Option<DateTimeOffset>,
    #[serde(
        default,
        deserialize_with = "lenient_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_contacted_date_time: Option<DateTimeOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrollment_state: Option<EnrollmentState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
}

/// A date-time the service wrote without an offset (or unreadably) does not
/// fail the whole page or answer it came in: that one field reads as absent
/// ("—" where it is shown) and the row is kept.
fn lenient_date<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTimeOffset>, D::Error> {
    let text = Option::<std::borrow::Cow<'de, str>>::deserialize(d)?;
    Ok(text.and_then(|t| match DateTimeOffset::parse(&t) {
        Ok(at) => Some(at),
        Err(e) => {
            tracing::warn!(error = %e, "a date-time field could not be read; shown as absent");
            None
        }
    }))
}

impl ImportedDeviceIdentity {
    /// A new identity as a user enters it: the writable properties only.
    pub fn new(
        identifier: impl Into<String>,
        identity_type: ImportedDeviceIdentityType,
        platform: Platform,
    ) -> Self {
        ImportedDeviceIdentity {
            odata_type: Some(IDENTITY_ODATA_TYPE.to_string()),
            imported_device_identifier: Some(identifier.into()),
            imported_device_identity_type: Some(identity_type),
            platform: Some(platform),
            enrollment_state: Some(EnrollmentState::NotContacted),
            ..Default::default()
        }
    }

    /// The identifier, or "" when absent.
    pub fn identifier(&self) -> &str {
        self.imported_device_identifier.as_deref().unwrap_or("")
    }

    /// The writable properties only, as sent on create or import.
    pub fn to_request(&self) -> ImportedDeviceIdentity {
        ImportedDeviceIdentity {
            odata_type: Some(IDENTITY_ODATA_TYPE.to_string()),
            id: None,
            created_date_time: None,
            last_modified_date_time: None,
            ..self.clone()
        }
    }
}

/// `microsoft.graph.importedDeviceIdentityResult`: an identity plus the
/// per-row `status` of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedDeviceIdentityResult {
    #[serde(flatten)]
    pub identity: ImportedDeviceIdentity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<bool>,
}

impl ImportedDeviceIdentityResult {
    /// `status: false` is a failed row; an absent status (create) is success.
    pub fn succeeded(&self) -> bool {
        self.status.unwrap_or(true)
    }
}

/// An OData collection page: `{"value": [...], "@odata.nextLink": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<u64>,
    pub value: Vec<T>,
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
}

impl<T> Page<T> {
    pub fn new(value: Vec<T>) -> Self {
        Page {
            context: None,
            count: None,
            value,
            next_link: None,
        }
    }
}

/// Body of the `importDeviceIdentityList` action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportDeviceIdentityListRequest {
    pub imported_device_identities: Vec<ImportedDeviceIdentity>,
    #[serde(default)]
    pub overwrite_imported_device_identities: bool,
}

/// Body of the `searchExistingIdentities` action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchExistingIdentitiesRequest {
    pub imported_device_identities: Vec<ImportedDeviceIdentity>,
}

/// A GET by id as documented wraps the entity in `"value"`; the service
/// returns it bare. Both decode to the entity.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum EntityResponse<T> {
    Wrapped { value: T },
    Bare(T),
}

impl<T> EntityResponse<T> {
    pub fn into_inner(self) -> T {
        match self {
            EntityResponse::Wrapped { value } => value,
            EntityResponse::Bare(v) => v,
        }
    }
}
