//! `/v1/dns…`: zones and their rrsets. Bodies become canonical rrsets in `input`, answers
//! take their shapes in `wire`.

pub(crate) mod dnssec;
pub(crate) mod input;
pub(crate) use input::{RrsetOpsBody, rrset_ops};
pub(crate) mod wire;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tenantry_app::dns::{ZoneCreate, ZoneFilter, ZoneSort};
use tenantry_app::{AppError, NotFoundKind, SortOrder};
use tenantry_core::dns::{SoaTimers, ZoneName};
use utoipa::ToSchema;

use self::input::{RecordOpsBody, ReplaceBody, RrsetBody, record_ops, rrsets};
use self::wire::{ChangesWire, ZoneWire};
use crate::AppState;
use crate::extract::{Caller, JsonBody, OrgContext};
use crate::pagination::{Paginated, page_request, paginated, sort_order};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{Check, parse_time};

use crate::openapi::{CREATED_AFTER, CREATED_BEFORE, QueryKind::*, QueryParameter, param};

/// The query parameters of the zone list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[
    param(
        "sort_by",
        OneOf(&["name", "created_on", "updated_on", "dnssec_status"]),
        "Sort key",
    ),
    param("search", Text, "Part of the zone's name"),
    param("name", Text, "The zone's name"),
    param("suffix", Text, "Zones whose name ends so"),
    param(
        "dnssec_status",
        OneOf(&["enabled", "disabled"]),
        "Signed or not",
    ),
    CREATED_AFTER,
    CREATED_BEFORE,
    param("updated_after", Time, "Changed at or after"),
    param("updated_before", Time, "Changed before"),
];

const MAX_ZONE_PAGE_SIZE: u64 = 1000;

/// A zone name from the path, with or without the trailing dot; one that cannot be a zone
/// is simply not found (clients probe candidate names this way).
fn zone_name(raw: &str) -> Result<ZoneName, ApiError> {
    ZoneName::parse(raw).map_err(|_| ApiError(AppError::not_found(NotFoundKind::Zone, raw)))
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct ZoneCreateBody {
    name: String,
    dnssec_status: Option<String>,
    #[serde(default)]
    rrsets: Vec<RrsetBody>,
    vanity_nameserver_set_id: Option<String>,
}

impl ZoneCreateBody {
    /// The use case's input, checked (the dashboard's form is read through it too).
    pub(crate) fn into_create(self) -> Result<ZoneCreate, ApiError> {
        let mut check = Check::default();
        let name = check.value("name", &self.name, ZoneName::parse);
        let dnssec = match self.dnssec_status.as_deref() {
            None | Some("disabled") => false,
            Some("enabled") => true,
            Some(_) => {
                check.fail("dnssec_status", "must be enabled or disabled");
                false
            }
        };
        check.finish()?;
        let name = name.expect("checked above");
        Ok(ZoneCreate {
            timers: SoaTimers::default(),
            rrsets: rrsets("rrsets", &name, self.rrsets)?,
            name,
            dnssec,
            vanity_nameserver_set_id: self.vanity_nameserver_set_id,
        })
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    JsonBody(body): JsonBody<ZoneCreateBody>,
) -> Result<(StatusCode, Json<ChangesWire>), ApiError> {
    let create = body.into_create()?;
    let changes = state.app.zone_create(&actor, context, create).await?;
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
        scope: None,
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

pub(crate) async fn patch_rrsets(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
    JsonBody(body): JsonBody<RrsetOpsBody>,
) -> Result<StatusCode, ApiError> {
    let zone = zone_name(&raw)?;
    let ops = rrset_ops(&zone, body)?;
    state.app.zone_patch_rrsets(&actor, &zone, ops).await?;
    Ok(StatusCode::NO_CONTENT)
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

pub(crate) async fn patch_records(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
    JsonBody(body): JsonBody<RecordOpsBody>,
) -> Result<StatusCode, ApiError> {
    let zone = zone_name(&raw)?;
    let ops = record_ops(&zone, body)?;
    state.app.zone_patch_records(&actor, &zone, ops).await?;
    Ok(StatusCode::NO_CONTENT)
}
