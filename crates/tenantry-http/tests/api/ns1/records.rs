//! `/v1/zones/{zone}/{domain}/{type}`: NS1 records, which are the zone's rrsets in the
//! Tenantry API too.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::zones::{answers, create_record, create_zone, record_path};
use super::{is_short_id, ns1, refused, refused_with_prefix};
use crate::support::apis;

/// The records of a Tenantry zone as `"name TYPE"` → (ttl, rdata).
fn tenantry_rrset(zone: &Value, key: &str) -> Option<(u64, Vec<String>)> {
    zone["rrsets"].as_array().unwrap().iter().find_map(|r| {
        (format!(
            "{} {}",
            r["name"].as_str().unwrap(),
            r["type"].as_str().unwrap()
        ) == key)
            .then(|| {
                let records = r["records"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|rec| rec["rdata"].as_str().unwrap().to_owned())
                    .collect();
                (r["ttl"].as_u64().unwrap(), records)
            })
    })
}

#[tokio::test]
async fn records_are_created_read_changed_and_deleted() {
    for api in apis().await {
        let key = api.key();
        create_zone(&api, key, "example.com").await;
        let www = record_path("example.com", "www.example.com", "A");
        let created = ns1(&api, Method::PUT, &www, key)
            .json(
                json!({"zone": "example.com", "domain": "www.example.com", "type": "A", "ttl": 300,
                         "answers": [{"answer": ["1.2.3.4"]}, {"answer": ["5.6.7.8"]}]}),
            )
            .expect(StatusCode::OK)
            .await;
        assert!(
            is_short_id(&created["id"]) && is_short_id(&created["answers"][0]["id"]),
            "{created}"
        );
        assert_eq!(
            (
                created["zone"].as_str(),
                created["domain"].as_str(),
                created["type"].as_str(),
                created["ttl"].as_u64()
            ),
            (
                Some("example.com"),
                Some("www.example.com"),
                Some("A"),
                Some(300)
            )
        );
        assert_eq!(answers(&created), [json!(["1.2.3.4"]), json!(["5.6.7.8"])]);
        assert_eq!(
            ns1(&api, Method::GET, &www, key)
                .expect(StatusCode::OK)
                .await,
            created
        );
        refused(
            ns1(&api, Method::PUT, &www, key).json(json!({"answers": [{"answer": ["9.9.9.9"]}]})),
            StatusCode::BAD_REQUEST,
            "record already exists",
        )
        .await;

        let ttl = ns1(&api, Method::POST, &www, key)
            .json(json!({"ttl": 120}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (ttl["ttl"].as_u64(), answers(&ttl)),
            (Some(120), answers(&created))
        );
        let moved = ns1(&api, Method::POST, &www, key)
            .json(json!({"answers": [{"answer": ["9.9.9.9"]}]}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (moved["ttl"].as_u64(), answers(&moved)),
            (Some(120), vec![json!(["9.9.9.9"])])
        );
        refused(
            ns1(&api, Method::POST, &www, key).json(json!({"answers": []})),
            StatusCode::BAD_REQUEST,
            "invalid: a record needs at least one answer",
        )
        .await;

        // MX and TXT answers; without a TTL a record takes the zone's.
        let mx = create_record(
            &api,
            key,
            "example.com",
            "example.com",
            "MX",
            json!([{"answer": [10, "mx.example.com"]}]),
        )
        .await;
        assert_eq!(answers(&mx), [json!([10, "mx.example.com"])]);
        assert_eq!(mx["ttl"], api.t.app.dns_settings().ttl);
        let txt = create_record(
            &api,
            key,
            "example.com",
            "txt.example.com",
            "TXT",
            json!([{"answer": ["v=spf1 -all"]}]),
        )
        .await;
        assert_eq!(answers(&txt), [json!(["v=spf1 -all"])]);
        // The type in the path is read in any case.
        let lower = create_record(
            &api,
            key,
            "example.com",
            "low.example.com",
            "aaaa",
            json!([{"answer": ["2001:db8::1"]}]),
        )
        .await;
        assert_eq!(lower["type"], "AAAA");

        let zone = ns1(&api, Method::GET, "/v1/zones/example.com", key)
            .expect(StatusCode::OK)
            .await;
        let summary = zone["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["domain"] == "www.example.com")
            .unwrap();
        assert_eq!(
            (summary["type"].as_str(), summary["short_answers"].clone()),
            (Some("A"), json!(["9.9.9.9"]))
        );
        assert_eq!(summary["id"], created["id"]);

        for (body, prefix) in [
            (
                json!({"answers": [{"answer": ["not-an-address"]}]}),
                "invalid: answer",
            ),
            (
                json!({"answers": [{"nope": 1}]}),
                "invalid: each answer needs",
            ),
            (json!({}), "invalid: a record needs at least one answer"),
            (
                json!({"answers": [{"answer": ["1.2.3.4"]}], "ttl": -1}),
                "invalid: ttl",
            ),
        ] {
            refused_with_prefix(
                ns1(
                    &api,
                    Method::PUT,
                    &record_path("example.com", "bad.example.com", "A"),
                    key,
                )
                .json(body),
                StatusCode::BAD_REQUEST,
                prefix,
            )
            .await;
        }
        refused(
            ns1(
                &api,
                Method::GET,
                &record_path("example.com", "bad.example.com", "A"),
                key,
            ),
            StatusCode::NOT_FOUND,
            "record not found",
        )
        .await;

        assert_eq!(
            ns1(&api, Method::DELETE, &www, key)
                .expect(StatusCode::OK)
                .await,
            json!({})
        );
        for method in [Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(&api, method, &www, key).json(json!({"ttl": 60})),
                StatusCode::NOT_FOUND,
                "record not found",
            )
            .await;
        }
        for path in [
            record_path("example.com", "www.example.com", "BOGUS"),
            record_path("example.com", "www.elsewhere.org", "A"),
        ] {
            refused(
                ns1(&api, Method::GET, &path, key),
                StatusCode::NOT_FOUND,
                "record not found",
            )
            .await;
        }
        for method in [Method::PUT, Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(
                    &api,
                    method,
                    &record_path("missing.example", "www.missing.example", "A"),
                    key,
                )
                .json(json!({"answers": [{"answer": ["1.2.3.4"]}]})),
                StatusCode::NOT_FOUND,
                "zone not found",
            )
            .await;
        }
    }
}

#[tokio::test]
async fn records_read_the_same_through_both_dialects() {
    for api in apis().await {
        let key = api.key();
        create_zone(&api, key, "cross.example").await;
        create_record(
            &api,
            key,
            "cross.example",
            "cross.example",
            "MX",
            json!([{"answer": [10, "mx.example.com"]}]),
        )
        .await;
        create_record(
            &api,
            key,
            "cross.example",
            "txt.cross.example",
            "TXT",
            json!([{"answer": ["v=spf1 -all"]}]),
        )
        .await;

        let zone = api
            .get("/v1/dns/cross.example")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            tenantry_rrset(&zone, "cross.example. MX").unwrap().1,
            ["10 mx.example.com."]
        );
        assert_eq!(
            tenantry_rrset(&zone, "txt.cross.example. TXT").unwrap().1,
            ["\"v=spf1 -all\""]
        );

        api.patch(
            "/v1/dns/cross.example/rrsets",
            json!({"ops": [{"op": "upsert", "rrset": {"name": "api", "type": "A", "ttl": 600, "records": [{"rdata": "192.0.2.7"}]}}]}),
        )
        .expect(StatusCode::NO_CONTENT)
        .await;
        let record = ns1(
            &api,
            Method::GET,
            &record_path("cross.example", "api.cross.example", "A"),
            key,
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(
            (record["ttl"].as_u64(), answers(&record)),
            (Some(600), vec![json!(["192.0.2.7"])])
        );

        // A zone made with the Tenantry API is an NS1 zone, and back.
        api.post("/v1/dns", json!({"name": "tenantry.example"}))
            .expect(StatusCode::CREATED)
            .await;
        let listed = ns1(&api, Method::GET, "/v1/zones", key)
            .expect(StatusCode::OK)
            .await;
        let names: Vec<_> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|z| z["zone"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["cross.example", "tenantry.example"]);
        ns1(&api, Method::DELETE, "/v1/zones/tenantry.example", key)
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/dns/tenantry.example")
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}
