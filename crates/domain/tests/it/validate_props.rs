//! Property tests for identifier validation: the check digits catch what
//! they must, normalisation is stable, and classification never panics.

use enroll_domain::ImportedDeviceIdentityType as T;
use enroll_domain::validate::{
    NormalizeOptions, ProductBarcode, ScanVerdict, classify, imei_check_digit, is_valid_imei15,
    normalize_identifier_with, product_barcode, validate_identifier,
};
use proptest::prelude::*;

fn gs1_check(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn options() -> impl Strategy<Value = NormalizeOptions> {
    (any::<bool>(), any::<bool>()).prop_map(|(imei_to_14, uppercase_serials)| NormalizeOptions {
        imei_to_14,
        uppercase_serials,
    })
}

proptest! {
    #[test]
    fn every_single_digit_error_in_an_imei_is_caught(
        body in "[0-9]{14}",
        pos in 0usize..15,
        delta in 1u8..10,
    ) {
        let cd = imei_check_digit(&body).unwrap();
        let good = format!("{body}{cd}");
        prop_assert!(is_valid_imei15(&good));
        prop_assert!(validate_identifier(&good, &T::Imei).is_empty());
        let mut bytes = good.into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        let bad = String::from_utf8(bytes).unwrap();
        prop_assert!(!is_valid_imei15(&bad));
        prop_assert!(validate_identifier(&bad, &T::Imei)[0].is_error());
    }

    #[test]
    fn imei_to_14_keeps_the_body_of_valid_imeis_only(body in "[0-9]{14}", last in 0u8..10) {
        let s = format!("{body}{last}");
        let opts = NormalizeOptions { imei_to_14: true, uppercase_serials: false };
        let out = normalize_identifier_with(&s, &T::Imei, opts);
        if is_valid_imei15(&s) {
            prop_assert_eq!(out, body);
        } else {
            prop_assert_eq!(out, s);
        }
    }

    #[test]
    fn gs1_barcodes_are_recognised_by_length(body in "[0-9]{7}|[0-9]{11}|[0-9]{12}") {
        let code = format!("{body}{}", gs1_check(&body));
        let expected = match code.len() {
            8 => ProductBarcode::Ean8,
            12 => ProductBarcode::UpcA,
            _ => ProductBarcode::Ean13,
        };
        prop_assert_eq!(product_barcode(&code), Some(expected));
        let wrong = format!("{body}{}", (gs1_check(&body) + 1) % 10);
        prop_assert_eq!(product_barcode(&wrong), None);
        let c = classify(&code, None, NormalizeOptions::default());
        if expected == ProductBarcode::Ean8 {
            prop_assert!(!c.scan_verdict().is_reject());
        } else {
            prop_assert!(c.scan_verdict().is_reject(), "{:?}", c);
        }
    }

    #[test]
    fn normalising_twice_changes_nothing(raw in "\\PC{0,40}", opts in options()) {
        for ty in [T::Imei, T::SerialNumber, T::ManufacturerModelSerial, T::Unknown] {
            let once = normalize_identifier_with(&raw, &ty, opts);
            // 15→14 is not idempotent on purpose only when the 14 digits are
            // themselves a 15-digit IMEI, which cannot happen.
            prop_assert_eq!(normalize_identifier_with(&once, &ty, opts), once.clone());
            if ty == T::SerialNumber {
                prop_assert!(!once.contains('.'));
                prop_assert_eq!(once.trim(), once.as_str());
                if opts.uppercase_serials {
                    prop_assert_eq!(once.to_uppercase(), once.clone());
                }
            }
        }
    }

    #[test]
    fn classification_never_panics_and_rejects_control_characters(
        raw in "\\PC{0,20}[\\x00-\\x08\\x7f]\\PC{0,20}",
        clean in "\\PC{0,60}",
        opts in options(),
    ) {
        let bad = classify(&raw, None, opts);
        prop_assert!(bad.scan_verdict().is_reject());
        let c = classify(&clean, None, opts);
        if c.findings.iter().any(|f| f.is_error()) {
            prop_assert!(c.scan_verdict().is_reject());
        }
        if let ScanVerdict::Accept = c.scan_verdict() {
            prop_assert!(!c.normalized.is_empty());
        }
    }
}
