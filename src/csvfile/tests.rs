use super::*;
use crate::domain::validate::Severity;

#[test]
fn admin_center_identifier_details_with_bom_and_crlf() {
    let bytes = b"\xEF\xBB\xBF490154203237518,PO-4711 cart 3\r\nC02.XK0XXJGH5,\"Shelf B, top\"\r\n\r\n490154203237517,\r\n";
    let p = parse(bytes, None).unwrap();
    assert_eq!(p.dialect, Dialect::IdentifierDetails);
    assert_eq!(p.rows.len(), 3);
    let r0 = &p.rows[0];
    assert_eq!(r0.line, 1);
    assert_eq!(
        r0.identity.imported_device_identity_type,
        Some(ImportedDeviceIdentityType::Imei)
    );
    assert_eq!(r0.identity.description.as_deref(), Some("PO-4711 cart 3"));
    assert!(r0.is_valid());
    let r1 = &p.rows[1];
    assert_eq!(r1.identity.identifier(), "C02XK0XXJGH5");
    assert_eq!(r1.identity.description.as_deref(), Some("Shelf B, top"));
    let r2 = &p.rows[2];
    let lines: Vec<usize> = p.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 2, 4], "blank lines still count");
    assert!(!r2.is_valid());
    assert!(r2.error().unwrap().contains("check digit"));
}

#[test]
fn windows_dialect_is_detected_and_forces_windows() {
    let p = parse(
        b"Microsoft,surface 5,0123.4567890123\nLenovo,thinkpad t14,02234567890123\n",
        None,
    )
    .unwrap();
    assert_eq!(p.dialect, Dialect::ManufacturerModelSerial);
    let r = &p.rows[0];
    assert_eq!(
        r.identity.identifier(),
        "Microsoft,surface 5,01234567890123"
    );
    assert_eq!(r.identity.platform, Some(Platform::Windows));
    assert_eq!(
        r.identity.imported_device_identity_type,
        Some(ImportedDeviceIdentityType::ManufacturerModelSerial)
    );
    assert!(p.rows.iter().all(Row::is_valid));
}

#[test]
fn headered_dialect_mixes_types() {
    let text = "importedDeviceIdentifier,importedDeviceIdentityType,platform,description,lastContactedDateTime\n\
                490154203237518,imei,android,Scanner 1,\n\
                \"Lenovo,T14,PF4ABCDE\",manufacturerModelSerial,,,\n\
                C02XK0XXJGH5,serialnumber,MACOS,,2024-01-02T03:04:05Z\n\
                X1,serialNumber,amiga,,\n\
                X2,serialNumber,ios,,yesterday\n";
    let p = parse(text.as_bytes(), None).unwrap();
    assert_eq!(p.dialect, Dialect::Headered);
    assert_eq!(p.rows.len(), 5);
    assert_eq!(p.rows[0].line, 2);
    assert_eq!(p.rows[0].identity.platform, Some(Platform::Android));
    assert_eq!(p.rows[1].identity.platform, Some(Platform::Windows));
    assert_eq!(p.rows[2].identity.platform, Some(Platform::MacOs));
    assert!(p.rows[2].identity.last_contacted_date_time.is_some());
    assert!(p.rows[..3].iter().all(Row::is_valid), "{:?}", p.rows);
    assert!(p.rows[3].error().unwrap().contains("platform"));
    assert!(p.rows[4].error().unwrap().contains("lastContactedDateTime"));
}

#[test]
fn dialect_override_and_errors() {
    let p = parse(b"a,b,c\n", Some(Dialect::IdentifierDetails)).unwrap();
    assert_eq!(p.rows[0].identity.description.as_deref(), Some("b,c"));
    assert!(matches!(
        parse(b"description\nx\n", Some(Dialect::Headered)),
        Err(CsvError::NoIdentifierColumn)
    ));
    assert!(matches!(
        parse(b"ok\n\xff\xfe\n", None),
        Err(CsvError::NotUtf8 { line: 2 })
    ));
    assert_eq!(
        "windows".parse::<Dialect>(),
        Ok(Dialect::ManufacturerModelSerial)
    );
}

#[test]
fn big_files_warn_but_are_kept() {
    let mut text = String::new();
    for i in 0..5_001u64 {
        text.push_str(&format!("SERIAL{i:06}\n"));
    }
    let p = parse(text.as_bytes(), None).unwrap();
    assert_eq!(p.rows.len(), 5_001);
    assert_eq!(p.warnings.len(), 1);
    let barcode = parse(b"4006381333931\n", None).unwrap();
    assert_eq!(barcode.rows[0].findings[0].severity, Severity::Warning);
}

proptest::proptest! {
    #[test]
    fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        if let Ok(p) = parse(&bytes, None) {
            for row in &p.rows {
                proptest::prop_assert!(row.line >= 1);
            }
        }
    }

    #[test]
    fn line_numbers_match_the_source(ids in proptest::collection::vec("[A-Z0-9]{6,12}", 1..20), crlf in proptest::prelude::any::<bool>(), blanks in proptest::collection::vec(0usize..3, 20)) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        let mut expected = Vec::new();
        let mut line = 1;
        for (id, b) in ids.iter().zip(&blanks) {
            for _ in 0..*b { text.push_str(eol); line += 1; }
            text.push_str(&format!("{id},note{eol}"));
            expected.push(line);
            line += 1;
        }
        let p = parse(text.as_bytes(), Some(Dialect::IdentifierDetails)).unwrap();
        let lines: Vec<usize> = p.rows.iter().map(|r| r.line).collect();
        proptest::prop_assert_eq!(lines, expected);
    }
}
