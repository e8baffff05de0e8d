//! `/api/v1/orgs/{org_oid}/members…`: an organization's people and their roles there.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::SortOrder;
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_app::users::{OrganizationUser, UserListFilter, UserSort};
use tenantry_core::{OrganizationId, UserId};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody, path_value};
use crate::pagination::{Paginated, page_request, paginated};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::time;

use crate::openapi::{PAGE, PAGE_SIZE, QueryParameter};

/// The query parameters of the member list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[PAGE, PAGE_SIZE];

const MAX_MEMBER_PAGE_SIZE: u64 = 1000;

/// A person of the organization, with the role held there.
#[derive(ToSchema, Serialize)]
pub(crate) struct MemberWire {
    user_oid: UserId,
    username: String,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    role: String,
    /// `home` (the organization is theirs) or `membership` (they joined it).
    access: &'static str,
    created_on: String,
}

impl From<OrganizationUser> for MemberWire {
    fn from(member: OrganizationUser) -> Self {
        let user = member.user;
        MemberWire {
            user_oid: user.id,
            username: user.username,
            email: user.email,
            first_name: user.first_name,
            last_name: user.last_name,
            role: user.role,
            access: if member.membership {
                "membership"
            } else {
                "home"
            },
            created_on: time(user.created_on),
        }
    }
}

#[derive(ToSchema, Deserialize)]
#[schema(as = DgMemberRoleBody)]
pub(crate) struct RoleBody {
    role: String,
}

async fn organization(state: &AppState, org_oid: &str) -> Result<OrganizationId, ApiError> {
    Ok(state
        .app
        .organization_id_of(&OrganizationRef::parse(org_oid))
        .await?)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
    mut query: QueryParams,
) -> Result<Json<Paginated<MemberWire>>, ApiError> {
    let page = page_request(&mut query, MAX_MEMBER_PAGE_SIZE);
    query.finish()?;
    let organization = organization(&state, &org_oid).await?;
    let filter = UserListFilter {
        search: None,
        sort: UserSort::CreatedOn,
        order: SortOrder::Asc,
    };
    let members = state
        .app
        .user_list(&actor, Some(organization), filter, page)
        .await?;
    Ok(Json(paginated(members, MemberWire::from)))
}

/// `GET /api/v1/orgs/{org_oid}/audit-logs`: the organization's trail, as the Tenantry API's
/// (filters `action`, `target_id`, `actor_id`, `created_after`, `created_before`; paged).
pub(crate) async fn audit(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
    query: QueryParams,
) -> Result<Json<Paginated<crate::api::AuditEventWire>>, ApiError> {
    let organization = organization(&state, &org_oid).await?;
    crate::api::audit_trail(&state, &actor, query, Some(organization)).await
}

pub(crate) async fn set_role(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((org_oid, user_oid)): Path<(String, String)>,
    JsonBody(body): JsonBody<RoleBody>,
) -> Result<StatusCode, ApiError> {
    let user: UserId = path_value("user_oid", &user_oid)?;
    let organization = organization(&state, &org_oid).await?;
    state
        .app
        .member_role_set(&actor, organization, user, &body.role)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((org_oid, user_oid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let user: UserId = path_value("user_oid", &user_oid)?;
    let organization = organization(&state, &org_oid).await?;
    state.app.member_remove(&actor, organization, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
