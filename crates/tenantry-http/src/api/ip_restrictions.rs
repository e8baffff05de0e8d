//! `/v1/organizations/ip-restrictions…`: the networks an organization's credentials may be
//! used from.

use std::str::FromStr;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::ip_restrictions::{IpRestrictionRecord, IpRestrictionUpdate};
use tenantry_core::OrganizationId;
use tenantry_core::values::IpNetwork;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody, OrgContext, PathId, PathIdName};
use crate::problem::ApiError;
use crate::wire::{Check, nullable, opt_time, parse_time, time};

/// The integer id of a rule in the path.
pub(crate) struct RuleId(i64);

impl FromStr for RuleId {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(RuleId)
    }
}

impl PathIdName for RuleId {
    const NAME: &'static str = "ip_restriction_id";
}

#[derive(ToSchema, Serialize)]
pub(crate) struct IpRestrictionWire {
    ip_restriction_id: i64,
    organization_id: OrganizationId,
    ip_network: String,
    created_on: String,
    last_used_on: Option<String>,
}

impl From<IpRestrictionRecord> for IpRestrictionWire {
    fn from(rule: IpRestrictionRecord) -> Self {
        IpRestrictionWire {
            ip_restriction_id: rule.id,
            organization_id: rule.organization_id,
            ip_network: rule.ip_network.to_string(),
            created_on: time(rule.created_on),
            last_used_on: opt_time(rule.last_used_on),
        }
    }
}

#[derive(ToSchema, Deserialize)]
#[schema(as = IpRestrictionCreateBody)]
pub(crate) struct CreateBody {
    ip_network: String,
}

#[derive(ToSchema, Deserialize)]
#[schema(as = IpRestrictionUpdateBody)]
pub(crate) struct UpdateBody {
    ip_network: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    last_used_on: Option<Option<String>>,
}

fn network(check: &mut Check, raw: &str) -> Option<IpNetwork> {
    check.value("ip_network", raw, str::parse)
}

impl CreateBody {
    /// The network the body names, or a 422 naming `ip_network`.
    pub(crate) fn network(&self) -> Result<IpNetwork, ApiError> {
        let mut check = Check::default();
        let network = network(&mut check, &self.ip_network);
        check.finish()?;
        Ok(network.expect("checked above"))
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
) -> Result<Json<Vec<IpRestrictionWire>>, ApiError> {
    let rules = state.app.ip_restriction_list(&actor, context).await?;
    Ok(Json(rules.into_iter().map(Into::into).collect()))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    PathId(RuleId(id)): PathId<RuleId>,
) -> Result<Json<IpRestrictionWire>, ApiError> {
    let rule = state.app.ip_restriction_get(&actor, context, id).await?;
    Ok(Json(rule.into()))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    JsonBody(body): JsonBody<CreateBody>,
) -> Result<Json<IpRestrictionWire>, ApiError> {
    let network = body.network()?;
    let rule = state
        .app
        .ip_restriction_create(&actor, context, network)
        .await?;
    Ok(Json(rule.into()))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    PathId(RuleId(id)): PathId<RuleId>,
    JsonBody(body): JsonBody<UpdateBody>,
) -> Result<Json<IpRestrictionWire>, ApiError> {
    let mut check = Check::default();
    let ip_network = body.ip_network.and_then(|raw| network(&mut check, &raw));
    let last_used_on = body.last_used_on.map(|raw| {
        raw.and_then(|raw| {
            let parsed = parse_time(&raw);
            if parsed.is_none() {
                check.fail("last_used_on", "must be an RFC 3339 date-time");
            }
            parsed
        })
    });
    check.finish()?;
    let update = IpRestrictionUpdate {
        ip_network,
        last_used_on,
    };
    let rule = state
        .app
        .ip_restriction_update(&actor, context, id, update)
        .await?;
    Ok(Json(rule.into()))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    PathId(RuleId(id)): PathId<RuleId>,
) -> Result<StatusCode, ApiError> {
    state.app.ip_restriction_delete(&actor, context, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
