//! `/api/v1/auth/signup` and `/api/v1/auth/verify-email…`: signing up on one's own, and
//! proving the address with its mailed link.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::sign_up::SignUpRequest;
use tenantry_core::values::Email;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, ClientMeta, JsonBody};
use crate::problem::ApiError;
use crate::wire::Check;

#[derive(ToSchema, Deserialize)]
pub(crate) struct SignUpBody {
    email: String,
    password: String,
    name: Option<String>,
}

/// The same answer whether the address had an account or not.
#[derive(ToSchema, Serialize)]
pub(crate) struct SignUpAccepted {
    email: String,
    /// What happens next, for a person reading the answer.
    next: &'static str,
}

pub(crate) async fn sign_up(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    JsonBody(body): JsonBody<SignUpBody>,
) -> Result<(StatusCode, Json<SignUpAccepted>), ApiError> {
    let request = body.request()?;
    let answer = SignUpAccepted {
        email: request.email.as_str().to_lowercase(),
        next: NEXT,
    };
    state.app.sign_up(request, &meta).await?;
    Ok((StatusCode::ACCEPTED, Json(answer)))
}

/// What happens after a sign-up, for a person reading the answer.
pub(crate) const NEXT: &str = "Check your mailbox: a link confirms the address (or, if it has \
    an account already, tells you so). You can sign in now.";

impl SignUpBody {
    /// The sign-up the body asks for, or a 422 naming each refused field.
    pub(crate) fn request(self) -> Result<SignUpRequest, ApiError> {
        let mut check = Check::default();
        let email = check.value("email", &self.email, Email::parse);
        // Its length is the use case's rule.
        if self.name.is_none() {
            check.fail("name", "Field required");
        }
        check.finish()?;
        Ok(SignUpRequest {
            email: email.expect("checked above"),
            name: self.name.expect("checked above"),
            password: self.password,
        })
    }
}

/// `POST /api/v1/auth/verify-email`: a new link for the signed-in person.
pub(crate) async fn resend(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<StatusCode, ApiError> {
    state.app.email_verification_resend(&actor).await?;
    Ok(StatusCode::ACCEPTED)
}

pub(crate) async fn verify(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    Path(token): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.email_verify(&token, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
