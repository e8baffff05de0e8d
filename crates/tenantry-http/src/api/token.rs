//! `POST /v1/auth/token`: the OAuth2 client credentials grant, with a form or a JSON body.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use tenantry_app::{AppError, FieldError};
use tenantry_core::OrganizationId;

use crate::AppState;
use crate::extract::{ClientIp, limited};
use crate::problem::ApiError;

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
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
        })
    } else {
        serde_json::from_slice::<TokenRequest>(body).map_err(|e| e.to_string())
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
) -> Result<Json<TokenResponse>, ApiError> {
    let request = parse(&headers, &body)?;
    let mut errors = Vec::new();
    match request.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(_) => errors.push(field_error(
            "grant_type",
            "only client_credentials is supported",
            "literal_error",
        )),
        None => errors.push(field_error("grant_type", "Field required", "missing")),
    }
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
    if request.client_secret.is_none() {
        errors.push(field_error("client_secret", "Field required", "missing"));
    }
    let (Some(client_id), Some(secret), true) =
        (client_id, request.client_secret, errors.is_empty())
    else {
        return Err(ApiError(AppError::Invalid(errors)));
    };
    let grant = limited(
        &state,
        ip,
        state.app.token_grant(client_id, &secret, Some(ip)),
    )
    .await?;
    Ok(Json(TokenResponse {
        access_token: grant.access_token,
        token_type: "Bearer",
        expires_in: grant.expires_in,
    }))
}
