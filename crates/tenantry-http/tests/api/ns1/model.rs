//! One model under both dialects: users made with NS1 as the Tenantry API sees them, and
//! the other way round.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{assert_full_map, create_key, create_user, ns1, on_behalf};
use crate::support::{Api, apis};

fn user_path(username: &str) -> String {
    format!("/v1/account/users/{username}")
}

/// The Tenantry API's id of a user, found by username.
async fn user_id(api: &Api, username: &str) -> String {
    let users = api
        .get("/v1/organizations/users?page_size=100")
        .expect(StatusCode::OK)
        .await;
    users["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .and_then(|u| u["user_id"].as_str())
        .unwrap_or_else(|| panic!("{username} not in {users}"))
        .to_owned()
}

// A user whose permissions an NS1 map set (role `individual`) shows through
// `GET /v1/users/{id}/permissions` the permissions its map grants, which every check uses.
#[tokio::test]
async fn a_user_made_with_ns1_shows_its_permissions_in_the_tenantry_api() {
    for api in apis().await {
        create_user(
            &api,
            api.key(),
            json!({"name": "Dns Op", "username": "dnsop", "email": "dnsop@example.com",
                   "permissions": {"dns": {"view_zones": true, "manage_zones": true}}}),
        )
        .await;
        let id = user_id(&api, "dnsop").await;
        let permissions = api
            .get(&format!("/v1/users/{id}/permissions"))
            .expect(StatusCode::OK)
            .await;
        let list = permissions["permissions"].as_array().unwrap();
        assert!(
            list.contains(&json!("dns:read")) && list.contains(&json!("dns:manage")),
            "{:?}: {permissions}",
            api.engine()
        );
        assert!(!list.contains(&json!("users:manage")), "{permissions}");
    }
}

#[tokio::test]
async fn a_user_with_a_tenantry_role_shows_its_map_in_ns1() {
    for api in apis().await {
        api.post(
            "/v1/users",
            json!({"username": "dnsmgr", "email": "dnsmgr@example.com", "role": "dns_manager"}),
        )
        .expect(StatusCode::OK)
        .await;
        let user = ns1(&api, Method::GET, &user_path("dnsmgr"), api.key())
            .expect(StatusCode::OK)
            .await;
        assert_full_map(&user["permissions"]);
        let dns = &user["permissions"]["dns"];
        assert_eq!(
            (dns["view_zones"].as_bool(), dns["manage_zones"].as_bool()),
            (Some(true), Some(true))
        );
        let account = &user["permissions"]["account"];
        assert_eq!(
            (
                account["manage_users"].as_bool(),
                account["manage_apikeys"].as_bool()
            ),
            (Some(false), Some(false))
        );

        // Setting a map through NS1 makes the map decide; a role set again takes over.
        let changed = ns1(&api, Method::POST, &user_path("dnsmgr"), api.key())
            .json(json!({"permissions": {"dns": {"view_zones": true}}}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(changed["permissions"]["dns"]["manage_zones"], false);
        let id = user_id(&api, "dnsmgr").await;
        api.call(Method::PUT, &format!("/v1/users/{id}/role"))
            .json(json!({"role": "dns_manager"}))
            .expect(StatusCode::OK)
            .await;
        let back = ns1(&api, Method::GET, &user_path("dnsmgr"), api.key())
            .expect(StatusCode::OK)
            .await;
        assert_eq!(back["permissions"]["dns"]["manage_zones"], true, "{back}");
    }
}

// Only the organization's owner takes the admin role from a user, whether through the
// Tenantry API's role change or through NS1's user update (which would make it `individual`).
#[tokio::test]
async fn only_the_owner_takes_the_admin_role_through_either_dialect() {
    for api in apis().await {
        api.post(
            "/v1/users",
            json!({"username": "second-admin", "email": "admin2@example.com", "role": "admin"}),
        )
        .expect(StatusCode::OK)
        .await;
        let id = user_id(&api, "second-admin").await;
        // A key with manage_users, made by the operator (so not by the owner).
        let (_, manager) = create_key(
            &api,
            &on_behalf(&api),
            json!({"name": "user-manager", "permissions": {"account": {"manage_users": true}}}),
        )
        .await;
        let refused_role = api
            .call(Method::PUT, &format!("/v1/users/{id}/role"))
            .key(&manager)
            .json(json!({"role": "viewer"}))
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(
            refused_role["code"],
            "ERROR_ONLY_OWNER_CAN_MANAGE_ADMIN_ROLE"
        );
        let (status, body) = ns1(&api, Method::POST, &user_path("second-admin"), &manager)
            .json(json!({"permissions": {"dns": {"view_zones": true}}}))
            .send()
            .await;
        let role = api
            .get(&format!("/v1/users/{id}/role"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (status, role["role"].as_str()),
            (StatusCode::FORBIDDEN, Some("admin")),
            "{:?}: a non-owner demoted an admin through NS1: {body}",
            api.engine()
        );
    }
}
