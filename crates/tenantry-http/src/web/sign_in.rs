//! Signing in (a password, then the second factor when one is enrolled) and out.
//!
//! Before a sign-in there is no session to tie the form to, so the form's CSRF token is made
//! from a random pre-session secret in its own cookie.

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tenantry_app::web_sessions::WebSignIn;
use tenantry_app::{AppError, Code};

use super::session::{SignedIn, forged};
use super::{cookies, csrf, render};
use crate::AppState;
use crate::extract::ClientMeta;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    csrf: &'a str,
    login: &'a str,
    error: Option<&'a str>,
    /// Why the person is here: an account just made with an invitation, a new password.
    notice: Option<&'static str>,
    /// Whether anyone may sign up here (then the page links to it).
    sign_up: bool,
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage<'a> {
    csrf: &'a str,
    ticket: &'a str,
    error: Option<&'a str>,
}

/// The request's parts, for the cookies an answer sets (`Secure` under TLS).
pub(crate) struct RequestParts(pub(crate) Parts);

impl<S: Send + Sync> FromRequestParts<S> for RequestParts {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestParts(parts.clone()))
    }
}

/// The pre-session secret of this browser, and whether it is new (then it is set).
pub(crate) fn pre_session(parts: &Parts) -> (String, bool) {
    match cookies::read(&parts.headers, cookies::PRE_SESSION) {
        Some(secret) if secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (secret, false)
        }
        _ => (tenantry_app::web_sessions::pre_session_secret(), true),
    }
}

fn sign_in_page(
    state: &AppState,
    parts: &Parts,
    status: StatusCode,
    login: &str,
    error: Option<&str>,
) -> Response {
    let (secret, new) = pre_session(parts);
    let token = csrf::token_for(&secret);
    let mut response = render::page_with(
        status,
        &SignInPage {
            csrf: &token,
            login,
            error,
            notice: match parts.uri.query() {
                Some("joined=1") => Some(
                    "Your account is made and you joined the organization. Sign in with your \
                     email address.",
                ),
                Some("reset=1") => Some("Your password is set. Sign in with it."),
                Some("signed-up=1") => Some(crate::dg::signup::NEXT),
                _ => None,
            },
            sign_up: state.app.sign_up_admitted().is_ok(),
        },
    );
    if new {
        cookies::set(response.headers_mut(), parts, cookies::PRE_SESSION, &secret);
    }
    response
}

/// `GET /sign-in`.
pub(crate) async fn form(
    State(state): State<AppState>,
    RequestParts(mut parts): RequestParts,
) -> Response {
    // Someone signed in already goes on to their organization.
    if SignedIn::from_request_parts(&mut parts, &state)
        .await
        .is_ok()
    {
        return render::see("/");
    }
    sign_in_page(&state, &parts, StatusCode::OK, "", None)
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    csrf: String,
    login: String,
    password: String,
}

/// Whether the form's token is the one made from this browser's pre-session secret.
pub(crate) fn pre_session_form(parts: &Parts, submitted: &str) -> bool {
    cookies::read(&parts.headers, cookies::PRE_SESSION)
        .is_some_and(|secret| csrf::matches(&secret, submitted))
}

/// The refusal words of a failed step, and its status, for the refusals a sign-in form shows
/// (anything else is the error page).
fn failure(err: &AppError) -> Option<(StatusCode, String)> {
    matches!(
        err,
        AppError::Unauthenticated(..) | AppError::RateLimited(..) | AppError::IpNotAllowed(_)
    )
    .then(|| render::words(err))
}

/// `POST /sign-in`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    RequestParts(parts): RequestParts,
    Form(form): Form<SignInForm>,
) -> Response {
    if !pre_session_form(&parts, &form.csrf) {
        return forged();
    }
    let login = form.login.trim();
    let outcome = state
        .app
        .web_sign_in(login, &form.password, meta.client_ip, meta.request_id)
        .await;
    match outcome {
        Ok(WebSignIn::SignedIn(session)) => signed_in(&parts, &session.token),
        Ok(WebSignIn::SecondFactor { ticket }) => render::page(&SecondFactorPage {
            csrf: &form.csrf,
            ticket: &ticket,
            error: None,
        }),
        Err(err) => match failure(&err) {
            Some((status, words)) => sign_in_page(&state, &parts, status, login, Some(&words)),
            None => render::refusal(&err, false),
        },
    }
}

#[derive(Deserialize)]
pub(crate) struct SecondFactorForm {
    csrf: String,
    ticket: String,
    code: String,
}

/// `POST /sign-in/code`.
pub(crate) async fn second_factor(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    RequestParts(parts): RequestParts,
    Form(form): Form<SecondFactorForm>,
) -> Response {
    if !pre_session_form(&parts, &form.csrf) {
        return forged();
    }
    let outcome = state
        .app
        .web_second_factor(&form.ticket, &form.code, meta.client_ip, meta.request_id)
        .await;
    match outcome {
        Ok(session) => signed_in(&parts, &session.token),
        // A wrong code may be tried again with the same ticket, within the limits.
        Err(AppError::Unauthenticated(Code::TotpInvalid, words)) => render::page_with(
            StatusCode::UNAUTHORIZED,
            &SecondFactorPage {
                csrf: &form.csrf,
                ticket: &form.ticket,
                error: Some(&words),
            },
        ),
        Err(err) => match failure(&err) {
            Some((status, words)) => sign_in_page(&state, &parts, status, "", Some(&words)),
            None => render::refusal(&err, false),
        },
    }
}

fn signed_in(parts: &Parts, token: &str) -> Response {
    let mut response = render::see("/");
    cookies::set(response.headers_mut(), parts, cookies::SESSION, token);
    cookies::clear(response.headers_mut(), parts, cookies::PRE_SESSION);
    response
}

#[derive(Deserialize)]
pub(crate) struct SignOutForm {
    csrf: String,
}

/// `POST /sign-out`: the session ends on the server, and its cookie goes.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    person: SignedIn,
    RequestParts(parts): RequestParts,
    Form(form): Form<SignOutForm>,
) -> Response {
    if !person.sent(&form.csrf) {
        return forged();
    }
    if let Err(err) = state.app.logout(&person.actor).await {
        return render::refusal(&err, true);
    }
    let mut response = render::see("/sign-in");
    cookies::clear(response.headers_mut(), &parts, cookies::SESSION);
    response.into_response()
}
