//! `/v1/dns…`: zones and their rrsets. Bodies are turned into canonical rrsets here (names
//! absolute, record data validated per type), so a 422 names the rrset and value at fault.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tenantry_app::dns::{
    RecordOp, RrsetInput, RrsetOp, RrsetView, ZoneChanges, ZoneFilter, ZoneSort, ZoneView,
};
use tenantry_app::{AppError, Code, NotFoundKind, SortOrder};
use tenantry_core::dns::{ProtectedReason, RecordType, ZoneName, canonical_rdata};

use crate::AppState;
use crate::extract::{Caller, JsonBody, OrgContext};
use crate::pagination::{Paginated, page_request, paginated, sort_order};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{Check, parse_time, time};

const MAX_ZONE_PAGE_SIZE: u64 = 1000;
const MAX_TTL: i64 = 2_147_483_647;

/// A zone name from the path, with or without the trailing dot; one that cannot be a zone
/// is simply not found (clients probe candidate names this way).
fn zone_name(raw: &str) -> Result<ZoneName, ApiError> {
    ZoneName::parse(raw).map_err(|_| ApiError(AppError::not_found(NotFoundKind::Zone, raw)))
}

#[derive(Serialize)]
pub(crate) struct RecordWire {
    rdata: String,
    protected: bool,
    protected_reason: Option<&'static str>,
}

#[derive(Serialize)]
pub(crate) struct RrsetWire {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    ttl: u32,
    protected: bool,
    protected_reason: Option<&'static str>,
    records: Vec<RecordWire>,
}

impl From<RrsetView> for RrsetWire {
    fn from(view: RrsetView) -> Self {
        let reason = view.protected.map(|r| r.as_str());
        RrsetWire {
            records: view
                .records
                .into_iter()
                .map(|rdata| RecordWire {
                    rdata,
                    protected: reason.is_some(),
                    protected_reason: reason,
                })
                .collect(),
            name: view.name,
            rtype: view.rtype,
            ttl: view.ttl,
            protected: reason.is_some(),
            protected_reason: reason,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct ZoneWire {
    dns_zone_id: tenantry_core::ZoneId,
    name: String,
    dnssec_status: String,
    domain_parts: Value,
    rrsets: Vec<RrsetWire>,
    tags: Option<Vec<Value>>,
    vanity_nameserver_set_id: Option<String>,
    created_on: String,
    updated_on: String,
}

impl From<ZoneView> for ZoneWire {
    fn from(view: ZoneView) -> Self {
        let zone = view.zone;
        let (subdomain, domain, suffix) = ZoneName::parse(&zone.name)
            .map(|n| n.parts())
            .unwrap_or_default();
        ZoneWire {
            dns_zone_id: zone.id,
            domain_parts: json!({"subdomain": subdomain, "domain": domain, "suffix": suffix}),
            name: zone.name,
            dnssec_status: zone.dnssec_status,
            rrsets: view.rrsets.into_iter().map(Into::into).collect(),
            tags: None,
            vanity_nameserver_set_id: None,
            created_on: time(zone.created_on),
            updated_on: time(zone.updated_on),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct RecordBody {
    rdata: String,
}

#[derive(Deserialize)]
pub(crate) struct RrsetBody {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    ttl: Option<i64>,
    #[serde(default)]
    records: Vec<RecordBody>,
}

/// The owner name and type of an rrset, checked.
fn name_and_type(
    check: &mut Check,
    zone: &ZoneName,
    name: &str,
    rtype: &str,
) -> Option<(String, RecordType)> {
    let owner = check.value("name", name, |raw| zone.owner(raw));
    let rtype = match rtype.parse::<RecordType>() {
        Ok(t) => Some(t),
        Err(_) => {
            let known: Vec<_> = RecordType::ALL.iter().map(|t| t.as_str()).collect();
            check.fail(
                "type",
                format!("{rtype:?} is not one of {}", known.join(", ")),
            );
            None
        }
    };
    Some((owner?, rtype?))
}

fn ttl(check: &mut Check, ttl: Option<i64>) -> Option<u32> {
    match ttl {
        Some(t) if (1..=MAX_TTL).contains(&t) => Some(t as u32),
        Some(_) => {
            check.fail("ttl", format!("must be 1 to {MAX_TTL} seconds"));
            None
        }
        None => {
            check.fail("ttl", "Field required");
            None
        }
    }
}

/// One record's data in canonical form; the message names the rrset and the value. Data of
/// an rrset the server owns is passed through untouched: the change is refused as a whole.
fn rdata(
    check: &mut Check,
    field: &str,
    owner: &str,
    rtype: RecordType,
    zone: &ZoneName,
    raw: &str,
) -> Option<String> {
    if ProtectedReason::of(zone.as_str(), owner, rtype).is_some() {
        return Some(raw.to_owned());
    }
    match canonical_rdata(rtype, raw, zone) {
        Ok(canonical) => Some(canonical),
        Err(why) => {
            check.fail(field, format!("{owner} {rtype}: {raw:?} {why}"));
            None
        }
    }
}

/// A whole rrset (for creation, replacement and upsert).
fn rrset_input(prefix: &[&str], zone: &ZoneName, body: RrsetBody) -> (Check, Option<RrsetInput>) {
    let mut check = Check::nested(prefix);
    let named = name_and_type(&mut check, zone, &body.name, &body.rtype);
    let ttl = ttl(&mut check, body.ttl);
    let Some((name, rtype)) = named else {
        return (check, None);
    };
    if body.records.is_empty() {
        check.fail(
            "records",
            format!("{name} {rtype}: an rrset needs at least one record"),
        );
    }
    let mut records: Vec<String> = Vec::new();
    for (i, record) in body.records.iter().enumerate() {
        let index = i.to_string();
        let mut at = prefix.to_vec();
        at.extend(["records", index.as_str()]);
        let mut inner = Check::nested(&at);
        if let Some(canonical) = rdata(&mut inner, "rdata", &name, rtype, zone, &record.rdata)
            && !records.contains(&canonical)
        {
            records.push(canonical);
        }
        check.absorb(inner);
    }
    let input = ttl.map(|ttl| RrsetInput {
        name,
        rtype,
        ttl,
        records,
    });
    (check, input)
}

fn rrsets(
    prefix: &str,
    zone: &ZoneName,
    bodies: Vec<RrsetBody>,
) -> Result<Vec<RrsetInput>, ApiError> {
    let mut check = Check::default();
    let mut inputs: Vec<RrsetInput> = Vec::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let index = i.to_string();
        let (inner, input) = rrset_input(&[prefix, &index], zone, body);
        check.absorb(inner);
        if let Some(input) = input {
            if inputs
                .iter()
                .any(|r| r.name == input.name && r.rtype == input.rtype)
            {
                let mut dup = Check::nested(&[prefix, &index]);
                dup.fail(
                    "name",
                    format!("{} {} is given twice", input.name, input.rtype),
                );
                check.absorb(dup);
            }
            inputs.push(input);
        }
    }
    check.finish()?;
    Ok(inputs)
}

#[derive(Deserialize)]
pub(crate) struct ZoneCreateBody {
    name: String,
    dnssec_status: Option<String>,
    #[serde(default)]
    rrsets: Vec<RrsetBody>,
    vanity_nameserver_set_id: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct ChangeWire {
    action: &'static str,
    rrset_name: Option<String>,
    rrset_type: Option<String>,
    record_data: Option<String>,
    ttl: Option<u32>,
}

#[derive(Serialize)]
pub(crate) struct ChangesWire {
    zone_name: String,
    changeset_id: String,
    num_changes: usize,
    changes: Vec<ChangeWire>,
    dnssec_registry_publish: Option<&'static str>,
}

impl From<ZoneChanges> for ChangesWire {
    fn from(changes: ZoneChanges) -> Self {
        ChangesWire {
            zone_name: changes.zone_name,
            changeset_id: changes.changeset_id.to_string(),
            num_changes: changes.changes.len(),
            changes: changes
                .changes
                .into_iter()
                .map(|c| ChangeWire {
                    action: c.action,
                    rrset_name: c.rrset_name,
                    rrset_type: c.rrset_type,
                    record_data: c.record_data,
                    ttl: c.ttl,
                })
                .collect(),
            dnssec_registry_publish: None,
        }
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    JsonBody(body): JsonBody<ZoneCreateBody>,
) -> Result<(StatusCode, Json<ChangesWire>), ApiError> {
    let mut check = Check::default();
    let name = check.value("name", &body.name, ZoneName::parse);
    check.finish()?;
    let name = name.expect("checked above");
    if body.dnssec_status.as_deref() == Some("enabled") {
        return Err(ApiError(AppError::BadRequest(
            Code::Dns,
            "DNSSEC signing is not offered by this server; create the zone with DNSSEC disabled"
                .into(),
        )));
    }
    if body.vanity_nameserver_set_id.is_some() {
        return Err(ApiError(AppError::BadRequest(
            Code::Dns,
            "Vanity name server sets are not offered by this server".into(),
        )));
    }
    let inputs = rrsets("rrsets", &name, body.rrsets)?;
    let changes = state.app.zone_create(&actor, context, name, inputs).await?;
    Ok((StatusCode::CREATED, Json(changes.into())))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    mut query: QueryParams,
) -> Result<Json<Paginated<ZoneWire>>, ApiError> {
    let page = page_request(&mut query, MAX_ZONE_PAGE_SIZE);
    let order = sort_order(&mut query, SortOrder::Desc);
    let sort = query
        .parse_with(
            "sort_by",
            |s| match s {
                "name" => Some(ZoneSort::Name),
                "created_on" => Some(ZoneSort::CreatedOn),
                "updated_on" => Some(ZoneSort::UpdatedOn),
                "dnssec_status" => Some(ZoneSort::DnssecStatus),
                _ => None,
            },
            "name, created_on, updated_on or dnssec_status",
        )
        .unwrap_or_default();
    let dnssec_status = query.parse_with(
        "dnssec_status",
        |s| matches!(s, "enabled" | "disabled").then(|| s.to_owned()),
        "enabled or disabled",
    );
    let time_param = |query: &mut QueryParams, name: &str| {
        query.parse_with(name, parse_time, "an RFC 3339 date-time")
    };
    let filter = ZoneFilter {
        name: query
            .get("name")
            .map(|n| ZoneName::parse(n).map_or_else(|_| n.to_owned(), |z| z.as_str().to_owned())),
        search: query.get("search").map(str::to_owned),
        suffix: query
            .get("suffix")
            .map(|s| s.trim_matches('.').to_ascii_lowercase()),
        dnssec_status,
        created_after: time_param(&mut query, "created_after"),
        created_before: time_param(&mut query, "created_before"),
        updated_after: time_param(&mut query, "updated_after"),
        updated_before: time_param(&mut query, "updated_before"),
        sort,
        order,
    };
    query.finish()?;
    let page = state.app.zone_list(&actor, context, filter, page).await?;
    Ok(Json(paginated(page, ZoneWire::from)))
}

pub(crate) async fn summary(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
) -> Result<Json<Value>, ApiError> {
    let summary = state.app.zone_summary(&actor, context).await?;
    let by_dnssec: Map<String, Value> = summary
        .by_dnssec
        .into_iter()
        .map(|(status, n)| (status, n.into()))
        .collect();
    Ok(Json(json!({
        "total_zones": summary.total_zones,
        "zones_by_dnssec": by_dnssec,
    })))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
) -> Result<Json<ZoneWire>, ApiError> {
    let view = state.app.zone_get(&actor, &zone_name(&raw)?).await?;
    Ok(Json(view.into()))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.zone_delete(&actor, &zone_name(&raw)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn export(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let text = state.app.zone_export(&actor, &zone_name(&raw)?).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text))
}

fn patch_op(op: &str, check: &mut Check) -> Option<bool> {
    match op {
        "upsert" => Some(true),
        "remove" => Some(false),
        other => {
            check.fail("op", format!("{other:?} is not upsert or remove"));
            None
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct RrsetOpBody {
    op: String,
    rrset: RrsetBody,
}

#[derive(Deserialize)]
pub(crate) struct RrsetOpsBody {
    ops: Vec<RrsetOpBody>,
}

pub(crate) async fn patch_rrsets(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
    JsonBody(body): JsonBody<RrsetOpsBody>,
) -> Result<StatusCode, ApiError> {
    let zone = zone_name(&raw)?;
    let mut check = Check::default();
    let mut ops = Vec::new();
    for (i, op) in body.ops.into_iter().enumerate() {
        let index = i.to_string();
        let mut at = Check::nested(&["ops", &index]);
        let upsert = patch_op(&op.op, &mut at);
        check.absorb(at);
        match upsert {
            Some(true) => {
                let (inner, input) = rrset_input(&["ops", &index, "rrset"], &zone, op.rrset);
                check.absorb(inner);
                ops.extend(input.map(RrsetOp::Upsert));
            }
            Some(false) => {
                let mut inner = Check::nested(&["ops", &index, "rrset"]);
                let named = name_and_type(&mut inner, &zone, &op.rrset.name, &op.rrset.rtype);
                check.absorb(inner);
                ops.extend(named.map(|(name, rtype)| RrsetOp::Remove { name, rtype }));
            }
            None => {}
        }
    }
    check.finish()?;
    state.app.zone_patch_rrsets(&actor, &zone, ops).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub(crate) struct ReplaceBody {
    #[serde(default)]
    rrsets: Vec<RrsetBody>,
}

pub(crate) async fn replace_rrsets(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
    JsonBody(body): JsonBody<ReplaceBody>,
) -> Result<StatusCode, ApiError> {
    let zone = zone_name(&raw)?;
    let inputs = rrsets("rrsets", &zone, body.rrsets)?;
    state.app.zone_replace_rrsets(&actor, &zone, inputs).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub(crate) struct OneRecordBody {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    ttl: Option<i64>,
    rdata: String,
}

#[derive(Deserialize)]
pub(crate) struct RecordOpBody {
    op: String,
    record: OneRecordBody,
}

#[derive(Deserialize)]
pub(crate) struct RecordOpsBody {
    ops: Vec<RecordOpBody>,
}

pub(crate) async fn patch_records(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
    JsonBody(body): JsonBody<RecordOpsBody>,
) -> Result<StatusCode, ApiError> {
    let zone = zone_name(&raw)?;
    let mut check = Check::default();
    let mut ops = Vec::new();
    for (i, op) in body.ops.into_iter().enumerate() {
        let index = i.to_string();
        let mut at = Check::nested(&["ops", &index]);
        let upsert = patch_op(&op.op, &mut at);
        check.absorb(at);
        let mut inner = Check::nested(&["ops", &index, "record"]);
        let record = op.record;
        let named = name_and_type(&mut inner, &zone, &record.name, &record.rtype);
        // A removal matches by data alone: its TTL may differ from the record's.
        let ttl = match upsert {
            Some(true) => ttl(&mut inner, record.ttl),
            _ => Some(0),
        };
        let data = named.as_ref().and_then(|(name, rtype)| {
            rdata(&mut inner, "rdata", name, *rtype, &zone, &record.rdata)
        });
        check.absorb(inner);
        if let (Some(upsert), Some((name, rtype)), Some(ttl), Some(rdata)) =
            (upsert, named, ttl, data)
        {
            ops.push(if upsert {
                RecordOp::Upsert {
                    name,
                    rtype,
                    ttl,
                    rdata,
                }
            } else {
                RecordOp::Remove { name, rtype, rdata }
            });
        }
    }
    check.finish()?;
    state.app.zone_patch_records(&actor, &zone, ops).await?;
    Ok(StatusCode::NO_CONTENT)
}
