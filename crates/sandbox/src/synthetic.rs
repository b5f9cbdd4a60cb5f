//! Deterministic synthetic identities for benchmarks and big-list tests.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::Duration;
use time::macros::datetime;

use super::rules::NEVER;
use crate::domain::identity::IDENTITY_ODATA_TYPE;
use crate::domain::validate::imei_check_digit;
use crate::domain::{
    DateTimeOffset, EnrollmentState, ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform,
};

const SEED: u64 = 0x5eed_1de7;

/// The `n` synthetic identities, the same on every call: valid 15-digit
/// IMEIs, Apple-style serials and Windows tuples, in a fixed mix.
pub(crate) fn identities(n: usize) -> Vec<ImportedDeviceIdentity> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let base = datetime!(2024-01-01 08:00:00 UTC);
    (0..n)
        .map(|i| {
            let mut bytes = [0u8; 16];
            rng.fill(&mut bytes);
            let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
            let (identifier, ty, platform) = match i % 4 {
                0 | 1 => (
                    imei(i),
                    ImportedDeviceIdentityType::Imei,
                    if i % 8 < 4 {
                        Platform::Android
                    } else {
                        Platform::Ios
                    },
                ),
                2 => (
                    format!("SBX{:09}", i),
                    ImportedDeviceIdentityType::SerialNumber,
                    Platform::MacOs,
                ),
                _ => (
                    format!("Contoso,Laptop {},SN{:08}", i % 7, i),
                    ImportedDeviceIdentityType::ManufacturerModelSerial,
                    Platform::Windows,
                ),
            };
            let created =
                DateTimeOffset(base + Duration::seconds(i64::try_from(i).unwrap_or(i64::MAX)));
            let state = match i % 10 {
                0..=5 => EnrollmentState::NotContacted,
                6..=8 => EnrollmentState::Enrolled,
                _ => EnrollmentState::Failed,
            };
            let contacted = if state == EnrollmentState::NotContacted {
                NEVER
            } else {
                created
            };
            ImportedDeviceIdentity {
                odata_type: Some(IDENTITY_ODATA_TYPE.to_string()),
                id: Some(id.to_string()),
                imported_device_identifier: Some(identifier),
                imported_device_identity_type: Some(ty),
                last_modified_date_time: Some(created),
                created_date_time: Some(created),
                last_contacted_date_time: Some(contacted),
                description: (i % 3 == 0).then(|| format!("synthetic device {i}")),
                enrollment_state: Some(state),
                platform: Some(platform),
                unreadable_dates: None,
            }
        })
        .collect()
}

/// A valid 15-digit IMEI with a made-up TAC.
fn imei(i: usize) -> String {
    let body = format!("35{:012}", i);
    // `body` is 14 digits for any i below 10^12, so the check digit exists.
    let check = imei_check_digit(&body).unwrap_or(0);
    format!("{body}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::is_valid_imei15;
    use crate::rules::row_is_valid;

    #[test]
    fn deterministic_and_valid() {
        let a = identities(40);
        assert_eq!(a, identities(40));
        assert!(a.iter().all(row_is_valid));
        assert!(is_valid_imei15(a[0].identifier()));
        let mut ids: Vec<_> = a.iter().map(|i| i.id.clone()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 40);
    }
}
