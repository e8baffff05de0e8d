//! Signing up on one's own (`/sign-up`), where the server's policy lets anyone (`serve
//! --signup open`): the form is read as DomainGenius's `POST /api/v1/auth/signup` body and
//! goes through the same use case, which answers alike whether the address has an account.
//! Elsewhere the page says why there is no sign-up. Without a session, the form's CSRF
//! token is made from the pre-session secret, as on the sign-in page.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde_json::json;

use super::forms::{FormErrors, Submitted};
use super::session::forged;
use super::sign_in::{RequestParts, pre_session, pre_session_form};
use super::{cookies, csrf, render};
use crate::AppState;
use crate::dg::signup::SignUpBody;
use crate::extract::{ClientMeta, typed_body};

#[derive(Template)]
#[template(path = "sign_up.html")]
struct SignUpPage<'a> {
    csrf: &'a str,
    /// Why nobody signs up here, when nobody may.
    closed: Option<String>,
    name: &'a str,
    email: &'a str,
    errors: FormErrors,
}

fn sign_up_page(
    state: &AppState,
    parts: &Parts,
    status: StatusCode,
    sent: &Submitted,
    errors: FormErrors,
) -> Response {
    let (secret, new) = pre_session(parts);
    let token = csrf::token_for(&secret);
    let closed = state.app.sign_up_admitted().err();
    let status = match &closed {
        Some(err) => render::words(err).0,
        None => status,
    };
    let mut response = render::page_with(
        status,
        &SignUpPage {
            csrf: &token,
            closed: closed.map(|err| render::words(&err).1),
            name: sent.get("name"),
            email: sent.get("email"),
            errors,
        },
    );
    if new {
        cookies::set(response.headers_mut(), parts, cookies::PRE_SESSION, &secret);
    }
    response
}

/// `GET /sign-up`.
pub(crate) async fn form(
    State(state): State<AppState>,
    RequestParts(parts): RequestParts,
) -> Response {
    let sent = Submitted::default();
    sign_up_page(&state, &parts, StatusCode::OK, &sent, FormErrors::default())
}

/// `POST /sign-up`: makes the account, then on to signing in (the address is proved by the
/// mailed link meanwhile).
pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    RequestParts(parts): RequestParts,
    Form(sent): Form<Submitted>,
) -> Response {
    if !pre_session_form(&parts, sent.csrf()) {
        return forged();
    }
    let body = json!({
        "email": sent.get("email").trim(),
        "name": sent.get("name").trim(),
        "password": sent.get("password"),
    });
    let signed_up = async {
        let body: SignUpBody = typed_body(body)?;
        let request = body.request().map_err(|e| e.0)?;
        state.app.sign_up(request, &meta).await
    };
    match signed_up.await {
        Ok(()) => render::see("/sign-in?signed-up=1"),
        Err(err) => {
            let status = render::words(&err).0;
            let errors = FormErrors::from_refusal(&err, &["name", "email", "password"]);
            sign_up_page(&state, &parts, status, &sent, errors)
        }
    }
}
