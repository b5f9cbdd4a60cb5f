//! Every Graph shape the console meets decodes into the domain types and
//! encodes back to the same JSON (dates compared as instants with their
//! offset, enum members case-insensitively).

use enroll_domain::{
    DateTimeOffset, EnrollmentState, EntityResponse, ImportDeviceIdentityListRequest,
    ImportedDeviceIdentity, ImportedDeviceIdentityResult, ImportedDeviceIdentityType,
    ODataErrorBody, Page, Platform, SearchExistingIdentitiesRequest,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/graph/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const ENUM_KEYS: [&str; 3] = ["importedDeviceIdentityType", "platform", "enrollmentState"];

/// Structural equality where date strings compare as instants (with offset)
/// and enum members compare case-insensitively.
fn same(a: &Value, b: &Value, key: &str, path: &str) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut kx: Vec<_> = x.keys().collect();
            let mut ky: Vec<_> = y.keys().collect();
            kx.sort();
            ky.sort();
            assert_eq!(kx, ky, "keys differ at {path}");
            for (k, v) in x {
                same(v, &y[k], k, &format!("{path}.{k}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "lengths differ at {path}");
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                same(v, w, key, &format!("{path}[{i}]"));
            }
        }
        (Value::String(x), Value::String(y)) if key.ends_with("DateTime") => {
            let (dx, dy) = (
                DateTimeOffset::parse(x).unwrap(),
                DateTimeOffset::parse(y).unwrap(),
            );
            assert_eq!(dx, dy, "dates differ at {path}");
            assert_eq!(
                dx.inner().offset(),
                dy.inner().offset(),
                "offsets differ at {path}"
            );
        }
        (Value::String(x), Value::String(y)) if ENUM_KEYS.contains(&key) => {
            assert!(x.eq_ignore_ascii_case(y), "{x} != {y} at {path}")
        }
        _ => assert_eq!(a, b, "values differ at {path}"),
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let original = fixture(name);
    let decoded: T = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("{name} does not decode: {e}"));
    let encoded = serde_json::to_value(&decoded).unwrap();
    same(&original, &encoded, "", name);
    decoded
}

#[test]
fn create_request_and_201_result() {
    let req: ImportedDeviceIdentityResult = round_trip("create-request.json");
    assert_eq!(req.status, Some(true));
    let res: ImportedDeviceIdentityResult = round_trip("create-response-201.json");
    let id = &res.identity;
    assert_eq!(
        id.id.as_deref(),
        Some("4c1f0a77-0a77-4c1f-770a-1f4c770a1f4c")
    );
    assert_eq!(
        id.imported_device_identity_type,
        Some(ImportedDeviceIdentityType::Imei)
    );
    assert_eq!(id.enrollment_state, Some(EnrollmentState::Enrolled));
    assert_eq!(
        id.created_date_time.unwrap().to_string(),
        "2025-03-14T09:26:54.1002003+01:00"
    );
    assert!(res.succeeded());
}

#[test]
fn list_pages_keep_next_link_and_count() {
    let page: Page<ImportedDeviceIdentity> = round_trip("list-response-200-paged.json");
    assert_eq!(page.count, Some(3));
    assert_eq!(page.value.len(), 2);
    assert_eq!(
        page.next_link.as_deref(),
        Some(
            "https://graph.microsoft.com/beta/deviceManagement/importedDeviceIdentities?$top=2&$skiptoken=RFNwdAIAAQAAABg6"
        )
    );
    assert_eq!(page.value[0].platform, Some(Platform::TvOs));
    assert!(page.value[0].last_contacted_date_time.unwrap().is_min());
    assert_eq!(
        page.value[1].imported_device_identity_type,
        Some(ImportedDeviceIdentityType::ManufacturerModelSerial)
    );
    assert_eq!(page.value[1].description, None);
    let empty: Page<ImportedDeviceIdentity> = round_trip("list-response-200-last-page-empty.json");
    assert!(empty.value.is_empty() && empty.next_link.is_none());
}

#[test]
fn get_accepts_the_documented_wrapper_and_the_bare_entity() {
    let wrapped: EntityResponse<ImportedDeviceIdentity> =
        serde_json::from_value(fixture("get-response-200-wrapped.json")).unwrap();
    let wrapped = wrapped.into_inner();
    assert_eq!(wrapped.platform, Some(Platform::VisionOs));
    assert_eq!(wrapped.enrollment_state, Some(EnrollmentState::Blocked));
    let bare: ImportedDeviceIdentity = round_trip("get-response-200-bare.json");
    let via_enum: EntityResponse<ImportedDeviceIdentity> =
        serde_json::from_value(fixture("get-response-200-bare.json")).unwrap();
    assert_eq!(via_enum.into_inner(), bare);
    assert_eq!(bare.id, wrapped.id);
    assert_eq!(
        bare.last_contacted_date_time.unwrap().to_string(),
        "2024-11-03T14:00:01.7654321+09:30"
    );
}

#[test]
fn update_and_action_bodies() {
    let patch: ImportedDeviceIdentity = round_trip("update-request.json");
    assert_eq!(
        patch.description.as_deref(),
        Some("Returned to stock, shelf B")
    );
    let import: ImportDeviceIdentityListRequest = round_trip("import-request-imei-and-serial.json");
    assert!(!import.overwrite_imported_device_identities);
    assert_eq!(import.imported_device_identities.len(), 2);
    let windows: ImportDeviceIdentityListRequest = round_trip("import-request-windows.json");
    let row = &windows.imported_device_identities[0];
    assert_eq!(row.identifier(), "Dell Inc.,Latitude 7440,7XK2M93");
    assert_eq!(
        row.imported_device_identity_type,
        Some(ImportedDeviceIdentityType::ManufacturerModelSerial)
    );
    let results: Page<ImportedDeviceIdentityResult> = round_trip("import-response-200.json");
    assert!(results.value[0].succeeded());
    assert!(!results.value[1].succeeded());
    let search: SearchExistingIdentitiesRequest = round_trip("search-request.json");
    assert_eq!(
        search.imported_device_identities[0].identifier(),
        "490154203237518"
    );
    let found: Page<ImportedDeviceIdentity> = round_trip("search-response-200.json");
    assert_eq!(found.value[0].platform, Some(Platform::Android));
}

#[test]
fn newer_and_unknown_enum_members_are_kept() {
    let page: Page<ImportedDeviceIdentity> = round_trip("newer-enum-members.json");
    let v = &page.value;
    assert_eq!(v[0].platform, Some(Platform::VisionOs));
    assert_eq!(v[1].platform, Some(Platform::TvOs));
    assert_eq!(v[1].enrollment_state, Some(EnrollmentState::NotContacted));
    assert_eq!(v[2].platform, Some(Platform::UnknownFutureValue));
    assert_eq!(
        v[3].imported_device_identity_type,
        Some(ImportedDeviceIdentityType::Other("eid".into()))
    );
    assert_eq!(v[3].platform, Some(Platform::Other("holoLens".into())));
    let out = serde_json::to_value(&v[3]).unwrap();
    assert_eq!(out["enrollmentState"], "quarantined");
}

#[test]
fn error_bodies_decode_with_message_and_request_ids() {
    let generic: ODataErrorBody = round_trip("error-generic.json");
    assert_eq!(generic.error.code, "itemNotFound");
    assert_eq!(
        generic.error.request_id(),
        Some("1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
    );

    let denied: ODataErrorBody = round_trip("error-403-with-client-request-id.json");
    assert_eq!(
        denied.error.client_request_id(),
        Some("a1b2c3d4-e5f6-4a5b-8c7d-9e0f1a2b3c4d")
    );

    let route: ODataErrorBody = round_trip("error-400-create-route-missing.json");
    assert_eq!(route.error.code, "No method match route template");
    assert!(
        route
            .error
            .human_message()
            .starts_with("No OData route exists")
    );

    let intune: ODataErrorBody = round_trip("error-400-intune-json-in-message.json");
    assert!(intune.error.human_message().starts_with(
        "Invalid Device Identifier parameter found for 1 import records! - Operation ID"
    ));

    // Lower-case `innererror`, nested: decoded, and written back in the live spelling.
    let nested: ODataErrorBody =
        serde_json::from_value(fixture("error-nested-innererror-lowercase.json")).unwrap();
    assert_eq!(
        nested.error.request_id(),
        Some("77aa88bb-99cc-4ddd-8eee-ff0011223344")
    );
    let again = serde_json::to_value(&nested).unwrap();
    assert_eq!(again["error"]["innerError"]["code"], "serviceFault");
    assert_eq!(
        again["error"]["innerError"]["innerError"]["request-id"],
        "77aa88bb-99cc-4ddd-8eee-ff0011223344"
    );
}

#[test]
fn one_date_without_an_offset_does_not_fail_its_page() {
    let page: enroll_domain::Page<ImportedDeviceIdentity> = serde_json::from_value(serde_json::json!({
        "value": [
            {"id": "a", "importedDeviceIdentifier": "A1", "createdDateTime": "2024-06-01T10:00:00Z",
             "lastContactedDateTime": "2024-06-02T10:00:00"},
            {"id": "b", "importedDeviceIdentifier": "B1", "createdDateTime": "2024-06-01T10:00:00Z"}
        ]
    }))
    .unwrap();
    assert_eq!(page.value.len(), 2, "the row is kept");
    assert_eq!(
        page.value[0].last_contacted_date_time, None,
        "the field reads as absent"
    );
    assert!(page.value[0].created_date_time.is_some());
    assert_eq!(page.value[1].identifier(), "B1");
}
