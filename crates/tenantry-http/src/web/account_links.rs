//! The pages of the links mailed to a person about their account, and the form that asks
//! for one: a forgotten password (`/forgot-password`, then the mailed `/reset-password/{token}`)
//! and an address to confirm (`/verify-email/{token}`). The same use cases as
//! `/api/v1/auth/password-reset…` and `/api/v1/auth/verify-email/…`. Nobody is signed in
//! here: each form's CSRF token is made from the pre-session secret, as on the sign-in page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

use tenantry_app::AppError;

use super::forms::{FormErrors, Submitted};
use super::session::forged;
use super::sign_in::{RequestParts, pre_session, pre_session_form};
use super::{cookies, csrf, render};
use crate::AppState;
use crate::extract::ClientMeta;

/// Which of the three forms a page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    AskForReset,
    SetPassword,
    ConfirmAddress,
}

#[derive(Template)]
#[template(path = "account_link.html")]
struct AccountLinkPage {
    step: Step,
    action: String,
    csrf: String,
    /// After the form: what happened, instead of the form.
    done: Option<&'static str>,
    errors: FormErrors,
}

fn link_page(
    parts: &Parts,
    step: Step,
    action: String,
    status: StatusCode,
    done: Option<&'static str>,
    errors: FormErrors,
) -> Response {
    let (secret, new) = pre_session(parts);
    let mut response = render::page_with(
        status,
        &AccountLinkPage {
            step,
            action,
            csrf: csrf::token_for(&secret),
            done,
            errors,
        },
    );
    if new {
        cookies::set(response.headers_mut(), parts, cookies::PRE_SESSION, &secret);
    }
    response
}

impl Step {
    /// The fields its form shows.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Step::AskForReset => &["email"],
            Step::SetPassword => &["password"],
            Step::ConfirmAddress => &[],
        }
    }
}

/// What a form's use case leads to.
enum Next {
    /// This page again, saying what happened instead of the form.
    Done(&'static str),
    /// Another page.
    To(&'static str),
}

fn form(parts: &Parts, step: Step, action: String) -> Response {
    link_page(
        parts,
        step,
        action,
        StatusCode::OK,
        None,
        FormErrors::default(),
    )
}

/// The answer to a form of `step`: where its use case leads, or the form again with the
/// refusal. A form that did not come from this browser's page is refused first.
async fn answer(
    parts: &Parts,
    sent: &Submitted,
    step: Step,
    action: String,
    outcome: impl Future<Output = Result<Next, AppError>>,
) -> Response {
    if !pre_session_form(parts, sent.csrf()) {
        return forged();
    }
    match outcome.await {
        Ok(Next::Done(done)) => link_page(
            parts,
            step,
            action,
            StatusCode::OK,
            Some(done),
            FormErrors::default(),
        ),
        Ok(Next::To(path)) => render::see(path),
        Err(err) => {
            let status = render::words(&err).0;
            let errors = FormErrors::from_refusal(&err, step.fields());
            link_page(parts, step, action, status, None, errors)
        }
    }
}

/// `GET /forgot-password`.
pub(crate) async fn forgot(RequestParts(parts): RequestParts) -> Response {
    form(&parts, Step::AskForReset, "/forgot-password".into())
}

/// `POST /forgot-password`: `email`. The answer is the same whether the address has an
/// account or not.
pub(crate) async fn ask_for_reset(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    RequestParts(parts): RequestParts,
    Form(sent): Form<Submitted>,
) -> Response {
    let outcome = async {
        let email = sent.get("email").trim();
        state.app.password_reset_request(email, &meta).await?;
        Ok(Next::Done(
            "If the address has an account, a link to set a new password is on its way. It \
             works once, for an hour.",
        ))
    };
    let action = "/forgot-password".to_owned();
    answer(&parts, &sent, Step::AskForReset, action, outcome).await
}

/// `GET /reset-password/{token}`.
pub(crate) async fn reset_form(
    RequestParts(parts): RequestParts,
    Path(token): Path<String>,
) -> Response {
    form(
        &parts,
        Step::SetPassword,
        format!("/reset-password/{token}"),
    )
}

/// `POST /reset-password/{token}`: `password`; every session of the person ends.
pub(crate) async fn reset(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    RequestParts(parts): RequestParts,
    Path(token): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let outcome = async {
        let password = sent.get("password");
        state
            .app
            .password_reset_complete(&token, password, &meta)
            .await?;
        Ok(Next::To("/sign-in?reset=1"))
    };
    let action = format!("/reset-password/{token}");
    answer(&parts, &sent, Step::SetPassword, action, outcome).await
}

/// `GET /verify-email/{token}`: a button, so a mail scanner following the link confirms
/// nothing.
pub(crate) async fn verify_form(
    RequestParts(parts): RequestParts,
    Path(token): Path<String>,
) -> Response {
    form(
        &parts,
        Step::ConfirmAddress,
        format!("/verify-email/{token}"),
    )
}

/// `POST /verify-email/{token}`.
pub(crate) async fn verify(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    RequestParts(parts): RequestParts,
    Path(token): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let outcome = async {
        state.app.email_verify(&token, &meta).await?;
        Ok(Next::Done(
            "Your address is confirmed: you can now invite people and pay.",
        ))
    };
    let action = format!("/verify-email/{token}");
    answer(&parts, &sent, Step::ConfirmAddress, action, outcome).await
}
