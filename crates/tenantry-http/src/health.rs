//! Liveness and readiness probes.

use axum::extract::State;
use axum::http::StatusCode;

use crate::AppState;

pub(crate) async fn healthz() -> StatusCode {
    StatusCode::OK
}

/// 200 once the database answers, 503 while it does not.
pub(crate) async fn readyz(State(state): State<AppState>) -> StatusCode {
    match state.app.ready().await {
        Ok(()) => StatusCode::OK,
        Err(err) => {
            tracing::warn!(%err, "database not ready");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
