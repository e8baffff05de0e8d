//! `/v1/auth/client_credentials…`.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{apis, other_tenant, suborg};

#[tokio::test]
async fn create_shows_the_secrets_once_in_the_documented_format() {
    for api in apis().await {
        let body = api
            .post("/v1/auth/client_credentials", json!({"api_key_name": "ci-deploy", "api_key_description": "CI", "expires_at": "2099-01-01T00:00:00Z", "role": "dns_manager"}))
            .expect(StatusCode::OK)
            .await;
        let key = body["api_key"].as_str().unwrap();
        let parts: Vec<usize> = key.split('_').map(str::len).collect();
        assert_eq!(parts, [3, 26, 30, 6], "{key}");
        assert!(key.starts_with("opk_"));
        assert_eq!(
            body["client_id"],
            json!(api.t.boot.organization_id.to_string())
        );
        assert!(body["client_secret"].as_str().unwrap().len() >= 30);
        assert_eq!(
            (
                body["role"].as_str(),
                body["status"].as_str(),
                body["expires_at"].as_str()
            ),
            (
                Some("dns_manager"),
                Some("active"),
                Some("2099-01-01T00:00:00Z")
            )
        );
        let id = body["api_key_id"].as_str().unwrap();
        assert_eq!(&key[4..30], &id["api_key_".len()..]);

        let intro = api
            .get("/v1/auth/client_credentials/introspect")
            .key(key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(intro["api_key_id"], json!(id));
        assert!(intro.get("api_key").is_none() && intro.get("client_secret").is_none());
        let list = api
            .get("/v1/auth/client_credentials?status=active")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(list["pagination"]["total_items"], 2, "{:?}", api.engine());
        assert!(list.to_string().find(key).is_none());
    }
}

#[tokio::test]
async fn a_revoked_key_stops_working_at_once() {
    for api in apis().await {
        let body = api
            .post("/v1/auth/client_credentials", json!({}))
            .expect(StatusCode::OK)
            .await;
        let (key, id) = (
            body["api_key"].as_str().unwrap(),
            body["api_key_id"].as_str().unwrap(),
        );
        api.get("/v1/users/me")
            .key(key)
            .expect(StatusCode::OK)
            .await;
        api.delete(&format!("/v1/auth/client_credentials/{id}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
        let err = api
            .get("/v1/users/me")
            .key(key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        assert_eq!(err["code"], "ERROR_AUTHENTICATION");
        let revoked = api
            .get("/v1/auth/client_credentials?status=revoked")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(revoked["results"][0]["status"], "revoked");
        assert!(revoked["results"][0]["deleted_on"].is_string());
    }
}

#[tokio::test]
async fn missing_malformed_unknown_and_expired_credentials_are_401() {
    for api in apis().await {
        let reference = api
            .get("/v1/users/me")
            .anonymous()
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        assert_eq!(reference["type"], "authentication");
        let key = api.key().to_owned();
        // One character changed (to another one: a random key may hold the `X` already).
        let swapped = if &key[40..41] == "X" { "Y" } else { "X" };
        let tampered = format!("{}{swapped}{}", &key[..40], &key[41..]);
        let unknown = "opk_01h45ytscbebyvny4gc8cr8ma2_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_000000";
        for bad in ["garbage", tampered.as_str(), unknown] {
            api.get("/v1/users/me")
                .key(bad)
                .expect(StatusCode::UNAUTHORIZED)
                .await;
        }
        let past = api
            .post(
                "/v1/auth/client_credentials",
                json!({"expires_at": "2000-01-01T00:00:00Z"}),
            )
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(past["errors"][0]["loc"], json!(["body", "expires_at"]));
        // The server's clock, moved forward rather than waited for, so a slow machine cannot
        // turn "a minute from now" into the past before the request is served.
        let soon = (tenantry_app::Clock::now(&*api.t.clock) + time::Duration::minutes(1))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let short = api
            .post("/v1/auth/client_credentials", json!({"expires_at": soon}))
            .expect(StatusCode::OK)
            .await;
        let short_key = short["api_key"].as_str().unwrap();
        api.t.clock.advance(time::Duration::minutes(2));
        api.get("/v1/users/me")
            .key(short_key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        let bearer = api
            .get("/v1/users/me")
            .anonymous()
            .header("authorization", &format!("Bearer {key}"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(bearer["username"], "owner");
    }
}

#[tokio::test]
async fn a_credential_cannot_exceed_its_creator_and_reaches_suborgs_by_context() {
    for api in apis().await {
        let viewer = api
            .post("/v1/auth/client_credentials", json!({"role": "viewer"}))
            .expect(StatusCode::OK)
            .await;
        let viewer_key = viewer["api_key"].as_str().unwrap();
        api.post("/v1/auth/client_credentials", json!({"role": "viewer"}))
            .key(viewer_key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        let (sub_id, sub_key) = suborg(&api, "Customer").await;
        let sub_list = api
            .get("/v1/auth/client_credentials")
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(sub_list["results"][0]["organization_id"], json!(sub_id));
        let (_, other_key) = other_tenant(&api, "Rival").await;
        let err = api
            .get("/v1/auth/client_credentials")
            .key(&other_key)
            .header("x-organization-context", &sub_id)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_ORGANIZATION_NOT_FOUND");
        let id = sub_list["results"][0]["api_key_id"].as_str().unwrap();
        let err = api
            .delete(&format!("/v1/auth/client_credentials/{id}"))
            .key(&other_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(
            (err["code"].as_str(), err["credential_id"].as_str()),
            (Some("ERROR_ORGANIZATION_CREDENTIAL_NOT_FOUND"), Some(id))
        );
        api.get("/v1/auth/client_credentials/introspect")
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        let bad = api
            .get("/v1/auth/client_credentials")
            .header("x-organization-context", "nope")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(
            bad["errors"][0]["loc"],
            json!(["header", "X-Organization-Context"])
        );
    }
}

#[tokio::test]
async fn last_used_on_is_recorded() {
    for api in apis().await {
        api.get("/v1/users/me").expect(StatusCode::OK).await;
        // The write happens beside the request; give it a moment.
        let mut seen = false;
        for _ in 0..50 {
            let intro = api
                .get("/v1/auth/client_credentials/introspect")
                .expect(StatusCode::OK)
                .await;
            if intro["last_used_on"].is_string() {
                seen = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(seen, "{:?}", api.engine());
    }
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_rate_limited() {
    for api in apis().await {
        let bad_key = "opk_01h45ytscbebyvny4gc8cr8ma2_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_000000";
        let mut limited_after = None;
        for attempt in 1..=40 {
            let (status, headers, body) = api
                .get("/v1/users/me")
                .key(bad_key)
                .client_ip("10.0.0.1")
                .send_with_headers()
                .await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                assert_eq!(body["code"], "ERROR_RATE_LIMITED");
                let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
                assert!((1..=3).contains(&retry), "{retry}");
                limited_after = Some(attempt);
                break;
            }
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(limited_after, Some(21), "{:?}", api.engine());
        // While blocked, the address's failures answer 429, but a valid key from it still
        // works: behind a NAT every tenant shares the address. Others are not slowed.
        api.get("/v1/users/me")
            .key(bad_key)
            .client_ip("10.0.0.1")
            .expect(StatusCode::TOO_MANY_REQUESTS)
            .await;
        api.get("/v1/users/me")
            .client_ip("10.0.0.1")
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/users/me")
            .client_ip("10.0.0.2")
            .expect(StatusCode::OK)
            .await;

        // The token grant counts its failures the same way.
        let org = api.t.boot.organization_id.to_string();
        let grant = |ip: &'static str| {
            api.call(axum::http::Method::POST, "/v1/auth/token")
                .anonymous()
                .client_ip(ip)
                .json(json!({"grant_type": "client_credentials", "client_id": org, "client_secret": "wrong"}))
        };
        for _ in 0..20 {
            grant("10.0.0.3").expect(StatusCode::UNAUTHORIZED).await;
        }
        grant("10.0.0.3")
            .expect(StatusCode::TOO_MANY_REQUESTS)
            .await;
        grant("10.0.0.4").expect(StatusCode::UNAUTHORIZED).await;
    }
}
