//! The NS1-compatible dialect: `/v1/ops…` (operators), `/v1/account…` (users, teams, API
//! keys, invites) and `/v1/zones…`, called the way NS1's clients call them: `X-NSONE-Key`,
//! bodies whatever their `Content-Type`, `{"message": …}` errors.

mod account;
mod apikeys;
mod dialects;
mod invites;
mod model;
mod ops;
mod orgs;
mod records;
mod teams;
mod zone_lists;
mod zones;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tenantry_app::Clock;
use totp_rs::{Algorithm, Secret, TOTP};
use tower::ServiceExt;

use crate::support::{Api, Call};

/// A call authenticated NS1's way: `X-NSONE-Key` only (no `X-Api-Key`, which would win).
pub fn ns1<'a>(api: &'a Api, method: Method, path: &str, key: &str) -> Call<'a> {
    api.call(method, path)
        .anonymous()
        .header("x-nsone-key", key)
}

/// The bootstrap operator's bare key, for `/v1/ops/…`.
pub fn operator(api: &Api) -> &str {
    &api.t.boot.operator_api_key
}

/// The bootstrap operator acting as an admin of the first organization: `<key>!<org_id>`.
pub fn on_behalf(api: &Api) -> String {
    format!("{}!{}", api.t.boot.operator_api_key, api.t.boot.org_id)
}

/// The code a TOTP app shows now (by the app's clock) for this base32 secret.
pub fn totp(api: &Api, secret: &str) -> String {
    totp_at(api, secret, 0)
}

/// The code of the time step `offset` steps from now.
pub fn totp_at(api: &Api, secret: &str, offset: i64) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes, None, String::new());
    let now = api.t.clock.now().unix_timestamp() + offset * 30;
    totp.generate(now as u64)
}

/// A six-digit code that is none of the codes the server accepts now (previous, current
/// and next step).
pub fn wrong_totp(api: &Api, secret: &str) -> String {
    let accepted: Vec<String> = (-1..=1).map(|o| totp_at(api, secret, o)).collect();
    ["000000", "111111", "222222", "333333"]
        .into_iter()
        .find(|c| !accepted.iter().any(|a| a == c))
        .unwrap()
        .to_owned()
}

/// Sends and asserts NS1's error: this status and exactly `{"message": message}`.
pub async fn refused(call: Call<'_>, status: StatusCode, message: &str) {
    let body = call.expect(status).await;
    assert_eq!(body, json!({ "message": message }));
}

/// Sends and asserts NS1's error with a message starting so.
pub async fn refused_with_prefix(call: Call<'_>, status: StatusCode, prefix: &str) {
    let body = call.expect(status).await;
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(prefix),
        "{body} does not start {prefix:?}"
    );
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
}

/// NS1 ids are 24 hex digits.
pub fn is_short_id(id: &Value) -> bool {
    id.as_str()
        .is_some_and(|s| s.len() == 24 && s.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Every section of the permission map is there, each flag a boolean, each list a list.
pub fn assert_full_map(permissions: &Value) {
    let expected = [
        ("dns", "view_zones", "zones_allow"),
        ("data", "push_to_datafeeds", ""),
        ("account", "manage_users", ""),
        ("monitoring", "manage_jobs", ""),
        ("security", "manage_global_2fa", ""),
        ("redirects", "manage_redirects", ""),
        ("insights", "view_insights", ""),
        ("dhcp", "view_dhcp", "tags_allow"),
        ("ipam", "view_ipam", "tags_deny"),
    ];
    for (section, flag, list) in expected {
        assert!(
            permissions[section][flag].is_boolean(),
            "{section}.{flag} in {permissions}"
        );
        if !list.is_empty() {
            assert!(
                permissions[section][list].is_array(),
                "{section}.{list} in {permissions}"
            );
        }
    }
    for flag in [
        "manage_teams",
        "manage_apikeys",
        "manage_account_settings",
        "view_activity_log",
        "manage_ip_whitelist",
    ] {
        assert!(permissions["account"][flag].is_boolean(), "account.{flag}");
    }
}

/// Creates a user through NS1 with `key` and returns it.
pub async fn create_user(api: &Api, key: &str, body: Value) -> Value {
    ns1(api, Method::PUT, "/v1/account/users", key)
        .json(body)
        .expect(StatusCode::OK)
        .await
}

/// Creates a team through NS1 with `key` and returns its id.
pub async fn create_team(api: &Api, key: &str, body: Value) -> String {
    let team = ns1(api, Method::PUT, "/v1/account/teams", key)
        .json(body)
        .expect(StatusCode::OK)
        .await;
    team["id"].as_str().unwrap().to_owned()
}

/// Creates an API key through NS1 with `key`; returns (its NS1 id, its secret).
pub async fn create_key(api: &Api, key: &str, body: Value) -> (String, String) {
    let created = ns1(api, Method::PUT, "/v1/account/apikeys", key)
        .json(body)
        .expect(StatusCode::OK)
        .await;
    (
        created["id"].as_str().unwrap().to_owned(),
        created["key"].as_str().unwrap().to_owned(),
    )
}

/// A request built by hand, for what `Call` cannot send (no `Content-Type` at all) or a
/// router `Api` does not hold (an app without bootstrap, other rate limits).
pub async fn send_raw(
    router: &Router,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_owned()));
    let response = router
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| json!({"raw": String::from_utf8_lossy(&bytes)}))
    };
    (status, headers, body)
}

/// The integer rate-limit headers: (limit, period, remaining), and what the bucket is by.
pub fn rate_limit_headers(headers: &HeaderMap) -> (u64, u64, u64, String) {
    let number = |name: &str| -> u64 {
        headers
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing from {headers:?}"))
            .to_str()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("{name} is not an integer"))
    };
    let by = headers
        .get("x-ratelimit-by")
        .expect("X-RateLimit-By")
        .to_str()
        .unwrap()
        .to_owned();
    (
        number("x-ratelimit-limit"),
        number("x-ratelimit-period"),
        number("x-ratelimit-remaining"),
        by,
    )
}
