//! `/v1/account/teams…`: permission maps and IP allow lists that member users and keys
//! inherit.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{
    assert_full_map, create_key, create_team, create_user, is_short_id, ns1, on_behalf, refused,
    refused_with_prefix,
};
use crate::support::{Api, apis, other_tenant};

fn team_path(id: &str) -> String {
    format!("/v1/account/teams/{id}")
}

async fn user(api: &Api, key: &str, username: &str) -> Value {
    ns1(
        api,
        Method::GET,
        &format!("/v1/account/users/{username}"),
        key,
    )
    .expect(StatusCode::OK)
    .await
}

async fn set_teams(api: &Api, key: &str, username: &str, teams: Value) -> Value {
    ns1(
        api,
        Method::POST,
        &format!("/v1/account/users/{username}"),
        key,
    )
    .json(json!({ "teams": teams }))
    .expect(StatusCode::OK)
    .await
}

#[tokio::test]
async fn teams_are_created_read_renamed_and_deleted() {
    for api in apis().await {
        let key = api.key();
        let created = ns1(&api, Method::PUT, "/v1/account/teams", key)
            .json(json!({"name": "ops", "permissions": {"dns": {"view_zones": true, "zones_allow": null}}}))
            .expect(StatusCode::OK)
            .await;
        assert!(is_short_id(&created["id"]), "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["name"], "ops");
        assert_full_map(&created["permissions"]);
        assert_eq!(created["permissions"]["dns"]["view_zones"], true);
        assert_eq!(created["permissions"]["dns"]["zones_allow"], json!([]));
        assert_eq!(created["ip_whitelist"], json!([]));

        assert_eq!(
            ns1(&api, Method::GET, &team_path(&id), key)
                .expect(StatusCode::OK)
                .await,
            created
        );
        let listed = ns1(&api, Method::GET, "/v1/account/teams", key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(listed, json!([created]));

        // Python's update sends the id along.
        let renamed = ns1(&api, Method::POST, &team_path(&id), key)
            .json(json!({"id": id, "name": "ops-2"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(renamed["name"], "ops-2");
        assert_eq!(renamed["permissions"], created["permissions"]);

        let other = create_team(&api, key, json!({"name": "other"})).await;
        for call in [
            ns1(&api, Method::PUT, "/v1/account/teams", key).json(json!({"name": "ops-2"})),
            ns1(&api, Method::POST, &team_path(&other), key).json(json!({"name": "ops-2"})),
        ] {
            refused(
                call,
                StatusCode::BAD_REQUEST,
                "team with name \"ops-2\" exists",
            )
            .await;
        }
        refused(
            ns1(&api, Method::PUT, "/v1/account/teams", key).json(json!({"permissions": {}})),
            StatusCode::BAD_REQUEST,
            "invalid: name: name must be 1 to 255 characters long",
        )
        .await;
        refused_with_prefix(
            ns1(&api, Method::PUT, "/v1/account/teams", key)
                .json(json!({"name": "bad", "ip_whitelist": ["10.0.0.1"]})),
            StatusCode::BAD_REQUEST,
            "invalid: ip_whitelist",
        )
        .await;

        assert_eq!(
            ns1(&api, Method::DELETE, &team_path(&id), key)
                .expect(StatusCode::OK)
                .await,
            json!({})
        );
        for method in [Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(&api, method.clone(), &team_path(&id), key).json(json!({"name": "x"})),
                StatusCode::NOT_FOUND,
                "team not found",
            )
            .await;
            refused(
                ns1(&api, method, &team_path("not-a-team"), key).json(json!({"name": "x"})),
                StatusCode::NOT_FOUND,
                "team not found",
            )
            .await;
        }
        // The name is free again.
        create_team(&api, key, json!({"name": "ops-2"})).await;
    }
}

#[tokio::test]
async fn another_tenants_teams_are_not_found() {
    for api in apis().await {
        let (_, rival) = other_tenant(&api, "Rival").await;
        let theirs = create_team(&api, &rival, json!({"name": "rival-team"})).await;
        for method in [Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(&api, method, &team_path(&theirs), api.key()).json(json!({"name": "stolen"})),
                StatusCode::NOT_FOUND,
                "team not found",
            )
            .await;
        }
        refused(
            ns1(&api, Method::PUT, "/v1/account/users", api.key())
                .json(json!({"name": "Spy", "username": "spy", "email": "spy@example.com", "teams": [theirs]})),
            StatusCode::NOT_FOUND,
            "team not found",
        )
        .await;
        assert_eq!(
            ns1(&api, Method::GET, "/v1/account/teams", api.key())
                .expect(StatusCode::OK)
                .await,
            json!([])
        );
        // Team names are per organization.
        create_team(&api, api.key(), json!({"name": "rival-team"})).await;
        assert_eq!(
            ns1(&api, Method::GET, &team_path(&theirs), &rival)
                .expect(StatusCode::OK)
                .await["name"],
            "rival-team"
        );
    }
}

#[tokio::test]
async fn members_hold_the_union_of_their_teams_and_follow_team_changes() {
    for api in apis().await {
        let key = on_behalf(&api);
        let settings = create_team(&api, &key, json!({"name": "settings", "permissions": {"account": {"manage_account_settings": true}}})).await;
        let keys = create_team(
            &api,
            &key,
            json!({"name": "keys", "permissions": {"account": {"manage_apikeys": true, "manage_ip_whitelist": true}}}),
        )
        .await;
        // The team maps override the user's own.
        let created = create_user(
            &api,
            &key,
            json!({"name": "Member", "username": "member", "email": "member@example.com",
                   "permissions": {"dns": {"view_zones": true}}, "teams": [settings, keys]}),
        )
        .await;
        assert_eq!(created["teams"], json!([settings, keys]));
        let account = &created["permissions"]["account"];
        assert_eq!(
            (
                account["manage_account_settings"].as_bool(),
                account["manage_apikeys"].as_bool(),
                account["manage_ip_whitelist"].as_bool()
            ),
            (Some(true), Some(true), Some(true))
        );
        assert_eq!(account["manage_users"], false);
        assert_eq!(created["permissions"]["dns"]["view_zones"], false);
        assert_eq!(user(&api, &key, "member").await, created);

        // Back to one team: only its flags.
        let one = set_teams(&api, &key, "member", json!([settings])).await;
        assert_eq!(one["teams"], json!([settings]));
        assert_eq!(
            one["permissions"]["account"]["manage_account_settings"],
            true
        );
        assert_eq!(one["permissions"]["account"]["manage_apikeys"], false);

        // A team's new map is its members' at once.
        ns1(&api, Method::POST, &team_path(&settings), &key)
            .json(json!({"permissions": {"dns": {"view_zones": true}}}))
            .expect(StatusCode::OK)
            .await;
        let followed = user(&api, &key, "member").await;
        assert_eq!(followed["permissions"]["dns"]["view_zones"], true);
        assert_eq!(
            followed["permissions"]["account"]["manage_account_settings"],
            false
        );

        // Out of every team: what it last held stays.
        let alone = set_teams(&api, &key, "member", json!([])).await;
        assert_eq!(alone["teams"], json!([]));
        assert_eq!(alone["permissions"], followed["permissions"]);
        assert_eq!(
            user(&api, &key, "member").await["permissions"],
            followed["permissions"]
        );
        // ...and a later team change no longer reaches it.
        ns1(&api, Method::POST, &team_path(&settings), &key)
            .json(json!({"permissions": {"monitoring": {"view_jobs": true}}}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            user(&api, &key, "member").await["permissions"],
            followed["permissions"]
        );
    }
}

#[tokio::test]
async fn a_deleted_team_leaves_its_members() {
    for api in apis().await {
        let key = on_behalf(&api);
        let zones = create_team(
            &api,
            &key,
            json!({"name": "zones", "permissions": {"dns": {"view_zones": true}}}),
        )
        .await;
        let users = create_team(
            &api,
            &key,
            json!({"name": "users", "permissions": {"account": {"manage_users": true}}}),
        )
        .await;
        create_user(&api, &key, json!({"name": "Both", "username": "both", "email": "both@example.com", "teams": [zones, users]})).await;
        create_user(&api, &key, json!({"name": "Only", "username": "only", "email": "only@example.com", "teams": [users]})).await;

        ns1(&api, Method::DELETE, &team_path(&users), &key)
            .expect(StatusCode::OK)
            .await;
        let both = user(&api, &key, "both").await;
        assert_eq!(both["teams"], json!([zones]));
        assert_eq!(both["permissions"]["dns"]["view_zones"], true);
        assert_eq!(both["permissions"]["account"]["manage_users"], false);
        // A member left without teams keeps what it held.
        let only = user(&api, &key, "only").await;
        assert_eq!(only["teams"], json!([]));
        assert_eq!(only["permissions"]["account"]["manage_users"], true);
    }
}

#[tokio::test]
async fn a_key_in_a_team_loses_what_the_team_loses() {
    for api in apis().await {
        let admin = api.key();
        let team = create_team(
            &api,
            admin,
            json!({"name": "readers", "permissions": {"dns": {"view_zones": true}}}),
        )
        .await;
        let (id, key) =
            create_key(&api, admin, json!({"name": "member-key", "teams": [team]})).await;
        let read = ns1(
            &api,
            Method::GET,
            &format!("/v1/account/apikeys/{id}"),
            admin,
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(
            (
                read["teams"].clone(),
                read["permissions"]["dns"]["view_zones"].clone()
            ),
            (json!([team]), json!(true))
        );
        ns1(&api, Method::GET, "/v1/zones", &key)
            .expect(StatusCode::OK)
            .await;

        ns1(&api, Method::POST, &team_path(&team), admin)
            .json(json!({"permissions": {"dns": {"view_zones": false}}}))
            .expect(StatusCode::OK)
            .await;
        refused(
            ns1(&api, Method::GET, "/v1/zones", &key),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;
        ns1(&api, Method::POST, &team_path(&team), admin)
            .json(json!({"permissions": {"dns": {"view_zones": true, "manage_zones": true, "zones_allow_by_default": true}}}))
            .expect(StatusCode::OK)
            .await;
        ns1(&api, Method::PUT, "/v1/zones/team-made.example", &key)
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn a_teams_ip_whitelist_extends_its_members_unless_they_are_strict() {
    for api in apis().await {
        let admin = api.key();
        let created = ns1(&api, Method::PUT, "/v1/account/teams", admin)
            .json(
                json!({"name": "office", "permissions": {"dns": {"view_zones": true}},
                         "ip_whitelist": [{"name": "office", "values": ["10.5.0.0/16"]}]}),
            )
            .expect(StatusCode::OK)
            .await;
        let team = created["id"].as_str().unwrap().to_owned();
        let lists = created["ip_whitelist"].as_array().unwrap();
        assert_eq!(lists.len(), 1);
        assert_eq!(
            (lists[0]["name"].as_str(), lists[0]["values"].clone()),
            (Some("office"), json!(["10.5.0.0/16"]))
        );
        assert!(is_short_id(&lists[0]["id"]), "{created}");

        let (_, loose) = create_key(
            &api,
            admin,
            json!({"name": "loose", "teams": [team], "ip_whitelist": ["10.1.2.3"]}),
        )
        .await;
        let (_, strict) = create_key(
            &api,
            admin,
            json!({"name": "strict", "teams": [team], "ip_whitelist": ["10.1.2.3"], "ip_whitelist_strict": true}),
        )
        .await;
        let (_, team_only) =
            create_key(&api, admin, json!({"name": "team-only", "teams": [team]})).await;
        for (key, ip, allowed) in [
            (&loose, "10.1.2.3", true),
            (&loose, "10.5.1.1", true),
            (&loose, "10.9.9.9", false),
            (&strict, "10.1.2.3", true),
            (&strict, "10.5.1.1", false),
            (&team_only, "10.5.1.1", true),
            (&team_only, "10.9.9.9", false),
        ] {
            let (status, body) = ns1(&api, Method::GET, "/v1/zones", key)
                .client_ip(ip)
                .send()
                .await;
            let expected = if allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{ip} {body} {:?}", api.engine());
        }
        // The team's list changed: its members follow.
        ns1(&api, Method::POST, &team_path(&team), admin)
            .json(json!({"ip_whitelist": [{"name": "new office", "values": ["10.6.0.0/16"]}]}))
            .expect(StatusCode::OK)
            .await;
        ns1(&api, Method::GET, "/v1/zones", &team_only)
            .client_ip("10.6.0.1")
            .expect(StatusCode::OK)
            .await;
        ns1(&api, Method::GET, "/v1/zones", &team_only)
            .client_ip("10.5.1.1")
            .expect(StatusCode::FORBIDDEN)
            .await;
    }
}

// A caller may grant only what it holds, teams included: a key holding only `manage_teams`
// cannot raise its own team's map (and so its own permissions).
#[tokio::test]
async fn a_team_manager_cannot_raise_a_teams_map_beyond_what_it_holds() {
    for api in apis().await {
        let admin = api.key();
        let team = create_team(
            &api,
            admin,
            json!({"name": "team-admins", "permissions": {"account": {"manage_teams": true}}}),
        )
        .await;
        let (_, key) =
            create_key(&api, admin, json!({"name": "team-admin", "teams": [team]})).await;
        refused(
            ns1(&api, Method::GET, "/v1/account/users", &key),
            StatusCode::FORBIDDEN,
            "Insufficient permissions",
        )
        .await;
        // Creating a team with more than it holds is the same grant.
        let (status, created) = ns1(&api, Method::PUT, "/v1/account/teams", &key)
            .json(json!({"name": "wider", "permissions": {"account": {"manage_users": true}}}))
            .send()
            .await;
        let (raised, body) = ns1(&api, Method::POST, &team_path(&team), &key)
            .json(json!({"permissions": {"account": {"manage_teams": true, "manage_users": true, "manage_apikeys": true}}}))
            .send()
            .await;
        let (after, _) = ns1(&api, Method::GET, "/v1/account/users", &key)
            .send()
            .await;
        assert_eq!(
            (status, raised, after),
            (
                StatusCode::FORBIDDEN,
                StatusCode::FORBIDDEN,
                StatusCode::FORBIDDEN
            ),
            "{:?}: create {created}; update {body}",
            api.engine()
        );
    }
}
