//! PostgreSQL stopped under a running server: requests fail fast with 503 and a
//! `Retry-After` instead of hanging until the request timeout, `/readyz` says so, and the
//! server recovers by itself once PostgreSQL is back, having lost nothing acknowledged.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::ns1::send_raw;
use crate::support::Api;

/// The bound the issue sets is a second; the margin absorbs a loaded test machine while
/// still telling a fast failure from the 30-second hang it replaced.
const FAST: Duration = Duration::from_secs(3);

#[tokio::test]
async fn with_postgresql_stopped_requests_answer_503_at_once_and_recover_after() {
    let Some(cluster) = tenantry_testkit::own_cluster() else {
        return;
    };
    let t = tenantry_testkit::bootstrapped(tenantry_testkit::postgres_in(&cluster).await).await;
    let api = Api {
        router: tenantry_http::router(t.app.clone()),
        t,
    };
    let made = api
        .post("/v1/users", json!({"username": "before-outage"}))
        .expect(StatusCode::OK)
        .await;

    cluster.stop_immediately();
    for (method, path, dialect_key) in [
        (Method::GET, "/v1/organizations/users", "x-api-key"),
        (Method::GET, "/v1/zones", "x-nsone-key"),
    ] {
        let started = Instant::now();
        let (status, headers, body) =
            send_raw(&api.router, method, path, &[(dialect_key, api.key())], None).await;
        let took = started.elapsed();
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
        assert!(took < FAST, "{path} took {took:?}");
        assert!(headers.get("retry-after").is_some(), "{path}");
        if dialect_key == "x-api-key" {
            assert_eq!(body["code"], "ERROR_SERVICE_UNAVAILABLE");
        } else {
            assert_eq!(body, json!({"message": "service unavailable"}));
        }
    }
    let started = Instant::now();
    let (status, _, _) = send_raw(&api.router, Method::GET, "/readyz", &[], None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() < FAST,
        "readyz took {:?}",
        started.elapsed()
    );
    let (status, _, _) = send_raw(&api.router, Method::GET, "/healthz", &[], None).await;
    assert_eq!(status, StatusCode::OK, "the process itself is alive");

    // Back, without restarting the server: ready again, and what was acknowledged is there.
    cluster.resume();
    let deadline = Instant::now() + Duration::from_secs(30);
    while send_raw(&api.router, Method::GET, "/readyz", &[], None)
        .await
        .0
        != StatusCode::OK
    {
        assert!(Instant::now() < deadline, "the server did not recover");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let listed = api
        .get("/v1/organizations/users?search=before-outage")
        .expect(StatusCode::OK)
        .await;
    assert_eq!(listed["results"][0]["user_id"], made["user_id"]);
    api.post("/v1/users", json!({"username": "after-outage"}))
        .expect(StatusCode::OK)
        .await;
}
