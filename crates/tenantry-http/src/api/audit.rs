//! `/v1/audit-logs`: the audit trail of the caller's organization and its suborganizations;
//! `/v1/organizations/{organization_id}/audit-logs`: any organization's, for the operator.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use serde_json::{Value, json};
use tenantry_app::{AuditEvent, AuditFilter, AuditQuery, SortOrder};
use tenantry_core::{AuditEventId, OrganizationId};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, OperatorCaller, PathId};
use crate::pagination::{MAX_PAGE_SIZE, Paginated, page_request, paginated, sort_order};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{parse_time, time};

use crate::openapi::{CREATED_AFTER, CREATED_BEFORE, QueryKind::*, QueryParameter, param};

/// The query parameters of the audit trail.
pub(crate) const TRAIL_QUERY: &[QueryParameter] = &[
    param("action", Text, "Only this action (`user.created`)"),
    param("actor_id", Text, "Only this actor's actions"),
    param("target_id", Text, "Only actions on this object"),
    CREATED_AFTER,
    CREATED_BEFORE,
];

/// The parameter of the trail that reads another organization's (the caller's own unless given).
pub(crate) const ORGANIZATION: QueryParameter = param(
    "organization_id",
    Text,
    "The organization whose trail to read",
);

#[derive(ToSchema, Serialize)]
pub(crate) struct AuditEventWire {
    audit_event_id: AuditEventId,
    organization_id: Option<OrganizationId>,
    actor: Value,
    action: String,
    target: Value,
    changes: Value,
    request_id: Option<String>,
    client_ip: Option<String>,
    created_on: String,
}

impl From<AuditEvent> for AuditEventWire {
    fn from(e: AuditEvent) -> Self {
        AuditEventWire {
            audit_event_id: e.id,
            organization_id: e.organization_id,
            actor: json!({"type": e.actor_kind, "id": e.actor_id}),
            action: e.action,
            target: json!({"type": e.target_kind, "id": e.target_id}),
            changes: e.changes,
            request_id: e.request_id,
            client_ip: e.client_ip,
            created_on: time(e.created_on),
        }
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    mut query: QueryParams,
) -> Result<Json<Paginated<AuditEventWire>>, ApiError> {
    let organization_id = query.parse::<OrganizationId>("organization_id", "an organization id");
    trail(&state, &actor, query, organization_id).await
}

/// The query's filters, sort and page: shared by every route of the trail.
fn audit_query(
    mut query: QueryParams,
    organization_id: Option<OrganizationId>,
) -> Result<AuditQuery, ApiError> {
    let page = page_request(&mut query, MAX_PAGE_SIZE);
    let order = sort_order(&mut query, SortOrder::Desc);
    let created_after = query.parse_with("created_after", parse_time, "an RFC 3339 date-time");
    let created_before = query.parse_with("created_before", parse_time, "an RFC 3339 date-time");
    let filter = AuditFilter {
        action: query.get("action").map(str::to_owned),
        target_id: query.get("target_id").map(str::to_owned),
        actor_id: query.get("actor_id").map(str::to_owned),
        created_after,
        created_before,
    };
    query.finish()?;
    Ok(AuditQuery {
        organization_id,
        filter,
        order,
        page,
    })
}

/// A page of the trail of `organization_id` (or of the caller's own organization and its
/// suborganizations), with the query's filters: shared by the Tenantry and DomainGenius
/// routes.
pub(crate) async fn trail(
    state: &AppState,
    actor: &tenantry_app::Actor,
    query: QueryParams,
    organization_id: Option<OrganizationId>,
) -> Result<Json<Paginated<AuditEventWire>>, ApiError> {
    let query = audit_query(query, organization_id)?;
    let page = state.app.audit_list(actor, query).await?;
    Ok(Json(paginated(page, AuditEventWire::from)))
}

/// `GET /v1/organizations/{organization_id}/audit-logs`: any organization's trail, deleted
/// ones included, for the platform operator.
pub(crate) async fn operator_list(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    PathId(organization): PathId<OrganizationId>,
    query: QueryParams,
) -> Result<Json<Paginated<AuditEventWire>>, ApiError> {
    let query = audit_query(query, Some(organization))?;
    let page = state
        .app
        .audit_list_as_operator(&operator, organization, query)
        .await?;
    Ok(Json(paginated(page, AuditEventWire::from)))
}
