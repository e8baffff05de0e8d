//! An organization's danger zone: passing its ownership to another member (an offer mailed as
//! a link, withdrawn until accepted) and deleting the organization, each with its rules spelled
//! out beside the form. Deletion asks for the organization's name typed again, so no stray
//! click deletes one. The same use cases as DomainGenius's `…/ownership-transfer` and
//! `DELETE /api/v1/orgs/{org_oid}`, which decide who may and what deleting means.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::AppError;
use tenantry_core::OrganizationId;

use super::forms::Submitted;
use super::overview::{Frame, balance, when};
use super::pages::{Feedback, ShownAt, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::dg::danger_zone::OfferBody;

/// The open ownership offer, as the page shows it.
pub(crate) struct OfferShown {
    pub to_email: String,
    pub expires: String,
    pub expired: bool,
}

#[derive(Template)]
#[template(path = "danger_zone.html")]
struct DangerZonePage {
    frame: Frame,
    offer: Option<OfferShown>,
    balance: Option<String>,
    shown: Feedback,
}

#[derive(Deserialize, Default)]
pub(crate) struct Params {
    #[serde(default)]
    done: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "offered" => Some("The offer is mailed. You stay the owner until it is accepted."),
        "withdrawn" => Some("The offer is withdrawn: its link no longer works."),
        _ => None,
    }
}

async fn danger_zone_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let read = async {
        let offer = match app.ownership_transfer_get(&person.actor, id).await {
            Ok(view) => Some(OfferShown {
                to_email: view.to_email,
                expires: when(view.expires_at),
                expired: view.expired,
            }),
            Err(AppError::NotFound { .. }) => None,
            Err(err) => return Err(err),
        };
        let details = app.organization_get(&person.actor, id).await?;
        Ok((offer, details, Frame::load(app, person, id).await?))
    };
    match read.await {
        Ok((offer, details, frame)) => render::page_with(
            shown.status,
            &DangerZonePage {
                frame,
                offer,
                balance: details.billing.as_ref().map(balance),
                shown,
            },
        ),
        Err(err) => render::refusal(&err, true),
    }
}

/// `GET /orgs/{organization}/danger-zone`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let shown = Feedback::notice(notice_of(&params.done));
        danger_zone_page(&state, &person, id, shown).await
    })
    .await
}

/// `GET /dashboard/settings/danger-zone`, the address DomainGenius's documentation gives for
/// passing an organization's ownership: the danger zone of the person's home organization.
pub(crate) async fn documented_address(person: SignedIn) -> Response {
    render::see(&format!(
        "/orgs/{}/danger-zone",
        person.actor.organization_id()
    ))
}

/// `POST /orgs/{organization}/danger-zone/ownership`: offers the ownership to a member.
pub(crate) async fn offer(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "offer",
        fields: &["email"],
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let body: OfferBody = sent.api_body(&["email"])?;
        let email = body.email().map_err(|e| e.0)?;
        state
            .app
            .ownership_transfer_offer(&person.actor, id, email.as_str())
            .await?;
        Ok(render::see(&format!("/orgs/{id}/danger-zone?done=offered")))
    };
    let again = async |id, shown| danger_zone_page(&state, &person, id, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}

/// `POST /orgs/{organization}/danger-zone/ownership/withdraw`.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, _: &Submitted| {
        state
            .app
            .ownership_transfer_cancel(&person.actor, id)
            .await?;
        Ok(render::see(&format!(
            "/orgs/{id}/danger-zone?done=withdrawn"
        )))
    };
    let again = async |id, shown| danger_zone_page(&state, &person, id, shown).await;
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

/// `POST /orgs/{organization}/danger-zone/delete`: deletes the organization once its name is
/// typed again.
pub(crate) async fn delete(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "delete",
        fields: &["confirm_name"],
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let details = state.app.organization_get(&person.actor, id).await?;
        if sent.get("confirm_name").trim() != details.organization.profile.name {
            return Err(AppError::invalid_field(
                "confirm_name",
                "type the organization's name exactly as shown to delete it",
            ));
        }
        state
            .app
            .organization_delete_by_owner(&person.actor, id)
            .await?;
        Ok(render::see("/"))
    };
    let again = async |id, shown| danger_zone_page(&state, &person, id, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}
