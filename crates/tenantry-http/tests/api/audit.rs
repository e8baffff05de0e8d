//! `/v1/audit-logs`: every change leaves an event, secrets never do.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{apis, suborg};

#[tokio::test]
async fn changes_are_recorded_with_actor_target_and_redacted_secrets() {
    for api in apis().await {
        let user = api
            .post(
                "/v1/users",
                json!({"username": "audited", "password": "hunter2hunter2"}),
            )
            .header("x-request-id", "req-123")
            .expect(StatusCode::OK)
            .await;
        let user_id = user["user_id"].as_str().unwrap();
        api.patch(
            &format!("/v1/users/{user_id}"),
            json!({"first_name": "Ann", "password": "another-secret-1"}),
        )
        .expect(StatusCode::OK)
        .await;
        let issued = api
            .post("/v1/auth/client_credentials", json!({"api_key_name": "k"}))
            .expect(StatusCode::OK)
            .await;
        api.delete(&format!(
            "/v1/auth/client_credentials/{}",
            issued["api_key_id"].as_str().unwrap()
        ))
        .expect(StatusCode::NO_CONTENT)
        .await;

        let created = api
            .get(&format!(
                "/v1/audit-logs?action=user.created&target_id={user_id}"
            ))
            .expect(StatusCode::OK)
            .await;
        let event = &created["results"][0];
        assert_eq!(
            event["actor"],
            json!({"type": "api_key", "id": api.t.boot.api_key[..30].replace("opk_", "api_key_")})
        );
        assert_eq!(event["request_id"], "req-123");
        assert_eq!(
            event["changes"]["username"],
            json!({"before": null, "after": "audited"})
        );
        let updated = api
            .get(&format!(
                "/v1/audit-logs?action=user.updated&target_id={user_id}"
            ))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            updated["results"][0]["changes"]["first_name"],
            json!({"before": null, "after": "Ann"})
        );
        assert_eq!(
            updated["results"][0]["changes"]["password"]["after"],
            "[redacted]"
        );
        api.get("/v1/audit-logs?action=api_key.revoked")
            .expect(StatusCode::OK)
            .await["results"][0]["target"]["id"]
            .as_str()
            .map(|id| assert_eq!(id, issued["api_key_id"].as_str().unwrap()))
            .expect("a revocation event");

        let everything = api
            .get("/v1/audit-logs?page_size=1000")
            .expect(StatusCode::OK)
            .await
            .to_string();
        for secret in [
            "hunter2hunter2",
            "another-secret-1",
            issued["api_key"].as_str().unwrap(),
            issued["client_secret"].as_str().unwrap(),
            &api.t.boot.api_key,
        ] {
            assert!(
                !everything.contains(secret),
                "a secret reached the audit trail on {:?}",
                api.engine()
            );
        }
    }
}

#[tokio::test]
async fn a_parent_sees_its_suborgs_events_and_a_suborg_only_its_own() {
    for api in apis().await {
        let (sub_id, sub_key) = suborg(&api, "Customer").await;
        api.post("/v1/users", json!({"username": "sub-user"}))
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        let parent = api
            .get("/v1/audit-logs?action=user.created")
            .expect(StatusCode::OK)
            .await;
        assert!(
            parent["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["organization_id"] == json!(sub_id))
        );
        let own = api
            .get("/v1/audit-logs")
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        assert!(
            own["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["organization_id"] == json!(sub_id)),
            "{:?}",
            api.engine()
        );
        let only_sub = api
            .get(&format!(
                "/v1/audit-logs?organization_id={sub_id}&sort_order=asc"
            ))
            .expect(StatusCode::OK)
            .await;
        let actions: Vec<_> = only_sub["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(
            actions.contains(&"user.created") && actions.contains(&"api_key.created"),
            "{actions:?}"
        );
        let viewer = api
            .post("/v1/auth/client_credentials", json!({"role": "viewer"}))
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/audit-logs")
            .key(viewer["api_key"].as_str().unwrap())
            .expect(StatusCode::FORBIDDEN)
            .await;
        api.get("/v1/audit-logs?created_after=yesterday")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    }
}
