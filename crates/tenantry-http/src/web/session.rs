//! The signed-in person of a dashboard request: the session cookie, resolved by the same
//! authentication as the API's tokens (`App::authenticate_web`). Without a live session the
//! browser goes to the sign-in page.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use tenantry_app::{Actor, AppError};

use super::{cookies, csrf, render};
use crate::AppState;
use crate::extract::ClientMeta;

pub(crate) struct SignedIn {
    pub actor: Actor,
    /// The session's token: the secret of its forms' CSRF tokens.
    token: String,
}

impl SignedIn {
    /// The token this session's forms carry.
    pub(crate) fn csrf(&self) -> String {
        csrf::token_for(&self.token)
    }

    /// Whether a form's CSRF token is this session's (else answer `forged()`).
    pub(crate) fn sent(&self, submitted: &str) -> bool {
        csrf::matches(&self.token, submitted)
    }
}

/// The answer to a form that did not come from this dashboard.
pub(crate) fn forged() -> Response {
    render::refusal(
        &AppError::Forbidden(
            tenantry_app::Code::PermissionDenied,
            "This form has expired or did not come from this dashboard: reload the page and \
             try again"
                .into(),
        ),
        false,
    )
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookies::read(&parts.headers, cookies::SESSION) else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        let Ok(ClientMeta(meta)) = ClientMeta::from_request_parts(parts, state).await;
        match state.app.authenticate_web(&token, meta).await {
            Ok(actor) => Ok(SignedIn { actor, token }),
            Err(AppError::Unauthenticated(..)) => {
                let mut response = Redirect::to("/sign-in").into_response();
                cookies::clear(response.headers_mut(), parts, cookies::SESSION);
                Err(response)
            }
            Err(other) => Err(render::refusal(&other, false)),
        }
    }
}
