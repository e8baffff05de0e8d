//! The page an ownership offer's mailed link opens (`/ownership-transfers/{token}`): signed in
//! as the person it was mailed to, one button accepts it (the same use case as
//! `POST /api/v1/ownership-transfers/{token}/accept`); signed out, it says to sign in first.
//! The link's secret is checked only by the use case, so a wrong or used one is "not found".

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::forms::Submitted;
use super::invitations::signed_in;
use super::render;
use super::session::forged;
use super::sign_in::RequestParts;
use crate::AppState;
use crate::extract::ClientMeta;

#[derive(Template)]
#[template(path = "ownership_offer.html")]
struct OfferPage<'a> {
    token: &'a str,
    csrf: String,
    person: Option<String>,
    error: Option<String>,
}

/// `GET /ownership-transfers/{token}`.
pub(crate) async fn page(
    State(state): State<AppState>,
    RequestParts(parts): RequestParts,
    Path(token): Path<String>,
) -> Response {
    let person = signed_in(&parts, &state).await;
    render::page(&OfferPage {
        token: &token,
        csrf: person.as_ref().map(|p| p.csrf()).unwrap_or_default(),
        person: person.map(|p| p.actor.display_name()),
        error: None,
    })
}

/// `POST /ownership-transfers/{token}`: accepts it as the signed-in person.
pub(crate) async fn accept(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    RequestParts(parts): RequestParts,
    Path(token): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let Some(person) = signed_in(&parts, &state).await else {
        return render::see("/sign-in");
    };
    if !person.sent(sent.csrf()) {
        return forged();
    }
    match state
        .app
        .ownership_transfer_accept(&person.actor, &token, &meta)
        .await
    {
        Ok(organization) => render::see(&format!("/orgs/{organization}")),
        Err(err @ tenantry_app::AppError::NotFound { .. }) => render::refusal(&err, true),
        Err(err) => {
            let (status, words): (StatusCode, String) = render::words(&err);
            render::page_with(
                status,
                &OfferPage {
                    token: &token,
                    csrf: person.csrf(),
                    person: Some(person.actor.display_name()),
                    error: Some(words),
                },
            )
        }
    }
}
