//! Signing zones: `POST /v1/dns/{zone}/dnssec/enable|disable`, `GET /v1/dns/{zone}/dnssec`,
//! a zone created signed, and NS1's `dnssec` flag, on both engines.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Api, apis, other_tenant};

/// The changes of a changeset as `(action, type)`.
fn actions(changes: &Value) -> Vec<(String, String)> {
    changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_owned(),
                c["rrset_type"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn count(changes: &Value, action: &str, rtype: &str) -> usize {
    actions(changes)
        .iter()
        .filter(|(a, t)| a == action && t == rtype)
        .count()
}

async fn dnskeys(api: &Api, zone: &str) -> Option<Vec<String>> {
    let read = api
        .get(&format!("/v1/dns/{zone}"))
        .expect(StatusCode::OK)
        .await;
    read["rrsets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "DNSKEY")
        .map(|r| {
            assert_eq!(r["protected_reason"], "GENERIC");
            r["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|rec| rec["rdata"].as_str().unwrap().to_owned())
                .collect()
        })
}

#[tokio::test]
async fn enabling_publishes_the_keys_and_the_ds_and_disabling_removes_them() {
    for api in apis().await {
        let engine = api.engine();
        api.post("/v1/dns", json!({"name": "signed.example"}))
            .expect(StatusCode::CREATED)
            .await;
        let enabled = api
            .post("/v1/dns/signed.example/dnssec/enable", json!({}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(enabled["zone_name"], "signed.example.");
        assert_eq!(count(&enabled, "create_record", "DNSKEY"), 2, "{engine:?}");
        assert_eq!(count(&enabled, "create_record", "DS"), 2);
        assert_eq!(count(&enabled, "delete_record", "SOA"), 1);
        assert_eq!(count(&enabled, "create_record", "SOA"), 1);
        assert_eq!(actions(&enabled).last().unwrap().0, "enable_dnssec");
        assert_eq!(enabled["num_changes"], 7);

        let read = api
            .get("/v1/dns/signed.example")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(read["dnssec_status"], "enabled");
        let mut keys = dnskeys(&api, "signed.example").await.unwrap();
        keys.sort();
        assert!(keys[0].starts_with("256 3 13 ") && keys[1].starts_with("257 3 13 "));

        // The keys and the DS for the parent, the same as the changeset showed.
        let dnssec = api
            .get("/v1/dns/signed.example/dnssec")
            .expect(StatusCode::OK)
            .await;
        let ds: Vec<&str> = enabled["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["rrset_type"] == "DS")
            .map(|c| c["record_data"].as_str().unwrap())
            .collect();
        assert_eq!(dnssec["ds_records"], json!(ds));
        let ksk = dnssec["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["role"] == "ksk")
            .unwrap();
        assert!(ds[0].starts_with(&format!("{} 13 2 ", ksk["key_tag"])));
        assert_eq!(dnssec["keys"].as_array().unwrap().len(), 2);

        // Asked again, the state it is in is refused.
        let again = api
            .post("/v1/dns/signed.example/dnssec/enable", json!({}))
            .expect(StatusCode::BAD_REQUEST)
            .await;
        assert_eq!(again["code"], "ERROR_DNS");

        // A signed zone takes no ALIAS: its answers could not be signed.
        let (status, refused) = api
            .patch(
                "/v1/dns/signed.example/rrsets",
                json!({"ops": [{"op": "upsert", "rrset": {"name": "lb", "type": "ALIAS", "ttl": 60, "records": [{"rdata": "www.signed.example."}]}}]}),
            )
            .send()
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert!(
            refused["errors"]["alias_conflicts"].is_object(),
            "{refused}"
        );

        let disabled = api
            .post("/v1/dns/signed.example/dnssec/disable", json!({}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(count(&disabled, "delete_record", "DNSKEY"), 2);
        assert_eq!(count(&disabled, "delete_record", "DS"), 2);
        assert_eq!(actions(&disabled).last().unwrap().0, "disable_dnssec");
        assert!(dnskeys(&api, "signed.example").await.is_none());
        let dnssec = api
            .get("/v1/dns/signed.example/dnssec")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(dnssec["dnssec_status"], "disabled");
        assert_eq!(dnssec["keys"], json!([]));
        assert_eq!(dnssec["ds_records"], json!([]));
        let again = api
            .post("/v1/dns/signed.example/dnssec/disable", json!({}))
            .expect(StatusCode::BAD_REQUEST)
            .await;
        assert_eq!(again["code"], "ERROR_DNS");

        // The audit tells both.
        for action in ["dns_zone.dnssec_enabled", "dns_zone.dnssec_disabled"] {
            let trail = api
                .get(&format!("/v1/audit-logs?action={action}"))
                .expect(StatusCode::OK)
                .await;
            assert_eq!(trail["pagination"]["total_items"], 1, "{action}");
        }
    }
}

#[tokio::test]
async fn a_zone_created_signed_shows_its_keys_and_an_alias_in_it_is_refused() {
    for api in apis().await {
        let created = api
            .post(
                "/v1/dns",
                json!({"name": "born-signed.example", "dnssec_status": "enabled",
                       "rrsets": [{"name": "www", "type": "A", "ttl": 60, "records": [{"rdata": "192.0.2.1"}]}]}),
            )
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(count(&created, "create_record", "DNSKEY"), 2);
        assert_eq!(count(&created, "create_record", "DS"), 2);
        assert_eq!(count(&created, "create_record", "A"), 1);
        assert_eq!(dnskeys(&api, "born-signed.example").await.unwrap().len(), 2);

        let refused = api
            .post(
                "/v1/dns",
                json!({"name": "alias-signed.example", "dnssec_status": "enabled",
                       "rrsets": [{"name": "@", "type": "ALIAS", "ttl": 60, "records": [{"rdata": "elsewhere.example."}]}]}),
            )
            .expect(StatusCode::BAD_REQUEST)
            .await;
        assert!(
            refused["errors"]["alias_conflicts"].is_object(),
            "{refused}"
        );
        api.get("/v1/dns/alias-signed.example")
            .expect(StatusCode::NOT_FOUND)
            .await;

        // Enabling a zone holding an ALIAS is refused, and leaves it unsigned.
        api.post(
            "/v1/dns",
            json!({"name": "has-alias.example",
                   "rrsets": [{"name": "@", "type": "ALIAS", "ttl": 60, "records": [{"rdata": "elsewhere.example."}]}]}),
        )
        .expect(StatusCode::CREATED)
        .await;
        let refused = api
            .post("/v1/dns/has-alias.example/dnssec/enable", json!({}))
            .expect(StatusCode::BAD_REQUEST)
            .await;
        assert!(
            refused["errors"]["alias_conflicts"].is_object(),
            "{refused}"
        );
        assert!(dnskeys(&api, "has-alias.example").await.is_none());
    }
}

#[tokio::test]
async fn another_tenant_s_zone_is_not_found_and_reading_is_not_enough() {
    for api in apis().await {
        api.post("/v1/dns", json!({"name": "mine.example"}))
            .expect(StatusCode::CREATED)
            .await;
        let (_, stranger) = other_tenant(&api, "Stranger").await;
        for path in [
            "/v1/dns/mine.example/dnssec/enable",
            "/v1/dns/mine.example/dnssec/disable",
        ] {
            let err = api
                .post(path, json!({}))
                .key(&stranger)
                .expect(StatusCode::NOT_FOUND)
                .await;
            assert_eq!(err["code"], "ERROR_ZONE_NOT_FOUND");
        }
        api.get("/v1/dns/mine.example/dnssec")
            .key(&stranger)
            .expect(StatusCode::NOT_FOUND)
            .await;
        api.post("/v1/dns/missing.example/dnssec/enable", json!({}))
            .expect(StatusCode::NOT_FOUND)
            .await;
        // The built-in viewer reads zones but does not manage them.
        let reader = api
            .post("/v1/auth/client_credentials", json!({"role": "viewer"}))
            .expect(StatusCode::OK)
            .await["api_key"]
            .as_str()
            .unwrap()
            .to_owned();
        let err = api
            .post("/v1/dns/mine.example/dnssec/enable", json!({}))
            .key(&reader)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_PERMISSION_DENIED");
        api.get("/v1/dns/mine.example/dnssec")
            .key(&reader)
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn ns1_s_dnssec_flag_signs_and_unsigns_a_zone() {
    for api in apis().await {
        let created = api
            .call(Method::PUT, "/v1/zones/ns1-signed.example")
            .json(json!({"zone": "ns1-signed.example", "dnssec": true}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(created["dnssec"], true);
        assert_eq!(dnskeys(&api, "ns1-signed.example").await.unwrap().len(), 2);
        // Sent back as read, the flag changes nothing.
        let same = api
            .post("/v1/zones/ns1-signed.example", json!({"dnssec": true}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(same["dnssec"], true);
        let off = api
            .post("/v1/zones/ns1-signed.example", json!({"dnssec": false}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(off["dnssec"], false);
        assert!(dnskeys(&api, "ns1-signed.example").await.is_none());
    }
}

#[tokio::test]
async fn a_signed_zone_left_unchanged_a_week_gets_a_new_serial_for_its_secondaries() {
    for api in apis().await {
        for name in ["quiet.example", "unsigned.example"] {
            api.post("/v1/dns", json!({"name": name}))
                .expect(StatusCode::CREATED)
                .await;
        }
        api.post("/v1/dns/quiet.example/dnssec/enable", json!({}))
            .expect(StatusCode::OK)
            .await;
        let serial = |zone: &Value| {
            zone["rrsets"][0]["records"][0]["rdata"]
                .as_str()
                .unwrap()
                .split(' ')
                .nth(2)
                .unwrap()
                .to_owned()
        };
        let before = api
            .get("/v1/dns/quiet.example")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            api.t.app.dnssec_renew_signatures().await.unwrap(),
            0,
            "too soon"
        );
        api.t.clock.advance(time::Duration::days(8));
        assert_eq!(
            api.t.app.dnssec_renew_signatures().await.unwrap(),
            1,
            "{:?}",
            api.engine()
        );
        let after = api
            .get("/v1/dns/quiet.example")
            .expect(StatusCode::OK)
            .await;
        assert_ne!(serial(&before), serial(&after));
        let plain = api
            .get("/v1/dns/unsigned.example")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            plain["updated_on"], plain["created_on"],
            "an unsigned zone is left alone"
        );
        assert_eq!(
            api.t.app.dnssec_renew_signatures().await.unwrap(),
            0,
            "renewed once"
        );
        let trail = api
            .get("/v1/audit-logs?action=dns_zone.signatures_renewed")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(trail["pagination"]["total_items"], 1);
    }
}
