//! Every type the API takes goes on the wire as the same data its canonical text says:
//! encoded, decoded again by hickory-proto, and compared field by field where hickory's own
//! printing is not canonical.

use hickory_proto::rr::{Name, Record};
use hickory_proto::serialize::binary::{BinDecodable, BinEncodable};

use super::*;

/// The record encoded and read back, its data as hickory prints it.
fn round_trip(rtype: RecordType, canonical: &str) -> String {
    let rdata = wire_rdata(rtype, canonical).unwrap_or_else(|e| panic!("{e}"));
    let name = Name::from_ascii("unit.tests.").unwrap();
    let bytes = Record::from_rdata(name, 300, rdata).to_bytes().unwrap();
    let read = Record::from_bytes(&bytes).unwrap_or_else(|e| panic!("{rtype}: {e}"));
    assert_eq!(read.record_type(), wire_type(rtype).unwrap());
    format!("{}", read.data)
}

#[test]
fn every_type_goes_on_the_wire() {
    use RecordType::*;
    // Where hickory prints a type canonically, its reading must equal ours.
    for (rtype, canonical) in [
        (A, "192.0.2.1"),
        (Aaaa, "2001:db8::1"),
        (Cname, "target.example.net."),
        (Ns, "ns1.elsewhere.example."),
        (Ptr, "host.example.com."),
        (Mx, "10 mail.unit.tests."),
        (Mx, "0 ."),
        (Srv, "10 5 5060 sip.example.com."),
        (Caa, r#"0 issue "letsencrypt.org""#),
        (Caa, r#"128 iodef "mailto:sec@example.com""#),
        (Sshfp, "1 1 bf6b6825d2977c511a475bbefb88aad54a92ac73"),
        (Tlsa, "3 1 1 abcdef0123456789"),
        (Smimea, "3 1 1 abcdef01"),
        (
            Naptr,
            r#"100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" ."#,
        ),
        (Https, "0 pool.svc.example."),
        (
            Soa,
            "ns1.example.net. hostmaster.example.net. 2026120701 10800 3600 604800 300",
        ),
    ] {
        assert_eq!(round_trip(rtype, canonical), canonical, "{rtype}");
    }
    // Elsewhere hickory's printing differs in form only (separators, mnemonics).
    for (rtype, canonical, printed) in [
        (
            Https,
            "1 . alpn=h2,h3 port=443 ipv4hint=192.0.2.1",
            "1 . alpn=h2,h3, port=443 ipv4hint=192.0.2.1,",
        ),
        (
            Svcb,
            "1 svc.example.net. alpn=bar port=8004",
            "1 svc.example.net. alpn=bar, port=8004",
        ),
        (
            Https,
            "1 . mandatory=alpn,port alpn=h2 no-default-alpn port=8443",
            "1 . mandatory=alpn,port, alpn=h2, no-default-alpn= port=8443",
        ),
        (Cert, "1 12345 8 MIIBAgE=", "PKIX 12345 RSASHA256 MIIBAgE="),
    ] {
        assert_eq!(round_trip(rtype, canonical), printed, "{rtype}");
    }
}

/// The character-strings of a TXT record as they travel.
fn txt_strings(canonical: &str) -> Vec<Vec<u8>> {
    match wire_rdata(RecordType::Txt, canonical).unwrap() {
        RData::TXT(txt) => txt.txt_data.iter().map(|s| s.to_vec()).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn txt_strings_travel_byte_for_byte() {
    assert_eq!(txt_strings(r#""v=spf1 -all""#), [b"v=spf1 -all".to_vec()]);
    assert_eq!(
        txt_strings(r#""with \"quotes\" and spaces" "second""#),
        [b"with \"quotes\" and spaces".to_vec(), b"second".to_vec()]
    );
    // A `\DDD` escape is one byte: UTF-8 travels as its bytes.
    assert_eq!(
        txt_strings(r#""caf\195\169""#),
        ["café".as_bytes().to_vec()]
    );
}

#[test]
fn uri_travels_as_its_numbers_then_its_target() {
    let RData::Unknown { code, rdata } =
        wire_rdata(RecordType::Uri, r#"10 1 "https://example.com/path""#).unwrap()
    else {
        panic!("URI is carried as an unknown type");
    };
    assert_eq!(u16::from(code), 256);
    let mut expected = vec![0, 10, 0, 1];
    expected.extend_from_slice(b"https://example.com/path");
    assert_eq!(rdata.anything, expected);
}

#[test]
fn alias_is_no_wire_type() {
    assert_eq!(wire_type(RecordType::Alias), None);
    assert!(wire_rdata(RecordType::Alias, "lb.example.net.").is_err());
}
