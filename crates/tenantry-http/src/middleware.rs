//! The middleware stack: request id → trace span and access log → the request's id in scope
//! and its metrics → panic guard → body limit → timeout.

use std::borrow::Cow;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::problem::{Problem, REQUEST_ID};

const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");
const BODY_LIMIT: usize = 2 * 1024 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn apply(router: Router) -> Router {
    router
        .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, REQUEST_TIMEOUT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_| Problem::internal().into_response()))
        .layer(middleware::from_fn(per_request))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req
                .headers()
                .get(REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!("request", method = %req.method(), path = %logged_path(req), request_id = %id)
        })
        // The access log: one line per request at `info`, with its status and latency, in
        // the request's span (method, path, request id). `TENANTRY_LOG=info,tower_http=warn`
        // turns it off.
        .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros)))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
}

/// What every request gets once routed, in one layer: its id in scope for the problem bodies
/// made while it runs (`REQUEST_ID`), and for `/metrics` its answer counted by method, route
/// (its template: ids and secrets never become labels) and status, and its latency by method
/// and route.
async fn per_request(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // Methods of the protocol by name, any other as one label: a client making them up
    // must not make series without end.
    let method = match *request.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |route| route.as_str().to_owned());
    let response = REQUEST_ID.scope(id, next.run(request)).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(
        "tenantry_http_requests_total",
        "method" => method,
        "route" => route.clone(),
        "status" => status,
    )
    .increment(1);
    metrics::histogram!(
        "tenantry_http_request_duration_seconds",
        "method" => method,
        "route" => route,
    )
    .record(started.elapsed().as_secs_f64());
    response
}

/// The route parameters that carry a secret: a mailed link's token (an invitation, a password
/// reset, an address confirmation, an ownership transfer).
const SECRET_PARAMETERS: &[&str] = &["{token}"];

/// A path segment at least this long, on a path no route matched, is left out of the log: a
/// mistyped link (`/reset-password/TOKEN/`) still carries its token.
const LONG_SEGMENT: usize = 20;

/// The path as the access log writes it: a route with a secret parameter as its template
/// (`/invitations/{token}`), any other route's path as sent, and a path no route matched
/// without its long segments.
fn logged_path(req: &Request) -> Cow<'_, str> {
    let path = req.uri().path();
    match req.extensions().get::<MatchedPath>() {
        Some(route) if SECRET_PARAMETERS.iter().any(|p| route.as_str().contains(p)) => {
            Cow::Borrowed(route.as_str())
        }
        Some(_) => Cow::Borrowed(path),
        None => Cow::Owned(
            path.split('/')
                .map(|segment| {
                    if segment.len() >= LONG_SEGMENT {
                        "..."
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/"),
        ),
    }
}

/// Makes the request id readable wherever a response is built (500 bodies show only it).
#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn the_access_log_writes_a_link_s_route_not_its_token() {
        // A layer where `apply` puts the access log's (`Router::layer`, after routing) reports
        // what the log would write.
        async fn report(request: axum::extract::Request, next: Next) -> Response {
            let logged = logged_path(&request).into_owned();
            let mut response = next.run(request).await;
            response
                .headers_mut()
                .insert("x-logged-path", logged.parse().unwrap());
            response
        }
        let app = apply(
            Router::new()
                .route("/invitations/{token}", get(|| async { "ok" }))
                .route("/orgs/{organization}", get(|| async { "ok" }))
                .layer(middleware::from_fn(report)),
        );
        for (sent, logged) in [
            ("/invitations/SeCrEt0123", "/invitations/{token}"),
            ("/orgs/acme", "/orgs/acme"),
            // No route: its long segments are left out, its short ones kept.
            (
                "/reset-password/SeCrEt0123456789abcdefXYZ/",
                "/reset-password/.../",
            ),
        ] {
            let request = Request::get(sent).body(Body::empty()).unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.headers()["x-logged-path"], logged, "{sent}");
        }
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_a_json_500_with_only_the_request_id() {
        async fn boom() -> &'static str {
            panic!("internal detail that must not leak")
        }
        let app = apply(Router::new().route("/boom", get(boom)));
        let request = Request::get("/boom")
            .header("x-request-id", "req-42")
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let body = to_bytes(response.into_body(), 1 << 16).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            (body["code"].as_str(), body["request_id"].as_str()),
            (Some("ERROR_INTERNAL"), Some("req-42"))
        );
        assert!(!body.to_string().contains("internal detail"));
        // The server keeps answering.
        let again = app
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
