//! `/v1/dns…`: zones, rrsets and records, on both engines.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Api, apis, error_fields, other_tenant, suborg};

async fn create(api: &Api, body: Value) -> Value {
    api.post("/v1/dns", body).expect(StatusCode::CREATED).await
}

async fn zone(api: &Api, name: &str) -> Value {
    api.get(&format!("/v1/dns/{name}"))
        .expect(StatusCode::OK)
        .await
}

/// The zone's rrsets as `"name TYPE" → (ttl, records)`.
fn rrsets(zone: &Value) -> Vec<(String, u64, Vec<String>)> {
    zone["rrsets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let records = r["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|rec| rec["rdata"].as_str().unwrap().to_owned())
                .collect();
            (
                format!(
                    "{} {}",
                    r["name"].as_str().unwrap(),
                    r["type"].as_str().unwrap()
                ),
                r["ttl"].as_u64().unwrap(),
                records,
            )
        })
        .collect()
}

fn find(zone: &Value, key: &str) -> Option<(u64, Vec<String>)> {
    rrsets(zone)
        .into_iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, ttl, records)| (ttl, records))
}

fn serial(zone: &Value) -> u64 {
    let (_, soa) = find(zone, &format!("{} SOA", zone["name"].as_str().unwrap())).unwrap();
    soa[0].split(' ').nth(2).unwrap().parse().unwrap()
}

async fn patch_rrsets(api: &Api, zone: &str, ops: Value) -> (StatusCode, Value) {
    api.patch(&format!("/v1/dns/{zone}/rrsets"), json!({ "ops": ops }))
        .send()
        .await
}

#[tokio::test]
async fn a_zone_is_created_with_the_servers_soa_and_ns_and_its_rrsets() {
    for api in apis().await {
        let changes = create(
            &api,
            json!({"name": "Example.COM", "rrsets": [
                {"name": "@", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.1"}]},
                {"name": "www", "type": "CNAME", "ttl": 300, "records": [{"rdata": "example.com."}]},
                {"name": "mail.example.com.", "type": "MX", "ttl": 600, "records": [{"rdata": "10 mx1"}, {"rdata": "20 mx2.example.net."}]}
            ]}),
        )
        .await;
        assert_eq!(changes["zone_name"], "example.com.", "{:?}", api.engine());
        assert_eq!(changes["changes"][0]["action"], "create_zone");
        assert_eq!(
            changes["num_changes"],
            changes["changes"].as_array().unwrap().len()
        );
        let created: Vec<_> = changes["changes"].as_array().unwrap()[1..]
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c["rrset_name"].as_str().unwrap(),
                    c["rrset_type"].as_str().unwrap(),
                    c["record_data"].as_str().unwrap()
                )
            })
            .collect();
        assert!(
            created.contains(&"mail.example.com. MX 10 mx1.example.com.".to_owned()),
            "{created:?}"
        );
        assert!(
            created.contains(&"example.com. NS ns1.localhost.".to_owned()),
            "{created:?}"
        );

        for path in ["example.com", "example.com.", "EXAMPLE.com"] {
            let read = zone(&api, path).await;
            assert_eq!(read["name"], "example.com.");
        }
        let read = zone(&api, "example.com").await;
        assert!(read["dns_zone_id"].as_str().unwrap().starts_with("zone_"));
        assert_eq!(
            (read["dnssec_status"].as_str(), read["tags"].is_null()),
            (Some("disabled"), true)
        );
        assert_eq!(
            read["domain_parts"],
            json!({"subdomain": "", "domain": "example", "suffix": "com"})
        );
        let soa = &read["rrsets"][0];
        assert_eq!(
            (soa["type"].as_str(), soa["protected"].as_bool()),
            (Some("SOA"), Some(true))
        );
        assert_eq!(soa["protected_reason"], "SYSTEM_MANAGED_SOA");
        let ns = read["rrsets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "NS")
            .unwrap();
        assert_eq!(ns["protected_reason"], "SYSTEM_MANAGED_NS");
        assert_eq!(ns["records"][0]["protected"], true);
        assert_eq!(
            find(&read, "www.example.com. CNAME"),
            Some((300, vec!["example.com.".to_owned()]))
        );
        let a = read["rrsets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "A")
            .unwrap();
        assert_eq!(
            (a["protected"].as_bool(), a["protected_reason"].is_null()),
            (Some(false), true)
        );

        let dup = api
            .post("/v1/dns", json!({"name": "example.com."}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(dup["code"], "ERROR_ZONE_EXISTS");
    }
}

#[tokio::test]
async fn unknown_unreachable_and_impossible_zone_names_are_not_found() {
    for api in apis().await {
        create(&api, json!({"name": "tenant-a.example"})).await;
        let (_, stranger) = other_tenant(&api, "Stranger").await;
        // certbot probes candidate names, underscores included, and needs a plain 404.
        for (path, key) in [
            ("/v1/dns/missing.example", api.key().to_owned()),
            (
                "/v1/dns/_acme-challenge.www.tenant-a.example",
                api.key().to_owned(),
            ),
            ("/v1/dns/tenant-a.example", stranger.clone()),
        ] {
            let err = api.get(path).key(&key).expect(StatusCode::NOT_FOUND).await;
            assert_eq!(
                err["code"],
                "ERROR_ZONE_NOT_FOUND",
                "{path} {:?}",
                api.engine()
            );
            assert_eq!(err["title"], "DNS Error");
            assert!(err["zone_name"].is_string());
        }
        for method in [Method::DELETE, Method::PATCH, Method::PUT] {
            let path = match method {
                Method::DELETE => "/v1/dns/tenant-a.example".to_owned(),
                _ => "/v1/dns/tenant-a.example/rrsets".to_owned(),
            };
            api.call(method, &path)
                .key(&stranger)
                .json(json!({"ops": [], "rrsets": []}))
                .expect(StatusCode::NOT_FOUND)
                .await;
        }
        // The name is the platform's: another tenant cannot take it either.
        let err = api
            .post("/v1/dns", json!({"name": "tenant-a.example"}))
            .key(&stranger)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(err["code"], "ERROR_ZONE_EXISTS");
    }
}

#[tokio::test]
async fn rrset_patches_upsert_and_remove_atomically_and_raise_the_serial() {
    for api in apis().await {
        create(&api, json!({"name": "unit.tests."})).await;
        let first = serial(&zone(&api, "unit.tests").await);
        let (status, _) = patch_rrsets(&api, "unit.tests.", json!([
            {"op": "upsert", "rrset": {"name": "", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.1"}, {"rdata": "192.0.2.2"}]}},
            {"op": "upsert", "rrset": {"name": "_sip._tcp", "type": "SRV", "ttl": 600, "records": [{"rdata": "10 20 5060 sip.unit.tests."}]}},
            {"op": "upsert", "rrset": {"name": "txt", "type": "TXT", "ttl": 300, "records": [{"rdata": "\"v=spf1 include:_spf.example.com -all\""}, {"rdata": "\"with \\\"quotes\\\" inside\""}]}}
        ])).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{:?}", api.engine());
        let read = zone(&api, "unit.tests").await;
        assert!(serial(&read) > first);
        assert_eq!(
            find(&read, "unit.tests. A"),
            Some((300, vec!["192.0.2.1".into(), "192.0.2.2".into()]))
        );
        assert_eq!(
            find(&read, "_sip._tcp.unit.tests. SRV").unwrap().1,
            ["10 20 5060 sip.unit.tests."]
        );
        assert_eq!(
            find(&read, "txt.unit.tests. TXT").unwrap().1[1],
            r#""with \"quotes\" inside""#
        );

        // One bad operation: nothing of the request happens.
        let (status, err) = patch_rrsets(&api, "unit.tests", json!([
            {"op": "remove", "rrset": {"name": "", "type": "A", "ttl": 300, "records": []}},
            {"op": "upsert", "rrset": {"name": "bad", "type": "A", "ttl": 300, "records": [{"rdata": "300.0.0.1"}]}}
        ])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let loc = &err["errors"][0]["loc"];
        assert_eq!(
            loc,
            &json!(["body", "ops", "1", "rrset", "records", "0", "rdata"])
        );
        let msg = err["errors"][0]["msg"].as_str().unwrap();
        assert!(
            msg.contains("bad.unit.tests. A") && msg.contains("300.0.0.1"),
            "{msg}"
        );
        assert!(err["detail"].as_str().unwrap().contains("300.0.0.1"));
        let after = zone(&api, "unit.tests").await;
        assert_eq!(rrsets(&after), rrsets(&read));
        assert_eq!(serial(&after), serial(&read));

        let (status, _) = patch_rrsets(&api, "unit.tests", json!([
            {"op": "remove", "rrset": {"name": "unit.tests.", "type": "A", "ttl": 300, "records": []}},
            {"op": "remove", "rrset": {"name": "never-existed", "type": "A", "ttl": 300, "records": []}}
        ])).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let after = zone(&api, "unit.tests").await;
        assert_eq!(find(&after, "unit.tests. A"), None);
        assert!(serial(&after) > serial(&read));
    }
}

/// Changes of one zone made at the same time each apply, one after the other: none is refused
/// because another changed the zone meanwhile (on PostgreSQL the zone is read for update; on
/// SQLite the one writer queues them).
#[tokio::test]
async fn concurrent_changes_of_one_zone_all_apply() {
    for api in apis().await {
        create(&api, json!({"name": "busy.tests."})).await;
        let first = serial(&zone(&api, "busy.tests").await);
        let changes = (0..16).map(|i| {
            let api = &api;
            async move {
                let ops = json!([{"op": "upsert", "rrset": {"name": format!("host{i}"), "type": "A", "ttl": 300, "records": [{"rdata": format!("192.0.2.{i}")}]}}]);
                patch_rrsets(api, "busy.tests.", ops).await
            }
        });
        for (status, body) in futures::future::join_all(changes).await {
            assert_eq!(
                status,
                StatusCode::NO_CONTENT,
                "{body} on {:?}",
                api.engine()
            );
        }
        let read = zone(&api, "busy.tests").await;
        for i in 0..16 {
            let found = find(&read, &format!("host{i}.busy.tests. A"));
            assert_eq!(
                found,
                Some((300, vec![format!("192.0.2.{i}")])),
                "{:?}",
                api.engine()
            );
        }
        assert!(serial(&read) > first, "{:?}", api.engine());
    }
}

#[tokio::test]
async fn the_server_owns_soa_apex_ns_and_dnssec_material() {
    for api in apis().await {
        create(&api, json!({"name": "owned.example"})).await;
        for (name, rtype, rdata, reason) in [
            ("@", "NS", "ns.elsewhere.example.", "SYSTEM_MANAGED_NS"),
            ("", "SOA", "ns1.x. host.x. 1 2 3 4 5", "SYSTEM_MANAGED_SOA"),
            ("sub", "DS", "12345 13 2 abcd", "GENERIC"),
        ] {
            for op in ["upsert", "remove"] {
                let (status, err) = patch_rrsets(&api, "owned.example", json!([
                    {"op": op, "rrset": {"name": name, "type": rtype, "ttl": 3600, "records": [{"rdata": rdata}]}}
                ])).await;
                assert_eq!(status, StatusCode::CONFLICT, "{op} {rtype} {err}");
                assert_eq!(err["code"], "ERROR_DNS_PROTECTED_RRSET");
                assert_eq!(err["protected_reason"], reason);
            }
        }
        // A delegation below the apex is ordinary data.
        let (status, _) = patch_rrsets(&api, "owned.example", json!([
            {"op": "upsert", "rrset": {"name": "sub", "type": "NS", "ttl": 3600, "records": [{"rdata": "ns1.sub-host.example."}]}}
        ])).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{:?}", api.engine());
        let err = api
            .call(Method::PUT, "/v1/dns/owned.example/rrsets")
            .json(json!({"rrsets": [{"name": "@", "type": "NS", "ttl": 60, "records": [{"rdata": "ns.x."}]}]}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(err["protected_reason"], "SYSTEM_MANAGED_NS");
    }
}

#[tokio::test]
async fn a_cname_stands_alone_and_holds_one_record() {
    for api in apis().await {
        create(&api, json!({"name": "cname.example"})).await;
        patch_rrsets(&api, "cname.example", json!([
            {"op": "upsert", "rrset": {"name": "www", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.1"}]}}
        ])).await;
        for ops in [
            json!([{"op": "upsert", "rrset": {"name": "www", "type": "CNAME", "ttl": 300, "records": [{"rdata": "target.example."}]}}]),
            json!([{"op": "upsert", "rrset": {"name": "@", "type": "CNAME", "ttl": 300, "records": [{"rdata": "target.example."}]}}]),
            json!([{"op": "upsert", "rrset": {"name": "two", "type": "CNAME", "ttl": 300, "records": [{"rdata": "a.example."}, {"rdata": "b.example."}]}}]),
        ] {
            let (status, err) = patch_rrsets(&api, "cname.example", ops.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{ops} {err}");
            assert_eq!(err["code"], "ERROR_ZONE_VALIDATION_FAILED");
            assert_eq!(err["zone_name"], "cname.example.");
            assert!(err["errors"].is_object());
        }
        // Replacing the A by a CNAME in one request is fine.
        let (status, _) = patch_rrsets(&api, "cname.example", json!([
            {"op": "remove", "rrset": {"name": "www", "type": "A", "ttl": 300, "records": []}},
            {"op": "upsert", "rrset": {"name": "www", "type": "CNAME", "ttl": 300, "records": [{"rdata": "target.example."}]}}
        ])).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{:?}", api.engine());
    }
}

#[tokio::test]
async fn record_patches_add_and_remove_single_values() {
    for api in apis().await {
        create(&api, json!({"name": "acme.example"})).await;
        let path = "/v1/dns/acme.example/records";
        for token in ["first-token", "second-token"] {
            api.patch(path, json!({"ops": [{"op": "upsert", "record": {"name": "_acme-challenge", "type": "TXT", "ttl": 60, "rdata": format!("\"{token}\"")}}]}))
                .expect(StatusCode::NO_CONTENT)
                .await;
        }
        let read = zone(&api, "acme.example").await;
        assert_eq!(
            find(&read, "_acme-challenge.acme.example. TXT").unwrap().1,
            ["\"first-token\"", "\"second-token\""]
        );
        // Removal matches the data, whatever TTL it names.
        api.patch(path, json!({"ops": [{"op": "remove", "record": {"name": "_acme-challenge.acme.example.", "type": "TXT", "ttl": 300, "rdata": "\"first-token\""}}]}))
            .expect(StatusCode::NO_CONTENT)
            .await;
        let read = zone(&api, "acme.example").await;
        assert_eq!(
            find(&read, "_acme-challenge.acme.example. TXT").unwrap().1,
            ["\"second-token\""]
        );
        api.patch(path, json!({"ops": [{"op": "remove", "record": {"name": "_acme-challenge", "type": "TXT", "ttl": 60, "rdata": "\"second-token\""}}]}))
            .expect(StatusCode::NO_CONTENT)
            .await;
        // No rrset is left empty.
        let read = zone(&api, "acme.example").await;
        assert_eq!(
            find(&read, "_acme-challenge.acme.example. TXT"),
            None,
            "{:?}",
            api.engine()
        );
    }
}

#[tokio::test]
async fn put_replaces_every_rrset_the_server_does_not_own() {
    for api in apis().await {
        create(&api, json!({"name": "put.example", "rrsets": [{"name": "old", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.9"}]}]})).await;
        api.call(Method::PUT, "/v1/dns/put.example/rrsets")
            .json(json!({"rrsets": [{"name": "@", "type": "A", "ttl": 300, "records": [{"rdata": "203.0.113.10"}]}]}))
            .expect(StatusCode::NO_CONTENT)
            .await;
        let read = zone(&api, "put.example").await;
        let keys: Vec<_> = rrsets(&read).into_iter().map(|(k, _, _)| k).collect();
        assert_eq!(
            keys,
            ["put.example. SOA", "put.example. A", "put.example. NS"],
            "{:?}",
            api.engine()
        );
        let err = api
            .call(Method::PUT, "/v1/dns/put.example/rrsets")
            .json(json!({"rrsets": [
                {"name": "x", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.1"}]},
                {"name": "x.put.example.", "type": "A", "ttl": 60, "records": [{"rdata": "192.0.2.2"}]}
            ]}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(error_fields(&err), ["rrsets"]);
    }
}

#[tokio::test]
async fn zones_are_listed_filtered_paged_and_summarized_per_organization() {
    for api in apis().await {
        for name in ["alpha.com", "beta.com", "gamma.de", "shop.example.co.uk"] {
            create(&api, json!({"name": name})).await;
        }
        let (child, child_key) = suborg(&api, "Child").await;
        api.post("/v1/dns", json!({"name": "child-zone.net"}))
            .key(&child_key)
            .expect(StatusCode::CREATED)
            .await;
        let names = |page: &Value| -> Vec<String> {
            page["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|z| z["name"].as_str().unwrap().to_owned())
                .collect()
        };
        let all = api
            .get("/v1/dns?sort_by=name&sort_order=asc")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            names(&all),
            [
                "alpha.com.",
                "beta.com.",
                "gamma.de.",
                "shop.example.co.uk."
            ],
            "{:?}",
            api.engine()
        );
        assert!(all["results"][0]["rrsets"].as_array().unwrap().len() >= 2);
        for (query, expected) in [
            ("suffix=com", vec!["alpha.com.", "beta.com."]),
            ("suffix=co.uk", vec!["shop.example.co.uk."]),
            ("search=AMM", vec!["gamma.de."]),
            ("name=beta.com", vec!["beta.com."]),
            ("dnssec_status=enabled", vec![]),
        ] {
            let page = api
                .get(&format!("/v1/dns?sort_by=name&sort_order=asc&{query}"))
                .expect(StatusCode::OK)
                .await;
            assert_eq!(names(&page), expected, "{query}");
        }
        let page = api
            .get("/v1/dns?page=2&page_size=3&sort_by=name&sort_order=asc")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(names(&page), ["shop.example.co.uk."]);
        assert_eq!(page["pagination"]["total_items"], 4);
        assert_eq!(page["pagination"]["has_next_page"], false);
        let err = api
            .get("/v1/dns?sort_by=size")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(error_fields(&err), ["sort_by"]);

        // The child's zones through the context; the parent reaches the child's zone by name.
        let theirs = api
            .get("/v1/dns")
            .header("x-organization-context", &child)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(names(&theirs), ["child-zone.net."]);
        zone(&api, "child-zone.net").await;
        api.get("/v1/dns/alpha.com")
            .key(&child_key)
            .expect(StatusCode::NOT_FOUND)
            .await;

        let summary = api.get("/v1/dns/summary").expect(StatusCode::OK).await;
        assert_eq!(
            summary,
            json!({"total_zones": 4, "zones_by_dnssec": {"disabled": 4}})
        );
    }
}

#[tokio::test]
async fn deleting_a_zone_frees_its_name_and_is_audited() {
    for api in apis().await {
        create(&api, json!({"name": "gone.example", "rrsets": [{"name": "www", "type": "A", "ttl": 60, "records": [{"rdata": "192.0.2.1"}]}]})).await;
        api.delete("/v1/dns/gone.example.")
            .expect(StatusCode::NO_CONTENT)
            .await;
        api.get("/v1/dns/gone.example")
            .expect(StatusCode::NOT_FOUND)
            .await;
        let again = create(&api, json!({"name": "gone.example"})).await;
        assert_eq!(again["zone_name"], "gone.example.");
        let read = zone(&api, "gone.example").await;
        assert_eq!(
            find(&read, "www.gone.example. A"),
            None,
            "{:?}",
            api.engine()
        );
        let log = api
            .get("/v1/audit-logs?action=dns_zone.deleted")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            log["results"][0]["target"],
            json!({"type": "dns_zone", "id": "gone.example."})
        );
    }
}

#[tokio::test]
async fn bad_bodies_name_the_field() {
    for api in apis().await {
        for (body, field) in [
            (json!({}), "name"),
            (json!({"name": "single"}), "name"),
            (
                json!({"name": "ok.example", "dnssec_status": "maybe"}),
                "dnssec_status",
            ),
            (
                json!({"name": "ok.example", "rrsets": [{"name": "x", "type": "A", "ttl": 60, "records": [{"rdata": "192.0.2.1"}, {"rdata": "192.0.2.x"}]}]}),
                "rrsets",
            ),
            (
                json!({"name": "ok.example", "rrsets": [{"name": "x", "type": "BOGUS", "ttl": 60, "records": [{"rdata": "1"}]}]}),
                "rrsets",
            ),
            (
                json!({"name": "ok.example", "rrsets": [{"name": "x.other.example.", "type": "A", "ttl": 60, "records": [{"rdata": "192.0.2.1"}]}]}),
                "rrsets",
            ),
            (
                json!({"name": "ok.example", "rrsets": [{"name": "x", "type": "A", "ttl": 0, "records": [{"rdata": "192.0.2.1"}]}]}),
                "rrsets",
            ),
            (
                json!({"name": "ok.example", "rrsets": [{"name": "x", "type": "A", "ttl": 60, "records": []}]}),
                "rrsets",
            ),
        ] {
            let err = api
                .post("/v1/dns", body.clone())
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(error_fields(&err)[0], field, "{body}");
            assert!(err["detail"].is_string());
        }
        api.get("/v1/dns/ok.example")
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}

/// `named-checkzone` (Debian `bind9-utils`); CI installs it and sets
/// `TENANTRY_REQUIRE_NAMED_CHECKZONE=1`, so there the check never skips.
fn named_checkzone() -> Option<&'static str> {
    let found = std::process::Command::new("named-checkzone")
        .arg("-v")
        .output()
        .is_ok();
    if !found && std::env::var("TENANTRY_REQUIRE_NAMED_CHECKZONE").as_deref() == Ok("1") {
        panic!("named-checkzone is required (apt-get install bind9-utils)");
    }
    found.then_some("named-checkzone")
}

#[tokio::test]
async fn the_export_is_a_zone_file_bind_accepts() {
    for api in apis().await {
        let records = json!([
            ["@", "A", "192.0.2.1"],
            ["@", "AAAA", "2001:db8::1"],
            ["@", "MX", "10 mail"],
            ["@", "TXT", "\"v=spf1 -all\" \"second \\\"part\\\"\""],
            ["@", "CAA", "0 issue \"letsencrypt.org\""],
            ["mail", "A", "192.0.2.25"],
            ["www", "CNAME", "@"],
            ["_sip._tcp", "SRV", "10 5 5060 mail"],
            ["sub", "NS", "ns1.sub-host.example."],
            ["ptr", "PTR", "host.example.net."],
            [
                "ssh",
                "SSHFP",
                "1 1 bf6b6825d2977c511a475bbefb88aad54a92ac73"
            ],
            ["_443._tcp", "TLSA", "3 1 1 abcdef0123456789"],
            [
                "naptr",
                "NAPTR",
                "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" ."
            ],
            ["svc", "HTTPS", "1 . alpn=h2,h3 ipv4hint=192.0.2.1"],
            ["_dns", "SVCB", "1 svc.export.example. alpn=dot port=853"],
            ["uri", "URI", "10 1 \"https://example.com/\""],
            ["cert", "CERT", "1 0 0 MIIBAgE="],
            ["lb", "ALIAS", "lb.example.net."]
        ]);
        let rrsets: Vec<Value> = records
            .as_array()
            .unwrap()
            .iter()
            .map(|r| json!({"name": r[0], "type": r[1], "ttl": 300, "records": [{"rdata": r[2]}]}))
            .collect();
        create(&api, json!({"name": "export.example", "rrsets": rrsets})).await;
        let (status, headers, _) = api
            .get("/v1/dns/export.example/export")
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers[axum::http::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        let text = export_text(&api, "export.example").await;
        assert!(text.contains("$ORIGIN export.example.\n"), "{text}");
        assert!(
            text.contains("; lb.export.example. 300 IN ALIAS lb.example.net.\n"),
            "{text}"
        );
        assert!(
            text.contains("export.example. 300 IN MX 10 mail.export.example.\n"),
            "{text}"
        );
        let Some(checker) = named_checkzone() else {
            eprintln!("named-checkzone not found; the zone file was not checked by BIND");
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("export.example.zone");
        std::fs::write(&file, &text).unwrap();
        let out = std::process::Command::new(checker)
            .args(["-q", "export.example"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}\n{text}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

async fn export_text(api: &Api, zone: &str) -> String {
    let (status, body) = api.get(&format!("/v1/dns/{zone}/export")).send().await;
    assert_eq!(status, StatusCode::OK);
    body["raw"]
        .as_str()
        .expect("a zone file, not JSON")
        .to_owned()
}

#[tokio::test]
async fn replacing_rrsets_needs_the_field_and_only_an_explicit_empty_list_empties_a_zone() {
    for api in apis().await {
        create(
            &api,
            json!({"name": "keep.example", "rrsets": [
                {"name": "www", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.1"}]}]}),
        )
        .await;
        let before = rrsets(&zone(&api, "keep.example").await);
        for body in [
            "{}",
            "[]",
            r#"{"rrset": [{"name": "www", "type": "A", "ttl": 300, "records": []}]}"#,
            r#"{"rrsets": []} and then some"#,
        ] {
            api.call(Method::PUT, "/v1/dns/keep.example/rrsets")
                .raw(body)
                .header("content-type", "application/json")
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
        assert_eq!(rrsets(&zone(&api, "keep.example").await), before);
        api.call(Method::PUT, "/v1/dns/keep.example/rrsets")
            .json(json!({"rrsets": []}))
            .expect(StatusCode::NO_CONTENT)
            .await;
        assert!(
            !rrsets(&zone(&api, "keep.example").await)
                .iter()
                .any(|(name, ..)| name.starts_with("www")),
            "{:?}",
            api.engine()
        );
    }
}

#[tokio::test]
async fn a_body_with_anything_after_its_json_value_is_refused_and_nothing_happens() {
    for api in apis().await {
        let err = api
            .call(Method::POST, "/v1/users")
            .raw(r#"{"username": "trailing-garbage"} this is not json"#)
            .header("content-type", "application/json")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["type"], "json_invalid", "{err}");
        let found = api
            .get("/v1/organizations/users?search=trailing-garbage")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(found["pagination"]["total_items"], 0);
    }
}

#[tokio::test]
async fn a_zone_made_again_starts_above_the_serial_its_secondaries_hold() {
    for api in apis().await {
        create(&api, json!({"name": "again.example"})).await;
        for address in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
            let (status, _) = patch_rrsets(&api, "again.example", json!([
                {"op": "upsert", "rrset": {"name": "www", "type": "A", "ttl": 60, "records": [{"rdata": address}]}}
            ])).await;
            assert_eq!(status, StatusCode::NO_CONTENT);
        }
        let old = serial(&zone(&api, "again.example").await);
        api.delete("/v1/dns/again.example")
            .expect(StatusCode::NO_CONTENT)
            .await;
        create(&api, json!({"name": "again.example"})).await;
        let new = serial(&zone(&api, "again.example").await);
        assert!(new > old, "{:?}: {new} after {old}", api.engine());

        // The same when the zones go with their organization.
        let (org, key) = suborg(&api, "Leaving").await;
        api.post("/v1/dns", json!({"name": "leaving.example"}))
            .key(&key)
            .expect(StatusCode::CREATED)
            .await;
        let (status, _) = api
            .patch("/v1/dns/leaving.example/rrsets", json!({"ops": [
                {"op": "upsert", "rrset": {"name": "www", "type": "A", "ttl": 60, "records": [{"rdata": "192.0.2.9"}]}}
            ]}))
            .key(&key)
            .send()
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let old = serial(&zone(&api, "leaving.example").await);
        api.delete(&format!("/v1/organizations/{org}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
        create(&api, json!({"name": "leaving.example"})).await;
        assert!(serial(&zone(&api, "leaving.example").await) > old);
    }
}
