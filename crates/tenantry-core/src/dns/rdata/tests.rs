//! Every type the API takes: accepted spellings become one canonical text, and malformed
//! values are refused.

use super::*;

fn zone() -> ZoneName {
    ZoneName::parse("unit.tests").unwrap()
}

fn canon(rtype: RecordType, raw: &str) -> String {
    canonical_rdata(rtype, raw, &zone()).unwrap_or_else(|e| panic!("{rtype} {raw:?}: {e}"))
}

#[test]
fn accepted_values_become_canonical() {
    use RecordType::*;
    for (rtype, raw, canonical) in [
        (A, " 192.0.2.1 ", "192.0.2.1"),
        (Aaaa, "2001:DB8:0:0::1", "2001:db8::1"),
        (Cname, "Target.Example.NET.", "target.example.net."),
        (Cname, "www", "www.unit.tests."),
        (Cname, "@", "unit.tests."),
        (Alias, "lb.example.net.", "lb.example.net."),
        (Ns, "ns1.elsewhere.example.", "ns1.elsewhere.example."),
        (Ptr, "host.example.com.", "host.example.com."),
        (Mx, "10 mail", "10 mail.unit.tests."),
        (Mx, "0 .", "0 ."),
        (
            Srv,
            "10 5  5060 sip.example.com.",
            "10 5 5060 sip.example.com.",
        ),
        (Srv, "0 0 0 .", "0 0 0 ."),
        (Txt, r#""v=spf1 -all""#, r#""v=spf1 -all""#),
        (Txt, "unquoted", r#""unquoted""#),
        (
            Txt,
            r#""with \"quotes\" and spaces" "second""#,
            r#""with \"quotes\" and spaces" "second""#,
        ),
        (Txt, r#""caf\195\169""#, r#""caf\195\169""#),
        (
            Caa,
            r#"0 issue "letsencrypt.org""#,
            r#"0 issue "letsencrypt.org""#,
        ),
        (
            Caa,
            "128 iodef mailto:sec@example.com",
            r#"128 iodef "mailto:sec@example.com""#,
        ),
        (
            Sshfp,
            "1 1 BF6B6825D2977C511A475BBEFB88AAD54A92AC73",
            "1 1 bf6b6825d2977c511a475bbefb88aad54a92ac73",
        ),
        (Tlsa, "3 1 1 ABCDEF01 23456789", "3 1 1 abcdef0123456789"),
        (Smimea, "3 1 1 abcdef01", "3 1 1 abcdef01"),
        (
            Naptr,
            r#"100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" ."#,
            r#"100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" ."#,
        ),
        (
            Uri,
            r#"10 1 "https://example.com/path""#,
            r#"10 1 "https://example.com/path""#,
        ),
        (
            Https,
            r#"1 . alpn="h2,h3" ipv4hint=192.0.2.1 port=443"#,
            "1 . alpn=h2,h3 port=443 ipv4hint=192.0.2.1",
        ),
        (
            Svcb,
            "1 svc.example.net. port=8004 alpn=bar",
            "1 svc.example.net. alpn=bar port=8004",
        ),
        (Https, "0 pool.svc.example.", "0 pool.svc.example."),
        (
            Https,
            "1 . alpn=h2 no-default-alpn mandatory=port,alpn port=8443",
            "1 . mandatory=alpn,port alpn=h2 no-default-alpn port=8443",
        ),
        (Cert, "PKIX 12345 8 MIIB AgE=", "1 12345 8 MIIBAgE="),
    ] {
        assert_eq!(canon(rtype, raw), canonical, "{rtype} {raw:?}");
        // The canonical form is a fixed point.
        assert_eq!(canon(rtype, canonical), canonical, "{rtype} {canonical:?}");
    }
}

#[test]
fn long_txt_strings_are_split_into_255_byte_pieces() {
    let long = "a".repeat(300);
    let got = canon(RecordType::Txt, &format!("\"{long}\""));
    assert_eq!(
        got,
        format!("\"{}\" \"{}\"", "a".repeat(255), "a".repeat(45))
    );
}

#[test]
fn malformed_values_are_refused() {
    use RecordType::*;
    for (rtype, raw) in [
        (A, "192.0.2.1 192.0.2.2"),
        (A, "300.1.1.1"),
        (A, ""),
        (Aaaa, "192.0.2.1"),
        (Cname, "two words"),
        (Cname, "."),
        (Cname, "\"quoted.example.\""),
        (Mx, "mail.example.com."),
        (Mx, "70000 mail.example.com."),
        (Srv, "10 5 sip.example.com."),
        (Caa, "0 issue"),
        (Caa, "1 issue \"x\""),
        (Caa, "0 bad-tag \"x\""),
        (Sshfp, "1 1 xyz"),
        (Tlsa, "3 1 1 abc"),
        (Naptr, "100 10 \"U\" \"E2U+sip\" ."),
        (Uri, "10 1 \"\""),
        (Https, "1 . alpn=h2 alpn=h3"),
        (Https, "1 . port=99999"),
        (Https, "1 . unknownkey=1"),
        (Https, "0 . alpn=h2"),
        (Https, "1 . ipv4hint=2001:db8::1"),
        (Cert, "1 2 3 not*base64"),
        (Txt, "\"unterminated"),
        (Txt, "line\nbreak"),
        (Soa, "ns1. host. 1 2 3 4 5"),
        (Ds, "1 2 3 abcd"),
    ] {
        assert!(
            canonical_rdata(rtype, raw, &zone()).is_err(),
            "{rtype} {raw:?} was accepted"
        );
    }
}
