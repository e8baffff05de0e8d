//! `/api/v1/orgs…`: founding, listing, reading and renaming organizations, and checking a
//! slug. Shapes only; the rules are the use cases'.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::memberships::OrganizationAccess;
use tenantry_app::organizations::Organization;
use tenantry_app::person_organizations::{HeldOrganization, OrganizationRef, SlugCheck};
use tenantry_core::OrganizationId;
use tenantry_core::values::Slug;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody};
use crate::openapi::{QueryKind, QueryParameter, param};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{Check, time};

/// The query parameters of the slug check.
pub(crate) const SLUG_QUERY: &[QueryParameter] = &[param(
    "slug",
    QueryKind::Text,
    "The slug to check (required)",
)];

/// An organization's name: 1 to 255 characters, as in the Tenantry API.
const NAME_MAX: usize = 255;

/// An organization as DomainGenius shows it.
#[derive(ToSchema, Serialize)]
pub(crate) struct OrgWire {
    oid: OrganizationId,
    slug: String,
    name: String,
    status: &'static str,
    parent_oid: Option<OrganizationId>,
    /// The role the caller holds there.
    role: String,
    created_on: String,
    updated_on: String,
}

impl OrgWire {
    fn of(org: Organization, role: String) -> Self {
        OrgWire {
            oid: org.id,
            slug: org.slug,
            name: org.profile.name,
            status: org.status.as_str(),
            parent_oid: org.parent_id,
            role,
            created_on: time(org.created_on),
            updated_on: time(org.updated_on),
        }
    }
}

impl From<HeldOrganization> for OrgWire {
    fn from(held: HeldOrganization) -> Self {
        OrgWire::of(held.organization, held.role)
    }
}

/// One entry of the switcher: the organization and how the caller reaches it.
#[derive(ToSchema, Serialize)]
pub(crate) struct SwitcherEntry {
    #[serde(flatten)]
    org: OrgWire,
    /// `home`, `membership` or `parent`.
    access: &'static str,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct OrgList {
    orgs: Vec<SwitcherEntry>,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct SlugCheckWire {
    slug: String,
    available: bool,
    reason: Option<String>,
    suggestion: Option<String>,
}

impl From<SlugCheck> for SlugCheckWire {
    fn from(check: SlugCheck) -> Self {
        SlugCheckWire {
            slug: check.slug,
            available: check.available,
            reason: check.reason,
            suggestion: check.suggestion,
        }
    }
}

#[derive(ToSchema, Deserialize)]
#[schema(as = DgOrgCreateBody)]
pub(crate) struct CreateBody {
    name: String,
    slug: Option<String>,
}

#[derive(ToSchema, Deserialize)]
#[schema(as = DgOrgUpdateBody)]
pub(crate) struct UpdateBody {
    name: Option<String>,
    slug: Option<String>,
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<CreateBody>,
) -> Result<(StatusCode, Json<OrgWire>), ApiError> {
    let mut check = Check::default();
    let name = check.text("name", Some(body.name), NAME_MAX);
    let slug = check.opt("slug", body.slug.as_deref(), Slug::parse);
    check.finish()?;
    let name = name.expect("checked above");
    let founded = state.app.organization_found(&actor, name, slug).await?;
    Ok((StatusCode::CREATED, Json(founded.into())))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<OrgList>, ApiError> {
    let orgs = state.app.my_organizations(&actor).await?;
    let orgs = orgs
        .into_iter()
        .map(
            |OrganizationAccess {
                 organization,
                 role,
                 reach,
             }| SwitcherEntry {
                org: OrgWire::of(organization, role),
                access: reach.as_str(),
            },
        )
        .collect();
    Ok(Json(OrgList { orgs }))
}

pub(crate) async fn check_slug(
    State(state): State<AppState>,
    Caller(_): Caller,
    mut query: QueryParams,
) -> Result<Json<SlugCheckWire>, ApiError> {
    let slug = query.get("slug").map(str::to_owned);
    if slug.is_none() {
        query.error("slug", "Field required");
    }
    query.finish()?;
    let check = state.app.slug_check(&slug.expect("checked above")).await?;
    Ok(Json(check.into()))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
) -> Result<Json<OrgWire>, ApiError> {
    let held = state
        .app
        .organization_held(&actor, &OrganizationRef::parse(&org_oid))
        .await?;
    Ok(Json(held.into()))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
    JsonBody(body): JsonBody<UpdateBody>,
) -> Result<Json<OrgWire>, ApiError> {
    let mut check = Check::default();
    let name = check.text("name", body.name, NAME_MAX);
    let slug = check.opt("slug", body.slug.as_deref(), Slug::parse);
    check.finish()?;
    let held = state
        .app
        .organization_rename(&actor, &OrganizationRef::parse(&org_oid), name, slug)
        .await?;
    Ok(Json(held.into()))
}
