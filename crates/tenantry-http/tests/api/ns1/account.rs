//! `/v1/account/users…`: the organization's users by username, with NS1 permission maps
//! that are the Tenantry API's permissions underneath.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{assert_full_map, create_user, ns1, refused, refused_with_prefix};
use crate::support::{apis, other_tenant};

fn user_path(username: &str) -> String {
    format!("/v1/account/users/{username}")
}

fn alice() -> Value {
    json!({"name": "Alice Example", "username": "alice", "email": "alice@example.com",
           "permissions": {"dns": {"view_zones": true}}})
}

#[tokio::test]
async fn users_are_created_read_changed_and_deleted_by_username() {
    for api in apis().await {
        let key = api.key();
        let created = create_user(&api, key, alice()).await;
        assert_eq!(
            (
                created["username"].as_str(),
                created["name"].as_str(),
                created["email"].as_str()
            ),
            (
                Some("alice"),
                Some("Alice Example"),
                Some("alice@example.com")
            )
        );
        assert_eq!(
            (created["teams"].clone(), created["ip_whitelist"].clone()),
            (json!([]), json!([]))
        );
        assert_eq!(created["ip_whitelist_strict"], false);
        assert_eq!(created["2fa_enabled"], false);
        assert!(
            created["created"].is_number() && created["last_access"].is_null(),
            "{created}"
        );
        // The full map comes back, the partial input merged with the defaults.
        assert_full_map(&created["permissions"]);
        assert_eq!(created["permissions"]["dns"]["view_zones"], true);
        assert_eq!(created["permissions"]["dns"]["manage_zones"], false);
        assert_eq!(created["permissions"]["account"]["manage_users"], false);

        let read = ns1(&api, Method::GET, &user_path("alice"), key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(read, created, "{:?}", api.engine());
        let listed = ns1(&api, Method::GET, "/v1/account/users", key)
            .expect(StatusCode::OK)
            .await;
        let names: Vec<_> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"alice") && names.contains(&"owner"),
            "{names:?}"
        );

        // Python's update: the username and only the changed fields.
        let changed = ns1(&api, Method::POST, &user_path("alice"), key)
            .json(json!({"username": "alice", "name": "Alice B", "ip_whitelist_strict": true}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (
                changed["name"].as_str(),
                changed["ip_whitelist_strict"].as_bool()
            ),
            (Some("Alice B"), Some(true))
        );
        assert_eq!(changed["permissions"], created["permissions"]);
        assert_eq!(changed["email"], "alice@example.com");
        let changed = ns1(&api, Method::POST, &user_path("alice"), key)
            .json(json!({"email": "alice.b@example.com", "permissions": {"dns": {"view_zones": true, "manage_zones": true}}}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(changed["email"], "alice.b@example.com");
        assert_eq!(changed["permissions"]["dns"]["manage_zones"], true);
        assert_eq!(
            ns1(&api, Method::GET, &user_path("ALICE"), key)
                .expect(StatusCode::OK)
                .await,
            changed
        );
        refused(
            ns1(&api, Method::POST, &user_path("alice"), key).json(json!({"username": "bob"})),
            StatusCode::BAD_REQUEST,
            "invalid: username cannot be changed",
        )
        .await;

        assert_eq!(
            ns1(&api, Method::DELETE, &user_path("alice"), key)
                .expect(StatusCode::OK)
                .await,
            json!({})
        );
        refused(
            ns1(&api, Method::GET, &user_path("alice"), key),
            StatusCode::NOT_FOUND,
            "user not found",
        )
        .await;
        refused(
            ns1(&api, Method::POST, &user_path("alice"), key).json(json!({"name": "x"})),
            StatusCode::NOT_FOUND,
            "Unknown user",
        )
        .await;
        refused(
            ns1(&api, Method::DELETE, &user_path("alice"), key),
            StatusCode::NOT_FOUND,
            "Unknown user",
        )
        .await;
        let listed = ns1(&api, Method::GET, "/v1/account/users", key)
            .expect(StatusCode::OK)
            .await;
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["username"] != "alice")
        );
        // The username is free again.
        create_user(&api, key, alice()).await;
    }
}

#[tokio::test]
async fn user_creation_refuses_taken_logins_and_incomplete_bodies() {
    for api in apis().await {
        let key = api.key();
        create_user(&api, key, alice()).await;
        let taken = "request failed:Login Name is already in use.";
        let mut again = alice();
        again["username"] = json!("ALICE");
        again["email"] = json!("other@example.com");
        refused(
            ns1(&api, Method::PUT, "/v1/account/users", key).json(again),
            StatusCode::BAD_REQUEST,
            taken,
        )
        .await;
        // Logins are unique on the whole platform.
        let (_, rival) = other_tenant(&api, "Rival").await;
        let mut theirs = alice();
        theirs["email"] = json!("alice@rival.example");
        refused(
            ns1(&api, Method::PUT, "/v1/account/users", &rival).json(theirs),
            StatusCode::BAD_REQUEST,
            taken,
        )
        .await;

        for (body, message) in [
            (
                json!({"name": "No Mail", "username": "nomail"}),
                "invalid: email is required",
            ),
            (
                json!({"username": "noname", "email": "noname@example.com"}),
                "invalid: name is required",
            ),
            (
                json!({"name": "No Login", "email": "nologin@example.com"}),
                "invalid: username is required",
            ),
        ] {
            refused(
                ns1(&api, Method::PUT, "/v1/account/users", key).json(body),
                StatusCode::BAD_REQUEST,
                message,
            )
            .await;
        }
        for (body, prefix) in [
            (
                json!({"name": "B", "username": "badmail", "email": "not-an-email"}),
                "invalid: email",
            ),
            (
                json!({"name": "B", "username": "badmap", "email": "b@example.com", "permissions": {"dns": {"view_zones": "yes"}}}),
                "invalid: permissions",
            ),
            (
                json!({"name": "B", "username": "badip", "email": "b@example.com", "ip_whitelist": ["not-an-ip"]}),
                "invalid: ip_whitelist",
            ),
            (
                json!({"name": "B", "username": "badteam", "email": "b@example.com", "teams": "t"}),
                "invalid: teams",
            ),
        ] {
            refused_with_prefix(
                ns1(&api, Method::PUT, "/v1/account/users", key).json(body),
                StatusCode::BAD_REQUEST,
                prefix,
            )
            .await;
        }
        // Unknown teams are not found.
        refused(
            ns1(&api, Method::PUT, "/v1/account/users", key)
                .json(json!({"name": "T", "username": "teamless", "email": "t@example.com", "teams": ["000000000000000000000000"]})),
            StatusCode::NOT_FOUND,
            "team not found",
        )
        .await;
    }
}

#[tokio::test]
async fn null_lists_read_as_empty_and_ip_lists_are_kept() {
    for api in apis().await {
        let created = create_user(
            &api,
            api.key(),
            json!({"name": "Go Client", "username": "gopher", "email": "gopher@example.com", "teams": null,
                   "ip_whitelist": ["10.1.2.3", "192.0.2.0/24"],
                   "permissions": {"dns": {"view_zones": true, "zones_allow": null, "zones_deny": null}, "account": null}}),
        )
        .await;
        assert_eq!(created["teams"], json!([]));
        assert_eq!(created["permissions"]["dns"]["zones_allow"], json!([]));
        assert_eq!(created["permissions"]["dns"]["zones_deny"], json!([]));
        assert_eq!(created["permissions"]["account"]["manage_users"], false);
        assert_eq!(
            created["ip_whitelist"],
            json!(["10.1.2.3/32", "192.0.2.0/24"])
        );
        let cleared = ns1(&api, Method::POST, &user_path("gopher"), api.key())
            .json(json!({"ip_whitelist": null}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(cleared["ip_whitelist"], json!([]));
    }
}

#[tokio::test]
async fn another_tenants_users_are_not_found() {
    for api in apis().await {
        other_tenant(&api, "Rival").await;
        let key = api.key();
        refused(
            ns1(&api, Method::GET, &user_path("rival-owner"), key),
            StatusCode::NOT_FOUND,
            "user not found",
        )
        .await;
        refused(
            ns1(&api, Method::POST, &user_path("rival-owner"), key)
                .json(json!({"name": "Hijacked"})),
            StatusCode::NOT_FOUND,
            "Unknown user",
        )
        .await;
        refused(
            ns1(&api, Method::DELETE, &user_path("rival-owner"), key),
            StatusCode::NOT_FOUND,
            "Unknown user",
        )
        .await;
        let listed = ns1(&api, Method::GET, "/v1/account/users", key)
            .expect(StatusCode::OK)
            .await;
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["username"] != "rival-owner")
        );
    }
}

#[tokio::test]
async fn the_owner_keeps_its_permissions_and_cannot_be_deleted() {
    for api in apis().await {
        let key = api.key();
        let owner = ns1(&api, Method::GET, &user_path("owner"), key)
            .expect(StatusCode::OK)
            .await;
        // The first user holds everything.
        assert_eq!(owner["permissions"]["account"]["manage_users"], true);
        assert_eq!(owner["permissions"]["dns"]["manage_zones"], true);
        ns1(&api, Method::POST, &user_path("owner"), key)
            .json(json!({"permissions": {"dns": {"view_zones": true}}}))
            .expect(StatusCode::FORBIDDEN)
            .await;
        ns1(&api, Method::DELETE, &user_path("owner"), key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        // Renaming changes no permission.
        let renamed = ns1(&api, Method::POST, &user_path("owner"), key)
            .json(json!({"name": "The Owner"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(renamed["permissions"], owner["permissions"]);
        assert_eq!(
            ns1(&api, Method::GET, &user_path("owner"), key)
                .expect(StatusCode::OK)
                .await["permissions"],
            owner["permissions"]
        );
    }
}

#[tokio::test]
async fn users_routes_need_manage_users() {
    for api in apis().await {
        let (_, key) = super::create_key(
            &api,
            api.key(),
            json!({"name": "dns-only", "permissions": {"dns": {"view_zones": true}}}),
        )
        .await;
        for (method, path) in [
            (Method::GET, "/v1/account/users".to_owned()),
            (Method::PUT, "/v1/account/users".to_owned()),
            (Method::GET, user_path("owner")),
            (Method::POST, user_path("owner")),
            (Method::DELETE, user_path("owner")),
        ] {
            refused(
                ns1(&api, method, &path, &key).json(alice()),
                StatusCode::FORBIDDEN,
                "Insufficient permissions",
            )
            .await;
        }
        let (_, manager) = super::create_key(
            &api,
            api.key(),
            json!({"name": "user-admin", "permissions": {"account": {"manage_users": true}}}),
        )
        .await;
        ns1(&api, Method::GET, "/v1/account/users", &manager)
            .expect(StatusCode::OK)
            .await;
        let made = create_user(
            &api,
            &manager,
            json!({"name": "Made", "username": "made", "email": "made@example.com"}),
        )
        .await;
        assert_eq!(made["permissions"]["account"]["manage_users"], false);
    }
}
