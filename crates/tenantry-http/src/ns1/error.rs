//! NS1's error body, `{"message": "…"}`. The status and the exact texts its clients match on
//! (`zone not found`, `Unknown user`, …) come from the error registry (`errors.rs`); the
//! messages NS1's own request parsing gives are made here.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tenantry_app::{AppError, NotFoundKind};

use crate::errors::{Ns1Text, entry, retry_after};

use crate::problem::{ApiError, REQUEST_ID};

#[derive(Debug)]
pub(crate) enum Ns1Error {
    App(AppError),
    Message(StatusCode, String),
}

impl From<AppError> for Ns1Error {
    fn from(err: AppError) -> Self {
        Ns1Error::App(err)
    }
}

impl From<ApiError> for Ns1Error {
    fn from(err: ApiError) -> Self {
        Ns1Error::App(err.0)
    }
}

impl Ns1Error {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Ns1Error::Message(StatusCode::BAD_REQUEST, message.into())
    }

    /// NS1's `GET` of a missing user says "not found" (the Terraform provider looks for it);
    /// its other calls say "Unknown user".
    pub fn user_lookup(err: AppError) -> Self {
        match err {
            AppError::NotFound {
                kind: NotFoundKind::User,
                ..
            } => Ns1Error::Message(StatusCode::NOT_FOUND, "user not found".into()),
            other => Ns1Error::App(other),
        }
    }
}

/// The status and message of an application error in NS1's terms: the registry's status and
/// text, or the error's own words.
pub(crate) fn ns1_message(err: &AppError) -> (StatusCode, String) {
    let entry = entry(err);
    let message = match (entry.ns1_text, err) {
        (Ns1Text::Fixed(text), _) => text.to_owned(),
        (Ns1Text::Described, AppError::Invalid(fields)) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.loc.last().cloned().unwrap_or_default(), f.msg))
                .collect();
            format!("invalid: {}", fields.join("; "))
        }
        (Ns1Text::Described, AppError::ZoneInvalid { errors, .. }) => format!("invalid: {errors}"),
        (Ns1Text::Described, AppError::Internal(_)) => format!(
            "internal error (request id {})",
            REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
        ),
        (Ns1Text::Described, other) => other.to_string(),
    };
    (entry.ns1_status, message)
}

impl IntoResponse for Ns1Error {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            Ns1Error::App(err) => {
                if let AppError::Internal(detail) = err {
                    tracing::error!(%detail, "internal error");
                }
                ns1_message(err)
            }
            Ns1Error::Message(status, message) => (*status, message.clone()),
        };
        let mut response = (status, Json(json!({ "message": message }))).into_response();
        if let Some(seconds) = match &self {
            Ns1Error::App(err) => retry_after(err),
            Ns1Error::Message(..) => None,
        } {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
