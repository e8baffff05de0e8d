//! Property tests of the parsers every dialect relies on: money, tax, zone names, TypeIDs, record
//! data (canonical form, its wire form, and NS1's answers), each read back as written and none
//! panicking on any input.

use hickory_proto::rr::RData;
use proptest::prelude::*;
use tenantry_core::billing::{MAX_MINOR, Minor, TaxRate};
use tenantry_core::dns::{
    RecordType, ZoneName, answer_to_rdata, canonical_rdata, rdata_to_answer, wire_rdata,
};
use tenantry_core::{ApiKeyId, OrganizationId};
use uuid::Uuid;

fn zone() -> ZoneName {
    ZoneName::parse("example.com").expect("a zone")
}

/// A DNS label: letters, digits and inner hyphens.
fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6})?"
}

/// A host name inside or outside the zone, absolute.
fn host() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..4)
        .prop_map(|labels| format!("{}.example.net.", labels.join(".")))
}

/// A TXT string: any printable ASCII, and how it is written quoted, its quotes and
/// backslashes escaped.
fn txt() -> impl Strategy<Value = (String, String)> {
    "[ -~]{0,60}".prop_map(|text| {
        let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
        let quoted = format!("\"{escaped}\"");
        (text, quoted)
    })
}

/// Record data as a person or a client writes it, for the types whose presentation hickory
/// writes back the same way.
fn record() -> impl Strategy<Value = (RecordType, String)> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|ip| (RecordType::A, std::net::Ipv4Addr::from(ip).to_string())),
        any::<[u8; 16]>()
            .prop_map(|ip| (RecordType::Aaaa, std::net::Ipv6Addr::from(ip).to_string())),
        (any::<u16>(), host()).prop_map(|(p, h)| (RecordType::Mx, format!("{p} {h}"))),
        host().prop_map(|h| (RecordType::Cname, h)),
        host().prop_map(|h| (RecordType::Ns, h)),
        (any::<u16>(), any::<u16>(), any::<u16>(), host())
            .prop_map(|(p, w, port, h)| (RecordType::Srv, format!("{p} {w} {port} {h}"))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn an_amount_reads_back_as_written(cents in -MAX_MINOR..=MAX_MINOR) {
        let amount = Minor(cents);
        prop_assert_eq!(Minor::parse(&amount.to_string(), true).ok(), Some(amount));
        if cents >= 0 {
            prop_assert_eq!(Minor::parse(&amount.to_string(), false).ok(), Some(amount));
        } else {
            prop_assert!(Minor::parse(&amount.to_string(), false).is_err());
        }
    }

    #[test]
    fn no_text_makes_the_money_reader_panic(text in "\\PC{0,30}", signed in any::<bool>()) {
        if let Ok(amount) = Minor::parse(&text, signed) {
            prop_assert!(amount.0.abs() <= MAX_MINOR, "{text:?} read as {amount}");
        }
    }

    #[test]
    fn tax_is_never_more_than_the_amount_it_is_on(
        net in 0..=MAX_MINOR,
        whole in 0u32..100,
        fraction in 0u32..1_000_000,
    ) {
        let rate = TaxRate::parse(&format!("{whole}.{fraction:06}")).unwrap();
        let tax = rate.tax_on(Minor(net));
        prop_assert!(tax.0 >= 0 && tax.0 <= net, "{rate} of {net}: {tax}");
        prop_assert_eq!(TaxRate::parse(&rate.to_string()).ok(), Some(rate));
    }

    #[test]
    fn a_zone_name_reads_back_as_itself(labels in prop::collection::vec(label(), 2..5)) {
        // Every such name is a valid zone name: it must be taken, in any case.
        let raw = labels.join(".");
        let zone = ZoneName::parse(&raw.to_uppercase());
        prop_assert!(zone.is_ok(), "{raw}: {zone:?}");
        let zone = zone.unwrap();
        prop_assert_eq!(zone.as_str(), format!("{raw}."));
        let again = ZoneName::parse(zone.as_str()).unwrap();
        prop_assert_eq!(again.as_str(), zone.as_str());
    }

    #[test]
    fn no_text_makes_the_name_reader_panic(text in "\\PC{0,80}") {
        if let Ok(zone) = ZoneName::parse(&text) {
            prop_assert!(zone.as_str().len() <= 254, "{text:?}");
        }
    }

    #[test]
    fn an_id_reads_back_and_is_no_other_kinds(bits in any::<u128>()) {
        let id = ApiKeyId::from_uuid(Uuid::from_u128(bits));
        let text = id.to_string();
        prop_assert!(text.starts_with("api_key_"), "{text}");
        prop_assert_eq!(text.parse::<ApiKeyId>().ok(), Some(id));
        prop_assert!(text.parse::<OrganizationId>().is_err());
    }

    #[test]
    fn no_text_makes_the_id_reader_panic(text in "\\PC{0,60}") {
        let _ = text.parse::<ApiKeyId>();
        let _ = ApiKeyId::from_suffix(&text);
    }

    #[test]
    fn record_data_is_canonical_once_and_goes_to_the_wire_and_back((rtype, raw) in record()) {
        let zone = zone();
        let canonical = canonical_rdata(rtype, &raw, &zone).unwrap();
        prop_assert_eq!(canonical_rdata(rtype, &canonical, &zone), Ok(canonical.clone()));
        // The wire form, written back in presentation format, is the same record.
        let wire = wire_rdata(rtype, &canonical).unwrap();
        let presented = canonical_rdata(rtype, &wire.to_string(), &zone).unwrap();
        prop_assert_eq!(&presented, &canonical);
        // NS1's answer of the record reads back as the record.
        let answer = rdata_to_answer(rtype, &canonical);
        prop_assert_eq!(answer_to_rdata(rtype, &answer, &zone), Ok(canonical.clone()));
    }

    #[test]
    fn text_records_keep_every_byte(strings in prop::collection::vec(txt(), 1..4)) {
        let zone = zone();
        let raw: Vec<&str> = strings.iter().map(|(_, quoted)| quoted.as_str()).collect();
        let canonical = canonical_rdata(RecordType::Txt, &raw.join(" "), &zone).unwrap();
        prop_assert_eq!(canonical_rdata(RecordType::Txt, &canonical, &zone), Ok(canonical.clone()));
        // On the wire, each string is its bytes, unescaped.
        let RData::TXT(wire) = wire_rdata(RecordType::Txt, &canonical).unwrap() else {
            panic!("TXT");
        };
        let sent: Vec<&[u8]> = wire.txt_data.iter().map(|s| &s[..]).collect();
        let written: Vec<&[u8]> = strings.iter().map(|(text, _)| text.as_bytes()).collect();
        prop_assert_eq!(sent, written);
        let answer = rdata_to_answer(RecordType::Txt, &canonical);
        prop_assert_eq!(answer.len(), strings.len());
        prop_assert_eq!(answer_to_rdata(RecordType::Txt, &answer, &zone), Ok(canonical.clone()));
    }

    #[test]
    fn no_text_makes_the_record_reader_panic(
        index in 0..RecordType::ALL.len(),
        text in "\\PC{0,60}",
    ) {
        let rtype = RecordType::ALL[index];
        if let Ok(canonical) = canonical_rdata(rtype, &text, &zone()) {
            // Whatever was taken is canonical already.
            prop_assert_eq!(canonical_rdata(rtype, &canonical, &zone()), Ok(canonical.clone()));
        }
    }
}
