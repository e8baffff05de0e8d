//! What the name server reads and its configuration, on SQLite and PostgreSQL: every zone's
//! serial whichever organization holds it, zones by id with their rrsets in statements of
//! bounded size, the secondaries and their TSIG keys, and each zone's journal.

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
        let customer = new_org(&t.db, Some(one.id), "Customer", None).await;
        // More zones than one statement binds, so the reads go in several.
        let mut zones: Vec<Zone> = (0..1202)
            .map(|i| zone(one.id, &format!("z{i}.example."), 2026120700 + i))
            .collect();
        zones.push(zone(two.id, "other.example.", 7));
        zones.push(zone(customer.id, "kid.z0.example.", 8));
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

        let mut tx = t.db.read().await.unwrap();
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
        let (other, tenant) = read
            .iter()
            .find(|(z, _)| z.name == "other.example.")
            .unwrap();
        assert_eq!(other.organization_id, two.id);
        assert_eq!(other.serial, 7);
        // Top-level organizations are their own tenants, a suborganization's is its parent.
        assert_eq!(*tenant, two.id);
        let (_, kid_tenant) = read
            .iter()
            .find(|(z, _)| z.name == "kid.z0.example.")
            .unwrap();
        assert_eq!(*kid_tenant, one.id);
        // The tenants holding zones above a name or below it (`_` is no wildcard).
        let nested = |name: &'static str| {
            let db = t.db.clone();
            async move {
                let mut tx = db.read().await.unwrap();
                dns::nested_zone_tenants(&mut tx, name).await.unwrap()
            }
        };
        assert_eq!(nested("deeper.kid.z0.example.").await, [one.id, one.id]);
        assert_eq!(
            nested("z1.example.").await,
            Vec::<tenantry_core::OrganizationId>::new()
        );
        assert_eq!(
            nested("other_example.").await,
            Vec::<tenantry_core::OrganizationId>::new()
        );
        assert_eq!(nested("example.").await.len(), zones.len());
        let rrsets = dns::rrsets_of_zones(&mut tx, &ids).await.unwrap();
        assert_eq!(rrsets.len(), zones.len(), "{:?}", t.engine());
        assert!(rrsets.iter().all(|(id, rrset)| {
            zones
                .iter()
                .any(|z| z.id == *id && rrset.name == format!("www.{}", z.name))
        }));
    }
}

#[tokio::test]
async fn secondaries_are_kept_and_removed() {
    use tenantry_core::SecondaryId;
    use tenantry_store::dns_transfers::{self, Secondary, TsigKey};
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "One", None).await;
        let everyone = Secondary {
            id: SecondaryId::generate(),
            organization_id: None,
            network: "192.0.2.0/24".parse().unwrap(),
            notify: Some("192.0.2.53:53".parse().unwrap()),
            tsig_key: None,
            created_on: now(),
        };
        let key = TsigKey {
            name: "xfer.example.".into(),
            algorithm: "hmac-sha256".into(),
            secret_sealed: vec![1, 2, 3],
            created_on: now(),
        };
        let one = Secondary {
            id: SecondaryId::generate(),
            organization_id: Some(org.id),
            network: "2001:db8::/32".parse().unwrap(),
            notify: None,
            tsig_key: Some(key.name.clone()),
            created_on: now() + time::Duration::seconds(1),
        };
        let mut tx = t.db.begin().await.unwrap();
        // A secondary names a key that exists.
        assert!(
            dns_transfers::insert_secondary(&mut tx, &one)
                .await
                .is_err()
        );
        drop(tx);
        let mut tx = t.db.begin().await.unwrap();
        dns_transfers::insert_tsig_key(&mut tx, &key).await.unwrap();
        assert!(matches!(
            dns_transfers::insert_tsig_key(&mut tx, &key).await,
            Err(tenantry_store::StoreError::UniqueViolation(
                tenantry_store::Unique::TsigKeyName
            ))
        ));
        drop(tx);
        let mut tx = t.db.begin().await.unwrap();
        dns_transfers::insert_tsig_key(&mut tx, &key).await.unwrap();
        dns_transfers::insert_secondary(&mut tx, &everyone)
            .await
            .unwrap();
        dns_transfers::insert_secondary(&mut tx, &one)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        assert_eq!(
            dns_transfers::secondaries(&mut tx).await.unwrap(),
            [everyone.clone(), one.clone()],
            "{:?}",
            t.engine()
        );
        assert!(
            dns_transfers::delete_secondary(&mut tx, everyone.id)
                .await
                .unwrap()
        );
        assert!(
            !dns_transfers::delete_secondary(&mut tx, everyone.id)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        assert_eq!(
            dns_transfers::secondaries(&mut tx).await.unwrap(),
            std::slice::from_ref(&one)
        );
        assert_eq!(
            dns_transfers::tsig_keys(&mut tx).await.unwrap(),
            std::slice::from_ref(&key)
        );
        assert_eq!(
            dns_transfers::secondaries_using(&mut tx, &key.name)
                .await
                .unwrap(),
            1
        );
        assert!(
            dns_transfers::delete_secondary(&mut tx, one.id)
                .await
                .unwrap()
        );
        assert!(
            dns_transfers::delete_tsig_key(&mut tx, &key.name)
                .await
                .unwrap()
        );
        assert!(
            !dns_transfers::delete_tsig_key(&mut tx, &key.name)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn the_journal_keeps_the_newest_changes_and_goes_with_its_zone() {
    use tenantry_store::dns_transfers::{self, JournalEntry};
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "One", None).await;
        let other = new_org(&t.db, None, "Two", None).await;
        let z = zone(org.id, "journal.example.", 1);
        let mut tx = t.db.begin().await.unwrap();
        dns::insert_zone(&mut tx, &auth(org.id), &z).await.unwrap();
        let rrset = |address: &str| Rrset {
            name: "www.journal.example.".into(),
            rtype: "A".into(),
            ttl: 60,
            records: vec![address.into()],
        };
        let entry = |serial: i64| JournalEntry {
            serial_from: serial - 1,
            serial_to: serial,
            soa_from: format!("ns1. hostmaster. {} 1 2 3 4", serial - 1),
            soa_to: format!("ns1. hostmaster. {serial} 1 2 3 4"),
            removed: vec![rrset(&format!("192.0.2.{}", serial - 1))],
            added: vec![rrset(&format!("192.0.2.{serial}"))],
        };
        // Five changes, three kept.
        for serial in 2..=6 {
            dns_transfers::append_journal(&mut tx, &auth(org.id), &z, &entry(serial), 3)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let kept = dns_transfers::journal_since(&mut tx, z.id, 0)
            .await
            .unwrap();
        assert_eq!(kept, [entry(4), entry(5), entry(6)], "{:?}", t.engine());
        let since = dns_transfers::journal_since(&mut tx, z.id, 5)
            .await
            .unwrap();
        assert_eq!(since, [entry(6)]);
        // Another organization's proof writes no entry.
        assert!(
            dns_transfers::append_journal(&mut tx, &auth(other.id), &z, &entry(7), 3)
                .await
                .is_err()
        );
        dns::delete_zone(&mut tx, &auth(org.id), &z).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        assert!(
            dns_transfers::journal_since(&mut tx, z.id, 0)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn the_fingerprint_moves_with_every_creation_change_and_deletion() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "One", None).await;
        let fingerprint = async || {
            let mut tx = t.db.read().await.unwrap();
            dns::zones_fingerprint(&mut tx).await.unwrap()
        };
        let empty = fingerprint().await;
        assert_eq!(
            empty,
            (0, "0".to_owned(), String::new()),
            "{:?}",
            t.engine()
        );
        let mut z = zone(org.id, "print.example.", 2026120701);
        let mut tx = t.db.begin().await.unwrap();
        dns::insert_zone(&mut tx, &auth(org.id), &z).await.unwrap();
        tx.commit().await.unwrap();
        let created = fingerprint().await;
        assert_eq!(created.0, 1);
        assert_eq!(created.1, "2026120701");
        assert_ne!(created, empty);
        // A change raises the serial, even at the same instant.
        z.serial += 1;
        let mut tx = t.db.begin().await.unwrap();
        assert!(
            dns::update_zone(&mut tx, &auth(org.id), &z, z.serial - 1)
                .await
                .unwrap()
        );
        // Read at a serial that moved since: nothing is written.
        assert!(
            !dns::update_zone(&mut tx, &auth(org.id), &z, z.serial - 1)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let changed = fingerprint().await;
        assert_ne!(changed, created, "{:?}", t.engine());
        let mut tx = t.db.begin().await.unwrap();
        dns::delete_zone(&mut tx, &auth(org.id), &z).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(fingerprint().await, empty);
    }
}
