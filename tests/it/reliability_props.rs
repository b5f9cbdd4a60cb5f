//! Properties of everything that reads outside input: CSV files, Graph
//! answers (bodies, statuses, headers), the config file and identifiers.
//! None of them panics on any input; line numbers stay inside the input;
//! IMEI validation agrees with a reference Luhn check. The fuzz targets in
//! `fuzz/` explore the same functions without a case limit.

use std::path::Path;

use enroll_console::config::{Config, ConfigError};
use enroll_console::csvfile::{Dialect, parse};
use enroll_console::domain::validate::{
    detect_type, is_valid_imei15, normalize_identifier, validate_description, validate_identifier,
};
use enroll_console::domain::{
    EntityResponse, ImportedDeviceIdentity, ImportedDeviceIdentityResult,
    ImportedDeviceIdentityType, ODataErrorBody, Page,
};
use enroll_console::graph::decode::{decode_success, error_from_answer};
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

const DIALECTS: [Option<Dialect>; 4] = [
    None,
    Some(Dialect::Headered),
    Some(Dialect::IdentifierDetails),
    Some(Dialect::ManufacturerModelSerial),
];

/// CSV-ish text: fields with quotes, separators, line ends, controls and
/// non-ASCII, so the parser's branches are reached far more often than by
/// uniform bytes.
fn csv_text() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just("importedDeviceIdentifier".to_string()),
        Just("importedDeviceIdentityType".to_string()),
        Just("description".to_string()),
        Just("490154203237518".to_string()),
        Just("\"a,\"\"b\"\"\"".to_string()),
        Just("\"unterminated".to_string()),
        "[ -~\u{0}\u{1b}\u{202e}é\t]{0,12}",
    ];
    let line = prop::collection::vec(field, 0..5).prop_map(|f| f.join(","));
    let end = prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")];
    prop::collection::vec((line, end), 0..8).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(l, e)| format!("{l}{e}"))
            .collect::<String>()
    })
}

fn check_csv(bytes: &[u8]) -> Result<(), TestCaseError> {
    let lines = line_count(bytes);
    for dialect in DIALECTS {
        if let Ok(parsed) = parse(bytes, dialect) {
            let mut last = 0;
            for row in &parsed.rows {
                prop_assert!(
                    row.line >= 1 && row.line <= lines,
                    "line {} of {}",
                    row.line,
                    lines
                );
                prop_assert!(row.line > last, "rows out of order");
                last = row.line;
            }
        }
    }
    Ok(())
}

/// JSON-ish bodies: real shapes with hostile or wrong-typed values, and noise.
fn graph_body() -> impl Strategy<Value = Vec<u8>> {
    let text = "[ -~\u{0}\u{1b}\u{7}\u{202e}é]{0,20}";
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        text.prop_map(|t| format!(
            r#"{{"error":{{"code":"{t:?}","message":{t:?},"innerError":{{"request-id":{t:?}}}}}}}"#
        ).into_bytes()),
        (text, any::<i64>()).prop_map(|(t, n)| format!(
            r#"{{"value":[{{"id":{t:?},"importedDeviceIdentifier":{t:?},"importedDeviceIdentityType":{t:?},"lastContactedDateTime":{t:?},"status":{n}}}],"@odata.nextLink":{t:?}}}"#
        ).into_bytes()),
        (text, any::<bool>()).prop_map(|(t, b)| format!(
            r#"{{"id":{t:?},"enrollmentState":{t:?},"platform":{t:?},"createdDateTime":"2024-13-45T99:00:00Z","status":{b}}}"#
        ).into_bytes()),
        Just(br#"{"error":null}"#.to_vec()),
        Just(b"<html><body>Bad gateway</body></html>".to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn csv_text_never_panics_and_keeps_line_numbers(text in csv_text()) {
        check_csv(text.as_bytes())?;
    }

    #[test]
    fn csv_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_csv(&bytes)?;
        if let Err(enroll_console::csvfile::CsvError::NotUtf8 { line }) = parse(&bytes, None) {
            prop_assert!(line >= 1 && line <= bytes.iter().filter(|&&b| b == b'\n').count() + 1);
        }
    }

    #[test]
    fn graph_answers_never_panic_and_errors_read_as_plain_text(
        status in 100u16..600,
        body in graph_body(),
        retry_after in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        let _ = decode_success::<Page<ImportedDeviceIdentity>>(&body);
        let _ = decode_success::<Page<ImportedDeviceIdentityResult>>(&body);
        let _ = decode_success::<EntityResponse<ImportedDeviceIdentity>>(&body);
        let _ = decode_success::<EntityResponse<ImportedDeviceIdentityResult>>(&body);
        if let Ok(parsed) = serde_json::from_slice::<ODataErrorBody>(&body) {
            let _ = parsed.error.human_message();
        }
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_bytes(&retry_after) {
            headers.insert(RETRY_AFTER, value.clone());
            headers.insert("request-id", value);
        }
        let err = error_from_answer(status, &headers, &body, time::OffsetDateTime::UNIX_EPOCH);
        let message = err.user_message();
        prop_assert!(!message.is_empty());
        prop_assert!(
            !message.chars().any(|c| c.is_control() && c != '\n'),
            "control character in {:?}", message
        );
        prop_assert_eq!(err.status(), Some(status));
        let _ = (err.is_retryable(), err.retry_after(), err.outcome_unknown(), err.is_route_missing());
    }

    #[test]
    fn config_text_never_panics_and_errors_name_a_line(
        lines in prop::collection::vec(prop_oneof![
            Just("default_profile = \"work\"".to_string()),
            Just("[profiles.work]".to_string()),
            Just("tenant = \"contoso.onmicrosoft.com\"".to_string()),
            Just("cloud = \"mars\"".to_string()),
            Just("stale_days = -1".to_string()),
            Just("stale_days = 30".to_string()),
            Just("[profiles.work".to_string()),
            "[ -~é\u{0}\t]{0,30}",
        ], 0..8),
    ) {
        let text = lines.join("\n");
        match Config::parse(&text, Path::new("config.toml")) {
            Ok(_) => {}
            Err(ConfigError::Invalid { line, .. }) => {
                let count = text.matches('\n').count() + 1;
                prop_assert!(line >= 1 && line <= count, "line {} of {}", line, count);
                let shown = Config::parse(&text, Path::new("config.toml")).unwrap_err().to_string();
                prop_assert!(shown.starts_with(&format!("config.toml:{line}:")), "{}", shown);
            }
            Err(_) => {}
        }
    }

    #[test]
    fn identifiers_never_panic(text in "[ -~\u{0}\u{1b}\u{202e}é٣\t\n]{0,40}") {
        let detected = detect_type(&text);
        for ty in ImportedDeviceIdentityType::ALL.iter().chain([&detected]) {
            let _ = normalize_identifier(&text, ty);
            let _ = validate_identifier(&text, ty);
            let _ = validate_description(&text, ty);
        }
    }

    #[test]
    fn imei_validation_agrees_with_a_reference_luhn(digits in "[0-9]{15}") {
        prop_assert_eq!(is_valid_imei15(&digits), reference_luhn(&digits));
    }
}

/// Luhn as written in ISO/IEC 7812-1, independent of the product's code.
fn reference_luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = c.to_digit(10).unwrap_or(0);
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[test]
fn reference_luhn_knows_a_real_imei() {
    assert!(reference_luhn("490154203237518"));
    assert!(!reference_luhn("490154203237517"));
}

/// Lines in the file: LF, CRLF and a lone CR each end one.
fn line_count(bytes: &[u8]) -> usize {
    let mut count = 1;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            count += 1;
        }
    }
    count
}

#[test]
fn rows_of_a_file_with_lone_cr_line_ends_keep_their_lines() {
    let text = "importedDeviceIdentifier,description\r490154203237518,a\r353456789012347,b\r";
    let parsed = parse(text.as_bytes(), None).expect("parses");
    let lines: Vec<usize> = parsed.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3]);
}
