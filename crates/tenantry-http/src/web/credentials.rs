//! An organization's API credentials: the list, a form that issues one (read as the API's
//! `POST /v1/auth/client_credentials` body), rotation with an overlap, and revocation. A new
//! secret is shown exactly once: sealed into a cookie for the next page, which shows it and
//! removes the cookie, so a reload shows it no more.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::credentials::{
    CredentialRecord, CredentialStatus, IssuedCredential, OldSecretEnds, status_of,
};
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_app::web_flash::ShownOnce;
use tenantry_app::{AppError, NotFoundKind, PageRequest};
use tenantry_core::{ApiKeyId, BuiltinRole};
use time::OffsetDateTime;

use super::forms::{FormErrors, Submitted};
use super::overview::{Frame, when};
use super::pager::Pager;
use super::session::{SignedIn, forged};
use super::sign_in::RequestParts;
use super::{cookies, render};
use crate::AppState;
use crate::api::credentials::CredentialCreateBody;

const PAGE_SIZE: u64 = 25;

/// The fields of the issuing form, by their API names.
const CREATE_FIELDS: &[&str] = &["api_key_name", "api_key_description", "role", "expires_at"];

pub(crate) struct CredentialRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub status: &'static str,
    pub active: bool,
    pub expires: String,
    pub last_used: String,
}

fn row(credential: CredentialRecord, now: OffsetDateTime) -> CredentialRow {
    let status = status_of(&credential, now);
    CredentialRow {
        id: credential.id.to_string(),
        name: credential.name.unwrap_or_else(|| credential.id.to_string()),
        role: credential.role,
        status: match status {
            CredentialStatus::Active => "active",
            CredentialStatus::Expired => "expired",
            CredentialStatus::Revoked => "revoked",
        },
        active: status == CredentialStatus::Active,
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
    notice: Option<&'static str>,
    shown: Option<ShownOnce>,
    sent: Submitted,
    errors: FormErrors,
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

struct Shown {
    status: StatusCode,
    notice: Option<&'static str>,
    sent: Submitted,
    errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    person: &SignedIn,
    parts: &Parts,
    reference: &str,
    params: &ListParams,
    shown: Shown,
) -> Response {
    let app = &state.app;
    let page = params.page.unwrap_or(1).max(1);
    let listed = async {
        let id = app
            .organization_id_of(&OrganizationRef::parse(reference))
            .await?;
        let request = PageRequest {
            page,
            page_size: PAGE_SIZE,
        };
        let credentials = app
            .credential_list(&person.actor, Some(id), None, request)
            .await?;
        let roles = app.role_list(&person.actor, Some(id)).await?;
        let reached = app.my_organizations(&person.actor).await?;
        Ok::<_, AppError>((id, credentials, roles, reached))
    };
    let (id, credentials, roles, reached) = match listed.await {
        Ok(listed) => listed,
        Err(err) => return render::refusal(&err, true),
    };
    let secrets = cookies::read(&parts.headers, cookies::SHOWN_ONCE);
    let now = app.now();
    let path = format!("/orgs/{id}/credentials");
    let mut response = render::page_with(
        shown.status,
        &CredentialsPage {
            frame: Frame::new(person, &reached, &id.to_string()),
            pager: Pager::keeping(page, PAGE_SIZE, credentials.total_items, &path, &[]),
            rows: credentials.items.into_iter().map(|c| row(c, now)).collect(),
            roles: roles
                .into_iter()
                .filter(|role| role.label != BuiltinRole::Owner.label())
                .map(|role| RoleChoice {
                    label: role.label,
                    name: role.name,
                })
                .collect(),
            notice: shown.notice,
            shown: secrets
                .as_deref()
                .and_then(|sealed| app.open_shown_once(&person.actor, sealed)),
            sent: shown.sent,
            errors: shown.errors,
        },
    );
    if secrets.is_some() {
        // Shown this once: a reload finds nothing.
        cookies::clear(response.headers_mut(), parts, cookies::SHOWN_ONCE);
    }
    response
}

/// `GET /orgs/{organization}/credentials`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    RequestParts(parts): RequestParts,
    Path(reference): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    let shown = Shown {
        status: StatusCode::OK,
        notice: notice_of(&params.done),
        sent: Submitted::default(),
        errors: FormErrors::default(),
    };
    list_page(&state, &person, &parts, &reference, &params, shown).await
}

/// The secrets of `issued`, sealed for the next page, and the way there.
fn show_once(
    state: &AppState,
    person: &SignedIn,
    parts: &Parts,
    organization: &str,
    issued: IssuedCredential,
) -> Response {
    let shown = ShownOnce {
        subject: issued
            .credential
            .name
            .clone()
            .unwrap_or_else(|| issued.credential.id.to_string()),
        secrets: vec![
            ("API key".into(), issued.api_key),
            (
                "Client ID".into(),
                issued.credential.organization_id.to_string(),
            ),
            ("Client secret".into(), issued.client_secret),
        ],
    };
    match state.app.seal_shown_once(&person.actor, shown) {
        Ok(sealed) => {
            let mut response = render::see(&format!("/orgs/{organization}/credentials#issued"));
            cookies::set(response.headers_mut(), parts, cookies::SHOWN_ONCE, &sealed);
            response
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// `POST /orgs/{organization}/credentials`: issues one in this organization.
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    RequestParts(parts): RequestParts,
    Path(reference): Path<String>,
    Form(mut sent): Form<Submitted>,
) -> Response {
    if !person.sent(sent.csrf()) {
        return forged();
    }
    // The form asks for a day; the credential ends as it begins (UTC).
    let day = sent.get("expires_on").trim().to_owned();
    if !day.is_empty() {
        sent.set("expires_at", format!("{day}T00:00:00Z"));
    }
    let app = &state.app;
    let issued = async {
        let id = app
            .organization_id_of(&OrganizationRef::parse(&reference))
            .await?;
        let body: CredentialCreateBody = sent.api_body(CREATE_FIELDS)?;
        let command = body.into_command().map_err(|e| e.0)?;
        let issued = app
            .credential_create(&person.actor, Some(id), command)
            .await?;
        Ok::<_, AppError>((id, issued))
    };
    match issued.await {
        Ok((id, issued)) => show_once(&state, &person, &parts, &id.to_string(), issued),
        Err(err @ (AppError::NotFound { .. } | AppError::Unauthenticated(..))) => {
            render::refusal(&err, true)
        }
        Err(err) => {
            let (status, mut errors) = FormErrors::from_refusal(&err);
            if let Some(message) = errors.fields.remove("expires_at") {
                errors.fields.insert("expires_on".into(), message);
            }
            let shown = Shown {
                status,
                notice: None,
                sent,
                errors,
            };
            let params = ListParams::default();
            list_page(&state, &person, &parts, &reference, &params, shown).await
        }
    }
}

fn credential_id(raw: &str) -> Result<ApiKeyId, AppError> {
    raw.parse()
        .map_err(|_| AppError::not_found(NotFoundKind::Credential, raw))
}

/// `POST /orgs/{organization}/credentials/{credential}/rotate`: a successor with new secrets;
/// the old one works for `overlap` more seconds (0: it ends now).
pub(crate) async fn rotate(
    State(state): State<AppState>,
    person: SignedIn,
    RequestParts(parts): RequestParts,
    Path((reference, credential)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    if !person.sent(sent.csrf()) {
        return forged();
    }
    let rotated = async {
        let id = credential_id(&credential)?;
        let overlap: i64 = sent.get("overlap").parse().map_err(|_| {
            AppError::invalid_field("overlap", "must be a number of seconds of 0 or more")
        })?;
        if !(0..=7 * 24 * 3600).contains(&overlap) {
            return Err(AppError::invalid_field(
                "overlap",
                "must be between 0 seconds and 7 days",
            ));
        }
        let ends = OldSecretEnds::After(time::Duration::seconds(overlap));
        state.app.credential_rotate(&person.actor, id, ends).await
    };
    match rotated.await {
        Ok(issued) => show_once(&state, &person, &parts, &reference, issued),
        Err(err) => render::refusal(&err, true),
    }
}

/// `POST /orgs/{organization}/credentials/{credential}/revoke`.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, credential)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    if !person.sent(sent.csrf()) {
        return forged();
    }
    let revoked = async {
        let id = credential_id(&credential)?;
        state.app.credential_delete(&person.actor, id).await
    };
    match revoked.await {
        Ok(()) => render::see(&format!("/orgs/{reference}/credentials?done=revoked")),
        Err(err) => render::refusal(&err, true),
    }
}
