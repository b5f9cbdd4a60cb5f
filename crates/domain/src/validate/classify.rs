//! One token (a scan, a pasted value) classified the way the form does it,
//! with the stricter verdict scan mode needs: a product barcode is refused
//! there, never queued (PRODUCT §7); in the form it is only a warning.

use super::{
    Finding, NormalizeOptions, ProductBarcode, detect_type, has_control_chars,
    normalize_identifier_with, product_barcode, validate_identifier,
};
use crate::enums::ImportedDeviceIdentityType;

/// What scan mode does with a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanVerdict {
    /// Fine: queue or send it.
    Accept,
    /// Queue or send it, but show why it looks odd.
    Warn(String),
    /// Never queued, with the reason.
    Reject(String),
}

impl ScanVerdict {
    pub fn is_reject(&self) -> bool {
        matches!(self, ScanVerdict::Reject(_))
    }
}

/// A token, classified and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// What was typed or scanned, trimmed.
    pub raw: String,
    /// What will be sent.
    pub normalized: String,
    pub ty: ImportedDeviceIdentityType,
    /// Every finding of the shared validation.
    pub findings: Vec<Finding>,
    /// A UPC-A / EAN-13 / EAN-8 recognised by its check digit.
    pub product_barcode: Option<ProductBarcode>,
}

/// Classifies `raw`: the given type, or the detected one (PRODUCT §3);
/// normalised with `options`; validated by the shared rules.
pub fn classify(
    raw: &str,
    forced: Option<&ImportedDeviceIdentityType>,
    options: NormalizeOptions,
) -> Classified {
    let raw = raw.trim().to_string();
    let ty = forced.cloned().unwrap_or_else(|| detect_type(&raw));
    let findings = validate_identifier(&raw, &ty);
    let normalized = if has_control_chars(&raw) {
        String::new()
    } else {
        normalize_identifier_with(&raw, &ty, options)
    };
    let barcode = match ty {
        ImportedDeviceIdentityType::Imei => None,
        _ => product_barcode(&normalize_identifier_with(
            &raw,
            &ImportedDeviceIdentityType::SerialNumber,
            NormalizeOptions::default(),
        )),
    };
    Classified {
        raw,
        normalized,
        ty,
        findings,
        product_barcode: barcode,
    }
}

impl Classified {
    /// Scan mode's verdict: hard errors and UPC-A/EAN-13 barcodes are refused.
    /// An EAN-8 match is only a warning: one eight-digit serial in ten passes
    /// that check digit by chance.
    pub fn scan_verdict(&self) -> ScanVerdict {
        if let Some(e) = self.findings.iter().find(|f| f.is_error()) {
            return ScanVerdict::Reject(e.message.clone());
        }
        match self.product_barcode {
            Some(ProductBarcode::Ean8) => {
                return ScanVerdict::Warn("may be an EAN-8 product barcode".to_string());
            }
            Some(kind) => {
                return ScanVerdict::Reject(format!(
                    "product barcode ({}), not a device identifier",
                    kind.name()
                ));
            }
            None => {}
        }
        match self.findings.first() {
            Some(w) => ScanVerdict::Warn(w.message.clone()),
            None => ScanVerdict::Accept,
        }
    }

    /// Whether normalising changed the value (the screen then shows raw → normalised).
    pub fn was_changed(&self) -> bool {
        self.raw != self.normalized
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ImportedDeviceIdentityType as T;

    fn verdict(raw: &str) -> ScanVerdict {
        classify(raw, None, NormalizeOptions::default()).scan_verdict()
    }

    #[test]
    fn the_three_acceptance_scans() {
        let imei = classify("490154203237518", None, NormalizeOptions::default());
        assert_eq!(imei.ty, T::Imei);
        assert_eq!(imei.scan_verdict(), ScanVerdict::Accept);
        let ean = verdict("4006381333931");
        assert!(
            ean.is_reject() && format!("{ean:?}").contains("EAN-13"),
            "{ean:?}"
        );
        let serial = classify("C02XK0XXJGH5", None, NormalizeOptions::default());
        assert_eq!(serial.ty, T::SerialNumber);
        assert_eq!(serial.scan_verdict(), ScanVerdict::Accept);
    }

    #[test]
    fn forced_serial_still_refuses_barcodes_and_bad_imeis_are_refused() {
        let c = classify(
            "036000291452",
            Some(&T::SerialNumber),
            NormalizeOptions::default(),
        );
        assert!(c.scan_verdict().is_reject());
        assert!(verdict("490154203237517").is_reject());
        assert!(matches!(verdict("96385074"), ScanVerdict::Warn(_)));
        assert!(verdict("a\u{7}b").is_reject());
    }

    #[test]
    fn options_change_the_normalised_value_only() {
        let opts = NormalizeOptions {
            imei_to_14: true,
            uppercase_serials: true,
        };
        let imei = classify("490154203237518", None, opts);
        assert_eq!(imei.normalized, "49015420323751");
        assert!(imei.was_changed());
        let serial = classify(" c02.xk0xxjgh5 ", None, opts);
        assert_eq!(serial.raw, "c02.xk0xxjgh5");
        assert_eq!(serial.normalized, "C02XK0XXJGH5");
        let windows = classify("Lenovo,T14,pf.4abcde", None, opts);
        assert_eq!(windows.normalized, "Lenovo,T14,PF4ABCDE");
    }
}
