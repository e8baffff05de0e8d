//! An organization's audit log: filters by action and by day, newest first, by pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::{AuditFilter, AuditQuery, PageRequest, SortOrder};

use super::days::{self, NOT_A_DAY};
use super::overview::{Activity, Frame};
use super::pager::Pager;
use super::pages::{PAGE_SIZE, organization};
use super::render;
use super::session::SignedIn;
use crate::AppState;

#[derive(Deserialize, Default)]
pub(crate) struct AuditParams {
    #[serde(default)]
    action: String,
    /// First day shown, `YYYY-MM-DD`.
    #[serde(default)]
    from: String,
    /// Last day shown, `YYYY-MM-DD`.
    #[serde(default)]
    to: String,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    frame: Frame,
    action: String,
    from: String,
    to: String,
    /// What is wrong with the filters, next to the field.
    from_error: Option<&'static str>,
    to_error: Option<&'static str>,
    events: Vec<Activity>,
    pager: Pager,
}

/// `GET /orgs/{organization}/audit`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<AuditParams>,
) -> Response {
    let app = &state.app;
    let from = days::start_of(&params.from);
    let to = days::end_of(&params.to);
    let page = params.page.unwrap_or(1).max(1);
    let filter = AuditFilter {
        action: Some(params.action.trim().to_owned()).filter(|a| !a.is_empty()),
        target_id: None,
        actor_id: None,
        created_after: from.unwrap_or(None),
        created_before: to.unwrap_or(None),
    };
    let shown = async {
        let id = organization(&state, &reference).await?;
        let query = AuditQuery {
            organization_id: Some(id),
            filter,
            order: SortOrder::Desc,
            page: PageRequest {
                page,
                page_size: PAGE_SIZE,
            },
        };
        let events = app.audit_list(&person.actor, query).await?;
        Ok::<_, tenantry_app::AppError>((id, events, Frame::load(app, &person, id).await?))
    };
    match shown.await {
        Ok((id, events, frame)) => {
            let filters = [
                ("action", params.action.as_str()),
                ("from", &params.from),
                ("to", &params.to),
            ];
            let path = format!("/orgs/{id}/audit");
            let pager = Pager::keeping(page, PAGE_SIZE, events.total_items, &path, &filters);
            render::page(&AuditPage {
                frame,
                action: params.action.clone(),
                from: params.from.clone(),
                to: params.to.clone(),
                from_error: from.is_err().then_some(NOT_A_DAY),
                to_error: to.is_err().then_some(NOT_A_DAY),
                events: events.items.into_iter().map(Activity::from).collect(),
                pager,
            })
        }
        Err(err) => render::refusal(&err, true),
    }
}
