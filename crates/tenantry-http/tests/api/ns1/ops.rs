//! `/v1/ops/bootstrap` and `/v1/ops/operators…`, and what the ops routes accept as a key.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantry_app::{App, SecretBox};
use tenantry_testkit::TestClock;
use totp_rs::Secret;

use super::{is_short_id, ns1, on_behalf, operator, refused, refused_with_prefix, send_raw};
use crate::support::apis;

#[tokio::test]
async fn bootstrap_makes_the_first_operator_once_without_credentials() {
    for database in tenantry_testkit::engines().await {
        let app = Arc::new(App::new(
            database.db.clone(),
            Arc::new(TestClock::default()),
            SecretBox::new(&[9; 32]),
        ));
        let router = tenantry_http::router(app);
        let body = r#"{"user": "root", "name": "Root Operator", "email": "root@ops.example", "password": "correct horse"}"#;

        // Validation comes first, and a refused bootstrap leaves the platform open.
        let (status, _, err) =
            send_raw(&router, Method::POST, "/v1/ops/bootstrap", &[], Some("{}")).await;
        assert_eq!(
            (status, err),
            (
                StatusCode::BAD_REQUEST,
                json!({"message": "invalid: user is required"})
            )
        );
        let (status, _, err) = send_raw(
            &router,
            Method::POST,
            "/v1/ops/bootstrap",
            &[],
            Some(r#"{"user": "root", "password": "short"}"#),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            err["message"],
            "invalid: password: must be 8 to 256 characters long"
        );

        let (status, _, issued) =
            send_raw(&router, Method::POST, "/v1/ops/bootstrap", &[], Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{:?} {issued}", database.engine());
        assert!(is_short_id(&issued["id"]), "{issued}");
        assert_eq!(
            (
                issued["user"].as_str(),
                issued["name"].as_str(),
                issued["email"].as_str()
            ),
            (
                Some("root"),
                Some("Root Operator"),
                Some("root@ops.example")
            )
        );
        let key = issued["key"].as_str().unwrap();
        assert!(key.starts_with("opo_"), "{key}");
        assert_eq!(issued["two_factor_auth"]["type"], "totp");
        let secret = issued["two_factor_auth"]["secret"].as_str().unwrap();
        assert!(
            Secret::Encoded(secret.to_owned()).to_bytes().is_ok(),
            "base32: {secret}"
        );
        assert!(issued.get("password").is_none());

        // The key works at once.
        let (status, _, operators) = send_raw(
            &router,
            Method::GET,
            "/v1/ops/operators",
            &[("x-nsone-key", key)],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(operators.as_array().unwrap().len(), 1);
        assert_eq!(operators[0]["id"], issued["id"]);
        assert!(operators[0].get("key").is_none() && operators[0].get("two_factor_auth").is_none());

        // Once.
        let again = r#"{"user": "intruder", "password": "correct horse"}"#;
        let (status, _, err) =
            send_raw(&router, Method::POST, "/v1/ops/bootstrap", &[], Some(again)).await;
        assert_eq!(
            (status, err),
            (
                StatusCode::BAD_REQUEST,
                json!({"message": "This platform is already bootstrapped"})
            )
        );

        // Its first organization is org_id 2000.
        let (status, _, org) = send_raw(
            &router,
            Method::PUT,
            "/v1/ops/orgs",
            &[("x-nsone-key", key)],
            Some(r#"{"name": "First"}"#),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(org["org_id"], 2000);
    }
}

#[tokio::test]
async fn bootstrap_is_refused_once_the_platform_has_an_operator() {
    for api in apis().await {
        refused(
            api.call(Method::POST, "/v1/ops/bootstrap")
                .anonymous()
                .json(json!({"user": "another", "name": "Another", "password": "long enough"})),
            StatusCode::BAD_REQUEST,
            "This platform is already bootstrapped",
        )
        .await;
    }
}

#[tokio::test]
async fn operators_are_listed_added_read_changed_and_removed() {
    for api in apis().await {
        let op = operator(&api);
        let listed = ns1(&api, Method::GET, "/v1/ops/operators", op)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
        let me = listed[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(listed[0]["user"], "operator");
        assert!(listed[0].get("key").is_none());

        let added = ns1(&api, Method::PUT, "/v1/ops/operators", op)
            .json(json!({"user": "second", "name": "Second Op", "email": "second@ops.example", "password": "long enough"}))
            .expect(StatusCode::OK)
            .await;
        let second = added["id"].as_str().unwrap().to_owned();
        let second_key = added["key"].as_str().unwrap().to_owned();
        assert!(second_key.starts_with("opo_"));
        assert!(added["two_factor_auth"]["secret"].is_string());
        assert_eq!(
            ns1(&api, Method::GET, "/v1/ops/operators", &second_key)
                .expect(StatusCode::OK)
                .await
                .as_array()
                .unwrap()
                .len(),
            2
        );

        let path = format!("/v1/ops/operators/{second}");
        let read = ns1(&api, Method::GET, &path, op)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (read["user"].as_str(), read["name"].as_str()),
            (Some("second"), Some("Second Op"))
        );
        let changed = ns1(&api, Method::POST, &path, op)
            .json(json!({"name": "Renamed", "email": "renamed@ops.example"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (changed["name"].as_str(), changed["email"].as_str()),
            (Some("Renamed"), Some("renamed@ops.example"))
        );
        assert_eq!(
            ns1(&api, Method::GET, &path, op)
                .expect(StatusCode::OK)
                .await["name"],
            "Renamed"
        );

        // No name: the username. Usernames are unique ignoring case.
        let third = ns1(&api, Method::PUT, "/v1/ops/operators", op)
            .json(json!({"user": "third"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(third["name"], "third");
        refused(
            ns1(&api, Method::PUT, "/v1/ops/operators", op).json(json!({"user": "SECOND"})),
            StatusCode::BAD_REQUEST,
            "An operator with this username already exists",
        )
        .await;
        refused(
            ns1(&api, Method::PUT, "/v1/ops/operators", op).json(json!({"name": "no user"})),
            StatusCode::BAD_REQUEST,
            "invalid: user is required",
        )
        .await;
        refused_with_prefix(
            ns1(&api, Method::POST, &path, op).json(json!({"email": "not an email"})),
            StatusCode::BAD_REQUEST,
            "invalid: email",
        )
        .await;

        // Nobody removes itself; another operator goes, and its key with it.
        refused(
            ns1(&api, Method::DELETE, &format!("/v1/ops/operators/{me}"), op),
            StatusCode::BAD_REQUEST,
            "An operator cannot delete itself",
        )
        .await;
        assert_eq!(
            ns1(&api, Method::DELETE, &path, op)
                .expect(StatusCode::OK)
                .await,
            json!({})
        );
        refused(
            ns1(&api, Method::GET, "/v1/ops/operators", &second_key),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
        for method in [Method::GET, Method::POST, Method::DELETE] {
            refused(
                ns1(&api, method, &path, op).json(json!({})),
                StatusCode::NOT_FOUND,
                "operator not found",
            )
            .await;
        }
        refused(
            ns1(&api, Method::GET, "/v1/ops/operators/not-an-id", op),
            StatusCode::NOT_FOUND,
            "operator not found",
        )
        .await;
    }
}

#[tokio::test]
async fn ops_routes_take_only_a_bare_operator_key() {
    for api in apis().await {
        let behalf = on_behalf(&api);
        for key in [api.key(), behalf.as_str(), "opo_not-a-real-key", ""] {
            for path in ["/v1/ops/operators", "/v1/ops/orgs"] {
                refused(
                    ns1(&api, Method::GET, path, key),
                    StatusCode::UNAUTHORIZED,
                    "Authentication required",
                )
                .await;
            }
        }
        // The organization's key in the Tenantry header is refused too.
        refused(
            api.get("/v1/ops/orgs"),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
        refused(
            api.call(Method::GET, "/v1/ops/orgs").anonymous(),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
    }
}
