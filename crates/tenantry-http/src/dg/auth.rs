//! `/api/v1/auth/password-reset…`: asking for a link to set a forgotten password, and setting
//! it with the link.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{ClientMeta, JsonBody};
use crate::problem::ApiError;

#[derive(ToSchema, Deserialize)]
pub(crate) struct ResetRequestBody {
    email: String,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct ResetBody {
    password: String,
}

/// Always 202: whether the address belongs to someone is not told.
pub(crate) async fn request(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    JsonBody(body): JsonBody<ResetRequestBody>,
) -> Result<StatusCode, ApiError> {
    state.app.password_reset_request(&body.email, &meta).await?;
    Ok(StatusCode::ACCEPTED)
}

pub(crate) async fn complete(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    Path(token): Path<String>,
    JsonBody(body): JsonBody<ResetBody>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .password_reset_complete(&token, &body.password, &meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
