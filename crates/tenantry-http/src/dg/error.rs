//! The DomainGenius error body, one shape for every refusal:
//! `{"error": {"code": "ERROR_…", "message": "…", "status": 409, "fields": [...]}}`.
//! Every route (and the guard, the rate limit, the router's fallbacks) answers an RFC 9457
//! problem with the error registry's code; this layer rewrites it for `/api/…` paths, so the
//! codes and statuses stay the registry's.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Value, json};

use super::is_dg_path;

/// The largest problem body this layer reads back (problems are a few hundred bytes).
const PROBLEM_MAX: usize = 64 * 1024;

pub(crate) async fn translate_errors(request: Request, next: Next) -> Response {
    let dg = is_dg_path(request.uri().path());
    let response = next.run(request).await;
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t == "application/problem+json");
    if !dg || !is_problem {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, PROBLEM_MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let problem: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let body = serde_json::to_vec(&dg_body(&problem)).unwrap_or_default();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// The DomainGenius body of a problem: its code (`ERROR_VALIDATION` for a request that did
/// not validate, whose fields are listed), its words and status.
fn dg_body(problem: &Value) -> Value {
    let code = problem["code"].as_str().unwrap_or("ERROR_VALIDATION");
    let message = problem["detail"]
        .as_str()
        .or(problem["title"].as_str())
        .unwrap_or_default();
    let mut error = json!({"code": code, "message": message, "status": problem["status"]});
    if let Some(errors) = problem["errors"].as_array() {
        error["fields"] = errors
            .iter()
            .map(|e| {
                let loc: Vec<&str> = e["loc"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                json!({"field": loc.join("."), "message": e["msg"]})
            })
            .collect();
    }
    json!({ "error": error })
}
