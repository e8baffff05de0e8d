//! `/v1/account/apikeys…`: keys whose NS1 map decides what they may do, on both dialects.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{assert_full_map, create_key, is_short_id, ns1, refused, refused_with_prefix};
use crate::support::{apis, other_tenant};

fn key_path(id: &str) -> String {
    format!("/v1/account/apikeys/{id}")
}

#[tokio::test]
async fn keys_are_created_read_renamed_and_revoked() {
    for api in apis().await {
        let admin = api.key();
        let created = ns1(&api, Method::PUT, "/v1/account/apikeys", admin)
            .json(json!({"name": "ci", "permissions": {"dns": {"view_zones": true}}}))
            .expect(StatusCode::OK)
            .await;
        assert!(is_short_id(&created["id"]), "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        let secret = created["key"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("opk_"), "{secret}");
        assert_eq!(created["name"], "ci");
        assert_full_map(&created["permissions"]);
        assert_eq!(created["permissions"]["dns"]["view_zones"], true);
        assert_eq!(created["permissions"]["dns"]["manage_zones"], false);
        assert_eq!(
            (created["teams"].clone(), created["ip_whitelist"].clone()),
            (json!([]), json!([]))
        );

        // The secret is shown once.
        let read = ns1(&api, Method::GET, &key_path(&id), admin)
            .expect(StatusCode::OK)
            .await;
        assert!(
            read.get("key").is_none() && read.get("client_secret").is_none(),
            "{read}"
        );
        assert_eq!(read["permissions"], created["permissions"]);
        let listed = ns1(&api, Method::GET, "/v1/account/apikeys", admin)
            .expect(StatusCode::OK)
            .await;
        let listed = listed.as_array().unwrap();
        assert!(
            listed
                .iter()
                .any(|k| k["id"] == created["id"] && k["name"] == "ci")
        );
        assert!(listed.iter().all(|k| k.get("key").is_none()));

        let renamed = ns1(&api, Method::POST, &key_path(&id), admin)
            .json(json!({"name": "ci-2"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(renamed["name"], "ci-2");
        assert_eq!(renamed["permissions"], created["permissions"]);

        // Names are unique among the organization's keys.
        refused(
            ns1(&api, Method::PUT, "/v1/account/apikeys", admin).json(json!({"name": "ci-2"})),
            StatusCode::BAD_REQUEST,
            "api key with name \"ci-2\" exists",
        )
        .await;
        let (other, _) = create_key(&api, admin, json!({"name": "other"})).await;
        refused(
            ns1(&api, Method::POST, &key_path(&other), admin).json(json!({"name": "ci-2"})),
            StatusCode::BAD_REQUEST,
            "api key with name \"ci-2\" exists",
        )
        .await;
        refused(
            ns1(&api, Method::PUT, "/v1/account/apikeys", admin).json(json!({})),
            StatusCode::BAD_REQUEST,
            "invalid: name is required",
        )
        .await;
        refused_with_prefix(
            ns1(&api, Method::PUT, "/v1/account/apikeys", admin)
                .json(json!({"name": "rotating", "expiry_duration": "30d"})),
            StatusCode::BAD_REQUEST,
            "invalid: expiry_duration",
        )
        .await;

        ns1(&api, Method::GET, "/v1/zones", &secret)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            ns1(&api, Method::DELETE, &key_path(&id), admin)
                .expect(StatusCode::OK)
                .await,
            json!({})
        );
        refused(
            ns1(&api, Method::GET, "/v1/zones", &secret),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
        for method in [Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(&api, method.clone(), &key_path(&id), admin).json(json!({"name": "x"})),
                StatusCode::NOT_FOUND,
                "api key not found",
            )
            .await;
            refused(
                ns1(&api, method, &key_path("nope"), admin).json(json!({"name": "x"})),
                StatusCode::NOT_FOUND,
                "api key not found",
            )
            .await;
        }
    }
}

#[tokio::test]
async fn a_keys_map_decides_what_it_may_do_on_both_dialects() {
    for api in apis().await {
        let (id, key) = create_key(
            &api,
            api.key(),
            json!({"name": "viewer", "permissions": {"dns": {"view_zones": true}}}),
        )
        .await;
        ns1(&api, Method::GET, "/v1/zones", &key)
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/dns").key(&key).expect(StatusCode::OK).await;
        refused(
            ns1(&api, Method::PUT, "/v1/zones/viewer.example", &key),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;
        api.post("/v1/dns", json!({"name": "viewer.example"}))
            .key(&key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        refused(
            ns1(&api, Method::GET, "/v1/account/users", &key),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;
        refused(
            ns1(&api, Method::GET, "/v1/account/apikeys", &key),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;

        // Granting manage_zones applies at once.
        let changed = ns1(&api, Method::POST, &key_path(&id), api.key())
            .json(json!({"permissions": {"dns": {"view_zones": true, "manage_zones": true, "zones_allow_by_default": true}}}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(changed["permissions"]["dns"]["manage_zones"], true);
        ns1(&api, Method::PUT, "/v1/zones/viewer.example", &key)
            .expect(StatusCode::OK)
            .await;
        api.post("/v1/dns", json!({"name": "viewer2.example"}))
            .key(&key)
            .expect(StatusCode::CREATED)
            .await;
        ns1(&api, Method::DELETE, "/v1/zones/viewer.example", &key)
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn a_caller_grants_only_what_it_holds() {
    for api in apis().await {
        let (own_id, keys_admin) = create_key(
            &api,
            api.key(),
            json!({"name": "keys-admin", "permissions": {"account": {"manage_apikeys": true}}}),
        )
        .await;
        for escalation in [
            json!({"name": "escalated", "permissions": {"account": {"manage_users": true}}}),
            json!({"name": "escalated", "permissions": {"dns": {"manage_zones": true}}}),
        ] {
            refused(
                ns1(&api, Method::PUT, "/v1/account/apikeys", &keys_admin).json(escalation),
                StatusCode::FORBIDDEN,
                "Insufficient permissions",
            )
            .await;
        }
        refused(
            ns1(&api, Method::POST, &key_path(&own_id), &keys_admin).json(
                json!({"permissions": {"account": {"manage_apikeys": true, "manage_users": true}}}),
            ),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;
        let (_, made) = create_key(
            &api,
            &keys_admin,
            json!({"name": "peer", "permissions": {"account": {"manage_apikeys": true}}}),
        )
        .await;
        ns1(&api, Method::GET, "/v1/account/apikeys", &made)
            .expect(StatusCode::OK)
            .await;
        let listed = ns1(&api, Method::GET, "/v1/account/apikeys", &keys_admin)
            .expect(StatusCode::OK)
            .await;
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["name"] != "escalated")
        );
    }
}

#[tokio::test]
async fn a_keys_ip_whitelist_decides_where_it_may_call_from() {
    for api in apis().await {
        let (id, key) = create_key(
            &api,
            api.key(),
            json!({"name": "pinned", "ip_whitelist": ["10.1.2.3"], "permissions": {"dns": {"view_zones": true}}}),
        )
        .await;
        ns1(&api, Method::GET, "/v1/zones", &key)
            .client_ip("10.1.2.3")
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/dns")
            .key(&key)
            .client_ip("10.1.2.3")
            .expect(StatusCode::OK)
            .await;
        ns1(&api, Method::GET, "/v1/zones", &key)
            .client_ip("10.9.9.9")
            .expect(StatusCode::FORBIDDEN)
            .await;
        api.get("/v1/dns")
            .key(&key)
            .client_ip("10.9.9.9")
            .expect(StatusCode::FORBIDDEN)
            .await;
        let read = ns1(&api, Method::GET, &key_path(&id), api.key())
            .expect(StatusCode::OK)
            .await;
        assert_eq!(read["ip_whitelist"], json!(["10.1.2.3/32"]));

        // An emptied list lets it call from anywhere.
        ns1(&api, Method::POST, &key_path(&id), api.key())
            .json(json!({"ip_whitelist": []}))
            .expect(StatusCode::OK)
            .await;
        ns1(&api, Method::GET, "/v1/zones", &key)
            .client_ip("10.9.9.9")
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn another_tenants_keys_are_not_found() {
    for api in apis().await {
        let (_, rival) = other_tenant(&api, "Rival").await;
        let (theirs, _) = create_key(&api, &rival, json!({"name": "rival-key"})).await;
        for method in [Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(&api, method, &key_path(&theirs), api.key()).json(json!({"name": "stolen"})),
                StatusCode::NOT_FOUND,
                "api key not found",
            )
            .await;
        }
        let listed = ns1(&api, Method::GET, "/v1/account/apikeys", api.key())
            .expect(StatusCode::OK)
            .await;
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["id"] != json!(theirs))
        );
        // Theirs still works for them.
        ns1(&api, Method::GET, &key_path(&theirs), &rival)
            .expect(StatusCode::OK)
            .await;
        // Their key names do not clash with ours.
        create_key(&api, api.key(), json!({"name": "rival-key"})).await;
    }
}
