//! Error bodies: always JSON, problem-shaped, with stable codes.

use axum::http::{Method, StatusCode};

use serde_json::json;

use crate::support::apis;

#[tokio::test]
async fn unknown_routes_methods_and_bodies_answer_json_problems() {
    for api in apis().await {
        let body = api
            .get("/v1/nothing-here")
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(body["code"], "ERROR_NOT_FOUND");
        let body = api
            .call(Method::PUT, "/v1/users/me")
            .expect(StatusCode::METHOD_NOT_ALLOWED)
            .await;
        assert_eq!(body["code"], "ERROR_METHOD_NOT_ALLOWED");
        let body = api
            .call(Method::POST, "/v1/users")
            .raw("{not json")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(body["errors"][0]["type"], "json_invalid");
        let body = api
            .call(Method::POST, "/v1/users")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(body["type"], "request-validation-failed");
        api.get("/healthz").anonymous().expect(StatusCode::OK).await;
        api.get("/readyz").anonymous().expect(StatusCode::OK).await;
    }
}

#[tokio::test]
async fn a_mistyped_body_is_described_in_json_words_never_in_rust_types() {
    for api in apis().await {
        for (body, expected) in [
            (json!(null), "expected an object"),
            (json!({"username": 7}), "expected a string"),
            (json!({"username": "typed", "user_attributes": 3}), "shapes"),
        ] {
            let err = api
                .post("/v1/users", body.clone())
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            let message = err["errors"][0]["msg"].as_str().unwrap_or_default();
            assert!(message.ends_with(expected), "{body} → {err}");
            let text = err.to_string();
            for rust in ["struct", "Body", "u32", "Option", "Vec"] {
                assert!(!text.contains(rust), "{body} → {err}");
            }
        }
    }
}

#[tokio::test]
async fn control_characters_in_any_text_are_a_422_naming_the_field() {
    for api in apis().await {
        let err = api
            .post(
                "/v1/users",
                json!({"username": "nul-user", "first_name": "A\u{0}B"}),
            )
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(
            err["errors"][0]["loc"],
            json!(["body", "first_name"]),
            "{err}"
        );
        assert_eq!(err["errors"][0]["type"], "string_control_character");
        let err = api
            .post(
                "/v1/organizations",
                json!({"name": "Fine", "users": [{"username": "ok-user"}, {"username": "esc\u{1b}"}]}),
            )
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(
            err["errors"][0]["loc"],
            json!(["body", "users", "1", "username"])
        );
        let err = api
            .get("/v1/organizations/users?search=a%00b")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["query", "search"]));
        // Nothing was written, on either engine.
        let found = api
            .get("/v1/organizations/users?search=nul-user")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(found["pagination"]["total_items"], 0);
        // NS1's bodies are held to the same rule.
        let (status, body) = api
            .call(axum::http::Method::PUT, "/v1/account/apikeys")
            .header("x-nsone-key", &api.t.boot.api_key)
            .json(json!({"name": "key\u{0}name"}))
            .send()
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("name must not contain control characters")),
            "{body}"
        );
        // Tabs and line breaks are text.
        api.post(
            "/v1/users",
            json!({"username": "tab-user", "first_name": "A\tB"}),
        )
        .expect(StatusCode::OK)
        .await;
    }
}

#[tokio::test]
async fn an_operator_key_on_an_organization_route_is_told_how_to_act_on_behalf() {
    for api in apis().await {
        let operator = api.t.boot.operator_api_key.clone();
        let err = api
            .get("/v1/users/me")
            .key(&operator)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        assert_eq!(err["code"], "ERROR_AUTHENTICATION", "{err}");
        assert!(err.to_string().contains("KEY!org_id"), "{err}");
        assert!(!err.to_string().contains(&operator));
        // As it says: on behalf of the organization numbered 2000.
        api.get("/v1/organizations")
            .key(&format!("{operator}!2000"))
            .expect(StatusCode::OK)
            .await;
    }
}
