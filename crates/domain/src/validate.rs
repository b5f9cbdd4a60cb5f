//! Identifier validation and type detection, used by every way in (form,
//! scan, CSV, command line). Hard errors block a submission; warnings do not.

mod classify;

use super::enums::{ImportedDeviceIdentityType, Platform};

pub use classify::{Classified, ScanVerdict, classify};

/// Optional normalisations (settings): both off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NormalizeOptions {
    /// Send a Luhn-valid 15-digit IMEI as its 14-digit body (some tenants hold
    /// IMEIs without the check digit, as Intune's own examples do).
    pub imei_to_14: bool,
    /// Upper-case serial numbers (and the serial of a Windows tuple).
    pub uppercase_serials: bool,
}

/// Serials shorter than this are warned about (not refused).
pub const SERIAL_SHORT_CHARS: usize = 5;
/// The longest identifier the service stores.
pub const IDENTIFIER_MAX_CHARS: usize = 128;

/// The admin center's limit for the description ("details").
pub const DESCRIPTION_MAX_CHARS: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One thing to tell the user about a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
}

impl Finding {
    pub fn error(message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            message: message.into(),
        }
    }
    pub fn warning(message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            message: message.into(),
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A product barcode recognised by its check digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductBarcode {
    UpcA,
    Ean13,
    Ean8,
}

impl ProductBarcode {
    pub fn name(self) -> &'static str {
        match self {
            ProductBarcode::UpcA => "UPC-A",
            ProductBarcode::Ean13 => "EAN-13",
            ProductBarcode::Ean8 => "EAN-8",
        }
    }
}

/// Whether the text holds a control character (C0, DEL, C1).
/// How identifiers compare (as the service does): upper-cased and trimmed;
/// Windows tuples also without punctuation or spaces inside each part.
/// Two identities with one key are one identity to the tenant and the ledger.
pub fn identity_key(identity: &crate::ImportedDeviceIdentity) -> String {
    identifier_key(
        identity.identifier(),
        identity.imported_device_identity_type.as_ref(),
    )
}

/// [`identity_key`] from an identifier and its type (the sandbox keys its
/// tenant with it too, so the two can never disagree).
pub fn identifier_key(identifier: &str, ty: Option<&ImportedDeviceIdentityType>) -> String {
    let id = identifier.trim();
    if ty == Some(&ImportedDeviceIdentityType::ManufacturerModelSerial) {
        id.split(',')
            .map(|part| {
                part.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_uppercase)
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(",")
    } else {
        id.to_uppercase()
    }
}

pub fn has_control_chars(s: &str) -> bool {
    s.chars().any(char::is_control)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The Luhn check digit (3GPP TS 23.003 Annex B) for the 14 digits of an IMEI body.
pub fn imei_check_digit(body: &str) -> Option<u8> {
    if body.len() != 14 || !all_digits(body) {
        return None;
    }
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let doubled = d * 2;
                doubled / 10 + doubled % 10
            } else {
                d
            }
        })
        .sum();
    Some(((10 - sum % 10) % 10) as u8)
}

/// A 15-digit IMEI whose last digit is its Luhn check digit.
pub fn is_valid_imei15(s: &str) -> bool {
    s.len() == 15 && all_digits(s) && imei_check_digit(&s[..14]) == Some(s.as_bytes()[14] - b'0')
}

/// GS1 check digit: weights 3,1,3,... from the right of the body.
fn gs1_valid(s: &str) -> bool {
    let (body, check) = s.split_at(s.len() - 1);
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == u32::from(check.as_bytes()[0] - b'0')
}

/// Recognises UPC-A (12), EAN-13 (13) and EAN-8 (8) product barcodes.
pub fn product_barcode(s: &str) -> Option<ProductBarcode> {
    if !all_digits(s) {
        return None;
    }
    let kind = match s.len() {
        12 => ProductBarcode::UpcA,
        13 => ProductBarcode::Ean13,
        8 => ProductBarcode::Ean8,
        _ => return None,
    };
    gs1_valid(s).then_some(kind)
}

/// The type the form shows while the user has not picked one (PRODUCT §3):
/// 14–15 digits → imei; three comma-separated parts → manufacturerModelSerial;
/// otherwise serialNumber.
pub fn detect_type(identifier: &str) -> ImportedDeviceIdentityType {
    let s = identifier.trim();
    if all_digits(s) && (s.len() == 14 || s.len() == 15) {
        ImportedDeviceIdentityType::Imei
    } else if s.split(',').count() == 3 {
        ImportedDeviceIdentityType::ManufacturerModelSerial
    } else {
        ImportedDeviceIdentityType::SerialNumber
    }
}

/// The identifier as it will be sent: trimmed; serials lose their periods
/// (Intune's instruction); Windows tuples have each part trimmed.
pub fn normalize_identifier(raw: &str, ty: &ImportedDeviceIdentityType) -> String {
    normalize_identifier_with(raw, ty, NormalizeOptions::default())
}

/// [`normalize_identifier`] with the optional conversions.
pub fn normalize_identifier_with(
    raw: &str,
    ty: &ImportedDeviceIdentityType,
    options: NormalizeOptions,
) -> String {
    let s = raw.trim();
    let serial = |p: &str| {
        // Trimmed again: removing the dots of `0 .` leaves a space at the end.
        let p = p.replace('.', "").trim().to_string();
        if options.uppercase_serials {
            p.to_uppercase()
        } else {
            p
        }
    };
    match ty {
        ImportedDeviceIdentityType::SerialNumber => serial(s),
        ImportedDeviceIdentityType::ManufacturerModelSerial => s
            .split(',')
            .enumerate()
            .map(|(i, p)| {
                let p = p.trim();
                if i == 2 { serial(p) } else { p.to_string() }
            })
            .collect::<Vec<_>>()
            .join(","),
        ImportedDeviceIdentityType::Imei if options.imei_to_14 && is_valid_imei15(s) => {
            s[..14].to_string()
        }
        _ => s.to_string(),
    }
}

/// Length and character checks of a serial number (already normalised).
fn serial_findings(s: &str, what: &str, out: &mut Vec<Finding>) {
    let n = s.chars().count();
    if n > IDENTIFIER_MAX_CHARS {
        out.push(Finding::error(format!(
            "a {what} has at most {IDENTIFIER_MAX_CHARS} characters ({n} now)"
        )));
        return;
    }
    if n < SERIAL_SHORT_CHARS {
        out.push(Finding::warning(format!(
            "{n} characters is unusually short for a {what}"
        )));
    }
    if s.chars().any(char::is_whitespace) {
        out.push(Finding::warning(format!("a {what} rarely holds spaces")));
    } else if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/')))
    {
        out.push(Finding::warning(format!(
            "{c:?} is unusual in a {what} (letters, digits, - _ / expected)"
        )));
    }
}

/// Checks an identifier of the given type (already normalised or not).
pub fn validate_identifier(raw: &str, ty: &ImportedDeviceIdentityType) -> Vec<Finding> {
    let mut out = Vec::new();
    if has_control_chars(raw) {
        out.push(Finding::error("control characters are not allowed"));
        return out;
    }
    let s = normalize_identifier(raw, ty);
    if s.is_empty() {
        out.push(Finding::error("an identifier is required"));
        return out;
    }
    match ty {
        ImportedDeviceIdentityType::Imei => {
            if !all_digits(&s) {
                out.push(Finding::error("an IMEI has digits only"));
            } else {
                match s.len() {
                    14 => {}
                    15 if is_valid_imei15(&s) => {}
                    15 => {
                        let expected = imei_check_digit(&s[..14]).unwrap_or(0);
                        out.push(Finding::error(format!(
                            "check digit is wrong: a 15-digit IMEI starting {} ends in {expected}",
                            &s[..14]
                        )));
                    }
                    16 => out.push(Finding::warning(
                        "16 digits is an IMEISV (IMEI + software version), not an IMEI",
                    )),
                    n => out.push(Finding::error(format!(
                        "an IMEI has 14 or 15 digits, not {n}"
                    ))),
                }
            }
        }
        ImportedDeviceIdentityType::SerialNumber => {
            // Auto detection calls 16 digits a serial: say what it likely is.
            if all_digits(&s) && s.len() == 16 {
                out.push(Finding::warning(
                    "16 digits looks like an IMEISV (IMEI + software version), not a serial; \
                     its first 14 digits are the IMEI",
                ));
            }
            if let Some(kind) = product_barcode(&s)
                && kind != ProductBarcode::Ean8
            {
                out.push(Finding::warning(format!(
                    "looks like a product barcode ({}), not a serial number",
                    kind.name()
                )));
            }
            serial_findings(&s, "serial number", &mut out);
        }
        ImportedDeviceIdentityType::ManufacturerModelSerial => {
            let parts: Vec<&str> = s.split(',').collect();
            if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
                out.push(Finding::error(
                    "expected Manufacturer,Model,Serial: three non-empty parts separated by commas",
                ));
            } else if s.chars().count() > IDENTIFIER_MAX_CHARS {
                out.push(Finding::error(format!(
                    "a manufacturer,model,serial identifier has at most {IDENTIFIER_MAX_CHARS} characters"
                )));
            } else {
                serial_findings(parts[2], "Windows serial", &mut out);
            }
        }
        ImportedDeviceIdentityType::Unknown | ImportedDeviceIdentityType::Other(_) => {
            out.push(Finding::warning("type unknown: the service may reject it"));
        }
    }
    out
}

/// Checks the description ("details").
pub fn validate_description(desc: &str, ty: &ImportedDeviceIdentityType) -> Vec<Finding> {
    let mut out = Vec::new();
    if has_control_chars(desc) {
        out.push(Finding::error("control characters are not allowed"));
    }
    let n = desc.chars().count();
    if n > DESCRIPTION_MAX_CHARS {
        out.push(Finding::error(format!(
            "at most {DESCRIPTION_MAX_CHARS} characters ({n} now)"
        )));
    }
    if !desc.trim().is_empty() && *ty == ImportedDeviceIdentityType::ManufacturerModelSerial {
        out.push(Finding::error(
            "Windows manufacturer,model,serial identifiers take no description",
        ));
    }
    out
}

/// Warnings about a type and platform that do not go together.
pub fn sanity_warnings(ty: &ImportedDeviceIdentityType, platform: &Platform) -> Vec<Finding> {
    let mut out = Vec::new();
    match (ty, platform) {
        (ImportedDeviceIdentityType::Imei, Platform::Windows | Platform::MacOs) => {
            out.push(Finding::warning(format!(
                "IMEI identifiers do not apply to {}",
                platform.label()
            )))
        }
        (ImportedDeviceIdentityType::ManufacturerModelSerial, p) if *p != Platform::Windows => out
            .push(Finding::warning(
                "manufacturer,model,serial is for Windows: the platform is sent as windows",
            )),
        (_, Platform::Android) => out.push(Finding::warning(
            "Android 12+ personally-owned work profiles cannot be matched by identifier",
        )),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ImportedDeviceIdentityType as T;

    #[test]
    fn luhn_matches_the_3gpp_example() {
        assert_eq!(imei_check_digit("26053179311383"), Some(7));
        assert!(is_valid_imei15("490154203237518"));
        assert!(!is_valid_imei15("490154203237517"));
    }

    #[test]
    fn removing_dots_never_leaves_spaces_at_the_ends() {
        assert_eq!(normalize_identifier("0 .", &T::SerialNumber), "0");
        assert_eq!(
            normalize_identifier("Contoso,X1,AB 12 .", &T::ManufacturerModelSerial),
            "Contoso,X1,AB 12"
        );
    }

    #[test]
    fn detects_types() {
        assert_eq!(detect_type("490154203237518"), T::Imei);
        assert_eq!(detect_type("01234567890123"), T::Imei);
        assert_eq!(detect_type("C02XK0XXJGH5"), T::SerialNumber);
        assert_eq!(
            detect_type("Microsoft,surface 5,01234567890123"),
            T::ManufacturerModelSerial
        );
        assert_eq!(detect_type("1234567890123456"), T::SerialNumber);
    }

    #[test]
    fn sixteen_digits_detected_as_a_serial_are_warned_as_an_imeisv() {
        let imeisv = "3532040802486301";
        assert_eq!(detect_type(imeisv), T::SerialNumber);
        let findings = validate_identifier(imeisv, &detect_type(imeisv));
        assert!(
            findings
                .iter()
                .any(|f| !f.is_error() && f.message.contains("IMEISV")),
            "{findings:?}"
        );
    }

    #[test]
    fn imei_rules() {
        assert!(validate_identifier("490154203237518", &T::Imei).is_empty());
        assert!(validate_identifier("01234567890123", &T::Imei).is_empty());
        let bad = validate_identifier("490154203237517", &T::Imei);
        assert!(
            bad[0].is_error() && bad[0].message.contains("ends in 8"),
            "{bad:?}"
        );
        assert_eq!(
            validate_identifier("4901542032375180", &T::Imei)[0].severity,
            Severity::Warning
        );
        assert!(validate_identifier("ABC", &T::Imei)[0].is_error());
    }

    #[test]
    fn serials_lose_periods_and_barcodes_warn() {
        assert_eq!(
            normalize_identifier(" C02.XK0 ", &T::SerialNumber),
            "C02XK0"
        );
        assert_eq!(
            product_barcode("4006381333931"),
            Some(ProductBarcode::Ean13)
        );
        assert_eq!(product_barcode("036000291452"), Some(ProductBarcode::UpcA));
        assert_eq!(product_barcode("96385074"), Some(ProductBarcode::Ean8));
        assert_eq!(product_barcode("4006381333932"), None);
        let f = validate_identifier("4006381333931", &T::SerialNumber);
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn windows_tuples_and_descriptions() {
        assert!(
            validate_identifier("Lenovo,thinkpad t14,0223456", &T::ManufacturerModelSerial)
                .is_empty()
        );
        assert!(validate_identifier("Lenovo,,0223", &T::ManufacturerModelSerial)[0].is_error());
        assert!(validate_description("x", &T::ManufacturerModelSerial)[0].is_error());
        assert!(validate_description(&"a".repeat(128), &T::SerialNumber).is_empty());
        assert!(validate_description(&"a".repeat(129), &T::SerialNumber)[0].is_error());
        assert!(validate_description("a\u{1b}b", &T::SerialNumber)[0].is_error());
    }

    #[test]
    fn serial_length_and_characters() {
        let only = |raw: &str| validate_identifier(raw, &T::SerialNumber);
        assert!(only("C02XK0XXJGH5").is_empty());
        assert!(only("PF-4AB/CD_E").is_empty());
        let short = only("AB1");
        assert_eq!(short.len(), 1);
        assert!(!short[0].is_error() && short[0].message.contains("short"));
        assert!(only("C02#XK0")[0].message.contains("'#'"));
        assert!(only(&"A".repeat(129))[0].is_error());
        assert!(only(&"A".repeat(128)).is_empty());
        let windows = validate_identifier("Lenovo,T14,PF 4AB", &T::ManufacturerModelSerial);
        assert!(windows[0].message.contains("Windows serial"), "{windows:?}");
    }

    #[test]
    fn optional_conversions() {
        let both = NormalizeOptions {
            imei_to_14: true,
            uppercase_serials: true,
        };
        assert_eq!(
            normalize_identifier_with("490154203237518", &T::Imei, both),
            "49015420323751"
        );
        // Only a valid 15-digit IMEI loses its check digit.
        assert_eq!(
            normalize_identifier_with("490154203237517", &T::Imei, both),
            "490154203237517"
        );
        assert_eq!(
            normalize_identifier_with("c02.xk", &T::SerialNumber, both),
            "C02XK"
        );
        assert_eq!(
            normalize_identifier_with("c02.xk", &T::SerialNumber, NormalizeOptions::default()),
            "c02xk"
        );
    }
}
