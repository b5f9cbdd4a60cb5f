//! Identifier validation: never panics, and a 15-digit IMEI is valid exactly
//! when a reference Luhn check accepts it.
#![no_main]

use enroll_console::domain::ImportedDeviceIdentityType;
use enroll_console::domain::validate::{
    detect_type, is_valid_imei15, normalize_identifier, validate_description, validate_identifier,
};
use libfuzzer_sys::fuzz_target;

fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let mut d = c.to_digit(10).unwrap_or(0);
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

fuzz_target!(|text: &str| {
    let detected = detect_type(text);
    for ty in ImportedDeviceIdentityType::ALL.iter().chain([&detected]) {
        let _ = normalize_identifier(text, ty);
        let _ = validate_identifier(text, ty);
        let _ = validate_description(text, ty);
    }
    if text.len() == 15 && text.bytes().all(|b| b.is_ascii_digit()) {
        assert_eq!(is_valid_imei15(text), luhn(text), "{text}");
    }
});
