//! `/api/v1/orgs/{org_oid}/domains…`: an organization's domain list, and moving a domain to
//! another organization the caller manages domains in.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use tenantry_app::SortOrder;
use tenantry_app::domains::{DomainFilter, DomainSort};
use tenantry_app::person_organizations::OrganizationRef;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::DomainWire;
use crate::extract::{Caller, JsonBody};
use crate::openapi::{PAGE, PAGE_SIZE, QueryKind, QueryParameter, param};
use crate::pagination::{Paginated, page_request, paginated};
use crate::problem::ApiError;
use crate::query::QueryParams;

/// The query parameters of the domain list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[
    PAGE,
    PAGE_SIZE,
    param("search", QueryKind::Text, "Part of the name"),
];

#[derive(ToSchema, Deserialize)]
pub(crate) struct MoveBody {
    /// The organization to move to: its TypeID or slug.
    to: String,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
    mut query: QueryParams,
) -> Result<Json<Paginated<DomainWire>>, ApiError> {
    let page = page_request(&mut query, 1000);
    let mut filter = DomainFilter::every(DomainSort::Name, SortOrder::Asc);
    filter.search = query.get("search").map(str::to_owned);
    query.finish()?;
    let organization = state
        .app
        .organization_id_of(&OrganizationRef::parse(&org_oid))
        .await?;
    let page = state
        .app
        .domain_list(&actor, organization, filter, None, page)
        .await?;
    Ok(Json(paginated(page, DomainWire::from)))
}

pub(crate) async fn move_to(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((org_oid, domain)): Path<(String, String)>,
    JsonBody(body): JsonBody<MoveBody>,
) -> Result<Json<DomainWire>, ApiError> {
    let from = state
        .app
        .organization_id_of(&OrganizationRef::parse(&org_oid))
        .await?;
    let to = OrganizationRef::parse(&body.to);
    let moved = state.app.domain_move(&actor, &domain, from, &to).await?;
    Ok(Json(moved.into()))
}
