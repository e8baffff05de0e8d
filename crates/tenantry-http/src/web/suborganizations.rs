//! A top-level organization's suborganizations: a searchable list by pages, a form that
//! creates one (read as the API's `POST /v1/organizations` body), and activation and
//! deactivation, each through the API's use cases.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::organizations::{
    Organization, OrganizationFilter, OrganizationPatch, OrganizationSort,
};
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_app::{AppError, NotFoundKind, PageRequest, SortOrder};
use tenantry_core::{OrgStatus, OrganizationId};

use super::forms::{FormErrors, Submitted};
use super::overview::{Frame, when};
use super::pager::Pager;
use super::render;
use super::session::{SignedIn, forged};
use crate::AppState;
use crate::api::organizations::OrganizationCreateBody;

const PAGE_SIZE: u64 = 25;

/// The fields of the creation form, by their API names.
const CREATE_FIELDS: &[&str] = &["name", "billing_mode", "country_code", "currency"];

pub(crate) struct SuborganizationRow {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub active: bool,
    pub billing_mode: String,
    pub created: String,
}

impl From<Organization> for SuborganizationRow {
    fn from(org: Organization) -> Self {
        SuborganizationRow {
            id: org.id.to_string(),
            name: org.profile.name,
            slug: org.slug,
            active: org.status == OrgStatus::Active,
            billing_mode: org.billing_mode,
            created: when(org.created_on),
        }
    }
}

#[derive(Template)]
#[template(path = "suborganizations.html")]
struct SuborganizationsPage {
    frame: Frame,
    search: String,
    rows: Vec<SuborganizationRow>,
    pager: Pager,
    notice: Option<&'static str>,
    /// The creation form's values as sent, and what is wrong with them.
    sent: Submitted,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub(crate) struct ListParams {
    #[serde(default)]
    search: String,
    page: Option<u64>,
    #[serde(default)]
    done: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "created" => Some("The suborganization is created, with you as its owner."),
        "activated" => Some("The suborganization is active again: its people can make changes."),
        "deactivated" => Some(
            "The suborganization is deactivated: it can still be read, but nothing in it changes \
             until it is activated again.",
        ),
        _ => None,
    }
}

/// What a rendering of the page needs besides the list.
struct Shown {
    status: StatusCode,
    notice: Option<&'static str>,
    sent: Submitted,
    errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    person: &SignedIn,
    reference: &str,
    params: &ListParams,
    shown: Shown,
) -> Response {
    let app = &state.app;
    let page = params.page.unwrap_or(1).max(1);
    let search = params.search.trim().to_owned();
    let listed = async {
        let id = app
            .organization_id_of(&OrganizationRef::parse(reference))
            .await?;
        let filter = OrganizationFilter {
            search: Some(search.clone()).filter(|s| !s.is_empty()),
            country_code: None,
            sort: OrganizationSort::Name,
            order: SortOrder::Asc,
        };
        let page = PageRequest {
            page,
            page_size: PAGE_SIZE,
        };
        let children = app
            .organization_list(&person.actor, Some(id), filter, page)
            .await?;
        let reached = app.my_organizations(&person.actor).await?;
        Ok::<_, AppError>((id, children, reached))
    };
    match listed.await {
        Ok((id, children, reached)) => {
            let path = format!("/orgs/{id}/suborganizations");
            let filters = [("search", search.as_str())];
            render::page_with(
                shown.status,
                &SuborganizationsPage {
                    frame: Frame::new(person, &reached, &id.to_string()),
                    pager: Pager::keeping(page, PAGE_SIZE, children.total_items, &path, &filters),
                    rows: children.items.into_iter().map(Into::into).collect(),
                    search,
                    notice: shown.notice,
                    sent: shown.sent,
                    errors: shown.errors,
                },
            )
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// `GET /orgs/{organization}/suborganizations`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    let shown = Shown {
        status: StatusCode::OK,
        notice: notice_of(&params.done),
        sent: Submitted::default(),
        errors: FormErrors::default(),
    };
    list_page(&state, &person, &reference, &params, shown).await
}

/// `POST /orgs/{organization}/suborganizations`: creates one under this organization.
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    if !person.sent(sent.csrf()) {
        return forged();
    }
    let app = &state.app;
    let created = async {
        let parent = app
            .organization_id_of(&OrganizationRef::parse(&reference))
            .await?;
        let body: OrganizationCreateBody = sent.api_body(CREATE_FIELDS)?;
        let mut command = body.into_command().map_err(|e| e.0)?;
        command.parent_organization_id = Some(parent);
        app.organization_create(&person.actor, command).await?;
        Ok::<_, AppError>(parent)
    };
    match created.await {
        Ok(parent) => render::see(&format!(
            "/orgs/{parent}/suborganizations?done=created#main"
        )),
        Err(err @ (AppError::NotFound { .. } | AppError::Unauthenticated(..))) => {
            render::refusal(&err, true)
        }
        Err(err) => {
            let (status, errors) = FormErrors::from_refusal(&err);
            let shown = Shown {
                status,
                notice: None,
                sent,
                errors,
            };
            list_page(&state, &person, &reference, &ListParams::default(), shown).await
        }
    }
}

/// `POST /orgs/{organization}/suborganizations/{child}/status`: `status=active|inactive`.
pub(crate) async fn set_status(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, child)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    if !person.sent(sent.csrf()) {
        return forged();
    }
    let (status, done) = match sent.get("status") {
        "active" => (OrgStatus::Active, "activated"),
        "inactive" => (OrgStatus::Inactive, "deactivated"),
        _ => {
            let refused = AppError::invalid_field("status", "must be active or inactive");
            return render::refusal(&refused, true);
        }
    };
    let Ok(child) = child.parse::<OrganizationId>() else {
        return render::refusal(
            &AppError::not_found(NotFoundKind::Organization, child),
            true,
        );
    };
    let patch = OrganizationPatch {
        fields: Vec::new(),
        status: Some(status),
    };
    match state
        .app
        .organization_update(&person.actor, child, patch)
        .await
    {
        Ok(org) if org.parent_id.is_some() => {
            render::see(&format!("/orgs/{reference}/suborganizations?done={done}"))
        }
        Ok(_) => render::see(&format!("/orgs/{reference}")),
        Err(err) => render::refusal(&err, true),
    }
}
