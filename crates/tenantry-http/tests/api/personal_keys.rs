//! Personal API keys (`/api/v1/keys`): made by a person signed in with a password, shown
//! once, acting as the person wherever they belong, revoked at once.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::sign_in::{PASSWORD, person, sign_in_with};
use crate::support::{Api, apis};

async fn session_of(api: &Api, login: &str) -> String {
    sign_in_with(api, login, PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_personal_key_acts_as_its_person_everywhere_until_revoked() {
    for api in apis().await {
        person(&api, "keyholder", "member").await;
        let session = session_of(&api, "keyholder").await;
        let made = api
            .post("/api/v1/keys", json!({"name": "ci", "expires_in_days": 30}))
            .bearer(&session)
            .expect(StatusCode::CREATED)
            .await;
        let secret = made["key_secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("tpk_"));
        assert!(made["expires_on"].is_string());
        let forever = api
            .post("/api/v1/keys", json!({"name": "laptop"}))
            .bearer(&session)
            .expect(StatusCode::CREATED)
            .await;
        assert!(forever["expires_on"].is_null());

        // As the person: their home organization with their role, and founding one (the
        // seed's `Authorization: Bearer $DG_KEY`), which the key then reaches too.
        let orgs = api
            .get("/api/v1/orgs")
            .bearer(&secret)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(orgs["orgs"][0]["role"], "member");
        api.post("/api/v1/orgs", json!({"name": "Keyed", "slug": "keyed"}))
            .bearer(&secret)
            .expect(StatusCode::CREATED)
            .await;
        let keyed = api
            .get("/api/v1/orgs/keyed")
            .bearer(&secret)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(keyed["role"], "owner");
        // A member of its home organization changes nothing there, key or not.
        api.patch(
            &format!("/api/v1/orgs/{}", api.t.boot.organization_id),
            json!({"name": "Taken over"}),
        )
        .bearer(&secret)
        .expect(StatusCode::FORBIDDEN)
        .await;

        // Keys are managed signed in: a key makes no keys and lists none.
        let refused = api
            .post("/api/v1/keys", json!({"name": "more"}))
            .bearer(&secret)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_NOT_A_SESSION");
        let list = api
            .get("/api/v1/keys")
            .bearer(&session)
            .expect(StatusCode::OK)
            .await;
        let names: Vec<_> = list["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["laptop", "ci"]);
        assert!(
            !list.to_string().contains(&secret),
            "the secret is shown once"
        );

        // A password change ends other sign-ins, not keys.
        api.call(Method::PUT, "/v1/users/me/password")
            .bearer(&session)
            .json(json!({"current_password": PASSWORD, "new_password": "a-brand-new-phrase-61"}))
            .expect(StatusCode::NO_CONTENT)
            .await;
        api.get("/api/v1/orgs")
            .bearer(&secret)
            .expect(StatusCode::OK)
            .await;

        // Revoked: refused at once; another person's key, or a revoked one, is not found.
        let session =
            sign_in_with(&api, "keyholder", "a-brand-new-phrase-61").await["access_token"]
                .as_str()
                .unwrap()
                .to_owned();
        let id = made["key_oid"].as_str().unwrap();
        person(&api, "other-keyholder", "member").await;
        let other = session_of(&api, "other-keyholder").await;
        let refused = api
            .delete(&format!("/api/v1/keys/{id}"))
            .bearer(&other)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_PERSONAL_KEY_NOT_FOUND");
        api.delete(&format!("/api/v1/keys/{id}"))
            .bearer(&session)
            .expect(StatusCode::NO_CONTENT)
            .await;
        api.get("/api/v1/orgs")
            .bearer(&secret)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        api.delete(&format!("/api/v1/keys/{id}"))
            .bearer(&session)
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}

#[tokio::test]
async fn key_expiries_are_bounded_and_keys_expire() {
    for api in apis().await {
        person(&api, "expiring", "member").await;
        let session = session_of(&api, "expiring").await;
        for days in [0, 3651, -1] {
            let refused = api
                .post(
                    "/api/v1/keys",
                    json!({"name": "x", "expires_in_days": days}),
                )
                .bearer(&session)
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(
                refused["error"]["fields"][0]["field"],
                "body.expires_in_days"
            );
        }
        let refused = api
            .post("/api/v1/keys", json!({}))
            .bearer(&session)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(refused["error"]["fields"][0]["field"], "body.name");
        let made = api
            .post(
                "/api/v1/keys",
                json!({"name": "short", "expires_in_days": 1}),
            )
            .bearer(&session)
            .expect(StatusCode::CREATED)
            .await;
        let secret = made["key_secret"].as_str().unwrap().to_owned();
        api.get("/api/v1/orgs")
            .bearer(&secret)
            .expect(StatusCode::OK)
            .await;
        api.t
            .clock
            .advance(time::Duration::days(1) + time::Duration::seconds(1));
        api.get("/api/v1/orgs")
            .bearer(&secret)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
    }
}

#[tokio::test]
async fn a_key_is_no_sign_in_and_ends_with_a_deactivation_or_a_password_set_by_another() {
    for api in apis().await {
        let make_key = |session: String| {
            let api = &api;
            async move {
                api.post("/api/v1/keys", json!({"name": "ci", "expires_in_days": 30}))
                    .bearer(&session)
                    .expect(StatusCode::CREATED)
                    .await["key_secret"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        };
        let id = person(&api, "paused.person", "viewer").await;
        let key = make_key(session_of(&api, "paused.person").await).await;
        // A key acts as its person, but does not manage their sign-ins.
        let refused = api
            .get("/v1/users/me/sessions")
            .bearer(&key)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(refused["code"], "ERROR_NOT_A_SESSION", "{refused}");

        // Deactivated, then active again: the key made before does not come back.
        for status in ["inactive", "active"] {
            api.patch(&format!("/v1/users/{id}"), json!({"status": status}))
                .expect(StatusCode::OK)
                .await;
        }
        api.get("/api/v1/orgs")
            .bearer(&key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;

        // A password someone else sets ends the keys too.
        let key = make_key(session_of(&api, "paused.person").await).await;
        api.get("/api/v1/orgs")
            .bearer(&key)
            .expect(StatusCode::OK)
            .await;
        api.patch(
            &format!("/v1/users/{id}"),
            json!({"password": "set-by-the-admin-93"}),
        )
        .expect(StatusCode::OK)
        .await;
        api.get("/api/v1/orgs")
            .bearer(&key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
    }
}
