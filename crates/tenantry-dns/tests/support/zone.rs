//! The zone the name server's tests serve: every record type the API takes, and each shape
//! an answer can have (wildcard, CNAME chain, delegation with glue, ALIAS, a large rrset).

use tenantry_app::dns::{RrsetInput, ZoneCreate};
use tenantry_app::{Actor, App};
use tenantry_core::dns::{RecordType, ZoneName, canonical_rdata};

pub const ZONE: &str = "served.example.";

pub fn rrset(zone: &ZoneName, name: &str, rtype: RecordType, records: &[&str]) -> RrsetInput {
    rrset_in(zone, name, rtype, records)
}

/// An rrset of `zone` at `name` (relative, with its final dot: `www.`; empty for the apex).
pub fn rrset_in(zone: &ZoneName, name: &str, rtype: RecordType, records: &[&str]) -> RrsetInput {
    RrsetInput {
        name: format!("{name}{}", zone.as_str()),
        rtype,
        ttl: 300,
        records: records
            .iter()
            .map(|raw| canonical_rdata(rtype, raw, zone).unwrap())
            .collect(),
    }
}

/// Twenty strings of 200 bytes: more than a 512-byte UDP answer holds.
fn big_txt() -> Vec<String> {
    (0..20)
        .map(|i| format!("\"{i:02}{}\"", "x".repeat(198)))
        .collect()
}

pub async fn served_zone(app: &App, actor: &Actor) {
    use RecordType::*;
    let zone = ZoneName::parse(ZONE).unwrap();
    let big = big_txt();
    let big: Vec<&str> = big.iter().map(String::as_str).collect();
    let rrsets = vec![
        rrset(&zone, "", Mx, &["10 mail"]),
        rrset(&zone, "", Txt, &[r#""v=spf1 -all""#, r#""caf\195\169""#]),
        rrset(&zone, "", Caa, &[r#"0 issue "letsencrypt.org""#]),
        rrset(&zone, "www.", A, &["192.0.2.1"]),
        rrset(&zone, "www.", Aaaa, &["2001:db8::1"]),
        rrset(&zone, "mail.", A, &["192.0.2.25"]),
        rrset(&zone, "_sip._tcp.", Srv, &["10 5 5060 www"]),
        rrset(&zone, "c1.", Cname, &["c2"]),
        rrset(&zone, "c2.", Cname, &["www"]),
        rrset(&zone, "out.", Cname, &["elsewhere.example.org."]),
        rrset(&zone, "*.wild.", A, &["192.0.2.7"]),
        rrset(&zone, "deep.a.b.", A, &["192.0.2.8"]),
        rrset(&zone, "sub.", Ns, &["ns1.sub"]),
        rrset(&zone, "ns1.sub.", A, &["192.0.2.53"]),
        rrset(&zone, "lb.", Alias, &["www"]),
        rrset(&zone, "ptr.", Ptr, &["host.example.com."]),
        rrset(
            &zone,
            "fp.",
            Sshfp,
            &["1 1 bf6b6825d2977c511a475bbefb88aad54a92ac73"],
        ),
        rrset(&zone, "_443._tcp.", Tlsa, &["3 1 1 abcdef0123456789"]),
        rrset(&zone, "svc.", Https, &["1 . alpn=h2,h3 port=443"]),
        rrset(
            &zone,
            "naptr.",
            Naptr,
            &[r#"100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" ."#],
        ),
        rrset(&zone, "uri.", Uri, &[r#"10 1 "https://example.com/path""#]),
        rrset(&zone, "big.", Txt, &big),
    ];
    app.zone_create(
        actor,
        None,
        ZoneCreate {
            name: zone,
            rrsets,
            dnssec: false,
            vanity_nameserver_set_id: None,
            timers: Default::default(),
        },
    )
    .await
    .expect("the zone is created");
}

pub async fn api_serial(app: &App, actor: &Actor) -> String {
    let view = app
        .zone_get(actor, &ZoneName::parse(ZONE).unwrap())
        .await
        .unwrap();
    view.zone.serial.to_string()
}
