//! The signed-in person's own account: their sessions (with a way to end any of them), their
//! password, and whether two-factor sign-in is on (its enrolment: `totp_enrolment.rs`). The
//! same use cases as `/v1/users/me/…`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::{AppError, NotFoundKind};
use tenantry_core::SessionId;

use super::overview::{Frame, when};
use super::pages::id_or_not_found;
use super::render;
use super::session::{SignedIn, forged};
use super::sign_in::RequestParts;
use crate::AppState;

pub(crate) struct SessionRow {
    pub id: String,
    pub started: String,
    pub address: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    frame: Frame,
    sessions: Vec<SessionRow>,
    /// Whether two-factor sign-in is on, and how many recovery codes are left.
    totp: (bool, i64),
    shown: AccountShown,
}

/// What the account page shows besides its data: the status, a notice after a change, and
/// a refusal next to the form it answers.
#[derive(Default)]
pub(crate) struct AccountShown {
    pub status: StatusCode,
    pub notice: Option<&'static str>,
    pub password_error: Option<String>,
    pub totp_error: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct AccountParams {
    #[serde(default)]
    done: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "password" => Some("Your password is changed. Your other sessions have ended."),
        "revoked" => Some("The session has ended."),
        "totp-off" => Some("Two-factor sign-in is off: your password alone signs you in."),
        _ => None,
    }
}

pub(crate) async fn account_page(
    state: &AppState,
    person: &SignedIn,
    shown: AccountShown,
) -> Response {
    let app = &state.app;
    let read = async {
        let sessions = app.session_list(&person.actor).await?;
        let reached = app.my_organizations(&person.actor).await?;
        let totp = app.totp_status(&person.actor).await?;
        Ok::<_, AppError>((sessions, reached, totp))
    };
    match read.await {
        Ok((sessions, reached, totp)) => {
            let home = person.actor.organization_id().to_string();
            let current = person.actor.session_id();
            let sessions = sessions
                .into_iter()
                .map(|s| SessionRow {
                    id: s.id.to_string(),
                    started: when(s.created_on),
                    address: s.client_ip.unwrap_or_else(|| "unknown".into()),
                    current: Some(s.id) == current,
                })
                .collect();
            render::page_with(
                shown.status,
                &AccountPage {
                    frame: Frame::new(person, &reached, &home),
                    sessions,
                    totp,
                    shown,
                },
            )
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// `GET /account`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Query(params): Query<AccountParams>,
) -> Response {
    let shown = AccountShown {
        notice: notice_of(&params.done),
        ..AccountShown::default()
    };
    account_page(&state, &person, shown).await
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
}

/// `POST /account/password`.
pub(crate) async fn password(
    State(state): State<AppState>,
    person: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !person.sent(&form.csrf) {
        return forged();
    }
    match state
        .app
        .password_change(&person.actor, &form.current, &form.new)
        .await
    {
        Ok(()) => render::see("/account?done=password"),
        Err(err) => {
            let (status, words) = match &err {
                // The password rule's reasons, one per refused field.
                AppError::Invalid(fields) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    fields
                        .iter()
                        .map(|f| f.msg.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                AppError::Forbidden(..) | AppError::RateLimited(..) => render::words(&err),
                _ => return render::refusal(&err, true),
            };
            let shown = AccountShown {
                status,
                password_error: Some(words),
                ..AccountShown::default()
            };
            account_page(&state, &person, shown).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct RevokeForm {
    csrf: String,
}

/// `POST /account/sessions/{session}/revoke`: ends one of the person's sessions (their own
/// current one too, which signs them out here).
pub(crate) async fn revoke(
    State(state): State<AppState>,
    person: SignedIn,
    RequestParts(parts): RequestParts,
    Path(session): Path<String>,
    Form(form): Form<RevokeForm>,
) -> Response {
    if !person.sent(&form.csrf) {
        return forged();
    }
    let session: SessionId = match id_or_not_found(&session, NotFoundKind::Session) {
        Ok(session) => session,
        Err(err) => return render::refusal(&err, true),
    };
    match state.app.session_revoke(&person.actor, session).await {
        Ok(()) if person.actor.session_id() == Some(session) => {
            let mut response = render::see("/sign-in");
            super::cookies::clear(response.headers_mut(), &parts, super::cookies::SESSION);
            response
        }
        Ok(()) => render::see("/account?done=revoked"),
        Err(err) => render::refusal(&err, true),
    }
}
