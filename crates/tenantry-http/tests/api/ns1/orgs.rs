//! `/v1/ops/orgs…`: organizations by `org_id`, and their deletion with the operator's TOTP.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;

use super::{
    create_key, create_team, create_user, ns1, operator, refused, refused_with_prefix, totp,
    wrong_totp,
};
use crate::support::{Api, apis, suborg};

async fn orgs(api: &Api) -> Vec<Value> {
    ns1(api, Method::GET, "/v1/ops/orgs", operator(api))
        .expect(StatusCode::OK)
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn create_org(api: &Api, name: &str) -> i64 {
    ns1(api, Method::PUT, "/v1/ops/orgs", operator(api))
        .json(json!({ "name": name }))
        .expect(StatusCode::OK)
        .await["org_id"]
        .as_i64()
        .unwrap()
}

fn delete_path(org_id: i64, token: &str) -> String {
    format!("/v1/ops/orgs/{org_id}?token={token}")
}

const TOTP_REFUSED: &str = "The token is not the operator's current TOTP code, or was used already";

/// Lets the next TOTP step begin: each step's code is accepted once.
fn next_step(api: &Api) {
    api.t.clock.advance(Duration::seconds(90));
}

#[tokio::test]
async fn organizations_are_listed_created_read_and_renamed_by_org_id() {
    for api in apis().await {
        assert_eq!(api.t.boot.org_id, 2000);
        let before = orgs(&api).await;
        let first = before
            .iter()
            .find(|o| o["org_id"] == 2000)
            .expect("the first organization");
        assert_eq!(first["name"], "Reseller");
        assert_eq!(first["id"], json!(api.t.boot.organization_id.to_string()));
        let highest = before
            .iter()
            .map(|o| o["org_id"].as_i64().unwrap())
            .max()
            .unwrap();

        let op = operator(&api);
        let created = ns1(&api, Method::PUT, "/v1/ops/orgs", op)
            .json(json!({"name": "Acme"}))
            .expect(StatusCode::OK)
            .await;
        let org_id = created["org_id"].as_i64().unwrap();
        assert_eq!(org_id, highest + 1, "{created}");
        assert_eq!(created["name"], "Acme");
        assert!(
            created["id"].as_str().unwrap().starts_with("organization_"),
            "{created}"
        );
        for field in ["ts_create", "ts_update"] {
            assert!(
                created[field].as_str().unwrap().ends_with('Z'),
                "{field}: {created}"
            );
        }
        assert_eq!(orgs(&api).await.len(), before.len() + 1);

        let path = format!("/v1/ops/orgs/{org_id}");
        assert_eq!(
            ns1(&api, Method::GET, &path, op)
                .expect(StatusCode::OK)
                .await,
            created
        );
        let renamed = ns1(&api, Method::POST, &path, op)
            .json(json!({"name": "Acme Renamed"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (renamed["org_id"].as_i64(), renamed["name"].as_str()),
            (Some(org_id), Some("Acme Renamed"))
        );
        // Without a name nothing changes.
        assert_eq!(
            ns1(&api, Method::POST, &path, op)
                .expect(StatusCode::OK)
                .await["name"],
            "Acme Renamed"
        );
        refused_with_prefix(
            ns1(&api, Method::POST, &path, op).json(json!({"name": "  "})),
            StatusCode::BAD_REQUEST,
            "invalid: name",
        )
        .await;
        refused(
            ns1(&api, Method::PUT, "/v1/ops/orgs", op).json(json!({})),
            StatusCode::BAD_REQUEST,
            "invalid: name is required",
        )
        .await;

        // A new organization has no users; the operator adds them on its behalf.
        let behalf = format!("{op}!{org_id}");
        create_user(
            &api,
            &behalf,
            json!({"name": "Acme Admin", "username": "acme-admin", "email": "admin@acme.example"}),
        )
        .await;
        let users = ns1(&api, Method::GET, "/v1/account/users", &behalf)
            .expect(StatusCode::OK)
            .await;
        let names: Vec<_> = users
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["acme-admin"]);

        for missing in ["999999", "abc"] {
            for method in [Method::GET, Method::POST] {
                refused(
                    ns1(&api, method, &format!("/v1/ops/orgs/{missing}"), op)
                        .json(json!({"name": "x"})),
                    StatusCode::NOT_FOUND,
                    "organization not found",
                )
                .await;
            }
        }
    }
}

#[tokio::test]
async fn deleting_an_organization_needs_the_callers_current_totp_code() {
    for api in apis().await {
        let secret = api.t.boot.operator_totp_secret.clone();
        let org_id = create_org(&api, "Doomed").await;
        let op = operator(&api);
        refused(
            ns1(&api, Method::DELETE, &format!("/v1/ops/orgs/{org_id}"), op),
            StatusCode::FORBIDDEN,
            TOTP_REFUSED,
        )
        .await;
        refused(
            ns1(
                &api,
                Method::DELETE,
                &delete_path(org_id, &wrong_totp(&api, &secret)),
                op,
            ),
            StatusCode::FORBIDDEN,
            TOTP_REFUSED,
        )
        .await;
        // Another operator's code is not the caller's.
        let other = ns1(&api, Method::PUT, "/v1/ops/operators", op)
            .json(json!({"user": "colleague"}))
            .expect(StatusCode::OK)
            .await;
        let other_code = totp(&api, other["two_factor_auth"]["secret"].as_str().unwrap());
        if other_code != totp(&api, &secret) {
            refused(
                ns1(&api, Method::DELETE, &delete_path(org_id, &other_code), op),
                StatusCode::FORBIDDEN,
                TOTP_REFUSED,
            )
            .await;
        }
        // A good code for an organization that does not exist is not spent.
        let code = totp(&api, &secret);
        refused(
            ns1(&api, Method::DELETE, &delete_path(999_999, &code), op),
            StatusCode::NOT_FOUND,
            "organization not found",
        )
        .await;
        assert_eq!(
            ns1(&api, Method::DELETE, &delete_path(org_id, &code), op)
                .expect(StatusCode::OK)
                .await,
            json!({})
        );
        refused(
            ns1(&api, Method::GET, &format!("/v1/ops/orgs/{org_id}"), op),
            StatusCode::NOT_FOUND,
            "organization not found",
        )
        .await;
        assert!(orgs(&api).await.iter().all(|o| o["org_id"] != org_id));

        // The same code twice: refused the second time, even for another organization.
        let spared = create_org(&api, "Spared").await;
        refused(
            ns1(&api, Method::DELETE, &delete_path(spared, &code), op),
            StatusCode::FORBIDDEN,
            TOTP_REFUSED,
        )
        .await;
        next_step(&api);
        ns1(
            &api,
            Method::DELETE,
            &delete_path(spared, &totp(&api, &secret)),
            op,
        )
        .expect(StatusCode::OK)
        .await;
    }
}

#[tokio::test]
async fn a_deleted_organization_takes_its_users_keys_teams_and_zones_with_it() {
    for api in apis().await {
        let op = operator(&api);
        let org_id = create_org(&api, "Doomed").await;
        let behalf = format!("{op}!{org_id}");
        create_user(&api, &behalf, json!({"name": "Doomed User", "username": "doomed-user", "email": "doomed@doomed.example"})).await;
        let team = create_team(&api, &behalf, json!({"name": "doomed-team"})).await;
        let (_, key) = create_key(
            &api,
            &behalf,
            json!({"name": "doomed-key", "permissions": {"dns": {"view_zones": true, "manage_zones": true, "zones_allow_by_default": true}}}),
        )
        .await;
        ns1(&api, Method::PUT, "/v1/zones/doomed.example", &key)
            .expect(StatusCode::OK)
            .await;
        ns1(&api, Method::GET, "/v1/zones", &key)
            .expect(StatusCode::OK)
            .await;
        // A suborganization made on its behalf with the Tenantry API goes too.
        let child = api
            .post("/v1/organizations", json!({"name": "Doomed Child"}))
            .key(&behalf)
            .expect(StatusCode::OK)
            .await;
        let child_key = api
            .post(
                "/v1/auth/client_credentials",
                json!({"api_key_name": "child"}),
            )
            .key(&behalf)
            .header(
                "x-organization-context",
                child["organization_id"].as_str().unwrap(),
            )
            .expect(StatusCode::OK)
            .await["api_key"]
            .as_str()
            .unwrap()
            .to_owned();
        ns1(
            &api,
            Method::PUT,
            "/v1/zones/child.doomed.example",
            &child_key,
        )
        .expect(StatusCode::OK)
        .await;

        ns1(
            &api,
            Method::DELETE,
            &delete_path(org_id, &totp(&api, &api.t.boot.operator_totp_secret)),
            op,
        )
        .expect(StatusCode::OK)
        .await;

        // Its key and the operator's suffix no longer authenticate, on either dialect.
        refused(
            ns1(&api, Method::GET, "/v1/zones", &key),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
        api.get("/v1/dns")
            .key(&key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        refused(
            ns1(&api, Method::GET, "/v1/account/users", &behalf),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
        refused(
            ns1(&api, Method::GET, "/v1/zones", &child_key),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
        assert!(
            orgs(&api)
                .await
                .iter()
                .all(|o| o["id"] != child["organization_id"])
        );
        // Its usernames and zone names are free again.
        let first = super::on_behalf(&api);
        create_user(
            &api,
            &first,
            json!({"name": "Reborn", "username": "doomed-user", "email": "doomed@doomed.example"}),
        )
        .await;
        ns1(&api, Method::PUT, "/v1/zones/doomed.example", &first)
            .expect(StatusCode::OK)
            .await;
        ns1(&api, Method::PUT, "/v1/zones/child.doomed.example", &first)
            .expect(StatusCode::OK)
            .await;
        // Its team is gone (this organization never had it either).
        refused(
            ns1(
                &api,
                Method::GET,
                &format!("/v1/account/teams/{team}"),
                &first,
            ),
            StatusCode::NOT_FOUND,
            "team not found",
        )
        .await;
    }
}

#[tokio::test]
async fn a_deleted_suborganizations_audit_trail_stays_with_its_parent() {
    for api in apis().await {
        let (sub_id, sub_key) = suborg(&api, "Child").await;
        api.post("/v1/users", json!({"username": "child-user"}))
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        let sub_org_id = orgs(&api)
            .await
            .iter()
            .find(|o| o["id"] == json!(sub_id))
            .and_then(|o| o["org_id"].as_i64())
            .expect("the suborganization is listed");

        ns1(
            &api,
            Method::DELETE,
            &delete_path(sub_org_id, &totp(&api, &api.t.boot.operator_totp_secret)),
            operator(&api),
        )
        .expect(StatusCode::OK)
        .await;
        api.get("/v1/dns")
            .key(&sub_key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        // The parent lives on.
        ns1(&api, Method::GET, "/v1/ops/orgs/2000", operator(&api))
            .expect(StatusCode::OK)
            .await;

        let trail = api
            .get("/v1/audit-logs?page_size=1000")
            .expect(StatusCode::OK)
            .await;
        let of_child: Vec<(&str, &str)> = trail["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["organization_id"] == json!(sub_id))
            .map(|e| {
                (
                    e["action"].as_str().unwrap(),
                    e["actor"]["type"].as_str().unwrap(),
                )
            })
            .collect();
        assert!(
            of_child.contains(&("user.created", "api_key")),
            "{of_child:?}"
        );
        assert!(
            of_child.contains(&("organization.deleted", "operator")),
            "{of_child:?}"
        );
    }
}
