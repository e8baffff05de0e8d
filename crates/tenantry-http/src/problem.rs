//! RFC 9457 problem responses: the OpusDNS body of an `AppError`, with the status and codes
//! of the error registry (`errors.rs`).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tenantry_app::{AppError, FieldError};

use crate::errors::{Entry, entry, missing, retry_after};

tokio::task_local! {
    /// The current request's id, for 500 bodies and logs.
    pub(crate) static REQUEST_ID: String;
}

/// A problem body; `extra` members sit at the top level beside the standard ones.
#[derive(Debug)]
pub(crate) struct Problem {
    status: StatusCode,
    body: Map<String, Value>,
}

impl Problem {
    fn new(
        status: StatusCode,
        kind: &str,
        title: &str,
        code: Option<&str>,
        detail: Option<String>,
    ) -> Self {
        let mut body = Map::new();
        body.insert("type".into(), kind.into());
        body.insert("title".into(), title.into());
        body.insert("status".into(), status.as_u16().into());
        if let Some(code) = code {
            body.insert("code".into(), code.into());
        }
        if let Some(detail) = detail {
            body.insert("detail".into(), detail.into());
        }
        Self { status, body }
    }

    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// What a person reads: the detail, or the title when there is none.
    pub(crate) fn words(&self) -> &str {
        self.body
            .get("detail")
            .or_else(|| self.body.get("title"))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.body.insert(key.into(), value.into());
        self
    }

    /// A 500 that shows only the request id.
    pub(crate) fn internal() -> Self {
        let request_id = REQUEST_ID.try_with(Clone::clone).unwrap_or_default();
        let entry = entry(&AppError::Internal(String::new()));
        Self::new(
            entry.status,
            entry.slug,
            entry.title,
            entry.code,
            Some(format!(
                "An internal error occurred; quote request id {request_id}"
            )),
        )
        .with("request_id", request_id)
    }

    fn validation(entry: Entry, errors: &[FieldError]) -> Self {
        let list: Vec<Value> = errors
            .iter()
            .map(|e| json!({"loc": e.loc, "msg": e.msg, "type": e.kind}))
            .collect();
        // `detail` repeats the first problem in words: some clients print only `detail`.
        let detail = errors.first().map(|first| {
            let more = match errors.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            format!("{}: {}{more}", first.loc.join("."), first.msg)
        });
        Self::new(entry.status, entry.slug, entry.title, entry.code, detail).with("errors", list)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            axum::Json(Value::Object(self.body)),
        )
            .into_response()
    }
}

/// The error type of every handler.
#[derive(Debug)]
pub(crate) struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError(err)
    }
}

/// The OpusDNS body of an application error: the registry's status and words, with the
/// detail and the members each kind of error carries.
pub(crate) fn problem_of(err: &AppError) -> Problem {
    let entry = entry(err);
    let problem = |detail: String| {
        Problem::new(
            entry.status,
            entry.slug,
            entry.title,
            entry.code,
            Some(detail),
        )
    };
    match err {
        AppError::NotFound { kind, id } => {
            let missing = missing(*kind);
            problem(missing.detail.into()).with(missing.id_member, id.as_str())
        }
        AppError::AlreadyExists(_, detail)
        | AppError::Conflict(_, detail)
        | AppError::Unprocessable(_, detail)
        | AppError::Unauthenticated(_, detail)
        | AppError::Forbidden(_, detail)
        | AppError::BadRequest(_, detail)
        | AppError::Upstream(_, detail) => problem(detail.clone()),
        AppError::DomainDeleteProhibited {
            domain_name,
            prohibiting_statuses,
        } => problem(format!(
            "{domain_name} cannot be deleted while it has {}",
            prohibiting_statuses.join(", ")
        ))
        .with("domain_name", domain_name.as_str())
        .with("prohibiting_statuses", prohibiting_statuses.clone()),
        AppError::PremiumPriceMismatch {
            expected_price,
            actual_price,
        } => problem(format!(
            "The price is {actual_price}, not the {expected_price} expected; nothing was done"
        ))
        .with("expected_price", expected_price.as_str())
        .with("actual_price", actual_price.as_str()),
        AppError::Invalid(errors) => Problem::validation(entry, errors),
        AppError::DnsProtected {
            zone_name,
            rrset_name,
            rrset_type,
            reason,
        } => problem(format!(
            "The {rrset_type} rrset {rrset_name} is managed by the server and cannot be changed"
        ))
        .with("zone_name", zone_name.as_str())
        .with("rrset_name", rrset_name.as_str())
        .with("rrset_type", rrset_type.as_str())
        .with("protected_reason", *reason),
        AppError::ZoneInvalid { zone_name, errors } => problem("Zone validation failed".into())
            .with("zone_name", zone_name.as_str())
            .with("errors", errors.clone()),
        AppError::IpNotAllowed(ip) => problem(format!(
            "Requests from {ip} are not allowed: the organization accepts its credentials \
             only from its IP restrictions"
        ))
        .with("client_ip", ip.to_string()),
        AppError::IndependentBillingAttributesInvalid { invalid_fields } => problem(format!(
            "Independent billing requires: {}",
            invalid_fields.join(", ")
        ))
        .with("invalid_fields", invalid_fields.clone()),
        AppError::InsufficientFunds {
            balance,
            price,
            available,
            currency,
        } => problem(format!(
            "The paying account cannot cover {price} {cur}: {available} {cur} available \
             (balance {balance} {cur}); the operation was not performed",
            cur = currency.as_str()
        ))
        .with("balance", balance.to_string())
        .with("price", price.to_string())
        .with("available", available.to_string())
        .with("currency", currency.as_str()),
        AppError::OrganizationInactive(org) => problem(
            "The organization is inactive: changes are refused until it is active again".into(),
        )
        .with("organization_id", org.to_string()),
        AppError::RoleConflict {
            role_name,
            binding_count,
            detail,
            ..
        } => {
            let problem = problem(detail.clone()).with("role_name", role_name.as_str());
            match binding_count {
                Some(count) => problem.with("binding_count", *count),
                None => problem,
            }
        }
        AppError::Unavailable(seconds) => problem(format!(
            "The database cannot be reached; nothing was done. Retry after {seconds} s"
        ))
        .with("retry_after", *seconds),
        AppError::RateLimited(seconds, limit) => {
            problem(limit.message().into()).with("retry_after", *seconds)
        }
        AppError::Internal(message) => {
            let request_id = REQUEST_ID.try_with(Clone::clone).unwrap_or_default();
            tracing::error!(%request_id, error = %message, "internal error");
            Problem::internal()
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = problem_of(&self.0).into_response();
        if let Some(seconds) = retry_after(&self.0) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

pub(crate) async fn not_found_fallback() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not Found",
        Some("ERROR_NOT_FOUND"),
        Some("No such endpoint".into()),
    )
}

pub(crate) async fn method_not_allowed_fallback() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method Not Allowed",
        Some("ERROR_METHOD_NOT_ALLOWED"),
        Some("This endpoint does not accept that method".into()),
    )
}
