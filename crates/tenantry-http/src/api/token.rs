//! `POST /v1/auth/token`, with a form or a JSON body: the OAuth2 client credentials grant for
//! API credentials, and the password and refresh-token grants for people.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use tenantry_app::sign_in::{PasswordGrant, UserTokens};
use tenantry_app::{AppError, FieldError};
use tenantry_core::OrganizationId;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{ClientIp, limited};
use crate::problem::ApiError;

#[derive(ToSchema, Deserialize)]
pub(crate) struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    /// A username or an email address (`grant_type=password`).
    username: Option<String>,
    password: Option<String>,
    totp: Option<String>,
    refresh_token: Option<String>,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
}

/// The reference's `UserTokenResponse`.
#[derive(ToSchema, Serialize)]
pub(crate) struct UserTokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    refresh_token: String,
    refresh_expires_in: i64,
}

/// A grant's answer: a user's pair of tokens (password and refresh grants), or a
/// credential's access token (client credentials).
#[derive(ToSchema, Serialize)]
#[serde(untagged)]
pub(crate) enum GrantedTokens {
    User(UserTokenResponse),
    Client(TokenResponse),
}

impl From<UserTokens> for UserTokenResponse {
    fn from(tokens: UserTokens) -> Self {
        Self {
            access_token: tokens.access_token,
            token_type: "Bearer",
            expires_in: tokens.expires_in,
            refresh_token: tokens.refresh_token,
            refresh_expires_in: tokens.refresh_expires_in,
        }
    }
}

fn field_error(field: &str, msg: &str, kind: &str) -> FieldError {
    FieldError {
        loc: vec!["body".into(), field.into()],
        msg: msg.into(),
        kind: kind.into(),
    }
}

/// Reads the body as a form when it says so, as JSON otherwise.
fn parse(headers: &HeaderMap, body: &[u8]) -> Result<TokenRequest, ApiError> {
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let parsed = if is_form {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        let get = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        Ok(TokenRequest {
            grant_type: get("grant_type"),
            client_id: get("client_id"),
            client_secret: get("client_secret"),
            username: get("username"),
            password: get("password"),
            totp: get("totp"),
            refresh_token: get("refresh_token"),
        })
    } else {
        serde_json::from_slice::<TokenRequest>(body)
            .map_err(|e| crate::serde_messages::plain(&e.to_string()))
    };
    parsed.map_err(|msg| {
        ApiError(AppError::Invalid(vec![FieldError {
            loc: vec!["body".into()],
            msg,
            kind: "json_invalid".into(),
        }]))
    })
}

pub(crate) async fn grant(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<GrantedTokens>, ApiError> {
    let request = parse(&headers, &body)?;
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match request.grant_type.as_deref() {
        Some("client_credentials") => client_credentials(&state, ip, request).await,
        Some("password") => {
            let mut errors = Vec::new();
            let login = required(&mut errors, "username", request.username);
            let password = required(&mut errors, "password", request.password);
            let (Some(login), Some(password), true) = (login, password, errors.is_empty()) else {
                return Err(ApiError(AppError::Invalid(errors)));
            };
            let grant = PasswordGrant {
                login,
                password,
                totp: request.totp,
            };
            let tokens = state
                .app
                .password_grant(grant, Some(ip), request_id)
                .await?;
            Ok(Json(GrantedTokens::User(tokens.into())))
        }
        Some("refresh_token") => {
            let mut errors = Vec::new();
            let refresh = required(&mut errors, "refresh_token", request.refresh_token);
            let Some(refresh) = refresh else {
                return Err(ApiError(AppError::Invalid(errors)));
            };
            let tokens = state
                .app
                .refresh_grant(&refresh, Some(ip), request_id)
                .await?;
            Ok(Json(GrantedTokens::User(tokens.into())))
        }
        Some(_) => Err(ApiError(AppError::Invalid(vec![field_error(
            "grant_type",
            "must be client_credentials, password or refresh_token",
            "literal_error",
        )]))),
        None => Err(ApiError(AppError::Invalid(vec![field_error(
            "grant_type",
            "Field required",
            "missing",
        )]))),
    }
}

fn required(errors: &mut Vec<FieldError>, field: &str, value: Option<String>) -> Option<String> {
    if value.is_none() {
        errors.push(field_error(field, "Field required", "missing"));
    }
    value
}

async fn client_credentials(
    state: &AppState,
    ip: std::net::IpAddr,
    request: TokenRequest,
) -> Result<Json<GrantedTokens>, ApiError> {
    let mut errors = Vec::new();
    let client_id = match request
        .client_id
        .as_deref()
        .map(str::parse::<OrganizationId>)
    {
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => {
            errors.push(field_error(
                "client_id",
                "expected an organization id (organization_…)",
                "typeid_parsing",
            ));
            None
        }
        None => {
            errors.push(field_error("client_id", "Field required", "missing"));
            None
        }
    };
    let secret = required(&mut errors, "client_secret", request.client_secret);
    let (Some(client_id), Some(secret), true) = (client_id, secret, errors.is_empty()) else {
        return Err(ApiError(AppError::Invalid(errors)));
    };
    let grant = limited(
        state,
        ip,
        state.app.token_grant(client_id, &secret, Some(ip)),
    )
    .await?;
    Ok(Json(GrantedTokens::Client(TokenResponse {
        access_token: grant.access_token,
        token_type: "Bearer",
        expires_in: grant.expires_in,
    })))
}
