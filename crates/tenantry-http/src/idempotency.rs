//! `Idempotency-Key` on writes: the guard runs every keyed POST, PUT, PATCH or DELETE through
//! here once the caller is known, so a retry gets the first response back instead of doing
//! the work twice.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tenantry_app::{AppError, FieldError, IdempotencyOutcome};

use crate::AppState;
use crate::problem::ApiError;

const HEADER: &str = "idempotency-key";
/// Set on a response that is a replay of the first one.
const REPLAYED: &str = "idempotent-replayed";
const KEY_MAX_LEN: usize = 255;

fn invalid_key(msg: &str) -> Response {
    ApiError(AppError::Invalid(vec![FieldError {
        loc: vec!["header".into(), "Idempotency-Key".into()],
        msg: msg.into(),
        kind: "value_error".into(),
    }]))
    .into_response()
}

/// What makes two requests "the same": method, path and query, acting organization, and body.
fn fingerprint(request: &axum::http::request::Parts, body: &Bytes) -> Vec<u8> {
    let mut digest = Sha256::new();
    digest.update(request.method.as_str());
    digest.update(b"\n");
    digest.update(request.uri.path_and_query().map_or("", |p| p.as_str()));
    digest.update(b"\n");
    if let Some(context) = request.headers.get("x-organization-context") {
        digest.update(context.as_bytes());
    }
    digest.update(b"\n");
    digest.update(body);
    digest.finalize().to_vec()
}

/// Runs the request, or replays the response to an earlier one with the same key. `scope`
/// names who may replay it (the caller's organization, or the operator).
pub(crate) async fn run(state: &AppState, scope: String, request: Request, next: Next) -> Response {
    let writes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let Some(key) = request.headers().get(HEADER).filter(|_| writes) else {
        return next.run(request).await;
    };
    let key = match key.to_str() {
        Ok(key) if !key.is_empty() && key.len() <= KEY_MAX_LEN => key.to_owned(),
        _ => {
            return invalid_key(&format!(
                "must be 1 to {KEY_MAX_LEN} visible ASCII characters"
            ));
        }
    };
    let (parts, body) = request.into_parts();
    // The body limit layer has already bounded the body.
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let app = &state.app;
    match app
        .idempotency_begin(&scope, &key, &fingerprint(&parts, &body))
        .await
    {
        Err(err) => ApiError(err).into_response(),
        Ok(IdempotencyOutcome::Replay {
            status,
            content_type,
            body,
        }) => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&content_type)
                && !content_type.is_empty()
            {
                headers.insert(header::CONTENT_TYPE, value);
            }
            headers.insert(REPLAYED, HeaderValue::from_static("true"));
            response
        }
        Ok(IdempotencyOutcome::Run) => {
            let response = next.run(Request::from_parts(parts, Body::from(body))).await;
            if response.status().is_server_error() {
                if let Err(err) = app.idempotency_release(&scope, &key).await {
                    tracing::warn!(%err, "could not free an idempotency key");
                }
                return response;
            }
            let (parts, body) = response.into_parts();
            let body = match to_bytes(body, usize::MAX).await {
                Ok(body) => body,
                Err(err) => {
                    tracing::warn!(%err, "could not read a response to keep it");
                    let _ = app.idempotency_release(&scope, &key).await;
                    return ApiError(AppError::Internal("response body unreadable".into()))
                        .into_response();
                }
            };
            let content_type = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if let Err(err) = app
                .idempotency_finish(&scope, &key, parts.status.as_u16(), content_type, &body)
                .await
            {
                // The work is done and answered, but not kept: a retry within a minute is
                // told the key is in use; a later one runs again (the claim is taken over as
                // an abandoned one), so a client that retries then may see it done twice.
                tracing::warn!(%err, "could not keep a response for its idempotency key");
            }
            Response::from_parts(parts, Body::from(body))
        }
    }
}
