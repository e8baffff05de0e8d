//! `/v1/zones…`: NS1's zones and records over the same DNS store as `/v1/dns`.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{is_short_id, ns1, refused, refused_with_prefix};
use crate::support::{Api, apis, other_tenant};

pub(super) fn record_path(zone: &str, domain: &str, rtype: &str) -> String {
    format!("/v1/zones/{zone}/{domain}/{rtype}")
}

pub(super) async fn create_zone(api: &Api, key: &str, zone: &str) -> Value {
    ns1(api, Method::PUT, &format!("/v1/zones/{zone}"), key)
        .json(json!({ "zone": zone }))
        .expect(StatusCode::OK)
        .await
}

pub(super) async fn create_record(
    api: &Api,
    key: &str,
    zone: &str,
    domain: &str,
    rtype: &str,
    answers: Value,
) -> Value {
    ns1(api, Method::PUT, &record_path(zone, domain, rtype), key)
        .json(json!({"zone": zone, "domain": domain, "type": rtype, "answers": answers}))
        .expect(StatusCode::OK)
        .await
}

/// The answers of a record, without their ids.
pub(super) fn answers(record: &Value) -> Vec<Value> {
    record["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["answer"].clone())
        .collect()
}

#[tokio::test]
async fn zones_are_created_listed_read_and_deleted() {
    for api in apis().await {
        let key = api.key();
        let settings = api.t.app.dns_settings().clone();
        assert_eq!(
            ns1(&api, Method::GET, "/v1/zones", key)
                .expect(StatusCode::OK)
                .await,
            json!([])
        );
        let created = create_zone(&api, key, "example.com").await;
        assert!(is_short_id(&created["id"]), "{created}");
        assert_eq!(created["zone"], "example.com");
        assert_eq!(created["nx_ttl"], settings.negative_ttl);
        assert_eq!(created["ttl"], settings.ttl);
        assert_eq!(
            (
                created["refresh"].clone(),
                created["retry"].clone(),
                created["expiry"].clone()
            ),
            (
                json!(settings.refresh),
                json!(settings.retry),
                json!(settings.expire)
            )
        );
        assert!(created["serial"].as_u64().unwrap() > 0);
        let servers: Vec<String> = settings
            .nameservers
            .iter()
            .map(|n| n.trim_end_matches('.').to_owned())
            .collect();
        assert_eq!(created["dns_servers"], json!(servers));
        // The apex NS is a record; the SOA is not.
        let records = created["records"].as_array().unwrap();
        assert_eq!(records.len(), 1, "{created}");
        assert_eq!(
            (records[0]["domain"].as_str(), records[0]["type"].as_str()),
            (Some("example.com"), Some("NS"))
        );

        let listed = ns1(&api, Method::GET, "/v1/zones", key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(listed[0]["id"], created["id"]);
        assert!(listed[0].get("records").is_none());
        for path in [
            "/v1/zones/example.com",
            "/v1/zones/EXAMPLE.com",
            "/v1/zones/example.com.",
        ] {
            assert_eq!(
                ns1(&api, Method::GET, path, key)
                    .expect(StatusCode::OK)
                    .await,
                created,
                "{path}"
            );
        }
        refused(
            ns1(&api, Method::PUT, "/v1/zones/example.com", key),
            StatusCode::BAD_REQUEST,
            "zone already exists",
        )
        .await;

        // Clients echo the settings they read; only the server's values are accepted.
        let echoed = ns1(&api, Method::POST, "/v1/zones/example.com", key)
            .json(json!({"zone": "example.com", "ttl": settings.ttl, "nx_ttl": settings.negative_ttl}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(echoed, created);
        // A zone's own SOA timers: set at creation or later, served in its SOA, each change
        // raising the serial.
        let other_nx = settings.negative_ttl + 1;
        let changed = ns1(&api, Method::POST, "/v1/zones/example.com", key)
            .json(json!({"nx_ttl": other_nx, "retry": 900}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (
                changed["nx_ttl"].clone(),
                changed["retry"].clone(),
                changed["refresh"].clone()
            ),
            (json!(other_nx), json!(900), json!(settings.refresh))
        );
        assert!(
            changed["serial"].as_i64() > created["serial"].as_i64(),
            "{changed}"
        );
        let soa = api
            .get("/v1/dns/example.com.")
            .key(key)
            .expect(StatusCode::OK)
            .await["rrsets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "SOA")
            .unwrap()["records"][0]["rdata"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            soa.ends_with(&format!(
                " {} 900 {} {other_nx}",
                settings.refresh, settings.expire
            )),
            "{soa}"
        );
        let own = ns1(&api, Method::PUT, "/v1/zones/timers.example", key)
            .json(json!({"refresh": 7200, "expiry": 1209600}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (
                own["refresh"].clone(),
                own["expiry"].clone(),
                own["nx_ttl"].clone()
            ),
            (json!(7200), json!(1209600), json!(settings.negative_ttl))
        );
        for (method, path) in [
            (Method::POST, "/v1/zones/example.com"),
            (Method::PUT, "/v1/zones/nx.example"),
        ] {
            refused(
                ns1(&api, method, path, key).json(json!({"nx_ttl": 0})),
                StatusCode::BAD_REQUEST,
                "invalid: nx_ttl must be a whole number of seconds from 1 to 2147483647",
            )
            .await;
        }
        refused(
            ns1(&api, Method::GET, "/v1/zones/nx.example", key),
            StatusCode::NOT_FOUND,
            "zone not found",
        )
        .await;
        refused_with_prefix(
            ns1(&api, Method::PUT, "/v1/zones/secondary.example", key)
                .json(json!({"primary": {"enabled": true}})),
            StatusCode::BAD_REQUEST,
            "invalid: secondary zones",
        )
        .await;

        assert_eq!(
            ns1(&api, Method::DELETE, "/v1/zones/example.com", key)
                .expect(StatusCode::OK)
                .await,
            json!({})
        );
        for method in [Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(&api, method, "/v1/zones/example.com", key),
                StatusCode::NOT_FOUND,
                "zone not found",
            )
            .await;
        }
        refused(
            ns1(&api, Method::GET, "/v1/zones/a..b", key),
            StatusCode::NOT_FOUND,
            "zone not found",
        )
        .await;
        // The name is free again.
        create_zone(&api, key, "example.com").await;
    }
}

#[tokio::test]
async fn another_tenants_zones_and_records_are_not_found() {
    for api in apis().await {
        let (_, rival) = other_tenant(&api, "Rival").await;
        create_zone(&api, &rival, "rival.example").await;
        create_record(
            &api,
            &rival,
            "rival.example",
            "www.rival.example",
            "A",
            json!([{"answer": ["1.2.3.4"]}]),
        )
        .await;
        let key = api.key();
        for method in [Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(&api, method, "/v1/zones/rival.example", key),
                StatusCode::NOT_FOUND,
                "zone not found",
            )
            .await;
        }
        for method in [Method::PUT, Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(
                    &api,
                    method,
                    &record_path("rival.example", "www.rival.example", "A"),
                    key,
                )
                .json(json!({"answers": [{"answer": ["6.6.6.6"]}]})),
                StatusCode::NOT_FOUND,
                "zone not found",
            )
            .await;
        }
        assert_eq!(
            ns1(&api, Method::GET, "/v1/zones", key)
                .expect(StatusCode::OK)
                .await,
            json!([])
        );
        // Untouched for its owner.
        let record = ns1(
            &api,
            Method::GET,
            &record_path("rival.example", "www.rival.example", "A"),
            &rival,
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(answers(&record), [json!(["1.2.3.4"])]);
    }
}
