//! `/v1/dns-secondaries…` and `/v1/dns-tsig-keys…` (operators): the secondary name servers
//! allowed to transfer zones from the platform's name server (told of changes by NOTIFY), and
//! the TSIG keys that sign their transfers.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::dns::{Secondary, SecondaryCreate, TsigAlgorithm, TsigKeyInfo};
use tenantry_core::dns::ZoneName;
use tenantry_core::values::{IpNetwork, ValueError};
use tenantry_core::{OrganizationId, SecondaryId};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{JsonBody, OperatorCaller, PathId, PathIdName, path_value};
use crate::problem::ApiError;
use crate::wire::{Check, time};

impl PathIdName for SecondaryId {
    const NAME: &'static str = "secondary_id";
}

#[derive(ToSchema, Serialize)]
pub(crate) struct SecondaryWire {
    secondary_id: SecondaryId,
    /// `null`: every organization's zones.
    organization_id: Option<OrganizationId>,
    network: String,
    notify: Option<String>,
    tsig_key: Option<String>,
    created_on: String,
}

impl From<Secondary> for SecondaryWire {
    fn from(secondary: Secondary) -> Self {
        SecondaryWire {
            secondary_id: secondary.id,
            organization_id: secondary.organization_id,
            network: secondary.network.to_string(),
            notify: secondary.notify.map(|n| n.to_string()),
            tsig_key: secondary.tsig_key,
            created_on: time(secondary.created_on),
        }
    }
}

#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecondaryCreateBody {
    organization_id: Option<String>,
    network: String,
    notify: Option<String>,
    tsig_key: Option<String>,
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
    let tsig_key = check.opt("tsig_key", body.tsig_key.as_deref(), ZoneName::parse);
    check.finish()?;
    let create = SecondaryCreate {
        organization_id,
        network: network.expect("checked"),
        notify,
        tsig_key,
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

#[derive(ToSchema, Serialize)]
pub(crate) struct TsigKeyWire {
    name: String,
    algorithm: &'static str,
    created_on: String,
    /// Only when the key is made: base64, for the secondaries' configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
}

impl From<TsigKeyInfo> for TsigKeyWire {
    fn from(key: TsigKeyInfo) -> Self {
        TsigKeyWire {
            name: key.name,
            algorithm: key.algorithm.as_str(),
            created_on: time(key.created_on),
            secret: None,
        }
    }
}

#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TsigKeyCreateBody {
    name: String,
    /// `hmac-sha256` (the default) or `hmac-sha512`.
    algorithm: Option<String>,
}

/// A key's name in the path: a DNS name.
struct KeyName(ZoneName);

impl std::str::FromStr for KeyName {
    type Err = ValueError;

    fn from_str(raw: &str) -> Result<Self, ValueError> {
        ZoneName::parse(raw).map(KeyName)
    }
}

fn algorithm(raw: &str) -> Result<TsigAlgorithm, ValueError> {
    TsigAlgorithm::parse(raw)
        .ok_or_else(|| ValueError(format!("{raw:?} is not hmac-sha256 or hmac-sha512")))
}

pub(crate) async fn tsig_key_create(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    JsonBody(body): JsonBody<TsigKeyCreateBody>,
) -> Result<(StatusCode, Json<TsigKeyWire>), ApiError> {
    let mut check = Check::default();
    let name = check.value("name", &body.name, ZoneName::parse);
    let algorithm = check
        .opt("algorithm", body.algorithm.as_deref(), algorithm)
        .unwrap_or(TsigAlgorithm::HmacSha256);
    check.finish()?;
    let issued = state
        .app
        .dns_tsig_key_create(&operator, &name.expect("checked"), algorithm)
        .await?;
    let mut wire = TsigKeyWire::from(issued.key);
    wire.secret = Some(issued.secret);
    Ok((StatusCode::CREATED, Json(wire)))
}

pub(crate) async fn tsig_key_list(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
) -> Result<Json<Vec<TsigKeyWire>>, ApiError> {
    let keys = state.app.dns_tsig_key_list(&operator).await?;
    Ok(Json(keys.into_iter().map(TsigKeyWire::from).collect()))
}

pub(crate) async fn tsig_key_remove(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    let KeyName(name) = path_value("tsig_key_name", &name)?;
    state.app.dns_tsig_key_delete(&operator, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
