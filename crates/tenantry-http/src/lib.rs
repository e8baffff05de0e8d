//! Tenantry's HTTP layer: the router of the Tenantry (OpusDNS-compatible) API, the auth
//! extractor, problem responses, pagination and the middleware stack. Handlers only translate
//! wire shapes and call one use case.

mod api;
mod auth_limit;
mod extract;
mod health;
mod middleware;
mod pagination;
mod problem;
mod query;
mod wire;

use std::sync::Arc;

use axum::Router;
use tenantry_app::App;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub(crate) auth_limiter: Arc<auth_limit::AuthFailureLimiter>,
}

/// The whole HTTP surface with its middleware.
pub fn router(app: Arc<App>) -> Router {
    let state = AppState {
        app,
        auth_limiter: Arc::default(),
    };
    let routes = Router::new()
        .merge(health::routes())
        .merge(api::routes())
        .fallback(problem::not_found_fallback)
        .method_not_allowed_fallback(problem::method_not_allowed_fallback)
        .with_state(state);
    middleware::apply(routes)
}
