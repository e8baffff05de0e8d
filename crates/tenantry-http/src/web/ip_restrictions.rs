//! The networks an organization's API credentials work from: once it has any rule, its keys
//! and access tokens are refused from anywhere else. A rule is added (read as the API's body,
//! so a bad network is refused in its words, and one that would lock the person out is
//! refused too) or removed. The same use cases as `/v1/organizations/ip-restrictions`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::{AppError, NotFoundKind};
use tenantry_core::OrganizationId;

use super::forms::Submitted;
use super::overview::{Frame, when};
use super::pages::{Feedback, ShownAt, id_or_not_found, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::ip_restrictions::CreateBody;

pub(crate) struct RuleRow {
    pub id: i64,
    pub network: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "ip_restrictions.html")]
struct RulesPage {
    frame: Frame,
    rows: Vec<RuleRow>,
    shown: Feedback,
}

#[derive(Deserialize, Default)]
pub(crate) struct Params {
    #[serde(default)]
    done: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "added" => Some("The network is allowed: credentials work from it from now on."),
        "removed" => Some("The network is removed."),
        _ => None,
    }
}

async fn rules_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let read = async {
        let rules = app.ip_restriction_list(&person.actor, Some(id)).await?;
        Ok::<_, AppError>((rules, Frame::load(app, person, id).await?))
    };
    match read.await {
        Ok((rules, frame)) => render::page_with(
            shown.status,
            &RulesPage {
                frame,
                rows: rules
                    .into_iter()
                    .map(|rule| RuleRow {
                        id: rule.id,
                        network: rule.ip_network.to_string(),
                        created: when(rule.created_on),
                        last_used: rule.last_used_on.map(when).unwrap_or_default(),
                    })
                    .collect(),
                shown,
            },
        ),
        Err(err) => render::refusal(&err, true),
    }
}

/// `GET /orgs/{organization}/ip-restrictions`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let shown = Feedback::notice(notice_of(&params.done));
        rules_page(&state, &person, id, shown).await
    })
    .await
}

/// `POST /orgs/{organization}/ip-restrictions`: allows a network.
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "create",
        fields: &["ip_network"],
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let body: CreateBody = sent.api_body(&["ip_network"])?;
        let network = body.network().map_err(|e| e.0)?;
        state
            .app
            .ip_restriction_create(&person.actor, Some(id), network)
            .await?;
        Ok(render::see(&format!(
            "/orgs/{id}/ip-restrictions?done=added"
        )))
    };
    let again = async |id, shown| rules_page(&state, &person, id, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}

/// `POST /orgs/{organization}/ip-restrictions/{rule}/delete`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, rule)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, _: &Submitted| {
        let rule: i64 = id_or_not_found(&rule, NotFoundKind::IpRestriction)?;
        state
            .app
            .ip_restriction_delete(&person.actor, Some(id), rule)
            .await?;
        Ok(render::see(&format!(
            "/orgs/{id}/ip-restrictions?done=removed"
        )))
    };
    let again = async |id, shown| rules_page(&state, &person, id, shown).await;
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
