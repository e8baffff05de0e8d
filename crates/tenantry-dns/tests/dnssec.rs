//! A signed zone as BIND's own tools see it, on both engines: `dig +dnssec` finds the
//! signatures and NSEC proofs; `delv`, with the DS the API shows as its only trust anchor,
//! fully validates answers, NXDOMAIN, NODATA, wildcard, empty non-terminal and CNAME answers,
//! and still does through a zone signing key's rollover; a real BIND `named` pulls the signed
//! zone and `dnssec-verify` accepts it; disabling DNSSEC through the API is served within a
//! second.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::bind::{allowed_secondary, named_available};
use support::callers;
use support::dig::{Dig, dig_available};
use support::zone::rrset_in as rrset;
use tenantry_app::dns::{KeyRole, ZoneCreate};
use tenantry_app::{Actor, App};
use tenantry_core::dns::{RecordType, ZoneName};
use tenantry_dns::NameServer;

const SIGNED: &str = "signed.example.";

/// A signed zone with each shape an answer can take: data, a wildcard, an empty
/// non-terminal (`a.b.`), a CNAME, a delegation with glue.
async fn signed_zone(app: &App, actor: &Actor) {
    use RecordType::*;
    let zone = ZoneName::parse(SIGNED).unwrap();
    let rrsets = vec![
        rrset(&zone, "", Mx, &["10 mail"]),
        rrset(&zone, "", Txt, &[r#""v=spf1 -all""#]),
        rrset(&zone, "www.", A, &["192.0.2.1"]),
        rrset(&zone, "www.", Aaaa, &["2001:db8::1"]),
        rrset(&zone, "mail.", A, &["192.0.2.25"]),
        rrset(&zone, "c1.", Cname, &["www"]),
        rrset(&zone, "*.wild.", A, &["192.0.2.7"]),
        rrset(&zone, "deep.a.b.", A, &["192.0.2.8"]),
        rrset(&zone, "sub.", Ns, &["ns1.sub"]),
        rrset(&zone, "ns1.sub.", A, &["192.0.2.53"]),
    ];
    app.zone_create(
        actor,
        None,
        ZoneCreate {
            name: zone,
            rrsets,
            dnssec: true,
            vanity_nameserver_set_id: None,
            timers: Default::default(),
        },
    )
    .await
    .expect("the signed zone is created");
}

/// Whether `delv` is installed (with dig, in `bind9-dnsutils`).
fn delv_available() -> bool {
    Command::new("delv").arg("-v").output().is_ok()
}

/// What `delv` says of `name`/`rtype` asked of `server`, with `anchors` (a trust-anchors
/// file) rooted at the signed zone.
fn delv(
    server: std::net::SocketAddr,
    anchors: &std::path::Path,
    name: &str,
    rtype: &str,
) -> String {
    let output = Command::new("delv")
        .arg(format!("@{}", server.ip()))
        .args(["-p", &server.port().to_string(), "-a"])
        .arg(anchors)
        .arg(format!("+root={}", SIGNED.trim_end_matches('.')))
        .args(["+tcp", name, rtype])
        .output()
        .expect("delv runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_zone_validates_from_its_ds() {
    if !dig_available() {
        return;
    }
    assert!(
        delv_available() || std::env::var("TENANTRY_REQUIRE_DIG").as_deref() != Ok("1"),
        "delv is required with dig (bind9-dnsutils)"
    );
    for test in tenantry_testkit::apps().await {
        let engine = test.database.engine();
        let app = test.app.clone();
        let (actor, _) = callers(&test).await;
        signed_zone(&app, &actor).await;
        let server = NameServer::start(app.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let dig = Dig::new(server.address());
        let name = |n: &str| format!("{n}{SIGNED}");

        // Signatures only for an asker that sets DO.
        let plain = dig.ask(&name("www."), "A", &[]);
        assert_eq!(plain.answer_types(), ["A"], "{engine:?} {plain:?}");
        let signed = dig.ask(&name("www."), "A", &["+dnssec"]);
        assert_eq!(signed.answer_types(), ["A", "RRSIG"], "{signed:?}");
        assert!(signed.flags.contains(&"aa".to_owned()));
        let keys = dig.ask(SIGNED, "DNSKEY", &["+dnssec"]);
        assert_eq!(keys.data_of("DNSKEY").len(), 2, "{keys:?}");
        assert_eq!(
            keys.data_of("RRSIG").len(),
            1,
            "signed by the KSK: {keys:?}"
        );

        // Negative answers carry the signed SOA and their NSEC proofs.
        let missing = dig.ask(&name("nowhere."), "A", &["+dnssec"]);
        assert_eq!(missing.status, "NXDOMAIN");
        let types = missing.authority_types();
        assert!(types.contains(&"NSEC".to_owned()) && types.contains(&"RRSIG".to_owned()));
        let nodata = dig.ask(&name("www."), "TXT", &["+dnssec"]);
        assert_eq!(nodata.status, "NOERROR");
        let nsec = &nodata
            .authority
            .iter()
            .find(|l| l.rtype == "NSEC")
            .expect("the name's NSEC")
            .data;
        assert!(nsec.contains(" A AAAA RRSIG NSEC"), "{nsec}");
        // A referral proves the child unsigned (no DS) and is not the zone's to sign.
        let referral = dig.ask(&name("host.sub."), "A", &["+dnssec"]);
        assert!(!referral.flags.contains(&"aa".to_owned()), "{referral:?}");
        let nsec = &referral
            .authority
            .iter()
            .find(|l| l.rtype == "NSEC")
            .expect("the delegation's NSEC")
            .data;
        assert!(nsec.ends_with("NS RRSIG NSEC"), "{nsec}");
        assert!(
            referral
                .authority
                .iter()
                .all(|l| l.rtype != "RRSIG" || l.data.starts_with("NSEC ")),
            "the delegation's NS is unsigned: {referral:?}"
        );

        // delv trusts nothing but the DS the API shows, and validates every kind of answer.
        let ds = app
            .zone_dnssec(&actor, &ZoneName::parse(SIGNED).unwrap())
            .await
            .unwrap()
            .ds_records;
        let dir = tempfile::tempdir().unwrap();
        let anchors = dir.path().join("anchors.conf");
        let statements: String = ds
            .iter()
            .map(|record| {
                let fields: Vec<&str> = record.split(' ').collect();
                format!(
                    "  {SIGNED} static-ds {} {} {} \"{}\";\n",
                    fields[0], fields[1], fields[2], fields[3]
                )
            })
            .collect();
        std::fs::write(&anchors, format!("trust-anchors {{\n{statements}}};\n")).unwrap();
        for (owner, rtype, verdict) in [
            ("www.", "A", "; fully validated"),
            ("", "MX", "; fully validated"),
            ("c1.", "A", "; fully validated"),
            ("anything.wild.", "A", "; fully validated"),
            ("nowhere.", "A", "; negative response, fully validated"),
            ("www.", "TXT", "; negative response, fully validated"),
            ("a.b.", "A", "; negative response, fully validated"),
            (
                "anything.wild.",
                "TXT",
                "; negative response, fully validated",
            ),
        ] {
            let said = delv(server.address(), &anchors, &name(owner), rtype);
            assert!(
                said.contains(verdict),
                "{engine:?} {owner} {rtype}: {said}\n{}\n{}",
                dig.output(&name(owner), rtype, &["+dnssec"]),
                dig.output(&name(owner), "DS", &["+dnssec"])
            );
        }

        // A zone signing key rolled over (the successor added, then the old key retired):
        // answers validate at every step.
        let zone = ZoneName::parse(SIGNED).unwrap();
        let old = app.dnssec_keys(&zone).await.unwrap().keys;
        let old_zsk = old.iter().find(|k| !k.is_key_signing()).unwrap().key_tag;
        let rolled = app
            .dnssec_add_key(&zone, KeyRole::ZoneSigning)
            .await
            .unwrap();
        assert_eq!(rolled.keys.len(), 3);
        assert_eq!(rolled.ds_records, ds, "the KSK and its DS stay");
        let published_at = Instant::now();
        dig.within(Duration::from_secs(1), published_at, |dig| {
            dig.ask(&name("www."), "A", &["+dnssec"])
                .data_of("RRSIG")
                .len()
                == 2
        });
        let said = delv(server.address(), &anchors, &name("www."), "A");
        assert!(said.contains("; fully validated"), "{said}");
        let retired = app.dnssec_retire_key(&zone, old_zsk).await.unwrap();
        assert_eq!(retired.keys.len(), 2);
        let retired_at = Instant::now();
        dig.within(Duration::from_secs(1), retired_at, |dig| {
            dig.ask(SIGNED, "DNSKEY", &[]).data_of("DNSKEY").len() == 2
        });
        let said = delv(server.address(), &anchors, &name("nowhere."), "A");
        assert!(
            said.contains("; negative response, fully validated"),
            "{said}"
        );
        let ksk = retired.keys.iter().find(|k| k.is_key_signing()).unwrap();
        assert!(
            app.dnssec_retire_key(&zone, ksk.key_tag).await.is_err(),
            "the last key signing key stays"
        );

        // Disabled through the API: served unsigned within a second.
        let changed_at = Instant::now();
        app.zone_set_dnssec(&actor, &ZoneName::parse(SIGNED).unwrap(), false)
            .await
            .unwrap();
        dig.within(Duration::from_secs(1), changed_at, |dig| {
            dig.ask(SIGNED, "DNSKEY", &["+dnssec"]).answer.is_empty()
        });
        let unsigned = dig.ask(&name("www."), "A", &["+dnssec"]);
        assert_eq!(unsigned.answer_types(), ["A"], "{unsigned:?}");
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bind_pulls_the_signed_zone_and_dnssec_verify_accepts_it() {
    if !dig_available() || !named_available() {
        return;
    }
    for test in tenantry_testkit::apps().await {
        let engine = test.database.engine();
        let app = test.app.clone();
        let (actor, operator) = callers(&test).await;
        signed_zone(&app, &actor).await;
        let server = NameServer::start(app.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let named = allowed_secondary(
            &app,
            &operator,
            server.address(),
            SIGNED.trim_end_matches('.'),
            false,
        )
        .await;
        let bind = Dig::new(named.address);
        bind.within(Duration::from_secs(10), Instant::now(), |bind| {
            bind.ask(SIGNED, "SOA", &[]).status == "NOERROR"
        });
        // BIND serves the signatures it was sent.
        let answer = bind.ask(&format!("www.{SIGNED}"), "A", &["+dnssec"]);
        assert_eq!(answer.answer_types(), ["A", "RRSIG"], "{answer:?}");
        // named writes the transferred zone shortly after it serves it.
        let file = named.zone_file(SIGNED.trim_end_matches('.'));
        let written = Instant::now();
        while !file.exists() && written.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let verified = Command::new("dnssec-verify")
            .args(["-o", SIGNED.trim_end_matches('.')])
            .arg(&file)
            .output()
            .expect("dnssec-verify runs");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&verified.stdout),
            String::from_utf8_lossy(&verified.stderr)
        );
        assert!(
            verified.status.success(),
            "{engine:?}: {said}\n{}",
            named.log()
        );
        assert!(said.contains("Zone fully signed"), "{said}");
        drop(named);
        server.stop().await;
    }
}
