//! The plan catalog (operator) and an organization's plan (its admins and billing managers).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::billing::{PlanChoice, PlanCreate, PlanPatch};
use tenantry_core::values::Currency;
use tenantry_core::{OrganizationId, PlanId};
use utoipa::ToSchema;

use super::wire::{AmountInput, PeriodWire, PlanWire};
use crate::AppState;
use crate::api::organizations::OrganizationWithBillingWire;
use crate::extract::{Caller, JsonBody, OperatorCaller, PathId, path_value};
use crate::problem::ApiError;
use crate::wire::Check;

const NAME_MAX: usize = 100;

#[derive(ToSchema, Deserialize)]
pub(crate) struct PlanCreateBody {
    name: String,
    plan_level: i32,
    amount: AmountInput,
    currency: String,
    period: PeriodWire,
}

pub(crate) async fn plan_create(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    JsonBody(body): JsonBody<PlanCreateBody>,
) -> Result<(StatusCode, Json<PlanWire>), ApiError> {
    let mut check = Check::default();
    let name = check.text("name", Some(body.name), NAME_MAX);
    let amount = body.amount.minor(&mut check, "amount", false);
    let currency = check.value("currency", &body.currency, Currency::parse);
    let period = body.period.parse(&mut check, "period");
    check.finish()?;
    let create = PlanCreate {
        name: name.expect("checked"),
        plan_level: body.plan_level,
        amount: amount.expect("checked"),
        currency: currency.expect("checked"),
        period: period.expect("checked"),
    };
    let plan = state.app.plan_create(&operator, create).await?;
    Ok((StatusCode::CREATED, Json(plan.into())))
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct PlanPatchBody {
    name: Option<String>,
    plan_level: Option<i32>,
    amount: Option<AmountInput>,
    /// `active` or `retired`.
    status: Option<String>,
}

pub(crate) async fn plan_update(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path(plan): Path<String>,
    JsonBody(body): JsonBody<PlanPatchBody>,
) -> Result<Json<PlanWire>, ApiError> {
    let plan: PlanId = path_value("plan_id", &plan)?;
    let mut check = Check::default();
    let name = check.text("name", body.name, NAME_MAX);
    let amount = body
        .amount
        .and_then(|a| a.minor(&mut check, "amount", false));
    let active = match body.status.as_deref() {
        None => None,
        Some("active") => Some(true),
        Some("retired") => Some(false),
        Some(_) => {
            check.fail("status", "must be active or retired");
            None
        }
    };
    check.finish()?;
    let patch = PlanPatch {
        name,
        plan_level: body.plan_level,
        amount,
        active,
    };
    Ok(Json(
        state.app.plan_update(&operator, plan, patch).await?.into(),
    ))
}

pub(crate) async fn plan_list(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
) -> Result<Json<Vec<PlanWire>>, ApiError> {
    let plans = state.app.plan_list(&operator).await?;
    Ok(Json(plans.into_iter().map(PlanWire::from).collect()))
}

pub(crate) async fn plan_get(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path(plan): Path<String>,
) -> Result<Json<PlanWire>, ApiError> {
    let plan: PlanId = path_value("plan_id", &plan)?;
    Ok(Json(state.app.plan_get(&operator, plan).await?.into()))
}

#[derive(ToSchema, Serialize)]
pub(crate) struct PlanChoiceWire {
    plans: Vec<PlanWire>,
    current_plan: Option<PlanWire>,
}

impl From<PlanChoice> for PlanChoiceWire {
    fn from(choice: PlanChoice) -> Self {
        PlanChoiceWire {
            plans: choice.plans.into_iter().map(PlanWire::from).collect(),
            current_plan: choice.current.map(PlanWire::from),
        }
    }
}

/// `GET /v1/organizations/{id}/plans`: the plans the paying account can choose.
pub(crate) async fn plans_of(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(organization): PathId<OrganizationId>,
) -> Result<Json<PlanChoiceWire>, ApiError> {
    Ok(Json(
        state.app.plans_for(&actor, organization).await?.into(),
    ))
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct PlanChangeBody {
    plan_id: PlanId,
}

/// `PATCH /v1/organizations/{id}/plan`: puts the account on a plan and charges it.
pub(crate) async fn plan_change(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(organization): PathId<OrganizationId>,
    JsonBody(body): JsonBody<PlanChangeBody>,
) -> Result<Json<OrganizationWithBillingWire>, ApiError> {
    let details = state
        .app
        .plan_change(&actor, organization, body.plan_id)
        .await?;
    Ok(Json(details.into()))
}
