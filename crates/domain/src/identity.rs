//! `importedDeviceIdentity`, `importedDeviceIdentityResult` and the
//! collection and action bodies that carry them.

use serde::{Deserialize, Serialize};

use super::datetime::{DateTimeOffset, UnreadableDates, WireDate};
use super::enums::{EnrollmentState, ImportedDeviceIdentityType, Platform};

/// `@odata.type` of an identity.
pub const IDENTITY_ODATA_TYPE: &str = "#microsoft.graph.importedDeviceIdentity";
/// `@odata.type` of an import result.
pub const RESULT_ODATA_TYPE: &str = "#microsoft.graph.importedDeviceIdentityResult";

/// `microsoft.graph.importedDeviceIdentity`. Every property is optional on
/// the wire: requests omit the server-assigned ones, and responses have been
/// seen without some of the non-nullable ones.
///
/// A date-time the service wrote without an offset (or unreadably) does not
/// fail the whole page or answer it came in: that field reads as `None`, its
/// text is kept in [`Self::unreadable_dates`] (shown marked, written back
/// as it came), and the row is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "WireIdentity")]
pub struct ImportedDeviceIdentity {
    #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
    pub odata_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported_device_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported_device_identity_type: Option<ImportedDeviceIdentityType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_date_time: Option<DateTimeOffset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<DateTimeOffset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_contacted_date_time: Option<DateTimeOffset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrollment_state: Option<EnrollmentState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// The date-time properties that could not be read, as the service sent them.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub unreadable_dates: Option<Box<UnreadableDates>>,
}

/// The identity as it is read from the wire, before its date-times are sorted
/// into read and unreadable ones.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireIdentity {
    #[serde(rename = "@odata.type", default)]
    odata_type: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    imported_device_identifier: Option<String>,
    #[serde(default)]
    imported_device_identity_type: Option<ImportedDeviceIdentityType>,
    #[serde(default)]
    last_modified_date_time: Option<WireDate>,
    #[serde(default)]
    created_date_time: Option<WireDate>,
    #[serde(default)]
    last_contacted_date_time: Option<WireDate>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    enrollment_state: Option<EnrollmentState>,
    #[serde(default)]
    platform: Option<Platform>,
}

impl From<WireIdentity> for ImportedDeviceIdentity {
    fn from(w: WireIdentity) -> Self {
        let mut unreadable = UnreadableDates::default();
        let split = |date: Option<WireDate>, raw: &mut Option<String>| match date {
            Some(WireDate::At(at)) => Some(at),
            Some(WireDate::Unreadable(text)) => {
                *raw = Some(text);
                None
            }
            None => None,
        };
        let last_modified_date_time = split(
            w.last_modified_date_time,
            &mut unreadable.last_modified_date_time,
        );
        let created_date_time = split(w.created_date_time, &mut unreadable.created_date_time);
        let last_contacted_date_time = split(
            w.last_contacted_date_time,
            &mut unreadable.last_contacted_date_time,
        );
        ImportedDeviceIdentity {
            odata_type: w.odata_type,
            id: w.id,
            imported_device_identifier: w.imported_device_identifier,
            imported_device_identity_type: w.imported_device_identity_type,
            last_modified_date_time,
            created_date_time,
            last_contacted_date_time,
            description: w.description,
            enrollment_state: w.enrollment_state,
            platform: w.platform,
            unreadable_dates: (unreadable != UnreadableDates::default())
                .then(|| Box::new(unreadable)),
        }
    }
}

/// So a batch of identities may be given as the identities themselves or as
/// the rows that hold them.
impl AsRef<ImportedDeviceIdentity> for ImportedDeviceIdentity {
    fn as_ref(&self) -> &ImportedDeviceIdentity {
        self
    }
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
            // Never sent back: the service would refuse the text it wrote.
            unreadable_dates: None,
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
