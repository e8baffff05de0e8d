//! `POST /v1/auth/client_credentials/{id}/rotate`: new secrets, the old ones kept for a chosen
//! overlap (none for a leak).

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::Duration;

use crate::support::{Api, apis, error_fields, other_tenant};

const CREDENTIALS: &str = "/v1/auth/client_credentials";

async fn issue(api: &Api, body: Value) -> Value {
    api.post(CREDENTIALS, body).expect(StatusCode::OK).await
}

fn rotate_path(credential: &Value) -> String {
    format!(
        "{CREDENTIALS}/{}/rotate",
        credential["api_key_id"].as_str().unwrap()
    )
}

async fn token_for(api: &Api, credential: &Value) -> String {
    api.post("/v1/auth/token", json!({"grant_type": "client_credentials", "client_id": credential["client_id"], "client_secret": credential["client_secret"]}))
        .anonymous()
        .expect(StatusCode::OK)
        .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn with_an_overlap_both_secrets_work_until_the_old_one_ends() {
    for api in apis().await {
        let old = issue(
            &api,
            json!({"api_key_name": "ci", "api_key_description": "deploys", "role": "viewer"}),
        )
        .await;
        let old_token = token_for(&api, &old).await;
        let new = api
            .post(&rotate_path(&old), json!({"overlap_seconds": 3600}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(new["rotated_from"], old["api_key_id"], "{:?}", api.engine());
        assert_ne!(new["api_key"], old["api_key"]);
        assert_ne!(new["client_secret"], old["client_secret"]);
        for field in ["api_key_name", "api_key_description", "role", "client_id"] {
            assert_eq!(new[field], old[field], "{field}");
        }
        let old_key = old["api_key"].as_str().unwrap();
        let new_key = new["api_key"].as_str().unwrap();
        let new_token = token_for(&api, &new).await;
        for key in [old_key, new_key] {
            api.get("/v1/users/me")
                .key(key)
                .expect(StatusCode::OK)
                .await;
        }
        for token in [&old_token, &new_token] {
            api.get("/v1/users/me")
                .bearer(token)
                .expect(StatusCode::OK)
                .await;
        }

        // Both are listed; the old one shows when it ends.
        let listed = api
            .get(&format!("{CREDENTIALS}?status=active"))
            .expect(StatusCode::OK)
            .await;
        let find = |id: &Value| {
            listed["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| &c["api_key_id"] == id)
                .cloned()
                .unwrap()
        };
        assert!(find(&old["api_key_id"])["expires_at"].is_string());
        assert_eq!(find(&new["api_key_id"])["rotated_from"], old["api_key_id"]);
        assert!(find(&new["api_key_id"])["expires_at"].is_null());

        // Past the overlap only the new secret works, and the old one reads as expired.
        api.t.clock.advance(Duration::seconds(3601));
        api.get("/v1/users/me")
            .key(old_key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        api.get("/v1/users/me")
            .key(new_key)
            .expect(StatusCode::OK)
            .await;
        let expired = api
            .get(&format!("{CREDENTIALS}?status=expired"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(expired["results"][0]["api_key_id"], old["api_key_id"]);
    }
}

#[tokio::test]
async fn a_leaked_secret_stops_at_once_with_its_tokens() {
    for api in apis().await {
        let old = issue(&api, json!({"api_key_name": "leaked"})).await;
        let old_token = token_for(&api, &old).await;
        let new = api
            .post(&rotate_path(&old), json!({"overlap_seconds": 0}))
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/users/me")
            .key(old["api_key"].as_str().unwrap())
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        api.get("/v1/users/me")
            .bearer(&old_token)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        let grant = api
            .post("/v1/auth/token", json!({"grant_type": "client_credentials", "client_id": old["client_id"], "client_secret": old["client_secret"]}))
            .anonymous()
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        assert_eq!(
            grant["code"],
            "ERROR_INVALID_ORGANIZATION_CREDENTIALS",
            "{:?}",
            api.engine()
        );
        api.get("/v1/users/me")
            .key(new["api_key"].as_str().unwrap())
            .expect(StatusCode::OK)
            .await;

        let log = api
            .get("/v1/audit-logs?action=api_key.rotated")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(log["results"][0]["target"]["id"], old["api_key_id"]);
    }
}

#[tokio::test]
async fn a_credential_is_rotated_once_while_active_and_only_within_reach() {
    for api in apis().await {
        let old = issue(&api, json!({})).await;
        let later = (api.t.app.now() + Duration::hours(2))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        api.post(&rotate_path(&old), json!({"old_expires_at": later}))
            .expect(StatusCode::OK)
            .await;
        let again = api
            .post(&rotate_path(&old), json!({"overlap_seconds": 0}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(
            again["code"],
            "ERROR_ORGANIZATION_CREDENTIAL_ALREADY_ROTATED",
            "{:?}",
            api.engine()
        );

        let revoked = issue(&api, json!({})).await;
        api.delete(&format!(
            "{CREDENTIALS}/{}",
            revoked["api_key_id"].as_str().unwrap()
        ))
        .expect(StatusCode::NO_CONTENT)
        .await;
        let err = api
            .post(&rotate_path(&revoked), json!({"overlap_seconds": 60}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(err["code"], "ERROR_ORGANIZATION_CREDENTIAL_NOT_ACTIVE");

        let (_, stranger) = other_tenant(&api, "Stranger").await;
        let fresh = issue(&api, json!({})).await;
        let err = api
            .post(&rotate_path(&fresh), json!({"overlap_seconds": 60}))
            .key(&stranger)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_ORGANIZATION_CREDENTIAL_NOT_FOUND");

        // A viewer cannot rotate, not even its own credential.
        let viewer = issue(&api, json!({"role": "viewer"})).await;
        let err = api
            .post(&rotate_path(&viewer), json!({"overlap_seconds": 60}))
            .key(viewer["api_key"].as_str().unwrap())
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_PERMISSION_DENIED");
    }
}

#[tokio::test]
async fn the_overlap_must_be_given_once_and_be_sane() {
    for api in apis().await {
        let credential = issue(&api, json!({})).await;
        let path = rotate_path(&credential);
        let past = (api.t.app.now() - Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        for (body, field) in [
            (json!({}), "overlap_seconds"),
            (
                json!({"overlap_seconds": 5, "old_expires_at": "2030-01-01T00:00:00Z"}),
                "overlap_seconds",
            ),
            (json!({"overlap_seconds": -1}), "overlap_seconds"),
            (
                json!({"overlap_seconds": 40 * 24 * 3600}),
                "overlap_seconds",
            ),
            (json!({"overlap_seconds": i64::MAX}), "overlap_seconds"),
            (
                json!({"old_expires_at": "2099-01-01T00:00:00Z"}),
                "old_expires_at",
            ),
            (json!({"old_expires_at": "soon"}), "old_expires_at"),
            (json!({"old_expires_at": past}), "old_expires_at"),
        ] {
            let err = api
                .post(&path, body.clone())
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(error_fields(&err), [field], "{body} on {:?}", api.engine());
        }
    }
}
