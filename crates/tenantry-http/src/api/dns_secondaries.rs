//! `/v1/dns-secondaries…` (operators): the secondary name servers allowed to transfer zones
//! from the platform's name server, and told of changes by NOTIFY.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::dns::{Secondary, SecondaryCreate};
use tenantry_core::values::{IpNetwork, ValueError};
use tenantry_core::{OrganizationId, SecondaryId};

use crate::AppState;
use crate::extract::{JsonBody, OperatorCaller, PathId, PathIdName};
use crate::problem::ApiError;
use crate::wire::{Check, time};

impl PathIdName for SecondaryId {
    const NAME: &'static str = "secondary_id";
}

#[derive(Serialize)]
pub(crate) struct SecondaryWire {
    secondary_id: SecondaryId,
    /// `null`: every organization's zones.
    organization_id: Option<OrganizationId>,
    network: String,
    notify: Option<String>,
    created_on: String,
}

impl From<Secondary> for SecondaryWire {
    fn from(secondary: Secondary) -> Self {
        SecondaryWire {
            secondary_id: secondary.id,
            organization_id: secondary.organization_id,
            network: secondary.network.to_string(),
            notify: secondary.notify.map(|n| n.to_string()),
            created_on: time(secondary.created_on),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecondaryCreateBody {
    organization_id: Option<String>,
    network: String,
    notify: Option<String>,
}

/// An address and port for NOTIFY (`192.0.2.53:53`, `[2001:db8::53]:53`).
fn notify_address(raw: &str) -> Result<SocketAddr, ValueError> {
    raw.parse().map_err(|_| {
        ValueError(format!(
            "{raw:?} is not an address and port (such as 192.0.2.53:53 or [2001:db8::53]:53)"
        ))
    })
}

fn organization(raw: &str) -> Result<OrganizationId, ValueError> {
    raw.parse()
        .map_err(|_| ValueError(format!("{raw:?} is not an organization id")))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    JsonBody(body): JsonBody<SecondaryCreateBody>,
) -> Result<(StatusCode, Json<SecondaryWire>), ApiError> {
    let mut check = Check::default();
    let organization_id = check.opt(
        "organization_id",
        body.organization_id.as_deref(),
        organization,
    );
    let network = check.value("network", &body.network, |raw| raw.parse::<IpNetwork>());
    let notify = check.opt("notify", body.notify.as_deref(), notify_address);
    check.finish()?;
    let create = SecondaryCreate {
        organization_id,
        network: network.expect("checked"),
        notify,
    };
    let secondary = state.app.dns_secondary_create(&operator, create).await?;
    Ok((StatusCode::CREATED, Json(secondary.into())))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
) -> Result<Json<Vec<SecondaryWire>>, ApiError> {
    let secondaries = state.app.dns_secondary_list(&operator).await?;
    Ok(Json(
        secondaries.into_iter().map(SecondaryWire::from).collect(),
    ))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    PathId(id): PathId<SecondaryId>,
) -> Result<StatusCode, ApiError> {
    state.app.dns_secondary_delete(&operator, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
