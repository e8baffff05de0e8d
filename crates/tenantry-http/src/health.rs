//! Liveness and readiness probes.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> StatusCode {
    StatusCode::OK
}

/// 200 once the database answers, 503 while it does not.
async fn readyz(State(state): State<AppState>) -> StatusCode {
    match state.app.ready().await {
        Ok(()) => StatusCode::OK,
        Err(err) => {
            tracing::warn!(%err, "database not ready");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
