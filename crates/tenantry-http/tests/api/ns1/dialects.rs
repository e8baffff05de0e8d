//! What NS1 and Tenantry calls share: the operator acting on an organization's behalf
//! (`<key>!<org_id>`), keys in either header, NS1's wire habits (bodies whatever their
//! `Content-Type`, `{"message": …}` errors) and the rate-limit headers on every response.

use std::num::NonZeroU32;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tenantry_http::RateLimitSettings;

use super::{create_user, ns1, on_behalf, operator, rate_limit_headers, refused, send_raw};
use crate::support::{Api, apis, other_tenant};

async fn operator_events(api: &Api, action: &str) -> Vec<Value> {
    let trail = api
        .get(&format!("/v1/audit-logs?action={action}&page_size=100"))
        .expect(StatusCode::OK)
        .await;
    trail["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"]["type"] == "operator")
        .cloned()
        .collect()
}

#[tokio::test]
async fn an_operator_acts_as_an_organizations_admin_on_both_dialects() {
    for api in apis().await {
        let behalf = on_behalf(&api);
        ns1(&api, Method::PUT, "/v1/zones/behalf.example", &behalf)
            .expect(StatusCode::OK)
            .await;
        api.post("/v1/dns", json!({"name": "behalf2.example"}))
            .key(&behalf)
            .expect(StatusCode::CREATED)
            .await;
        let listed = api.get("/v1/dns").key(&behalf).expect(StatusCode::OK).await;
        assert_eq!(listed["pagination"]["total_items"], 2, "{listed}");
        // The zones are the organization's: its own key sees them.
        let own = ns1(&api, Method::GET, "/v1/zones", api.key())
            .expect(StatusCode::OK)
            .await;
        assert_eq!(own.as_array().unwrap().len(), 2);
        create_user(
            &api,
            &behalf,
            json!({"name": "Set Up", "username": "setup", "email": "setup@example.com"}),
        )
        .await;

        // The audit trail names the operator.
        let operator_id = api.t.boot.operator_id.to_string();
        let zones = operator_events(&api, "dns_zone.created").await;
        let targets: Vec<_> = zones
            .iter()
            .map(|e| e["target"]["id"].as_str().unwrap())
            .collect();
        assert!(
            targets.contains(&"behalf.example.") && targets.contains(&"behalf2.example."),
            "{zones:?}"
        );
        assert!(
            zones.iter().all(|e| e["actor"]["id"] == json!(operator_id)),
            "{zones:?}"
        );
        let users = operator_events(&api, "user.created").await;
        assert!(
            users
                .iter()
                .any(|e| e["changes"]["username"]["after"] == "setup"),
            "{users:?}"
        );
    }
}

#[tokio::test]
async fn only_an_operator_key_takes_an_org_id_suffix() {
    for api in apis().await {
        let op = operator(&api);
        let (rival_id, _) = other_tenant(&api, "Rival").await;
        for key in [
            format!("{}!{}", api.key(), api.t.boot.org_id),
            format!("{op}!999999"),
            format!("{op}!not-a-number"),
            format!("{op}!"),
            format!("opo_forged!{}", api.t.boot.org_id),
        ] {
            refused(
                ns1(&api, Method::GET, "/v1/zones", &key),
                StatusCode::UNAUTHORIZED,
                "Authentication required",
            )
            .await;
            api.get("/v1/dns")
                .key(&key)
                .expect(StatusCode::UNAUTHORIZED)
                .await;
        }
        // The suffix picks the organization: any organization of the platform.
        let orgs = ns1(&api, Method::GET, "/v1/ops/orgs", op)
            .expect(StatusCode::OK)
            .await;
        let rival = orgs
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == json!(rival_id))
            .and_then(|o| o["org_id"].as_i64())
            .unwrap();
        let users = ns1(
            &api,
            Method::GET,
            "/v1/account/users",
            &format!("{op}!{rival}"),
        )
        .expect(StatusCode::OK)
        .await;
        let names: Vec<_> = users
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["rival-owner"]);
    }
}

#[tokio::test]
async fn keys_work_in_either_header_on_either_dialect() {
    for api in apis().await {
        ns1(&api, Method::GET, "/v1/zones", api.key())
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/zones").expect(StatusCode::OK).await;
        ns1(&api, Method::GET, "/v1/dns", api.key())
            .expect(StatusCode::OK)
            .await;
        api.call(Method::GET, "/v1/zones")
            .bearer(api.key())
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn ns1_errors_are_a_message_only() {
    for api in apis().await {
        refused(
            api.call(Method::GET, "/v1/zones").anonymous(),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
        refused(
            ns1(&api, Method::GET, "/v1/zones", "opk_bogus"),
            StatusCode::UNAUTHORIZED,
            "Authentication required",
        )
        .await;
        refused(
            ns1(&api, Method::GET, "/v1/zones/none.example", api.key()),
            StatusCode::NOT_FOUND,
            "zone not found",
        )
        .await;
        let (_, headers, _) = send_raw(
            &api.router,
            Method::GET,
            "/v1/zones/none.example",
            &[("x-nsone-key", api.key())],
            None,
        )
        .await;
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        // The Tenantry API keeps its problems.
        let problem = api
            .get("/v1/dns/none.example")
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert!(
            problem["code"].is_string() && problem.get("message").is_none(),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn bodies_are_json_whatever_the_content_type_and_empty_is_an_empty_object() {
    for api in apis().await {
        let key = api.key();
        let form = ns1(&api, Method::PUT, "/v1/account/teams", key)
            .header("content-type", "application/x-www-form-urlencoded")
            .raw(r#"{"name": "form-team"}"#)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(form["name"], "form-team");
        let (status, _, bare) = send_raw(
            &api.router,
            Method::PUT,
            "/v1/account/teams",
            &[("x-nsone-key", key)],
            Some(r#"{"name": "bare-team"}"#),
        )
        .await;
        assert_eq!(
            (status, bare["name"].as_str()),
            (StatusCode::OK, Some("bare-team")),
            "{bare}"
        );
        // No body at all: the zone comes from the path.
        let (status, _, zone) = send_raw(
            &api.router,
            Method::PUT,
            "/v1/zones/empty.example",
            &[("x-nsone-key", key)],
            None,
        )
        .await;
        assert_eq!(
            (status, zone["zone"].as_str()),
            (StatusCode::OK, Some("empty.example")),
            "{zone}"
        );
        let (status, _, zone) = send_raw(
            &api.router,
            Method::POST,
            "/v1/zones/empty.example",
            &[("x-nsone-key", key)],
            Some("  "),
        )
        .await;
        assert_eq!(
            (status, zone["zone"].as_str()),
            (StatusCode::OK, Some("empty.example")),
            "{zone}"
        );

        for (raw, message) in [
            ("{not json", "invalid json"),
            ("[1, 2]", "invalid: the body must be a JSON object"),
        ] {
            refused(
                ns1(&api, Method::PUT, "/v1/account/teams", key)
                    .header("content-type", "text/plain")
                    .raw(raw),
                StatusCode::BAD_REQUEST,
                message,
            )
            .await;
        }
    }
}

/// A request (method, path, headers, body) and the status it gets.
type Case<'a> = (
    Method,
    &'a str,
    Vec<(&'a str, &'a str)>,
    Option<&'a str>,
    StatusCode,
);

#[tokio::test]
async fn every_response_carries_integer_rate_limit_headers() {
    for api in apis().await {
        let key = api.key();
        let cases: Vec<Case> = vec![
            (
                Method::GET,
                "/v1/zones",
                vec![("x-nsone-key", key)],
                None,
                StatusCode::OK,
            ),
            (
                Method::GET,
                "/v1/zones/none.example",
                vec![("x-nsone-key", key)],
                None,
                StatusCode::NOT_FOUND,
            ),
            (
                Method::GET,
                "/v1/zones",
                vec![],
                None,
                StatusCode::UNAUTHORIZED,
            ),
            (
                Method::POST,
                "/v1/ops/bootstrap",
                vec![],
                Some(r#"{"user": "late", "password": "long enough"}"#),
                StatusCode::BAD_REQUEST,
            ),
            (
                Method::GET,
                "/v1/dns",
                vec![("x-api-key", key)],
                None,
                StatusCode::OK,
            ),
            (
                Method::GET,
                "/v1/no-such-route",
                vec![("x-api-key", key)],
                None,
                StatusCode::NOT_FOUND,
            ),
        ];
        for (method, path, headers, body, expected) in cases {
            let (status, got, _) = send_raw(&api.router, method, path, &headers, body).await;
            assert_eq!(status, expected, "{path}");
            let (limit, period, remaining, by) = rate_limit_headers(&got);
            assert!(
                limit > 0 && period > 0 && remaining < limit,
                "{path}: {got:?}"
            );
            let expected_by = if headers.is_empty() { "ip" } else { "key" };
            assert_eq!(by, expected_by, "{path}");
        }
        // (That calls spend from the bucket is seen below with a slow refill: at the default
        // 10,000 per 10 s a token comes back every millisecond.)
    }
}

#[tokio::test]
async fn past_its_limit_a_credential_is_refused_with_429_until_the_period_refills() {
    for api in apis().await {
        let settings = RateLimitSettings {
            limit: NonZeroU32::new(2).unwrap(),
            period_seconds: NonZeroU32::new(60).unwrap(),
        };
        let router = tenantry_http::router_with(api.t.app.clone(), settings);
        let key = [("x-nsone-key", api.key())];
        for remaining in [1, 0] {
            let (status, headers, _) =
                send_raw(&router, Method::GET, "/v1/zones", &key, None).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                rate_limit_headers(&headers),
                (2, 60, remaining, "key".to_owned())
            );
        }
        let (status, headers, body) = send_raw(&router, Method::GET, "/v1/zones", &key, None).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::TOO_MANY_REQUESTS,
                json!({"message": "rate limit exceeded"})
            )
        );
        assert_eq!(rate_limit_headers(&headers), (2, 60, 0, "key".to_owned()));
        let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{wait}");
        // The Tenantry API answers its own 429 problem for the same bucket.
        let (status, _, problem) = send_raw(
            &router,
            Method::GET,
            "/v1/dns",
            &[("x-api-key", api.key())],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(problem["code"], "ERROR_RATE_LIMITED");
        // A refusal made again (from the limiter's copy) is the same answer.
        let (again_status, again_headers, again) = send_raw(
            &router,
            Method::GET,
            "/v1/dns",
            &[("x-api-key", api.key())],
            None,
        )
        .await;
        assert_eq!((again_status, &again), (status, &problem));
        assert_eq!(again_headers["content-type"], "application/problem+json");
        assert!(again_headers.contains_key("retry-after"));
        assert_eq!(
            rate_limit_headers(&again_headers),
            (2, 60, 0, "key".to_owned())
        );
        // A quota says so, not "failed authentications".
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("Request quota exceeded")),
            "{problem}"
        );
        // The bucket is the credential as authentication reads it: spaces around a bearer
        // token are no way into a fresh bucket.
        let padded = format!("Bearer    {}  ", api.key());
        let (status, _, _) = send_raw(
            &router,
            Method::GET,
            "/v1/dns",
            &[("authorization", padded.as_str())],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        // Another credential has its own bucket.
        let other = [("x-nsone-key", api.t.boot.operator_api_key.as_str())];
        let (status, _, _) = send_raw(&router, Method::GET, "/v1/ops/orgs", &other, None).await;
        assert_eq!(status, StatusCode::OK);
        // Health probes are never limited, however often one address asks.
        for path in ["/healthz", "/readyz"].repeat(5) {
            let (status, headers, _) = send_raw(&router, Method::GET, path, &[], None).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(headers.get("retry-after").is_none(), "{path}");
        }
    }
}
