//! `/v1/users…` and `/v1/organizations/users`.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Api, apis, error_fields, other_tenant, suborg};

async fn create_user(api: &Api, body: serde_json::Value) -> String {
    api.post("/v1/users", body).expect(StatusCode::OK).await["user_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_user_made_from_a_username_alone_has_strings_and_the_organizations_locale() {
    for api in apis().await {
        let minimal = api
            .post("/v1/users", json!({"username": "only.name"}))
            .expect(StatusCode::OK)
            .await;
        let strings = |user: &serde_json::Value| {
            ["email", "first_name", "last_name", "locale"].map(|f| user[f].clone())
        };
        assert_eq!(
            strings(&minimal),
            [json!(""), json!(""), json!(""), json!("en_US")]
        );
        let me = api.get("/v1/users/me").expect(StatusCode::OK).await;
        assert!(
            strings(&me).iter().all(serde_json::Value::is_string),
            "{me}"
        );
        let org = format!("/v1/organizations/{}", api.t.boot.organization_id);
        api.patch(&org, json!({"default_locale": "de_DE"}))
            .expect(StatusCode::OK)
            .await;
        let id = create_user(&api, json!({"username": "neue.person"})).await;
        let user = format!("/v1/users/{id}");
        assert_eq!(
            api.get(&user).expect(StatusCode::OK).await["locale"],
            "de_DE"
        );
        let chosen = api
            .patch(&user, json!({"locale": "fr_FR"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(chosen["locale"], "fr_FR");
        // Clearing it gives the organization's back.
        let cleared = api
            .patch(&user, json!({"locale": null}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(cleared["locale"], "de_DE", "{:?}", api.engine());
    }
}

#[tokio::test]
async fn create_read_update_and_select_attributes() {
    for api in apis().await {
        let body = api
            .post("/v1/users", json!({
                "username": "jane.doe", "email": "jane@example.com", "first_name": "Jane",
                "last_name": "Doe", "locale": "en", "phone": "+1.2125552368", "password": "correct horse battery",
                "user_attributes": [{"key": "department", "value": "ops"}, {"key": "team", "value": 7}]
            }))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            body["organization_id"],
            json!(api.t.boot.organization_id.to_string())
        );
        assert_eq!(body["role"], "viewer");
        assert!(body.get("password").is_none() && body.get("password_hash").is_none());
        let id = body["user_id"].as_str().unwrap();
        let selected = api
            .get(&format!("/v1/users/{id}?attributes=team"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(selected["user_attributes"], json!({"team": 7}));
        let updated = api
            .patch(&format!("/v1/users/{id}"), json!({"last_name": "Smith", "locale": "de_DE", "phone": null, "user_attributes": [{"key": "team", "value": null}]}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (
                updated["last_name"].as_str(),
                updated["locale"].as_str(),
                updated["phone"].as_str()
            ),
            (Some("Smith"), Some("de_DE"), None)
        );
        assert_eq!(updated["first_name"], "Jane");
        assert_eq!(
            updated["user_attributes"],
            json!({"department": "ops"}),
            "{:?}",
            api.engine()
        );
    }
}

#[tokio::test]
async fn usernames_and_emails_are_unique_on_the_platform_ignoring_case() {
    for api in apis().await {
        create_user(
            &api,
            json!({"username": "jane.doe", "email": "jane@example.com"}),
        )
        .await;
        let (_, other_key) = other_tenant(&api, "Rival").await;
        for body in [
            json!({"username": "JANE.DOE"}),
            json!({"username": "someone", "email": "Jane@Example.com"}),
        ] {
            let err = api
                .post("/v1/users", body)
                .key(&other_key)
                .expect(StatusCode::CONFLICT)
                .await;
            assert_eq!(err["code"], "ERROR_USER_EXISTS");
            assert_eq!(err["type"], "user-already-present");
        }
        let id = create_user(&api, json!({"username": "john"})).await;
        let err = api
            .patch(&format!("/v1/users/{id}"), json!({"username": "Jane.Doe"}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(err["code"], "ERROR_USER_EXISTS", "{:?}", api.engine());
    }
}

#[tokio::test]
async fn fifty_concurrent_creates_of_one_username_give_one_success() {
    for api in apis().await {
        let calls = (0..50).map(|i| {
            let name = if i % 2 == 0 { "race.user" } else { "RACE.user" };
            api.post(
                "/v1/users",
                json!({"username": name, "email": format!("race{i}@example.com")}),
            )
            .send()
        });
        let results = futures::future::join_all(calls).await;
        let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
        let conflicts = results
            .iter()
            .filter(|(s, b)| *s == StatusCode::CONFLICT && b["code"] == "ERROR_USER_EXISTS")
            .count();
        assert_eq!((ok, conflicts), (1, 49), "{:?}", api.engine());
    }
}

#[tokio::test]
async fn me_answers_the_user_behind_the_credential() {
    for api in apis().await {
        let me = api.get("/v1/users/me").expect(StatusCode::OK).await;
        assert_eq!(me["user_id"], json!(api.t.boot.user_id.to_string()));
        assert_eq!(me["role"], "owner");
        assert_eq!(me["organization"]["parent_organization_id"], json!(null));
        assert!(
            me["permissions"]
                .as_array()
                .unwrap()
                .contains(&json!("users:manage"))
        );
        // The profile behind a cached credential follows a change at once.
        let me_path = format!("/v1/users/{}", api.t.boot.user_id);
        api.patch(&me_path, json!({"first_name": "Renamed"}))
            .expect(StatusCode::OK)
            .await;
        let me = api.get("/v1/users/me").expect(StatusCode::OK).await;
        assert_eq!(me["first_name"], "Renamed", "{:?}", api.engine());
        let (sub_id, sub_key) = suborg(&api, "Customer").await;
        // The suborganization's credential was made by the parent's owner, who is outside
        // its reach: `me` never shows them (nor anything of the parent).
        let sub_me = api
            .get("/v1/users/me")
            .key(&sub_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert!(!sub_me.to_string().contains("owner@"), "{sub_me}");
        assert!(!sub_me.to_string().contains(&api.t.boot.user_id.to_string()));
        let intro = api
            .get("/v1/auth/client_credentials/introspect")
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(intro["organization_id"], json!(sub_id));
    }
}

#[tokio::test]
async fn delete_refuses_self_owner_and_last_admin() {
    for api in apis().await {
        let me = api.t.boot.user_id.to_string();
        let err = api
            .delete(&format!("/v1/users/{me}"))
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_USER_CANNOT_DELETE_SELF");

        let (sub_id, _) = suborg(&api, "Customer").await;
        let users = api
            .get("/v1/organizations/users")
            .header("x-organization-context", &sub_id)
            .expect(StatusCode::OK)
            .await;
        let owner = users["results"][0]["user_id"].as_str().unwrap().to_owned();
        let err = api
            .delete(&format!("/v1/users/{owner}"))
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_CANNOT_DELETE_OWNER");

        // An organization created without users has admins only; the last one stays.
        let org = api
            .post("/v1/organizations", json!({"name": "NoOwner"}))
            .expect(StatusCode::OK)
            .await;
        let org_id = org["organization_id"].as_str().unwrap();
        let mk = |name: &str| {
            api.post("/v1/users", json!({"username": name, "role": "admin"}))
                .header("x-organization-context", org_id)
        };
        let a = mk("admin-a").expect(StatusCode::OK).await["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let b = mk("admin-b").expect(StatusCode::OK).await["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        api.delete(&format!("/v1/users/{a}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
        let err = api
            .delete(&format!("/v1/users/{b}"))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(
            err["code"],
            "ERROR_USER_IS_LAST_ADMIN",
            "{:?}",
            api.engine()
        );
        api.get(&format!("/v1/users/{a}"))
            .expect(StatusCode::NOT_FOUND)
            .await;
        let viewer = create_user(&api, json!({"username": "viewer-1"})).await;
        api.delete(&format!("/v1/users/{viewer}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
    }
}

#[tokio::test]
async fn list_searches_sorts_and_pages_in_the_acting_organization() {
    for api in apis().await {
        for name in ["carol", "alice", "bob"] {
            create_user(
                &api,
                json!({"username": name, "email": format!("{name}@example.com")}),
            )
            .await;
        }
        let body = api
            .get("/v1/organizations/users?sort_by=username&sort_order=asc&page_size=2")
            .expect(StatusCode::OK)
            .await;
        let names: Vec<_> = body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["alice", "bob"]);
        assert_eq!(body["pagination"]["total_items"], 4);
        assert_eq!(body["results"][0]["role"], "viewer");
        let found = api
            .get("/v1/organizations/users?search=CAROL@")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(found["results"][0]["username"], "carol");
        let (sub_id, sub_key) = suborg(&api, "Customer").await;
        let sub = api
            .get("/v1/organizations/users")
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(sub["pagination"]["total_items"], 1);
        let via_parent = api
            .get("/v1/organizations/users")
            .header("x-organization-context", &sub_id)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(via_parent["results"], sub["results"]);
        let own = api.t.boot.organization_id.to_string();
        api.get("/v1/organizations/users")
            .key(&sub_key)
            .header("x-organization-context", &own)
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}

#[tokio::test]
async fn users_of_other_tenants_are_not_found_and_roles_are_enforced() {
    for api in apis().await {
        let (_, other_key) = other_tenant(&api, "Rival").await;
        let id = create_user(&api, json!({"username": "mine"})).await;
        for call in [
            api.get(&format!("/v1/users/{id}")),
            api.patch(&format!("/v1/users/{id}"), json!({"first_name": "X"})),
            api.delete(&format!("/v1/users/{id}")),
        ] {
            let err = call.key(&other_key).expect(StatusCode::NOT_FOUND).await;
            assert_eq!(
                (err["code"].as_str(), err["user_id"].as_str()),
                (Some("ERROR_USER_NOT_FOUND"), Some(id.as_str()))
            );
        }
        let viewer_key = api
            .post("/v1/auth/client_credentials", json!({"role": "viewer"}))
            .expect(StatusCode::OK)
            .await["api_key"]
            .as_str()
            .unwrap()
            .to_owned();
        api.get(&format!("/v1/users/{id}"))
            .key(&viewer_key)
            .expect(StatusCode::OK)
            .await;
        let err = api
            .post("/v1/users", json!({"username": "nope"}))
            .key(&viewer_key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_PERMISSION_DENIED");
        api.delete(&format!("/v1/users/{id}"))
            .key(&viewer_key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        let owner = api
            .post(
                "/v1/users",
                json!({"username": "second-owner", "role": "owner"}),
            )
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(owner["code"], "ERROR_ROLE_NOT_ASSIGNABLE");
    }
}

#[tokio::test]
async fn bad_user_input_is_a_422_naming_the_field() {
    for api in apis().await {
        let body = api
            .post("/v1/users", json!({"username": "a b", "email": "nope", "locale": "english", "phone": "555", "password": "short"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        let locs = error_fields(&body);
        assert_eq!(locs, ["username", "email", "locale", "phone", "password"]);
        let wrong_type = api
            .post("/v1/users", json!({"username": 5}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(wrong_type["errors"][0]["loc"], json!(["body", "username"]));
        api.get("/v1/users/organization_01h45ytscbebyvny4gc8cr8ma2")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    }
}
