//! An organization's API credentials: the list, a form that issues one (read as the API's
//! `POST /v1/auth/client_credentials` body), rotation with an overlap (its `…/rotate` body),
//! and revocation. A new secret is shown exactly once: sealed into a short-lived cookie for
//! the next page, which shows it and removes the cookie, so a reload shows it no more.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::credentials::{CredentialRecord, IssuedCredential, OldSecretEnds, status_of};
use tenantry_app::web_flash::{SHOWN_WITHIN, ShownOnce};
use tenantry_app::{AppError, NotFoundKind, PageRequest};
use tenantry_core::{ApiKeyId, OrganizationId};
use time::OffsetDateTime;

use super::forms::Submitted;
use super::overview::{Frame, when};
use super::pager::Pager;
use super::pages::{Feedback, PAGE_SIZE, ShownAt, id_or_not_found, organization, post};
use super::session::SignedIn;
use super::sign_in::RequestParts;
use super::{cookies, render};
use crate::AppState;
use crate::api::credentials::CredentialCreateBody;

/// The fields of the issuing form, by their API names (`expires_at` is asked as a day,
/// `expires_on`, and its refusal shown there).
const CREATE_FIELDS: &[&str] = &["api_key_name", "api_key_description", "role", "expires_at"];

pub(crate) struct CredentialRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub status: &'static str,
    pub expires: String,
    pub last_used: String,
}

fn row(credential: CredentialRecord, now: OffsetDateTime) -> CredentialRow {
    CredentialRow {
        id: credential.id.to_string(),
        status: status_of(&credential, now).as_str(),
        name: credential.name.unwrap_or_else(|| credential.id.to_string()),
        role: credential.role,
        expires: credential
            .expires_at
            .map(when)
            .unwrap_or_else(|| "never".into()),
        last_used: credential
            .last_used_on
            .map(when)
            .unwrap_or_else(|| "not yet".into()),
    }
}

pub(crate) struct RoleChoice {
    pub label: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "credentials.html")]
struct CredentialsPage {
    frame: Frame,
    rows: Vec<CredentialRow>,
    roles: Vec<RoleChoice>,
    pager: Pager,
    secrets: Option<ShownOnce>,
    shown: Feedback,
}

#[derive(Deserialize, Default)]
pub(crate) struct ListParams {
    page: Option<u64>,
    #[serde(default)]
    done: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "revoked" => Some("The credential is revoked: it stopped working at once."),
        _ => None,
    }
}

async fn list_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    params: &ListParams,
    secrets: Option<ShownOnce>,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let page = params.page.unwrap_or(1).max(1);
    let request = PageRequest {
        page,
        page_size: PAGE_SIZE,
    };
    let listed = async {
        let credentials = app
            .credential_list(&person.actor, Some(id), None, request)
            .await?;
        let roles = app.role_choices(&person.actor, Some(id)).await?;
        Ok::<_, AppError>((credentials, roles, Frame::load(app, person, id).await?))
    };
    let (credentials, roles, frame) = match listed.await {
        Ok(listed) => listed,
        Err(err) => return render::refusal(&err, true),
    };
    let now = app.now();
    let path = format!("/orgs/{id}/credentials");
    render::page_with(
        shown.status,
        &CredentialsPage {
            frame,
            pager: Pager::keeping(page, PAGE_SIZE, credentials.total_items, &path, &[]),
            rows: credentials.items.into_iter().map(|c| row(c, now)).collect(),
            roles: roles
                .into_iter()
                .map(|role| RoleChoice {
                    label: role.label,
                    name: role.name,
                })
                .collect(),
            secrets,
            shown,
        },
    )
}

/// The list again, after a refused form.
async fn again(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    shown: Feedback,
) -> Response {
    list_page(state, person, id, &ListParams::default(), None, shown).await
}

/// `GET /orgs/{organization}/credentials`: the list, and the secrets of a credential just
/// issued here, this once.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    RequestParts(parts): RequestParts,
    Path(reference): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    let sealed = cookies::read(&parts.headers, cookies::SHOWN_ONCE);
    let mut response = match organization(&state, &reference).await {
        Ok(id) => {
            let secrets = sealed
                .as_deref()
                .and_then(|sealed| state.app.open_shown_once(&person.actor, id, sealed));
            let shown = Feedback::notice(notice_of(&params.done));
            list_page(&state, &person, id, &params, secrets, shown).await
        }
        Err(err) => render::refusal(&err, true),
    };
    if sealed.is_some() {
        // Shown this once, or never: whatever this page was, the cookie is gone after it.
        cookies::clear(response.headers_mut(), &parts, cookies::SHOWN_ONCE);
    }
    response
}

/// The secrets of `issued`, sealed for the next page of its organization, and the way there.
fn show_once(
    state: &AppState,
    person: &SignedIn,
    parts: &Parts,
    issued: IssuedCredential,
) -> Result<Response, AppError> {
    let organization = issued.credential.organization_id;
    let shown = ShownOnce {
        subject: issued
            .credential
            .name
            .clone()
            .unwrap_or_else(|| issued.credential.id.to_string()),
        secrets: vec![
            ("API key".into(), issued.api_key),
            ("Client ID".into(), organization.to_string()),
            ("Client secret".into(), issued.client_secret),
        ],
    };
    let sealed = state
        .app
        .seal_shown_once(&person.actor, organization, shown)?;
    let mut response = render::see(&format!("/orgs/{organization}/credentials#issued"));
    let seconds = SHOWN_WITHIN.whole_seconds();
    cookies::set_briefly(
        response.headers_mut(),
        parts,
        cookies::SHOWN_ONCE,
        &sealed,
        seconds,
    );
    Ok(response)
}

/// `POST /orgs/{organization}/credentials`: issues one in this organization.
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    RequestParts(parts): RequestParts,
    Path(reference): Path<String>,
    Form(mut sent): Form<Submitted>,
) -> Response {
    // The form asks for a day; the credential ends as it begins (UTC).
    let day = sent.get("expires_on").trim().to_owned();
    if !day.is_empty() {
        sent.set("expires_at", format!("{day}T00:00:00Z"));
    }
    let at = ShownAt::Form {
        name: "create",
        fields: CREATE_FIELDS,
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let body: CredentialCreateBody = sent.api_body(CREATE_FIELDS)?;
        let command = body.into_command().map_err(|e| e.0)?;
        let issued = state
            .app
            .credential_create(&person.actor, Some(id), command)
            .await?;
        show_once(&state, &person, &parts, issued)
    };
    let again = async |id, mut shown: Feedback| {
        shown.errors = std::mem::take(&mut shown.errors).rename("expires_at", "expires_on");
        again(&state, &person, id, shown).await
    };
    post(&state, &person, &reference, sent, at, act, again).await
}

/// `POST /orgs/{organization}/credentials/{credential}/rotate`: a successor with new secrets;
/// the old one works `overlap_seconds` more (0: it ends now).
pub(crate) async fn rotate(
    State(state): State<AppState>,
    person: SignedIn,
    RequestParts(parts): RequestParts,
    Path((reference, credential)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |_: OrganizationId, sent: &Submitted| {
        let id: ApiKeyId = id_or_not_found(&credential, NotFoundKind::Credential)?;
        // Seconds, as the API's body has them; the use case bounds them.
        let seconds: i64 = sent.get("overlap_seconds").parse().map_err(|_| {
            AppError::invalid_field("overlap_seconds", "must be a whole number of seconds")
        })?;
        let ends = OldSecretEnds::After(time::Duration::seconds(seconds));
        let issued = state.app.credential_rotate(&person.actor, id, ends).await?;
        show_once(&state, &person, &parts, issued)
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

/// `POST /orgs/{organization}/credentials/{credential}/revoke`.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, credential)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, _: &Submitted| {
        let credential: ApiKeyId = id_or_not_found(&credential, NotFoundKind::Credential)?;
        state
            .app
            .credential_delete(&person.actor, credential)
            .await?;
        Ok(render::see(&format!("/orgs/{id}/credentials?done=revoked")))
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
