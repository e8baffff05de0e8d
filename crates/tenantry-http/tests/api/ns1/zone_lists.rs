//! The zone and record lists of an NS1 permission map bind its holder on every route that
//! touches zones or records, in both dialects.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::zones::{create_record, create_zone, record_path};
use super::{create_key, ns1, refused};
use crate::support::apis;

/// The sorted values `show` gives the items of a list.
fn sorted(items: &Value, show: impl Fn(&Value) -> String) -> Vec<String> {
    let mut shown: Vec<String> = items.as_array().unwrap().iter().map(show).collect();
    shown.sort();
    shown
}

fn ns1_zone_names(list: &Value) -> Vec<String> {
    sorted(list, |z| z["zone"].as_str().unwrap().to_owned())
}

fn tenantry_zone_names(page: &Value) -> Vec<String> {
    sorted(&page["results"], |z| z["name"].as_str().unwrap().to_owned())
}

fn record_domains(zone: &Value) -> Vec<String> {
    sorted(&zone["records"], |r| {
        format!(
            "{} {}",
            r["domain"].as_str().unwrap(),
            r["type"].as_str().unwrap()
        )
    })
}

#[tokio::test]
async fn a_key_reaches_only_the_zones_and_records_its_lists_admit() {
    for api in apis().await {
        let admin = api.key();
        for zone in ["alpha.example", "beta.example", "gamma.example"] {
            create_zone(&api, admin, zone).await;
        }
        let a = json!([{"answer": ["192.0.2.1"]}]);
        create_record(
            &api,
            admin,
            "alpha.example",
            "www.alpha.example",
            "A",
            a.clone(),
        )
        .await;
        let txt = json!([{"answer": ["kept away"]}]);
        create_record(
            &api,
            admin,
            "alpha.example",
            "secret.alpha.example",
            "TXT",
            txt,
        )
        .await;
        create_record(
            &api,
            admin,
            "beta.example",
            "www.beta.example",
            "A",
            a.clone(),
        )
        .await;
        create_record(
            &api,
            admin,
            "beta.example",
            "mail.beta.example",
            "A",
            a.clone(),
        )
        .await;

        let (_, key) = create_key(
            &api,
            admin,
            json!({"name": "listed", "permissions": {"dns": {
                "view_zones": true, "manage_zones": true,
                "zones_allow": ["alpha.example"],
                "records_deny": [{"zone": "alpha.example", "domain": "secret.alpha.example",
                                  "include_subdomains": false, "type": "TXT"}],
                "records_allow": [{"zone": "beta.example", "domain": "www.beta.example",
                                   "include_subdomains": false, "type": "A"}]}}}),
        )
        .await;
        let key = key.as_str();

        // Lists and counts show the admitted zones only, in both dialects.
        let listed = ns1(&api, Method::GET, "/v1/zones", key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(ns1_zone_names(&listed), ["alpha.example", "beta.example"]);
        let page = api.get("/v1/dns").key(key).expect(StatusCode::OK).await;
        assert_eq!(
            tenantry_zone_names(&page),
            ["alpha.example.", "beta.example."]
        );
        assert_eq!(page["pagination"]["total_items"], 2);
        let summary = api
            .get("/v1/dns/summary")
            .key(key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(summary["total_zones"], 2);

        // A zone the lists hide is not found, like one that does not exist.
        refused(
            ns1(&api, Method::GET, "/v1/zones/gamma.example", key),
            StatusCode::NOT_FOUND,
            "zone not found",
        )
        .await;
        api.get("/v1/dns/gamma.example.")
            .key(key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        refused(
            ns1(&api, Method::DELETE, "/v1/zones/gamma.example", key),
            StatusCode::NOT_FOUND,
            "zone not found",
        )
        .await;

        // A denied record is hidden and cannot be changed; the rest of the zone can.
        let alpha = ns1(&api, Method::GET, "/v1/zones/alpha.example", key)
            .expect(StatusCode::OK)
            .await;
        assert!(
            !record_domains(&alpha).contains(&"secret.alpha.example TXT".to_owned()),
            "{alpha}"
        );
        assert!(record_domains(&alpha).contains(&"www.alpha.example A".to_owned()));
        let secret = record_path("alpha.example", "secret.alpha.example", "TXT");
        refused(
            ns1(&api, Method::GET, &secret, key),
            StatusCode::NOT_FOUND,
            "record not found",
        )
        .await;
        refused(
            ns1(&api, Method::DELETE, &secret, key),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;
        let export = api
            .get("/v1/dns/alpha.example./export")
            .key(key)
            .send()
            .await;
        assert_eq!(export.0, StatusCode::OK);
        create_record(
            &api,
            key,
            "alpha.example",
            "new.alpha.example",
            "A",
            a.clone(),
        )
        .await;

        // A zone seen through an allowed record shows that record only, which alone may
        // change; the zone itself (its deletion, its settings) is out of bounds.
        let beta = ns1(&api, Method::GET, "/v1/zones/beta.example", key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(record_domains(&beta), ["www.beta.example A"]);
        let www = record_path("beta.example", "www.beta.example", "A");
        ns1(&api, Method::POST, &www, key)
            .json(json!({"answers": [{"answer": ["192.0.2.9"]}]}))
            .expect(StatusCode::OK)
            .await;
        refused(
            ns1(
                &api,
                Method::PUT,
                &record_path("beta.example", "ftp.beta.example", "A"),
                key,
            )
            .json(json!({"zone": "beta.example", "domain": "ftp.beta.example",
                             "type": "A", "answers": a})),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;
        refused(
            ns1(&api, Method::DELETE, "/v1/zones/beta.example", key),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;
        api.call(Method::PUT, "/v1/dns/beta.example./rrsets")
            .key(key)
            .json(json!({"rrsets": []}))
            .expect(StatusCode::FORBIDDEN)
            .await;
        // Nor may it create a zone outside its list.
        refused(
            ns1(&api, Method::PUT, "/v1/zones/delta.example", key)
                .json(json!({"zone": "delta.example"})),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;

        // The administrator, whose permissions come from a role, still sees everything.
        let all = ns1(&api, Method::GET, "/v1/zones", admin)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            ns1_zone_names(&all),
            ["alpha.example", "beta.example", "gamma.example"]
        );
    }
}

#[tokio::test]
async fn allow_by_default_reaches_every_zone_but_the_denied_ones() {
    for api in apis().await {
        let admin = api.key();
        for zone in ["alpha.example", "beta.example"] {
            create_zone(&api, admin, zone).await;
        }
        let (_, key) = create_key(
            &api,
            admin,
            json!({"name": "all-but-beta", "permissions": {"dns": {
                "view_zones": true, "zones_allow_by_default": true,
                "zones_deny": ["beta.example"]}}}),
        )
        .await;
        let listed = ns1(&api, Method::GET, "/v1/zones", &key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(ns1_zone_names(&listed), ["alpha.example"]);
        api.get("/v1/dns/beta.example.")
            .key(&key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        api.get("/v1/dns/alpha.example.")
            .key(&key)
            .expect(StatusCode::OK)
            .await;

        // Without allow-by-default and with no list, no zone is in reach.
        let (_, none) = create_key(
            &api,
            admin,
            json!({"name": "no-zones", "permissions": {"dns": {"view_zones": true}}}),
        )
        .await;
        let listed = ns1(&api, Method::GET, "/v1/zones", &none)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(listed, json!([]));
    }
}
