//! `/v1/tlds…` and `/v1/registry/reserved-names…`: the catalogue and the reserved list.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::domains::{TldInput, TldRules};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody, OperatorCaller};
use crate::problem::ApiError;
use crate::wire::time;

#[derive(ToSchema, Deserialize)]
pub(crate) struct TldBody {
    periods: Vec<i64>,
    #[serde(default = "default_grace")]
    grace_days: i64,
    #[serde(default = "default_redemption")]
    redemption_days: i64,
    #[serde(default)]
    transfer_delay_seconds: i64,
    #[serde(default)]
    premium_max_length: i64,
    #[serde(default = "one")]
    premium_multiplier: i64,
}

fn default_grace() -> i64 {
    30
}

fn default_redemption() -> i64 {
    30
}

fn one() -> i64 {
    1
}

#[derive(ToSchema, Serialize)]
pub(crate) struct TldWire {
    tld: String,
    periods: Vec<i64>,
    grace_days: i64,
    redemption_days: i64,
    transfer_delay_seconds: i64,
    premium_max_length: i64,
    premium_multiplier: i64,
    created_on: String,
    updated_on: String,
}

impl From<TldRules> for TldWire {
    fn from(r: TldRules) -> Self {
        TldWire {
            tld: r.tld,
            periods: r.periods.0,
            grace_days: r.grace_days,
            redemption_days: r.redemption_days,
            transfer_delay_seconds: r.transfer_delay_seconds,
            premium_max_length: r.premium_max_length,
            premium_multiplier: r.premium_multiplier,
            created_on: time(r.created_on),
            updated_on: time(r.updated_on),
        }
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<TldWire>>, ApiError> {
    let tlds = state.app.tld_list(&actor).await?;
    Ok(Json(tlds.into_iter().map(Into::into).collect()))
}

pub(crate) async fn put(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path(tld): Path<String>,
    JsonBody(body): JsonBody<TldBody>,
) -> Result<Json<TldWire>, ApiError> {
    let input = TldInput {
        periods: body.periods,
        grace_days: body.grace_days,
        redemption_days: body.redemption_days,
        transfer_delay_seconds: body.transfer_delay_seconds,
        premium_max_length: body.premium_max_length,
        premium_multiplier: body.premium_multiplier,
    };
    Ok(Json(
        state.app.tld_put(&operator, &tld, input).await?.into(),
    ))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path(tld): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.tld_delete(&operator, &tld).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn reserved(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(state.app.reserved_name_list(&operator).await?))
}

pub(crate) async fn reserve(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let name = state.app.reserved_name_put(&operator, &name).await?;
    Ok(Json(serde_json::json!({ "name": name })))
}

pub(crate) async fn unreserve(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.reserved_name_delete(&operator, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
