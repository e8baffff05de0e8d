//! Extractors: who is calling (`Caller`), the acting organization header, JSON bodies with
//! 422 validation errors, and typed path ids.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tenantry_app::{Actor, AppError, FieldError, Limit, OperatorActor, RequestMeta};
use tenantry_core::OrganizationId;

use crate::AppState;
use crate::endpoint::{Authenticated, AuthenticatedOperator};
use crate::problem::ApiError;

/// The client's address, as the listener saw it (unspecified when there is no socket, as in
/// in-process tests).
pub(crate) struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()),
        ))
    }
}

/// Who is asking, for a route without a credential: the client's address and the request id,
/// for the audit trail.
pub(crate) struct ClientMeta(pub tenantry_app::RequestMeta);

impl<S: Send + Sync> FromRequestParts<S> for ClientMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(ClientMeta(tenantry_app::RequestMeta {
            request_id,
            client_ip: Some(ip),
        }))
    }
}

/// Runs an authentication attempt under the brute-force limiter. Only failing attempts are
/// refused: while an address is blocked its failures answer 429 instead of 401, and valid
/// credentials from the same address (another tenant behind the same NAT) still work.
/// Credentials are high-entropy values, so letting a blocked address keep trying reveals
/// nothing a guesser could use; what the limit bounds is the cost of failures.
pub(crate) async fn limited<T>(
    state: &AppState,
    ip: IpAddr,
    attempt: impl Future<Output = Result<T, AppError>>,
) -> Result<T, ApiError> {
    match attempt.await {
        Err(err @ (AppError::Unauthenticated(..) | AppError::NotFound { .. })) => {
            if let Some(wait) = state.auth_limiter.blocked_for(ip) {
                return Err(ApiError(AppError::RateLimited(
                    wait.as_secs().max(1),
                    Limit::FailedAuthentications,
                )));
            }
            if let Some(wait) = state.auth_limiter.record_failure(ip) {
                tracing::warn!(%ip, "authentication failures over the limit; address blocked");
                return Err(ApiError(AppError::RateLimited(
                    wait.as_secs().max(1),
                    Limit::FailedAuthentications,
                )));
            }
            Err(ApiError(err))
        }
        other => other.map_err(ApiError),
    }
}

/// The authenticated caller. Reads `X-Api-Key: opk_…`, or `Authorization: Bearer` with an API
/// key or an access token. Behind the endpoint guard this is the actor the guard resolved.
pub(crate) struct Caller(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match parts.extensions.remove::<Authenticated>() {
            Some(Authenticated(actor)) => Ok(Caller(actor)),
            None => authenticate(parts, state).await.map(Caller),
        }
    }
}

/// The operator the endpoint guard authenticated.
pub(crate) struct OperatorCaller(pub OperatorActor);

impl FromRequestParts<AppState> for OperatorCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match parts.extensions.remove::<AuthenticatedOperator>() {
            Some(AuthenticatedOperator(operator)) => Ok(OperatorCaller(operator)),
            None => authenticate_operator(parts, state)
                .await
                .map(OperatorCaller),
        }
    }
}

/// The credential a request presents, exactly as authentication reads it: `X-Api-Key`, else
/// `X-NSONE-Key` (NS1's clients send it; it takes the same keys), else `Authorization: Bearer`,
/// trimmed. The rate limit keys its buckets by this too, so spaces cannot make a new bucket.
pub(crate) fn presented_credential(headers: &axum::http::HeaderMap) -> Option<&str> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    header("x-api-key")
        .or_else(|| header("x-nsone-key"))
        .or_else(|| {
            header("authorization").and_then(|v| {
                let v = v.trim_start();
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
        })
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// The credential a request carries and where it came from.
fn credential(parts: &Parts) -> Result<(String, RequestMeta), ApiError> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let Some(key) = presented_credential(&parts.headers) else {
        return Err(AppError::Unauthenticated(
            tenantry_app::Code::Authentication,
            "Missing credentials: send X-Api-Key, X-NSONE-Key or Authorization: Bearer".into(),
        )
        .into());
    };
    let meta = RequestMeta {
        request_id: header("x-request-id").map(str::to_owned),
        client_ip: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
    };
    Ok((key.to_owned(), meta))
}

/// Resolves the request's credential, under the brute-force limiter.
pub(crate) async fn authenticate(parts: &mut Parts, state: &AppState) -> Result<Actor, ApiError> {
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
    let (key, meta) = credential(parts)?;
    limited(state, ip, state.app.authenticate(&key, meta)).await
}

/// Resolves an operator's key, under the brute-force limiter.
pub(crate) async fn authenticate_operator(
    parts: &mut Parts,
    state: &AppState,
) -> Result<OperatorActor, ApiError> {
    let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
    let (key, meta) = credential(parts)?;
    limited(state, ip, state.app.authenticate_operator(&key, meta)).await
}

/// `X-Organization-Context: organization_…`: act inside that suborganization.
pub(crate) struct OrgContext(pub Option<OrganizationId>);

impl<S: Send + Sync> FromRequestParts<S> for OrgContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("x-organization-context") else {
            return Ok(OrgContext(None));
        };
        value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .map(|id| OrgContext(Some(id)))
            .ok_or_else(|| {
                ApiError(AppError::Invalid(vec![FieldError {
                    loc: vec!["header".into(), "X-Organization-Context".into()],
                    msg: "expected an organization id (organization_…)".into(),
                    kind: "typeid_parsing".into(),
                }]))
            })
    }
}

/// A JSON body; malformed or mistyped input is a 422 naming the field. The body is read as
/// JSON whatever the `Content-Type` says.
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError(AppError::Invalid(vec![FieldError {
                loc: vec!["body".into()],
                msg: e.body_text(),
                kind: "body_unreadable".into(),
            }]))
        })?;
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &bytes
        };
        // Parsed whole first (anything after the value makes it invalid: acting on its first
        // part would act on what the client did not mean to send), then checked for control
        // characters, then read into its type.
        let json: serde_json::Value = serde_json::from_slice(bytes).map_err(|err| {
            ApiError(AppError::Invalid(vec![FieldError {
                loc: vec!["body".into()],
                msg: err
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                kind: "json_invalid".into(),
            }]))
        })?;
        Ok(JsonBody(typed_body(json).map_err(ApiError)?))
    }
}

/// A parsed JSON body read into its type: control characters refused (naming the field),
/// then serde's refusal as a field error in a client's words. The dashboard's forms are
/// read through it too, so both answer the same way.
pub(crate) fn typed_body<T: DeserializeOwned>(json: serde_json::Value) -> Result<T, AppError> {
    if let Some(path) = crate::control_chars::first_in_json(&json) {
        let mut loc = vec!["body".to_owned()];
        loc.extend(path);
        return Err(AppError::Invalid(vec![FieldError {
            loc,
            msg: crate::control_chars::MESSAGE.into(),
            kind: "string_control_character".into(),
        }]));
    }
    serde_path_to_error::deserialize(json).map_err(|err| {
        let mut loc = vec!["body".to_owned()];
        loc.extend(
            err.path()
                .iter()
                .map(|seg| seg.to_string())
                .filter(|s| s != "?" && !s.is_empty()),
        );
        let inner = err.into_inner();
        let message = inner.to_string();
        let kind = if message.starts_with("missing field") {
            if let Some(field) = message.split('`').nth(1) {
                loc.push(field.to_owned());
            }
            "missing"
        } else if inner.is_syntax() || inner.is_eof() {
            "json_invalid"
        } else {
            "value_error"
        };
        let msg = crate::serde_messages::plain(&message);
        AppError::Invalid(vec![FieldError {
            loc,
            msg,
            kind: kind.into(),
        }])
    })
}

/// A typed id from the path; a wrong prefix or malformed id is a 422.
pub(crate) struct PathId<T>(pub T);

pub(crate) trait PathIdName {
    const NAME: &'static str;
}

impl PathIdName for OrganizationId {
    const NAME: &'static str = "organization_id";
}
impl PathIdName for tenantry_core::UserId {
    const NAME: &'static str = "user_id";
}
impl PathIdName for tenantry_core::ApiKeyId {
    const NAME: &'static str = "api_key_id";
}

/// Parses one segment of a path with several parameters; a malformed one is a 422 naming it.
pub(crate) fn path_value<T: FromStr>(name: &str, raw: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| {
        ApiError(AppError::Invalid(vec![FieldError {
            loc: vec!["path".into(), name.into()],
            msg: format!("{raw:?} is not a valid {name}"),
            kind: "value_error".into(),
        }]))
    })
}

impl<S: Send + Sync, T: FromStr + PathIdName> FromRequestParts<S> for PathId<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let invalid = |msg: String| {
            ApiError(AppError::Invalid(vec![FieldError {
                loc: vec!["path".into(), T::NAME.into()],
                msg,
                kind: "typeid_parsing".into(),
            }]))
        };
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| invalid(e.body_text()))?;
        raw.parse()
            .map(PathId)
            .map_err(|_| invalid(format!("{raw:?} is not a valid {}", T::NAME)))
    }
}
