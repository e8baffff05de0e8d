//! Error bodies: always JSON, problem-shaped, with stable codes.

use axum::http::{Method, StatusCode};

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
