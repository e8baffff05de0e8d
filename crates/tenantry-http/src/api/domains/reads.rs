//! Reading domains: check, list, one, summary.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::{Map, Value, json};
use tenantry_app::SortOrder;
use tenantry_app::domains::{CheckResult, DomainFilter, DomainSort};
use utoipa::ToSchema;

use super::wire::DomainWire;
use crate::AppState;
use crate::extract::{Caller, OrgContext};
use crate::pagination::{Paginated, page_request, paginated, sort_order};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::parse_time;

use crate::openapi::{CREATED_AFTER, CREATED_BEFORE, QueryKind::*, QueryParameter, param};

/// The query parameters of the domain list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[
    param(
        "sort_by",
        OneOf(&[
            "name",
            "created_on",
            "updated_on",
            "expires_on",
            "registered_on",
        ]),
        "Sort key",
    ),
    param("search", Text, "Part of the name"),
    param("name", Text, "The domain's name"),
    param("sld", Text, "Second-level label"),
    param("tld", Text, "Top-level domain"),
    param("is_premium", Boolean, "Premium or not"),
    param("transfer_lock", Boolean, "Locked or not"),
    CREATED_AFTER,
    CREATED_BEFORE,
    param("expires_after", Time, "Expiring at or after"),
    param("expires_before", Time, "Expiring before"),
    param("registered_after", Time, "Registered at or after"),
    param("registered_before", Time, "Registered before"),
];

/// The query parameters of an availability check.
pub(crate) const AVAILABILITY_QUERY: &[QueryParameter] = &[param(
    "domains",
    Text,
    "A name to check (repeatable, at most 50)",
)];

const MAX_DOMAIN_PAGE_SIZE: u64 = 1000;

#[derive(ToSchema, Serialize)]
pub(crate) struct CheckWire {
    results: Vec<Value>,
}

fn check_wire(r: CheckResult) -> Value {
    let premium_pricing = (!r.premium_pricing.is_empty()).then(|| {
        json!({"prices": r.premium_pricing.iter().map(|p| json!({
            "action": p.action, "price": p.price, "currency": p.currency,
        })).collect::<Vec<_>>()})
    });
    json!({
        "domain": r.domain,
        "available": r.available,
        "reason": r.reason,
        "is_premium": r.is_premium,
        "claims_key": null,
        "premium_pricing": premium_pricing,
        "error": r.error.map(|(kind, message)| json!({"type": kind, "message": message})),
    })
}

/// `GET /v1/domains/check?domains=a.com&domains=b.net`.
pub(crate) async fn check(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    query: QueryParams,
) -> Result<Json<CheckWire>, ApiError> {
    let names = query.all("domains");
    query.finish()?;
    let results = state.app.domain_check(&actor, context, names).await?;
    Ok(Json(CheckWire {
        results: results.into_iter().map(check_wire).collect(),
    }))
}

/// The reference's list filters this platform can answer.
fn filter(query: &mut QueryParams) -> DomainFilter {
    let order = sort_order(query, SortOrder::Asc);
    let sort = query
        .parse_with(
            "sort_by",
            |s| match s {
                "name" => Some(DomainSort::Name),
                "created_on" => Some(DomainSort::CreatedOn),
                "updated_on" => Some(DomainSort::UpdatedOn),
                "expires_on" => Some(DomainSort::ExpiresOn),
                "registered_on" => Some(DomainSort::RegisteredOn),
                _ => None,
            },
            "name, created_on, updated_on, expires_on or registered_on",
        )
        .unwrap_or_default();
    let time = |query: &mut QueryParams, name: &str| {
        query.parse_with(name, parse_time, "an RFC 3339 date-time")
    };
    let mut filter = DomainFilter::every(sort, order);
    filter.name = query.get("name").map(str::to_owned);
    filter.search = query.get("search").map(str::to_owned);
    filter.sld = query.get("sld").map(str::to_owned);
    filter.tlds = query.all("tld");
    let flag = |query: &mut QueryParams, name: &str| {
        query.parse_with(
            name,
            |s| match s {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            "true or false",
        )
    };
    filter.is_premium = flag(query, "is_premium");
    filter.transfer_lock = flag(query, "transfer_lock");
    filter.created_after = time(query, "created_after");
    filter.created_before = time(query, "created_before");
    filter.expires_after = time(query, "expires_after");
    filter.expires_before = time(query, "expires_before");
    filter.registered_after = time(query, "registered_after");
    filter.registered_before = time(query, "registered_before");
    filter
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    mut query: QueryParams,
) -> Result<Json<Paginated<DomainWire>>, ApiError> {
    let page = page_request(&mut query, MAX_DOMAIN_PAGE_SIZE);
    let filter = filter(&mut query);
    // `expires_in_30_days=true` (or 60, 90): those expiring within that many days.
    let within = [30, 60, 90]
        .into_iter()
        .find(|days| query.get(&format!("expires_in_{days}_days")) == Some("true"));
    query.finish()?;
    let organization = context.unwrap_or_else(|| actor.organization_id());
    let page = state
        .app
        .domain_list(&actor, organization, filter, within, page)
        .await?;
    Ok(Json(paginated(page, DomainWire::from)))
}

/// One domain; its authorization code is shown to whoever may manage it.
pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(reference): Path<String>,
) -> Result<Json<DomainWire>, ApiError> {
    let domain = state.app.domain_get(&actor, &reference).await?;
    let code = state
        .app
        .domain_auth_code(&actor, &reference)
        .await
        .ok()
        .flatten();
    Ok(Json(DomainWire::from(domain).with_auth_code(code)))
}

pub(crate) async fn summary(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
) -> Result<Json<Value>, ApiError> {
    let s = state.app.domain_summary(&actor, context).await?;
    let counts = |pairs: Vec<(String, i64)>| -> Map<String, Value> {
        pairs.into_iter().map(|(k, n)| (k, json!(n))).collect()
    };
    Ok(Json(json!({
        "organization_id": s.organization_id,
        "domains": {
            "total_count": s.total_count,
            "by_status": counts(s.by_status),
            "by_tld": counts(s.by_tld),
            "by_organization": {s.organization_id.to_string(): s.total_count},
            "expiring_soon": {
                "next_30_days": s.expiring[0],
                "next_60_days": s.expiring[1],
                "next_90_days": s.expiring[2],
            },
        },
    })))
}
