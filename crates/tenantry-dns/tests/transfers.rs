//! Zone transfers on both engines: refused until an operator allows a secondary's network for
//! the zone's organization, then AXFR sends the whole zone and IXFR the changes since the
//! secondary's serial from the journal (the whole zone when the journal does not reach back).
//! Transfers a secondary must sign with its TSIG key are refused unsigned or signed wrongly,
//! and signed message by message when the zone takes several. Then a real BIND `named` as
//! secondary, signing with such a key: it pulls the zone by AXFR, answers as the name server
//! does, and after a change through the API is sent NOTIFY and pulls it by IXFR.

mod support;

use std::time::{Duration, Instant};

use support::bind::{allowed_secondary, named_available};
use support::callers;
use support::dig::{Dig, dig_available};
use support::zone::{ZONE, api_serial, rrset, served_zone};
use tenantry_app::dns::{RrsetOp, SecondaryCreate, TsigAlgorithm};
use tenantry_app::{Actor, App};
use tenantry_core::dns::{RecordType, ZoneName};
use tenantry_dns::{NameServer, REFRESH_EVERY};

fn key_name() -> ZoneName {
    ZoneName::parse("xfer.tenantry.").unwrap()
}

async fn change_www(app: &App, actor: &Actor, address: &str) {
    let zone = ZoneName::parse(ZONE).unwrap();
    let op = RrsetOp::Upsert(rrset(&zone, "www.", RecordType::A, &[address]));
    app.zone_patch_rrsets(actor, &zone, vec![op]).await.unwrap();
}

/// How many records a full transfer carries: every record the API shows but the SOA and
/// ALIAS (no DNS type), and the SOA twice.
async fn full_transfer_length(app: &App, actor: &Actor) -> usize {
    let view = app
        .zone_get(actor, &ZoneName::parse(ZONE).unwrap())
        .await
        .unwrap();
    let records: usize = view
        .rrsets
        .iter()
        .filter(|r| r.rtype != "SOA" && r.rtype != "ALIAS")
        .map(|r| r.records.len())
        .sum();
    records + 2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_go_to_allowed_secondaries_whole_or_by_difference() {
    if !dig_available() {
        return;
    }
    for test in tenantry_testkit::apps().await {
        let engine = test.database.engine();
        let app = test.app.clone();
        let (actor, operator) = callers(&test).await;
        served_zone(&app, &actor).await;
        let server = NameServer::start(app.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let dig = Dig::new(server.address());

        // No secondary, or none for this address: refused.
        assert!(dig.transfer(ZONE, "AXFR", &[]).is_empty(), "{engine:?}");
        app.dns_secondary_create(
            &operator,
            SecondaryCreate {
                organization_id: None,
                network: "192.0.2.0/24".parse().unwrap(),
                notify: None,
                tsig_key: None,
            },
        )
        .await
        .unwrap();
        tokio::time::sleep(REFRESH_EVERY * 3).await;
        assert!(dig.transfer(ZONE, "AXFR", &[]).is_empty(), "{engine:?}");

        // Allowed for the zone's organization from this address: the whole zone.
        let allowed_at = Instant::now();
        let allowed = app
            .dns_secondary_create(
                &operator,
                SecondaryCreate {
                    organization_id: Some(test.boot.organization_id),
                    network: "127.0.0.1".parse().unwrap(),
                    notify: None,
                    tsig_key: None,
                },
            )
            .await
            .unwrap();
        dig.within(Duration::from_secs(1), allowed_at, |dig| {
            !dig.transfer(ZONE, "AXFR", &[]).is_empty()
        });
        let axfr = dig.transfer(ZONE, "AXFR", &[]);
        assert_eq!(
            axfr.len(),
            full_transfer_length(&app, &actor).await,
            "{axfr:?}"
        );
        assert_eq!(axfr.first().unwrap().rtype, "SOA");
        assert_eq!(axfr.last().unwrap().rtype, "SOA");
        assert!(axfr.iter().any(|r| r.rtype == "A" && r.data == "192.0.2.1"));

        // IXFR from the serial before a change: that change alone.
        let before = api_serial(&app, &actor).await;
        change_www(&app, &actor, "192.0.2.99").await;
        let after = api_serial(&app, &actor).await;
        let changed_at = Instant::now();
        dig.within(Duration::from_secs(1), changed_at, |dig| {
            dig.ask(ZONE, "SOA", &[]).data_of("SOA")[0].contains(&after)
        });
        let ixfr = dig.transfer(ZONE, &format!("IXFR={before}"), &[]);
        let shown: Vec<String> = ixfr
            .iter()
            .map(|r| match r.rtype.as_str() {
                "SOA" => format!("SOA {}", r.data.split(' ').nth(2).unwrap()),
                _ => format!("{} {} {}", r.name, r.rtype, r.data),
            })
            .collect();
        assert_eq!(
            shown,
            [
                format!("SOA {after}"),
                format!("SOA {before}"),
                format!("www.{ZONE} A 192.0.2.1"),
                format!("SOA {after}"),
                format!("www.{ZONE} A 192.0.2.99"),
                format!("SOA {after}"),
            ],
            "{engine:?}"
        );
        // Up to date, or ahead: the SOA alone. Further back than the journal: the whole zone.
        assert_eq!(dig.transfer(ZONE, &format!("IXFR={after}"), &[]).len(), 1);
        let ahead = after.parse::<u64>().unwrap() + 5;
        assert_eq!(dig.transfer(ZONE, &format!("IXFR={ahead}"), &[]).len(), 1);
        let far = dig.transfer(ZONE, "IXFR=1", &[]);
        assert_eq!(far.len(), full_transfer_length(&app, &actor).await);

        // Not allowed any more: refused again.
        let removed_at = Instant::now();
        app.dns_secondary_delete(&operator, allowed.id)
            .await
            .unwrap();
        dig.within(Duration::from_secs(1), removed_at, |dig| {
            dig.transfer(ZONE, "AXFR", &[]).is_empty()
        });
        server.stop().await;
    }
}

/// The answers that matter for comparing two servers: status, answer records, and the types
/// in the authority section.
fn compared(answer: &support::dig::Answer) -> (String, Vec<String>, Vec<String>) {
    let mut records: Vec<String> = answer
        .answer
        .iter()
        .map(|r| format!("{} {} {} {}", r.name, r.ttl, r.rtype, r.data))
        .collect();
    records.sort();
    (answer.status.clone(), records, answer.authority_types())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bind_as_secondary_pulls_the_zone_then_each_change_after_notify() {
    if !dig_available() || !named_available() {
        return;
    }
    for test in tenantry_testkit::apps().await {
        let engine = test.database.engine();
        let app = test.app.clone();
        let (actor, operator) = callers(&test).await;
        served_zone(&app, &actor).await;
        let server = NameServer::start(app.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let named = allowed_secondary(
            &app,
            &operator,
            server.address(),
            ZONE.trim_end_matches('.'),
            true,
        )
        .await;
        let tenantry = Dig::new(server.address());
        let bind = Dig::new(named.address);

        // BIND pulls the zone (its first refresh is an AXFR).
        let serial = api_serial(&app, &actor).await;
        let started = Instant::now();
        bind.within(Duration::from_secs(10), started, |bind| {
            bind.ask(ZONE, "SOA", &[])
                .data_of("SOA")
                .first()
                .is_some_and(|soa| soa.contains(&serial))
        });
        // Both answer alike (BIND has no ALIAS, which is no DNS type, so `lb.` is left out).
        for (name, rtype) in [
            ("www.", "A"),
            ("www.", "AAAA"),
            ("", "MX"),
            ("", "TXT"),
            ("", "NS"),
            ("c1.", "A"),
            ("anything.wild.", "A"),
            ("nowhere.", "A"),
            ("www.", "TXT"),
            ("host.sub.", "A"),
            ("_sip._tcp.", "SRV"),
            ("uri.", "URI"),
            ("svc.", "HTTPS"),
        ] {
            let name = format!("{name}{ZONE}");
            assert_eq!(
                compared(&bind.ask(&name, rtype, &[])),
                compared(&tenantry.ask(&name, rtype, &[])),
                "{engine:?} {name} {rtype}\n{}",
                named.log()
            );
        }

        // A change through the API: NOTIFY, then BIND asks for the difference.
        change_www(&app, &actor, "192.0.2.77").await;
        let serial = api_serial(&app, &actor).await;
        let changed_at = Instant::now();
        bind.within(Duration::from_secs(5), changed_at, |bind| {
            bind.ask(&format!("www.{ZONE}"), "A", &[]).data_of("A") == ["192.0.2.77"]
        });
        let log = named.log();
        assert!(log.contains("received notify"), "{log}");
        assert!(
            log.contains(&format!("transferred serial {serial}")),
            "{log}"
        );
        // The second transfer carried the difference (the SOA, the SOA before, the old
        // address, the SOA after, the new address, the SOA: IXFR's six records), not the zone.
        let last = log
            .lines()
            .rfind(|line| line.contains("Transfer completed"))
            .unwrap();
        assert!(
            last.contains(" 6 records"),
            "no incremental transfer:\n{log}"
        );
        drop(named);
        server.stop().await;
    }
}

/// A zone with 150 TXT records of 200 bytes besides the rest: its transfer takes two messages.
async fn bulky_zone(app: &App, actor: &Actor) {
    served_zone(app, actor).await;
    let zone = ZoneName::parse(ZONE).unwrap();
    let texts: Vec<String> = (0..150)
        .map(|i| format!("\"{i:03}{}\"", "t".repeat(197)))
        .collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let op = RrsetOp::Upsert(rrset(&zone, "bulk.", RecordType::Txt, &texts));
    app.zone_patch_rrsets(actor, &zone, vec![op]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secondary_with_a_key_transfers_only_signed_with_it() {
    if !dig_available() {
        return;
    }
    for test in tenantry_testkit::apps().await {
        let engine = test.database.engine();
        let app = test.app.clone();
        let (actor, operator) = callers(&test).await;
        bulky_zone(&app, &actor).await;
        let key = app
            .dns_tsig_key_create(&operator, &key_name(), TsigAlgorithm::HmacSha256)
            .await
            .unwrap();
        let other = app
            .dns_tsig_key_create(
                &operator,
                &ZoneName::parse("other.tenantry.").unwrap(),
                TsigAlgorithm::HmacSha512,
            )
            .await
            .unwrap();
        app.dns_secondary_create(
            &operator,
            SecondaryCreate {
                organization_id: None,
                network: "127.0.0.1".parse().unwrap(),
                notify: None,
                tsig_key: Some(key_name()),
            },
        )
        .await
        .unwrap();
        let server = NameServer::start(app.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let dig = Dig::new(server.address());
        let signed =
            |name: &str, algorithm: &str, secret: &str| format!("{algorithm}:{name}:{secret}");
        let full = full_transfer_length(&app, &actor).await;

        // Signed with the secondary's key: the whole zone, every message verified by dig.
        let good = signed(&key.key.name, "hmac-sha256", &key.secret);
        let axfr = dig.transfer(ZONE, "AXFR", &["-y", &good]);
        assert_eq!(axfr.len(), full, "{engine:?}");
        // Each of its messages signed (dig refuses the transfer at the first bad one).
        assert!(
            dig.signatures(ZONE, "AXFR", &["-y", &good]) >= 2,
            "{engine:?}"
        );
        // A signed ordinary query gets a signed answer.
        let soa = dig.output(ZONE, "SOA", &["-y", &good]);
        assert!(
            soa.contains("status: NOERROR") && soa.contains("TSIG"),
            "{soa}"
        );

        // Unsigned, signed with another key, or with a wrong secret: refused.
        assert!(dig.transfer(ZONE, "AXFR", &[]).is_empty());
        let another = signed(&other.key.name, "hmac-sha512", &other.secret);
        assert!(dig.transfer(ZONE, "AXFR", &["-y", &another]).is_empty());
        let wrong = signed(
            &key.key.name,
            "hmac-sha256",
            "c2VjcmV0IHRoYXQgaXMgbm90IHRoZSBrZXk=",
        );
        assert!(dig.transfer(ZONE, "AXFR", &["-y", &wrong]).is_empty());
        let unknown = signed("nobody.tenantry.", "hmac-sha256", &key.secret);
        let refused = dig.output(ZONE, "SOA", &["-y", &unknown]);
        assert!(refused.contains("NOTAUTH"), "{refused}");

        // A signed answer too big for UDP goes as TC alone, still signed and verified.
        let cut = dig.output(
            &format!("big.{ZONE}"),
            "TXT",
            &["-y", &good, "+ignore", "+bufsize=512"],
        );
        let flags = cut
            .lines()
            .find(|l| l.starts_with(";; flags:"))
            .unwrap_or_default();
        assert!(flags.contains(" tc"), "{cut}");
        assert!(
            cut.contains("TSIG") && !cut.to_lowercase().contains("verify"),
            "{cut}"
        );

        // A request signed an hour ago: BADTIME, signed over its own time, ours beside it.
        let bad_time = stale_request(&key.secret, server.address()).await;
        assert_eq!(bad_time.0, hickory_proto::op::ResponseCode::NotAuth);
        assert_eq!(
            bad_time.1.error,
            Some(hickory_proto::rr::rdata::tsig::TsigError::BadTime)
        );
        assert_eq!(bad_time.1.other.len(), 6, "the server's time");
        server.stop().await;
    }
}

/// A SOA query signed with `secret` an hour ago: the answer's code and TSIG data.
async fn stale_request(
    secret: &str,
    server: std::net::SocketAddr,
) -> (
    hickory_proto::op::ResponseCode,
    hickory_proto::rr::rdata::TSIG,
) {
    use hickory_proto::op::{Message, MessageType, OpCode, Query};
    use hickory_proto::rr::rdata::tsig::TsigAlgorithm;
    use hickory_proto::rr::{Name, RecordType as WireType, TSigner};

    let secret = data_encoding::BASE64.decode(secret.as_bytes()).unwrap();
    let signer = TSigner::new(
        secret,
        TsigAlgorithm::HmacSha256,
        Name::from_ascii("xfer.tenantry.").unwrap(),
        300,
    )
    .unwrap();
    let mut message = Message::new(4242, MessageType::Query, OpCode::Query);
    message.add_query(Query::query(Name::from_ascii(ZONE).unwrap(), WireType::SOA));
    let an_hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 3600;
    let (signature, _) = signer.sign_message(&message, an_hour_ago).unwrap();
    message.set_signature(signature);
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket
        .send_to(&message.to_vec().unwrap(), server)
        .await
        .unwrap();
    let mut buffer = [0u8; 1024];
    let (length, _) = tokio::time::timeout(Duration::from_secs(2), socket.recv_from(&mut buffer))
        .await
        .unwrap()
        .unwrap();
    let mut answer = Message::from_vec(&buffer[..length]).unwrap();
    let tsig = answer.take_signature().expect("a signed answer");
    assert_eq!(
        tsig.data.time, an_hour_ago,
        "signed over the request's time"
    );
    (answer.metadata.response_code, tsig.data)
}
