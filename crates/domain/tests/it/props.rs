//! Property tests for the domain's parsing and validation.

use enroll_domain::validate::{
    Severity, detect_type, imei_check_digit, is_valid_imei15, validate_identifier,
};
use enroll_domain::{DateTimeOffset, EnrollmentState, ImportedDeviceIdentityType, Platform};
use proptest::prelude::*;
use time::{OffsetDateTime, UtcOffset};

fn random_case(s: &str, flips: &[bool]) -> String {
    s.chars()
        .zip(flips.iter().cycle())
        .map(|(c, &up)| {
            if up {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn datetime_text_round_trips(
        secs in -62_135_596_800i64..253_402_300_799,
        ticks in 0u32..10_000_000,
        offset_min in -14 * 60i32..=14 * 60,
    ) {
        let offset = UtcOffset::from_whole_seconds(offset_min * 60).unwrap();
        let t = OffsetDateTime::from_unix_timestamp(secs).unwrap()
            .replace_nanosecond(ticks * 100).unwrap()
            .to_offset(offset);
        prop_assume!(t.year() >= 1 && t.year() <= 9999);
        let d = DateTimeOffset(t);
        let text = d.to_string();
        let back = DateTimeOffset::parse(&text).unwrap();
        prop_assert_eq!(back, d);
        prop_assert_eq!(back.inner().offset(), offset);
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn enum_members_parse_in_any_case(flips in proptest::collection::vec(any::<bool>(), 1..8)) {
        for p in Platform::ALL {
            prop_assert_eq!(&Platform::parse(&random_case(p.as_str(), &flips)), p);
        }
        for s in EnrollmentState::ALL {
            prop_assert_eq!(&EnrollmentState::parse(&random_case(s.as_str(), &flips)), s);
        }
        for t in ImportedDeviceIdentityType::ALL {
            prop_assert_eq!(&ImportedDeviceIdentityType::parse(&random_case(t.as_str(), &flips)), t);
        }
    }

    #[test]
    fn any_imei_body_with_its_check_digit_is_valid(body in "[0-9]{14}", wrong in 1u8..10) {
        let cd = imei_check_digit(&body).unwrap();
        let good = format!("{body}{cd}");
        prop_assert!(is_valid_imei15(&good));
        prop_assert_eq!(detect_type(&good), ImportedDeviceIdentityType::Imei);
        prop_assert!(validate_identifier(&good, &ImportedDeviceIdentityType::Imei).is_empty());
        let bad = format!("{body}{}", (cd + wrong) % 10);
        prop_assert!(!is_valid_imei15(&bad));
        let findings = validate_identifier(&bad, &ImportedDeviceIdentityType::Imei);
        prop_assert!(findings.iter().any(|f| f.severity == Severity::Error));
    }

    #[test]
    fn validation_never_panics(s in "\\PC{0,40}", t in 0usize..4) {
        let ty = &ImportedDeviceIdentityType::PICKABLE[t];
        let _ = validate_identifier(&s, ty);
        let _ = detect_type(&s);
    }
}
