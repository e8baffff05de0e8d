//! `POST /v1/dns/{zone_name}/dnssec/enable|disable` (OpusDNS's changeset answers), and
//! `GET /v1/dns/{zone_name}/dnssec`: the zone's keys and the DS records its parent must
//! publish (a Tenantry addition: OpusDNS shows them only in the enabling changeset).

use axum::Json;
use axum::extract::{Path, State};
use data_encoding::BASE64;
use serde::Serialize;
use tenantry_app::dns::ZoneDnssec;
use utoipa::ToSchema;

use super::wire::ChangesWire;
use super::zone_name;
use crate::AppState;
use crate::extract::Caller;
use crate::problem::ApiError;

pub(crate) async fn enable(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
) -> Result<Json<ChangesWire>, ApiError> {
    let name = zone_name(&raw)?;
    let changes = state.app.zone_set_dnssec(&actor, &name, true).await?;
    Ok(Json(changes.into()))
}

pub(crate) async fn disable(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
) -> Result<Json<ChangesWire>, ApiError> {
    let name = zone_name(&raw)?;
    let changes = state.app.zone_set_dnssec(&actor, &name, false).await?;
    Ok(Json(changes.into()))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
) -> Result<Json<DnssecWire>, ApiError> {
    let dnssec = state.app.zone_dnssec(&actor, &zone_name(&raw)?).await?;
    Ok(Json(dnssec.into()))
}

#[derive(ToSchema, Serialize)]
#[schema(as = DnssecKeyWire)]
pub(crate) struct KeyWire {
    key_tag: u16,
    flags: u16,
    /// `ksk` (flags 257) or `zsk` (256).
    role: &'static str,
    algorithm: u8,
    public_key: String,
    /// The DNSKEY record's data.
    dnskey: String,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct DnssecWire {
    zone_name: String,
    dnssec_status: String,
    keys: Vec<KeyWire>,
    /// The DS records' data, for the parent zone (the registry).
    ds_records: Vec<String>,
}

impl From<ZoneDnssec> for DnssecWire {
    fn from(dnssec: ZoneDnssec) -> Self {
        DnssecWire {
            zone_name: dnssec.zone_name,
            dnssec_status: dnssec.dnssec_status,
            keys: dnssec
                .keys
                .iter()
                .map(|key| KeyWire {
                    key_tag: key.key_tag,
                    flags: key.flags,
                    role: if key.is_key_signing() { "ksk" } else { "zsk" },
                    algorithm: key.algorithm,
                    public_key: BASE64.encode(&key.public_key),
                    dnskey: key.dnskey_text(),
                })
                .collect(),
            ds_records: dnssec.ds_records,
        }
    }
}
