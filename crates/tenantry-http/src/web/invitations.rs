//! The page an invitation's mailed link opens (`/invitations/{token}`): what it offers, then
//! accepting it signed in as its addressee, or signing up with it. The same use case as
//! `POST /api/v1/invitations/{token}/accept`.
//!
//! Without a session the form's CSRF token is made from the pre-session secret, as on the
//! sign-in page.

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use tenantry_app::AppError;
use tenantry_app::invitations::{Acceptance, InvitationPreview};

use super::forms::{FormErrors, Submitted};
use super::session::{SignedIn, forged};
use super::sign_in::{RequestParts, pre_session, pre_session_form};
use super::{cookies, csrf, render};
use crate::AppState;
use crate::extract::ClientMeta;

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    token: String,
    csrf: String,
    preview: InvitationPreview,
    /// Who is signed in here, if anyone.
    person: Option<String>,
    name: String,
    errors: FormErrors,
}

/// The person signed in on this browser, if any.
pub(crate) async fn signed_in(parts: &Parts, state: &AppState) -> Option<SignedIn> {
    SignedIn::from_request_parts(&mut parts.clone(), state)
        .await
        .ok()
}

async fn invitation_page(
    state: &AppState,
    parts: &Parts,
    token: &str,
    status: StatusCode,
    name: &str,
    errors: FormErrors,
) -> Response {
    let preview = match state.app.invitation_preview(token).await {
        Ok(preview) => preview,
        Err(err) => return render::refusal(&err, false),
    };
    let person = signed_in(parts, state).await;
    let (secret, new) = pre_session(parts);
    let csrf = match &person {
        Some(person) => person.csrf(),
        None => csrf::token_for(&secret),
    };
    let mut response = render::page_with(
        status,
        &InvitationPage {
            token: token.to_owned(),
            csrf,
            preview,
            person: person.map(|p| p.actor.display_name()),
            name: name.to_owned(),
            errors,
        },
    );
    if new {
        cookies::set(response.headers_mut(), parts, cookies::PRE_SESSION, &secret);
    }
    response
}

/// `GET /invitations/{token}`.
pub(crate) async fn page(
    State(state): State<AppState>,
    RequestParts(parts): RequestParts,
    Path(token): Path<String>,
) -> Response {
    let errors = FormErrors::default();
    invitation_page(&state, &parts, &token, StatusCode::OK, "", errors).await
}

/// `POST /invitations/{token}`: accepts it as the signed-in person, or signs up with `name`
/// and `password`.
pub(crate) async fn accept(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    RequestParts(parts): RequestParts,
    Path(token): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let person = signed_in(&parts, &state).await;
    let genuine = match &person {
        Some(person) => person.sent(sent.csrf()),
        None => pre_session_form(&parts, sent.csrf()),
    };
    if !genuine {
        return forged();
    }
    let acceptance = match &person {
        Some(person) => Acceptance::SignedIn(&person.actor),
        None => Acceptance::SignUp {
            name: sent.get("name").trim().to_owned(),
            password: sent.get("password").to_owned(),
        },
    };
    match state.app.invitation_accept(&token, acceptance, &meta).await {
        Ok(organization) if person.is_some() => render::see(&format!("/orgs/{organization}")),
        Ok(_) => render::see("/sign-in?joined=1"),
        Err(err @ AppError::NotFound { .. }) => render::refusal(&err, person.is_some()),
        Err(err) => {
            let status = render::words(&err).0;
            let errors = FormErrors::from_refusal(&err, &["name", "password"]);
            let name = sent.get("name");
            invitation_page(&state, &parts, &token, status, name, errors).await
        }
    }
}
