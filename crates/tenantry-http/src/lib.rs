//! Tenantry's HTTP layer: the router of the Tenantry (OpusDNS-compatible) API, the auth
//! extractor, problem responses, pagination and the middleware stack. Handlers only translate
//! wire shapes and call one use case.

mod api;
mod auth_limit;
mod control_chars;
pub(crate) mod dg;
mod endpoint;
mod errors;
mod extract;
mod health;
mod idempotency;
mod middleware;
mod ns1;
mod openapi;
mod pagination;
mod problem;
mod query;
mod rate_limit;
mod serde_messages;
mod web;
mod wire;

use std::sync::Arc;

use axum::Router;
use tenantry_app::App;

pub use endpoint::{Access, Dialect, Endpoint};
pub use rate_limit::RateLimitSettings;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub(crate) auth_limiter: Arc<auth_limit::AuthFailureLimiter>,
}

/// The endpoint table: every route, the access it needs, its statuses.
pub fn endpoints() -> Vec<Endpoint> {
    api::endpoints().into_iter().map(|b| b.endpoint).collect()
}

/// The OpenAPI document served at `/v1/openapi.json`.
pub fn openapi_document() -> serde_json::Value {
    serde_json::to_value(openapi::describe(&endpoints())).expect("the document serializes")
}

/// Marks every request of `router` as one that came over TLS: the dashboard's cookies are
/// then `Secure`. For the HTTPS listener's copy of the router.
pub fn over_tls(router: Router) -> Router {
    router.layer(axum::Extension(web::OverTls))
}

/// The whole HTTP surface with its middleware and the default rate limits.
pub fn router(app: Arc<App>) -> Router {
    router_with(app, RateLimitSettings::default())
}

/// The whole HTTP surface with its middleware and these rate limits.
pub fn router_with(app: Arc<App>, rate_limits: RateLimitSettings) -> Router {
    let state = AppState {
        app,
        auth_limiter: Arc::default(),
    };
    let mut routes = Router::new();
    for bound in api::endpoints() {
        let (endpoint, handler) = bound.guarded(&state);
        routes = routes.route(endpoint.path, handler);
    }
    let routes = routes
        .merge(web::routes())
        .fallback(problem::not_found_fallback)
        .method_not_allowed_fallback(problem::method_not_allowed_fallback)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(rate_limit::RequestLimiter::new(rate_limits)),
            rate_limit::limit_requests,
        ));
    // The outermost layer, so every refusal on a DomainGenius path is in its shape.
    middleware::apply(routes).layer(axum::middleware::from_fn(dg::error::translate_errors))
}
