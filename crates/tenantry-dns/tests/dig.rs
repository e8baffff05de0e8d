//! The name server as `dig` (BIND's own client) sees it, on both engines: every record type
//! the API takes, NXDOMAIN and NODATA with the SOA, empty non-terminals, wildcards, CNAME
//! chains, delegations with glue, ALIAS, truncation over UDP and the retry over TCP, refusals;
//! then a change through the API answered within a second with the serial the API reports.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use support::callers;
use support::dig::{Dig, dig_available};
use support::zone::{ZONE, api_serial, rrset, served_zone};
use tenantry_app::dns::RrsetOp;
use tenantry_app::{App, RequestMeta};
use tenantry_core::dns::{RecordType, ZoneName};
use tenantry_dns::NameServer;

// dig runs as a blocking child process: the server answers on the other worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dig_reads_every_answer_the_zone_gives() {
    if !dig_available() {
        return;
    }
    for test in tenantry_testkit::apps().await {
        let engine = test.database.engine();
        let app: Arc<App> = test.app.clone();
        let (actor, _) = callers(&test).await;
        served_zone(&app, &actor).await;
        let server = NameServer::start(app.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let dig = Dig::new(server.address());
        let name = |n: &str| format!("{n}{ZONE}");

        // Every type, as dig prints it.
        for (owner, rtype, expected) in [
            ("www.", "A", vec!["192.0.2.1"]),
            ("www.", "AAAA", vec!["2001:db8::1"]),
            ("", "MX", vec!["10 mail.served.example."]),
            ("", "TXT", vec![r#""v=spf1 -all""#, r#""caf\195\169""#]),
            ("", "CAA", vec![r#"0 issue "letsencrypt.org""#]),
            ("_sip._tcp.", "SRV", vec!["10 5 5060 www.served.example."]),
            ("ptr.", "PTR", vec!["host.example.com."]),
            (
                "fp.",
                "SSHFP",
                vec!["1 1 BF6B6825D2977C511A475BBEFB88AAD54A92AC73"],
            ),
            ("_443._tcp.", "TLSA", vec!["3 1 1 ABCDEF0123456789"]),
            ("svc.", "HTTPS", vec![r#"1 . alpn="h2,h3" port=443"#]),
            (
                "naptr.",
                "NAPTR",
                vec![r#"100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" ."#],
            ),
            ("uri.", "URI", vec![r#"10 1 "https://example.com/path""#]),
            ("", "NS", vec!["ns1.localhost.", "ns2.localhost."]),
        ] {
            let got = dig.ask(&name(owner), rtype, &[]);
            assert_eq!(got.status, "NOERROR", "{engine:?} {owner}{rtype}: {got:?}");
            assert!(
                got.flags.contains(&"aa".to_owned()),
                "{owner}{rtype}: {got:?}"
            );
            let mut data = got.data_of(rtype);
            data.sort();
            let mut expected: Vec<String> = expected.into_iter().map(String::from).collect();
            expected.sort();
            assert_eq!(data, expected, "{engine:?} {owner}{rtype}");
        }
        let soa = dig.ask(ZONE, "SOA", &[]);
        let serial = api_serial(&app, &actor).await;
        assert_eq!(soa.data_of("SOA")[0].split(' ').nth(2).unwrap(), serial);

        // A missing name is NXDOMAIN, a missing type NODATA, each with the SOA.
        let missing = dig.ask(&name("nowhere."), "A", &[]);
        assert_eq!(missing.status, "NXDOMAIN", "{missing:?}");
        assert_eq!(missing.authority_types(), ["SOA"], "{missing:?}");
        assert!(missing.flags.contains(&"aa".to_owned()));
        let nodata = dig.ask(&name("www."), "TXT", &[]);
        assert_eq!(nodata.status, "NOERROR");
        assert!(nodata.answer.is_empty(), "{nodata:?}");
        assert_eq!(nodata.authority_types(), ["SOA"], "{nodata:?}");
        // The negative TTL is the SOA minimum (300), not its own TTL (3600).
        assert_eq!(nodata.authority[0].ttl, 300, "{nodata:?}");
        // A name that exists only because a name below it does: NODATA (RFC 8020).
        let between = dig.ask(&name("b."), "A", &[]);
        assert_eq!(between.status, "NOERROR", "{between:?}");
        assert!(between.answer.is_empty());

        // Wildcards answer for names below them, with the name asked.
        let wild = dig.ask(&name("anything.wild."), "A", &[]);
        assert_eq!(wild.data_of("A"), ["192.0.2.7"], "{wild:?}");
        assert_eq!(wild.answer[0].name, name("anything.wild."));
        let not_wild = dig.ask(&name("anything.wild."), "TXT", &[]);
        assert_eq!(not_wild.status, "NOERROR");
        assert!(not_wild.answer.is_empty());

        // A CNAME chain inside the zone is followed; one that leaves it is not.
        let chain = dig.ask(&name("c1."), "A", &[]);
        assert_eq!(chain.answer_types(), ["CNAME", "CNAME", "A"], "{chain:?}");
        assert_eq!(chain.data_of("A"), ["192.0.2.1"]);
        let out = dig.ask(&name("out."), "A", &[]);
        assert_eq!(out.data_of("CNAME"), ["elsewhere.example.org."]);
        assert_eq!(out.answer.len(), 1);

        // A delegation is a referral: the child's NS and its glue, not authoritative.
        let referral = dig.ask(&name("host.sub."), "A", &[]);
        assert_eq!(referral.status, "NOERROR", "{referral:?}");
        assert!(!referral.flags.contains(&"aa".to_owned()), "{referral:?}");
        assert!(referral.answer.is_empty());
        assert_eq!(referral.authority_types(), ["NS"]);
        assert_eq!(referral.additional_data("A"), ["192.0.2.53"]);

        // ALIAS answers A and AAAA queries with its target's addresses.
        assert_eq!(dig.ask(&name("lb."), "A", &[]).data_of("A"), ["192.0.2.1"]);
        assert_eq!(
            dig.ask(&name("lb."), "AAAA", &[]).data_of("AAAA"),
            ["2001:db8::1"]
        );

        // An MX answer carries its exchange's address.
        assert_eq!(
            dig.ask(ZONE, "MX", &[]).additional_data("A"),
            ["192.0.2.25"]
        );

        // Too big for UDP: truncated, then whole over TCP.
        let truncated = dig.ask(&name("big."), "TXT", &["+ignore", "+bufsize=512"]);
        assert!(truncated.flags.contains(&"tc".to_owned()), "{truncated:?}");
        let whole = dig.ask(&name("big."), "TXT", &["+bufsize=512"]);
        assert!(!whole.flags.contains(&"tc".to_owned()));
        assert_eq!(whole.answer.len(), 20, "{whole:?}");
        assert_eq!(dig.ask(&name("big."), "TXT", &["+tcp"]).answer.len(), 20);
        // EDNS0: the answer carries an OPT record; without EDNS the answer keeps to 512 bytes.
        assert!(
            dig.ask(&name("www."), "A", &[]).edns,
            "dig sends EDNS by default"
        );
        let plain = dig.ask(&name("big."), "TXT", &["+noedns", "+ignore"]);
        assert!(plain.flags.contains(&"tc".to_owned()), "{plain:?}");

        // Names outside every zone, and zone transfers (no secondary is allowed one): refused.
        assert_eq!(dig.ask("example.org.", "A", &[]).status, "REFUSED");
        let transfer = dig.output(ZONE, "AXFR", &[]);
        assert!(transfer.contains("Transfer failed"), "{transfer}");

        // A change through the API is answered within a second, with the API's serial.
        let changed_at = Instant::now();
        app.zone_patch_rrsets(
            &actor,
            &ZoneName::parse(ZONE).unwrap(),
            vec![RrsetOp::Upsert(rrset(
                &ZoneName::parse(ZONE).unwrap(),
                "www.",
                RecordType::A,
                &["192.0.2.99"],
            ))],
        )
        .await
        .unwrap();
        let serial = api_serial(&app, &actor).await;
        dig.within(Duration::from_secs(1), changed_at, |dig| {
            dig.ask(&name("www."), "A", &[]).data_of("A") == ["192.0.2.99"]
        });
        let soa = dig.ask(ZONE, "SOA", &[]);
        assert_eq!(soa.data_of("SOA")[0].split(' ').nth(2).unwrap(), serial);

        // A deleted zone is no longer answered for.
        let deleted_at = Instant::now();
        app.zone_delete(&actor, &ZoneName::parse(ZONE).unwrap())
            .await
            .unwrap();
        dig.within(Duration::from_secs(1), deleted_at, |dig| {
            dig.ask(&name("www."), "A", &[]).status == "REFUSED"
        });
        server.stop().await;
    }
}

/// Two server processes sharing one PostgreSQL database (here two apps, each with its own
/// connection pool and name server; the database is their only link): a change made through
/// one is answered by the other within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_server_is_answered_by_another_sharing_postgres() {
    if !dig_available() {
        return;
    }
    let Some(database) = tenantry_testkit::postgres().await else {
        return;
    };
    let url = database.url.clone();
    let first = tenantry_testkit::bootstrapped(database).await;
    let second_db = tenantry_app::Db::connect(&url, &Default::default())
        .await
        .unwrap();
    let second = Arc::new(App::new(
        second_db,
        Arc::new(tenantry_app::SystemClock),
        tenantry_app::SecretBox::new(&[9; 32]),
    ));
    let actor = first
        .app
        .authenticate(&first.boot.api_key, RequestMeta::default())
        .await
        .unwrap();
    let server = NameServer::start(second, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dig = Dig::new(server.address());
    assert_eq!(dig.ask(&format!("www.{ZONE}"), "A", &[]).status, "REFUSED");

    let created_at = Instant::now();
    served_zone(&first.app, &actor).await;
    dig.within(Duration::from_secs(1), created_at, |dig| {
        dig.ask(&format!("www.{ZONE}"), "A", &[]).data_of("A") == ["192.0.2.1"]
    });
    let serial = api_serial(&first.app, &actor).await;
    let soa = dig.ask(ZONE, "SOA", &[]);
    assert_eq!(soa.data_of("SOA")[0].split(' ').nth(2).unwrap(), serial);
    server.stop().await;
}

/// Another tenant cannot make a zone below ours (`shop.served.example.`) or above it; a CNAME
/// loop ends at its first repeat; a response is never answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_zones_of_another_tenant_loops_and_responses_change_nothing() {
    use hickory_proto::op::{Message, MessageType, OpCode, Query};
    use hickory_proto::rr::{Name, RecordType as WireType};

    if !dig_available() {
        return;
    }
    for test in tenantry_testkit::apps().await {
        let engine = test.database.engine();
        let app = test.app.clone();
        let actor = app
            .authenticate(&test.boot.api_key, RequestMeta::default())
            .await
            .unwrap();
        served_zone(&app, &actor).await;
        let zone = ZoneName::parse(ZONE).unwrap();
        let ops = vec![
            RrsetOp::Upsert(rrset(&zone, "loop1.", RecordType::Cname, &["loop2"])),
            RrsetOp::Upsert(rrset(&zone, "loop2.", RecordType::Cname, &["loop1"])),
        ];
        app.zone_patch_rrsets(&actor, &zone, ops).await.unwrap();
        let other = app
            .tenant_create(
                test.boot.operator_id,
                tenantry_app::BootstrapRequest {
                    organization_name: "Squatter".into(),
                    username: tenantry_core::values::Username::parse("squatter").unwrap(),
                    email: tenantry_core::values::Email::parse("owner@squatter.example").unwrap(),
                },
            )
            .await
            .unwrap();
        let squatter = app
            .authenticate(&other.api_key, RequestMeta::default())
            .await
            .unwrap();
        // A zone inside another organization's, or holding one of its zones, is refused.
        let create = async |who: &tenantry_app::Actor, name: &str| {
            let create = tenantry_app::dns::ZoneCreate {
                rrsets: Vec::new(),
                name: ZoneName::parse(name).unwrap(),
                dnssec: false,
                vanity_nameserver_set_id: None,
                timers: Default::default(),
            };
            app.zone_create(who, None, create).await
        };
        create(&squatter, "deep.squat.example.").await.unwrap();
        for (who, nested) in [
            (&squatter, format!("shop.{ZONE}")),
            (&actor, "squat.example.".into()),
        ] {
            let refused = create(who, &nested).await;
            assert!(
                matches!(refused, Err(tenantry_app::AppError::AlreadyExists(..))),
                "{engine:?} {nested}: {refused:?}"
            );
        }
        // Its own zones nest as they like.
        create(&squatter, "squat.example.").await.unwrap();
        let server = NameServer::start(app.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let dig = Dig::new(server.address());

        let looped = dig.ask(&format!("loop1.{ZONE}"), "A", &[]);
        assert_eq!(looped.answer_types(), ["CNAME", "CNAME"], "{looped:?}");

        // A response sent to the server gets nothing back.
        let mut response = Message::new(7, MessageType::Response, OpCode::Query);
        response.add_query(Query::query(Name::from_ascii(ZONE).unwrap(), WireType::SOA));
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        socket
            .send_to(&response.to_vec().unwrap(), server.address())
            .await
            .unwrap();
        let mut buffer = [0u8; 512];
        let answered =
            tokio::time::timeout(Duration::from_millis(500), socket.recv_from(&mut buffer)).await;
        assert!(answered.is_err(), "a response was answered");
        server.stop().await;
    }
}
