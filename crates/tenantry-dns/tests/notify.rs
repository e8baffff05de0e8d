//! NOTIFY when many zones change at once, on both engines: each zone's secondary hears of it
//! once per change, though only a bounded number are in flight at a time.

use std::collections::HashSet;
use std::time::{Duration, Instant};

mod support;

use hickory_proto::op::{Message, MessageType, OpCode};
use support::callers;
use tenantry_app::dns::{SecondaryCreate, ZoneCreate};
use tenantry_core::dns::ZoneName;
use tenantry_dns::NameServer;
use tokio::net::UdpSocket;

/// More zones than NOTIFYs in flight at once.
const ZONES: usize = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_zone_of_a_mass_change_is_notified() {
    for test in tenantry_testkit::apps().await {
        let engine = test.database.engine();
        let app = test.app.clone();
        let (actor, operator) = callers(&test).await;
        // A secondary that acknowledges every NOTIFY and notes its zone.
        let secondary = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        app.dns_secondary_create(
            &operator,
            SecondaryCreate {
                organization_id: None,
                network: "127.0.0.1".parse().unwrap(),
                notify: Some(secondary.local_addr().unwrap()),
                tsig_key: None,
            },
        )
        .await
        .unwrap();
        let server = NameServer::start(app.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        for n in 0..ZONES {
            app.zone_create(
                &actor,
                None,
                ZoneCreate {
                    name: ZoneName::parse(&format!("mass-{n}.example")).unwrap(),
                    rrsets: Vec::new(),
                    dnssec: false,
                    vanity_nameserver_set_id: None,
                    timers: Default::default(),
                },
            )
            .await
            .unwrap();
        }
        let mut heard = HashSet::new();
        let mut buffer = [0u8; 512];
        let started = Instant::now();
        while heard.len() < ZONES && started.elapsed() < Duration::from_secs(20) {
            let Ok(Ok((length, from))) =
                tokio::time::timeout(Duration::from_secs(1), secondary.recv_from(&mut buffer))
                    .await
            else {
                continue;
            };
            let notify = Message::from_vec(&buffer[..length]).unwrap();
            assert_eq!(notify.metadata.op_code, OpCode::Notify);
            heard.insert(notify.queries[0].name().to_ascii());
            let mut ack = Message::new(notify.metadata.id, MessageType::Response, OpCode::Notify);
            ack.metadata.authoritative = true;
            secondary
                .send_to(&ack.to_vec().unwrap(), from)
                .await
                .unwrap();
        }
        assert_eq!(
            heard.len(),
            ZONES,
            "{engine:?}: {} zones heard of",
            heard.len()
        );
        server.stop().await;
    }
}
