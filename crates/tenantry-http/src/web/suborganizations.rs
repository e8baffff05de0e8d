//! A top-level organization's suborganizations: a searchable list by pages, a form that
//! creates one (read as the API's `POST /v1/organizations` body), and activation and
//! deactivation (read as its `PATCH` body), each through the API's use cases.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::organizations::{Organization, OrganizationFilter, OrganizationSort};
use tenantry_app::{AppError, NotFoundKind, PageRequest, SortOrder};
use tenantry_core::{OrgStatus, OrganizationId};

use super::forms::Submitted;
use super::overview::{Frame, when};
use super::pager::Pager;
use super::pages::{Feedback, PAGE_SIZE, ShownAt, id_or_not_found, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::organizations::{OrganizationCreateBody, OrganizationPatchBody};

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
    shown: Feedback,
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
        "active" => Some("The suborganization is active again: its people can make changes."),
        "inactive" => Some(
            "The suborganization is deactivated: it can still be read, but nothing in it changes \
             until it is activated again.",
        ),
        _ => None,
    }
}

async fn list_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    params: &ListParams,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let page = params.page.unwrap_or(1).max(1);
    let search = params.search.trim().to_owned();
    let filter = OrganizationFilter {
        search: Some(search.clone()).filter(|s| !s.is_empty()),
        country_code: None,
        sort: OrganizationSort::Name,
        order: SortOrder::Asc,
    };
    let request = PageRequest {
        page,
        page_size: PAGE_SIZE,
    };
    let listed = async {
        let children = app
            .organization_list(&person.actor, Some(id), filter, request)
            .await?;
        Ok::<_, AppError>((children, Frame::load(app, person, id).await?))
    };
    match listed.await {
        Ok((children, frame)) => {
            let path = format!("/orgs/{id}/suborganizations");
            let filters = [("search", search.as_str())];
            render::page_with(
                shown.status,
                &SuborganizationsPage {
                    frame,
                    pager: Pager::keeping(page, PAGE_SIZE, children.total_items, &path, &filters),
                    rows: children.items.into_iter().map(Into::into).collect(),
                    search,
                    shown,
                },
            )
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// The list again, after a refused form.
async fn again(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    shown: Feedback,
) -> Response {
    list_page(state, person, id, &ListParams::default(), shown).await
}

/// `GET /orgs/{organization}/suborganizations`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let shown = Feedback::notice(notice_of(&params.done));
        list_page(&state, &person, id, &params, shown).await
    })
    .await
}

/// `POST /orgs/{organization}/suborganizations`: creates one under this organization.
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "create",
        fields: CREATE_FIELDS,
    };
    let act = async |parent: OrganizationId, sent: &Submitted| {
        let body: OrganizationCreateBody = sent.api_body(CREATE_FIELDS)?;
        let mut command = body.into_command().map_err(|e| e.0)?;
        command.parent_organization_id = Some(parent);
        state
            .app
            .organization_create(&person.actor, command)
            .await?;
        Ok(render::see(&format!(
            "/orgs/{parent}/suborganizations?done=created#main"
        )))
    };
    let again = async |id, shown| again(&state, &person, id, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}

/// `POST /orgs/{organization}/suborganizations/{child}/status`: `status=active|inactive`.
pub(crate) async fn set_status(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, child)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |parent: OrganizationId, sent: &Submitted| {
        let child: OrganizationId = id_or_not_found(&child, NotFoundKind::Organization)?;
        let body: OrganizationPatchBody = sent.api_body(&["status"])?;
        let patch = body.into_patch().map_err(|e| e.0)?;
        let changed = state
            .app
            .organization_update(&person.actor, child, patch)
            .await?;
        let done = changed.status.as_str();
        Ok(render::see(&format!(
            "/orgs/{parent}/suborganizations?done={done}#main"
        )))
    };
    let again = async |id, shown| again(&state, &person, id, shown).await;
    post(
        &state,
        &person,
        &reference,
        sent,
        ShownAt::Alert,
        act,
        again,
    )
    .await
}
