//! `POST /v1/auth/token`: the client credentials grant and bearer tokens.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{Api, apis, other_tenant, suborg};

fn form<'a>(api: &'a Api, client_id: &str, secret: &str) -> crate::support::Call<'a> {
    api.call(Method::POST, "/v1/auth/token")
        .anonymous()
        .header("content-type", "application/x-www-form-urlencoded")
        .raw(&format!(
            "grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
        ))
}

#[tokio::test]
async fn a_client_secret_buys_an_hour_long_bearer_token_by_form_or_json() {
    for api in apis().await {
        let org = api.t.boot.organization_id.to_string();
        let secret = api.t.boot.client_secret.clone();
        let body = form(&api, &org, &secret).expect(StatusCode::OK).await;
        assert_eq!(
            (body["token_type"].as_str(), body["expires_in"].as_i64()),
            (Some("Bearer"), Some(3600))
        );
        let token = body["access_token"].as_str().unwrap();
        let me = api
            .get("/v1/users/me")
            .bearer(token)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(me["username"], "owner", "{:?}", api.engine());
        let json_grant = api
            .post("/v1/auth/token", json!({"grant_type": "client_credentials", "client_id": org, "client_secret": secret}))
            .anonymous()
            .expect(StatusCode::OK)
            .await;
        assert_ne!(json_grant["access_token"], body["access_token"]);
        // A token works wherever a key does, writes included.
        api.post("/v1/users", json!({"username": "by-token"}))
            .bearer(token)
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn wrong_secrets_unknown_clients_and_bad_forms_are_refused() {
    for api in apis().await {
        let org = api.t.boot.organization_id.to_string();
        let err = form(&api, &org, "not-the-secret")
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        assert_eq!(
            (err["code"].as_str(), err["type"].as_str()),
            (
                Some("ERROR_INVALID_ORGANIZATION_CREDENTIALS"),
                Some("invalid-organization-credentials")
            )
        );
        let unknown = "organization_01h45ytscbebyvny4gc8cr8ma2";
        let err = form(&api, unknown, &api.t.boot.client_secret)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(
            (err["code"].as_str(), err["organization_id"].as_str()),
            (Some("ERROR_ORGANIZATION_NOT_FOUND"), Some(unknown))
        );
        // Another organization's secret is wrong for this client id.
        let (other_org, _) = other_tenant(&api, "Rival").await;
        form(&api, &other_org, &api.t.boot.client_secret)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        let err = form(&api, "nope", "x")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["body", "client_id"]));
        let err = api
            .call(Method::POST, "/v1/auth/token")
            .anonymous()
            .header("content-type", "application/x-www-form-urlencoded")
            .raw(&format!("grant_type=implicit&client_id={org}"))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        let locs: Vec<_> = err["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["loc"][1].as_str().unwrap())
            .collect();
        assert_eq!(locs, ["grant_type"]);
        api.get("/v1/users/me")
            .anonymous()
            .header("authorization", "Bearer opt_forged")
            .expect(StatusCode::UNAUTHORIZED)
            .await;
    }
}

#[tokio::test]
async fn revoking_a_credential_revokes_its_tokens_at_once() {
    for api in apis().await {
        let (sub_id, _) = suborg(&api, "Customer").await;
        let issued = api
            .post(
                "/v1/auth/client_credentials",
                json!({"api_key_name": "oauth"}),
            )
            .header("x-organization-context", &sub_id)
            .expect(StatusCode::OK)
            .await;
        let secret = issued["client_secret"].as_str().unwrap();
        let grant = form(&api, &sub_id, secret).expect(StatusCode::OK).await;
        let token = grant["access_token"].as_str().unwrap().to_owned();
        api.get("/v1/auth/client_credentials/introspect")
            .bearer(&token)
            .expect(StatusCode::OK)
            .await;
        let id = issued["api_key_id"].as_str().unwrap();
        api.delete(&format!("/v1/auth/client_credentials/{id}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
        api.get("/v1/auth/client_credentials/introspect")
            .bearer(&token)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        form(&api, &sub_id, secret)
            .expect(StatusCode::UNAUTHORIZED)
            .await;

        // Deleting the organization ends its tokens too.
        let other = api
            .post("/v1/auth/client_credentials", json!({}))
            .header("x-organization-context", &sub_id)
            .expect(StatusCode::OK)
            .await;
        let grant = form(&api, &sub_id, other["client_secret"].as_str().unwrap())
            .expect(StatusCode::OK)
            .await;
        let token = grant["access_token"].as_str().unwrap().to_owned();
        api.get("/v1/auth/client_credentials/introspect")
            .bearer(&token)
            .expect(StatusCode::OK)
            .await;
        api.delete(&format!("/v1/organizations/{sub_id}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
        api.get("/v1/auth/client_credentials/introspect")
            .bearer(&token)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        form(&api, &sub_id, other["client_secret"].as_str().unwrap())
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}
