//! The service's rules for identities: how identifiers are compared, which
//! rows it rejects, and the values it fills in.

use std::borrow::Cow;
use std::time::Duration;

use time::OffsetDateTime;
use time::macros::datetime;

use super::errors::GraphFailure;
use crate::domain::identity::IDENTITY_ODATA_TYPE;
use crate::domain::validate::DESCRIPTION_MAX_CHARS;
use crate::domain::{
    DateTimeOffset, EnrollmentState, ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform,
};

/// Graph's "never": `0001-01-01T00:00:00Z`.
pub(crate) const NEVER: DateTimeOffset = DateTimeOffset(datetime!(0001-01-01 00:00:00 UTC));

/// A time with a non-zero 100 ns tick, so it is written with seven fractional digits.
pub(crate) fn stamp(t: OffsetDateTime) -> DateTimeOffset {
    let ticks = (t.nanosecond() / 100).max(1);
    // ticks * 100 < 1_000_000_000, a valid nanosecond.
    DateTimeOffset(t.replace_nanosecond(ticks * 100).unwrap_or(t))
}

/// An identity as it reads at `now`: one still `notContacted` becomes
/// `enrolled`, last contacted `enroll_after` after its creation, once that
/// time has passed. Computed on every read, so nothing is stored.
pub(crate) fn as_seen(
    identity: &ImportedDeviceIdentity,
    now: OffsetDateTime,
    enroll_after: Option<Duration>,
) -> Cow<'_, ImportedDeviceIdentity> {
    let (Some(after), Some(created)) = (enroll_after, identity.created_date_time) else {
        return Cow::Borrowed(identity);
    };
    if identity.enrollment_state != Some(EnrollmentState::NotContacted) {
        return Cow::Borrowed(identity);
    }
    let after = time::Duration::try_from(after).unwrap_or(time::Duration::MAX);
    let Some(enrolled_at) = created.0.checked_add(after).filter(|at| *at <= now) else {
        return Cow::Borrowed(identity);
    };
    let mut out = identity.clone();
    out.enrollment_state = Some(EnrollmentState::Enrolled);
    out.last_contacted_date_time = Some(stamp(enrolled_at));
    Cow::Owned(out)
}

fn is_mms(ty: Option<&ImportedDeviceIdentityType>) -> bool {
    ty == Some(&ImportedDeviceIdentityType::ManufacturerModelSerial)
}

/// The comparison key of an identifier: upper-cased; for Windows tuples each
/// component also loses its non-alphanumerics.
pub(crate) fn identity_key(identifier: &str, ty: Option<&ImportedDeviceIdentityType>) -> String {
    crate::domain::validate::identifier_key(identifier, ty)
}

/// The key of a stored identity.
pub(crate) fn key_of(identity: &ImportedDeviceIdentity) -> String {
    identity_key(
        identity.identifier(),
        identity.imported_device_identity_type.as_ref(),
    )
}

/// Refuses enum members the service does not accept, as its OData reader does.
pub(crate) fn check_enums(identity: &ImportedDeviceIdentity) -> Result<(), GraphFailure> {
    if let Some(t) = &identity.imported_device_identity_type
        && !t.is_known()
    {
        return Err(GraphFailure::bad_enum_literal(
            t.as_str(),
            "importedDeviceIdentityType",
        ));
    }
    if let Some(p) = &identity.platform
        && (!p.is_known() || *p == Platform::UnknownFutureValue)
    {
        return Err(GraphFailure::bad_enum_literal(p.as_str(), "platform"));
    }
    if let Some(s) = &identity.enrollment_state
        && !s.is_known()
    {
        return Err(GraphFailure::bad_enum_literal(
            s.as_str(),
            "enrollmentState",
        ));
    }
    Ok(())
}

/// Whether a description is within the service's limit.
pub(crate) fn description_ok(description: Option<&str>) -> bool {
    description.is_none_or(|d| d.chars().count() <= DESCRIPTION_MAX_CHARS)
}

/// Whether the service would accept this row's identifier and description.
pub(crate) fn row_is_valid(identity: &ImportedDeviceIdentity) -> bool {
    let id = identity.identifier().trim();
    if id.is_empty() || id.chars().any(char::is_control) {
        return false;
    }
    let shape_ok = match identity.imported_device_identity_type.as_ref() {
        Some(ImportedDeviceIdentityType::Imei) => id.bytes().all(|b| b.is_ascii_digit()),
        Some(ImportedDeviceIdentityType::ManufacturerModelSerial) => {
            let parts: Vec<&str> = id.split(',').collect();
            parts.len() == 3 && parts.iter().all(|p| !p.trim().is_empty())
        }
        _ => true,
    };
    shape_ok && description_ok(identity.description.as_deref())
}

/// A new stored identity from a request row.
pub(crate) fn new_identity(
    row: &ImportedDeviceIdentity,
    at: DateTimeOffset,
) -> ImportedDeviceIdentity {
    let ty = row
        .imported_device_identity_type
        .clone()
        .unwrap_or(ImportedDeviceIdentityType::Unknown);
    let platform = if ty == ImportedDeviceIdentityType::ManufacturerModelSerial {
        Platform::Windows
    } else {
        row.platform.clone().unwrap_or(Platform::Unknown)
    };
    ImportedDeviceIdentity {
        odata_type: Some(IDENTITY_ODATA_TYPE.to_string()),
        id: Some(uuid::Uuid::new_v4().to_string()),
        imported_device_identifier: Some(row.identifier().trim().to_string()),
        imported_device_identity_type: Some(ty),
        last_modified_date_time: Some(at),
        created_date_time: Some(at),
        last_contacted_date_time: Some(row.last_contacted_date_time.unwrap_or(NEVER)),
        description: row.description.clone(),
        enrollment_state: Some(
            row.enrollment_state
                .clone()
                .unwrap_or(EnrollmentState::NotContacted),
        ),
        platform: Some(platform),
        unreadable_dates: None,
    }
}

/// An existing identity overwritten by an import row: the id and creation
/// time stay, the properties the row gives replace the stored ones.
pub(crate) fn overwrite(
    existing: &ImportedDeviceIdentity,
    row: &ImportedDeviceIdentity,
    at: DateTimeOffset,
) -> ImportedDeviceIdentity {
    let mut out = existing.clone();
    out.imported_device_identifier = Some(row.identifier().trim().to_string());
    if let Some(t) = &row.imported_device_identity_type {
        out.imported_device_identity_type = Some(t.clone());
    }
    if row.description.is_some() {
        out.description = row.description.clone();
    }
    if let Some(s) = &row.enrollment_state {
        out.enrollment_state = Some(s.clone());
    }
    if let Some(c) = row.last_contacted_date_time {
        out.last_contacted_date_time = Some(c);
    }
    if is_mms(out.imported_device_identity_type.as_ref()) {
        out.platform = Some(Platform::Windows);
    } else if let Some(p) = &row.platform {
        out.platform = Some(p.clone());
    }
    out.last_modified_date_time = Some(at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ImportedDeviceIdentityType as T;

    #[test]
    fn keys_ignore_case_and_windows_punctuation() {
        assert_eq!(identity_key(" c02xk ", Some(&T::SerialNumber)), "C02XK");
        assert_eq!(
            identity_key(
                "Microsoft Corporation,Virtual Machine,7801-5131",
                Some(&T::ManufacturerModelSerial)
            ),
            "MICROSOFTCORPORATION,VIRTUALMACHINE,78015131"
        );
    }

    #[test]
    fn rows_the_service_rejects() {
        let row = |id: &str, t: T| ImportedDeviceIdentity::new(id, t, Platform::Ios);
        assert!(row_is_valid(&row("490154203237518", T::Imei)));
        assert!(!row_is_valid(&row(
            "Imported Device Identifier value",
            T::Imei
        )));
        assert!(!row_is_valid(&row("  ", T::SerialNumber)));
        assert!(!row_is_valid(&row("Lenovo,,x", T::ManufacturerModelSerial)));
        assert!(row_is_valid(&row(
            "Lenovo,t14,x",
            T::ManufacturerModelSerial
        )));
        let mut long = row("C02", T::SerialNumber);
        long.description = Some("d".repeat(129));
        assert!(!row_is_valid(&long));
    }

    #[test]
    fn an_identity_enrolls_after_the_set_time_and_only_from_not_contacted() {
        let created = stamp(datetime!(2026-03-01 10:00 UTC));
        let mut row = new_identity(
            &ImportedDeviceIdentity::new("C02", T::SerialNumber, Platform::Ios),
            created,
        );
        let created = created.0;
        let after = Some(Duration::from_secs(180));
        let at = |secs: i64| created + time::Duration::seconds(secs);
        assert!(matches!(as_seen(&row, at(179), after), Cow::Borrowed(_)));
        assert!(matches!(as_seen(&row, at(10_000), None), Cow::Borrowed(_)));
        let seen = as_seen(&row, at(180), after);
        assert_eq!(seen.enrollment_state, Some(EnrollmentState::Enrolled));
        assert_eq!(
            seen.last_contacted_date_time.map(|t| t.0),
            Some(at(180)),
            "contacted when it enrolled, not when it was read"
        );
        row.enrollment_state = Some(EnrollmentState::Blocked);
        assert!(matches!(as_seen(&row, at(10_000), after), Cow::Borrowed(_)));
    }

    #[test]
    fn now_has_seven_digits() {
        let s = stamp(OffsetDateTime::now_utc()).to_string();
        let frac = s.split('.').nth(1).unwrap();
        assert_eq!(frac.len(), 8, "{s}");
        assert_eq!(NEVER.to_string(), "0001-01-01T00:00:00Z");
    }
}
