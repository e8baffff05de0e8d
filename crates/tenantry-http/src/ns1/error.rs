//! NS1's error body, `{"message": "…"}`, with the exact texts its clients match on
//! (`zone not found`, `record already exists`, `Unknown user`, …). Statuses follow NS1: 400
//! for anything refused (its clients tell duplicates apart by the message, never by a 409),
//! 401, 403, 404, 429.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tenantry_app::{AppError, Code, NotFoundKind};

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

fn not_found_message(kind: NotFoundKind) -> &'static str {
    match kind {
        NotFoundKind::Zone => "zone not found",
        NotFoundKind::Record => "record not found",
        NotFoundKind::User => "Unknown user",
        NotFoundKind::Team => "team not found",
        NotFoundKind::Credential => "api key not found",
        NotFoundKind::Organization => "organization not found",
        NotFoundKind::Operator => "operator not found",
        NotFoundKind::Role => "role not found",
        NotFoundKind::IpRestriction => "whitelist not found",
        NotFoundKind::Transaction => "transaction not found",
        NotFoundKind::Plan => "plan not found",
        NotFoundKind::Session => "session not found",
        NotFoundKind::Membership => "membership not found",
    }
}

/// The status and message of an application error in NS1's terms.
pub(crate) fn ns1_message(err: &AppError) -> (StatusCode, String) {
    match err {
        AppError::NotFound { kind, .. } => {
            (StatusCode::NOT_FOUND, not_found_message(*kind).to_owned())
        }
        AppError::AlreadyExists(Code::ZoneExists, _) => {
            (StatusCode::BAD_REQUEST, "zone already exists".into())
        }
        AppError::Invalid(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.loc.last().cloned().unwrap_or_default(), f.msg))
                .collect();
            (
                StatusCode::BAD_REQUEST,
                format!("invalid: {}", fields.join("; ")),
            )
        }
        AppError::Unauthenticated(..) => {
            (StatusCode::UNAUTHORIZED, "Authentication required".into())
        }
        AppError::Forbidden(Code::PermissionDenied, _) => {
            (StatusCode::FORBIDDEN, "Insufficient permissions".into())
        }
        AppError::Forbidden(_, message) => (StatusCode::FORBIDDEN, message.clone()),
        AppError::IpNotAllowed(_) | AppError::OrganizationInactive(_) => {
            (StatusCode::FORBIDDEN, err.to_string())
        }
        AppError::RateLimited(..) => (StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded".into()),
        AppError::InsufficientFunds { .. } => (StatusCode::PAYMENT_REQUIRED, err.to_string()),
        AppError::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "internal error (request id {})",
                REQUEST_ID.try_with(Clone::clone).unwrap_or_default()
            ),
        ),
        AppError::ZoneInvalid { errors, .. } => {
            (StatusCode::BAD_REQUEST, format!("invalid: {errors}"))
        }
        AppError::AlreadyExists(_, message)
        | AppError::Unprocessable(_, message)
        | AppError::Conflict(_, message)
        | AppError::BadRequest(_, message) => (StatusCode::BAD_REQUEST, message.clone()),
        AppError::RoleConflict { detail, .. } => (StatusCode::BAD_REQUEST, detail.clone()),
        AppError::DnsProtected { .. } | AppError::IndependentBillingAttributesInvalid { .. } => {
            (StatusCode::BAD_REQUEST, err.to_string())
        }
    }
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
        if let Ns1Error::App(AppError::RateLimited(seconds, _)) = self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
