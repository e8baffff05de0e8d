//! Organization attributes.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{apis, suborg};

#[tokio::test]
async fn both_paths_and_both_body_shapes_upsert() {
    for api in apis().await {
        let bare = api
            .patch(
                "/v1/organizations/attributes",
                json!([{"key": "crm_id", "value": "CRM-1"}]),
            )
            .expect(StatusCode::OK)
            .await;
        assert_eq!(bare[0]["value"], "CRM-1");
        let wrapped = api.patch("/v1/organizations/attributes", json!({"attributes": [{"key": "crm_id", "value": {"n": 2}}, {"key": "tier", "value": "gold"}]})).expect(StatusCode::OK).await;
        assert_eq!(wrapped.as_array().unwrap().len(), 2);
        let own = api.t.boot.organization_id.to_string();
        let all = api
            .get(&format!("/v1/organizations/{own}/attributes"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(all.as_array().unwrap().len(), 2, "{:?}", api.engine());
        let filtered = api
            .get("/v1/organizations/attributes?keys=tier")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(filtered, json!([wrapped[1].clone()]));
        let both = api
            .get("/v1/organizations/attributes?keys=tier&keys=crm_id")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(both[0]["value"], json!({"n": 2}));
        assert!(both[0]["organization_attribute_id"].is_i64());
    }
}

#[tokio::test]
async fn private_is_hidden_from_the_suborg_and_protected_is_read_only() {
    for api in apis().await {
        let (sub_id, sub_key) = suborg(&api, "Customer").await;
        let path = format!("/v1/organizations/{sub_id}/attributes");
        api.patch(
            &path,
            json!([
                {"key": "margin", "value": 0.3, "private": true},
                {"key": "plan", "value": "pro", "protected": true},
                {"key": "note", "value": "hi"}
            ]),
        )
        .expect(StatusCode::OK)
        .await;
        let seen_by_sub = api.get(&path).key(&sub_key).expect(StatusCode::OK).await;
        let keys: Vec<_> = seen_by_sub
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["note", "plan"], "{:?}", api.engine());
        let details = api
            .get(&format!("/v1/organizations/{sub_id}"))
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        assert!(details.to_string().find("margin").is_none());
        let trail = api
            .get("/v1/audit-logs?page_size=1000")
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        assert!(
            trail.to_string().contains("[private]") && !trail.to_string().contains("0.3"),
            "{trail}"
        );
        let parent_view = api.get(&path).expect(StatusCode::OK).await;
        assert_eq!(parent_view.as_array().unwrap().len(), 3);

        for (key, caller) in [
            ("plan", api.key()),
            ("plan", sub_key.as_str()),
            ("margin", sub_key.as_str()),
        ] {
            let err = api
                .patch(&path, json!([{"key": key, "value": "x"}]))
                .key(caller)
                .expect(StatusCode::CONFLICT)
                .await;
            assert_eq!(err["code"], "ERROR_ORGANIZATION_ATTRIBUTE_PROTECTED");
        }
        api.patch(&path, json!([{"key": "note", "value": "edited"}]))
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        api.patch(
            &path,
            json!([{"key": "sneaky", "value": 1, "protected": true}]),
        )
        .key(&sub_key)
        .expect(StatusCode::FORBIDDEN)
        .await;
        let err = api
            .patch(&path, json!({"attrs": []}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["type"], "request-validation-failed");
    }
}
