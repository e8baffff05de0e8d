//! What the name server reads, on SQLite and PostgreSQL: every zone's serial whichever
//! organization holds it, and zones by id with their rrsets, in statements of bounded size.

use tenantry_core::ZoneId;
use tenantry_store::dns::{self, Rrset, Zone};

mod common;
use common::{auth, new_org, now};

fn zone(org: tenantry_core::OrganizationId, name: &str, serial: i64) -> Zone {
    Zone {
        id: ZoneId::generate(),
        organization_id: org,
        name: name.into(),
        dnssec_status: "disabled".into(),
        serial,
        timers: Default::default(),
        created_on: now(),
        updated_on: now(),
    }
}

#[tokio::test]
async fn every_zone_is_read_by_serial_and_by_id_across_organizations() {
    for t in tenantry_testkit::engines().await {
        let one = new_org(&t.db, None, "One", None).await;
        let two = new_org(&t.db, None, "Two", None).await;
        // More zones than one statement binds, so the reads go in several.
        let mut zones: Vec<Zone> = (0..1203)
            .map(|i| zone(one.id, &format!("z{i}.example."), 2026120700 + i))
            .collect();
        zones.push(zone(two.id, "other.example.", 7));
        let mut tx = t.db.begin().await.unwrap();
        for z in &zones {
            dns::insert_zone(&mut tx, &auth(z.organization_id), z)
                .await
                .unwrap();
            let rrset = Rrset {
                name: format!("www.{}", z.name),
                rtype: "A".into(),
                ttl: 60,
                records: vec!["192.0.2.1".into()],
            };
            dns::upsert_rrset(&mut tx, &auth(z.organization_id), z, &rrset)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();

        let mut tx = t.db.begin_read().await.unwrap();
        let mut serials = dns::zone_serials(&mut tx).await.unwrap();
        serials.sort();
        let mut expected: Vec<(ZoneId, i64)> = zones.iter().map(|z| (z.id, z.serial)).collect();
        expected.sort();
        assert_eq!(serials, expected, "{:?}", t.engine());

        let mut ids: Vec<ZoneId> = zones.iter().map(|z| z.id).collect();
        // An id that names no zone is passed over.
        ids.push(ZoneId::generate());
        let read = dns::zones_by_ids(&mut tx, &ids).await.unwrap();
        assert_eq!(read.len(), zones.len(), "{:?}", t.engine());
        let other = read.iter().find(|z| z.name == "other.example.").unwrap();
        assert_eq!(other.organization_id, two.id);
        assert_eq!(other.serial, 7);
        let rrsets = dns::rrsets_of_zones(&mut tx, &ids).await.unwrap();
        assert_eq!(rrsets.len(), zones.len(), "{:?}", t.engine());
        assert!(rrsets.iter().all(|(id, rrset)| {
            zones
                .iter()
                .any(|z| z.id == *id && rrset.name == format!("www.{}", z.name))
        }));
    }
}
