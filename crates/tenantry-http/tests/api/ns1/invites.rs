//! The operator's password reset (`/v1/ops/account/{org_id}/user/{username}/password/reset`)
//! and the public `/v1/account/invite` that redeems its token.

use axum::http::{Method, StatusCode};
use serde_json::json;
use time::Duration;

use super::{create_user, ns1, on_behalf, operator, refused, refused_with_prefix};
use crate::support::{Api, Call, apis, other_tenant};

fn reset_path(org_id: i64, username: &str) -> String {
    format!("/v1/ops/account/{org_id}/user/{username}/password/reset")
}

async fn reset(api: &Api, username: &str) -> String {
    let body = ns1(
        api,
        Method::POST,
        &reset_path(api.t.boot.org_id, username),
        operator(api),
    )
    .expect(StatusCode::OK)
    .await;
    body["invite_token"].as_str().unwrap().to_owned()
}

fn redeem<'a>(api: &'a Api, token: &str, password: &str) -> Call<'a> {
    api.call(Method::POST, "/v1/account/invite")
        .anonymous()
        .json(json!({"invite_token": token, "password": password}))
}

#[tokio::test]
async fn an_invite_token_sets_the_password_once() {
    for api in apis().await {
        create_user(&api, &on_behalf(&api), json!({"name": "Resettable", "username": "resettable", "email": "resettable@example.com"})).await;
        let token = reset(&api, "resettable").await;
        assert!(token.len() >= 20, "{token}");

        // A refused password leaves the token usable.
        refused_with_prefix(
            redeem(&api, &token, "short"),
            StatusCode::BAD_REQUEST,
            "invalid: password",
        )
        .await;
        assert_eq!(
            redeem(&api, &token, "a good long password")
                .expect(StatusCode::OK)
                .await,
            json!({})
        );
        refused(
            redeem(&api, &token, "a good long password"),
            StatusCode::BAD_REQUEST,
            "The invite token is unknown, used or expired",
        )
        .await;
        refused(
            redeem(&api, "made-up-token", "a good long password"),
            StatusCode::BAD_REQUEST,
            "The invite token is unknown, used or expired",
        )
        .await;
        refused(
            api.call(Method::POST, "/v1/account/invite")
                .anonymous()
                .json(json!({"password": "a good long password"})),
            StatusCode::BAD_REQUEST,
            "invalid: invite_token is required",
        )
        .await;
    }
}

#[tokio::test]
async fn a_newer_invite_token_replaces_the_older_and_tokens_expire_after_a_day() {
    for api in apis().await {
        create_user(
            &api,
            &on_behalf(&api),
            json!({"name": "Forgetful", "username": "forgetful", "email": "forgetful@example.com"}),
        )
        .await;
        let older = reset(&api, "FORGETFUL").await;
        let newer = reset(&api, "forgetful").await;
        refused(
            redeem(&api, &older, "a good long password"),
            StatusCode::BAD_REQUEST,
            "The invite token is unknown, used or expired",
        )
        .await;
        redeem(&api, &newer, "a good long password")
            .expect(StatusCode::OK)
            .await;

        let late = reset(&api, "forgetful").await;
        api.t
            .clock
            .advance(Duration::hours(24) + Duration::minutes(1));
        refused(
            redeem(&api, &late, "a good long password"),
            StatusCode::BAD_REQUEST,
            "The invite token is unknown, used or expired",
        )
        .await;
    }
}

#[tokio::test]
async fn a_password_reset_needs_a_known_organization_and_user() {
    for api in apis().await {
        let op = operator(&api);
        refused(
            ns1(
                &api,
                Method::POST,
                &reset_path(api.t.boot.org_id, "nobody"),
                op,
            ),
            StatusCode::NOT_FOUND,
            "Unknown user",
        )
        .await;
        for org in ["999999", "not-a-number"] {
            refused(
                ns1(
                    &api,
                    Method::POST,
                    &format!("/v1/ops/account/{org}/user/owner/password/reset"),
                    op,
                ),
                StatusCode::NOT_FOUND,
                "organization not found",
            )
            .await;
        }
        // Another organization's user is not found in this one.
        let (_, _) = other_tenant(&api, "Rival").await;
        refused(
            ns1(
                &api,
                Method::POST,
                &reset_path(api.t.boot.org_id, "rival-owner"),
                op,
            ),
            StatusCode::NOT_FOUND,
            "Unknown user",
        )
        .await;
        // Only operators reset passwords.
        refused(
            ns1(
                &api,
                Method::POST,
                &reset_path(api.t.boot.org_id, "owner"),
                api.key(),
            ),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
    }
}
