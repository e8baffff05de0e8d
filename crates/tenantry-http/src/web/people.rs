//! An organization's people: its users and members with their roles, a role change, removal,
//! a new user (read as the API's `POST /v1/users` body), invitations by email and the
//! pending ones with a way to revoke them; each through the API's use cases.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::invitations::{InvitationStatus, InvitationView};
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_app::users::{OrganizationUser, UserListFilter, UserSort};
use tenantry_app::{AppError, NotFoundKind, PageRequest, SortOrder};
use tenantry_core::values::Email;
use tenantry_core::{BuiltinRole, InvitationId, OrganizationId, UserId};

use super::forms::{FormErrors, Submitted};
use super::overview::{Frame, when};
use super::pager::Pager;
use super::render;
use super::session::{SignedIn, forged};
use crate::AppState;
use crate::api::users::UserCreateBody;
use crate::wire::Check;

const PAGE_SIZE: u64 = 25;

/// The fields of the new-user form, by their API names.
const CREATE_FIELDS: &[&str] = &["username", "email", "first_name", "last_name", "role"];

pub(crate) struct PersonRow {
    pub id: String,
    pub username: String,
    pub name: String,
    pub email: String,
    pub role: String,
    /// A member from another organization, not one of its own users.
    pub member: bool,
    pub active: bool,
    pub you: bool,
}

fn person_row(listed: OrganizationUser, you: Option<UserId>) -> PersonRow {
    let user = listed.user;
    let name = [user.first_name.as_deref(), user.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    PersonRow {
        id: user.id.to_string(),
        you: Some(user.id) == you,
        username: user.username,
        name,
        email: user.email.unwrap_or_default(),
        role: user.role,
        member: listed.membership,
        active: user.deactivated_on.is_none(),
    }
}

pub(crate) struct InvitationRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub expires: String,
}

fn invitation_row(view: InvitationView) -> InvitationRow {
    InvitationRow {
        id: view.invitation.id.to_string(),
        email: view.invitation.email,
        role: view.invitation.role,
        expires: when(view.invitation.expires_at),
    }
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    frame: Frame,
    search: String,
    rows: Vec<PersonRow>,
    pager: Pager,
    /// Role labels a person may be given here (never `owner`: ownership is transferred).
    roles: Vec<String>,
    /// The built-in roles a new user may be made with (custom roles come by a role change).
    built_in: Vec<&'static str>,
    invitations: Vec<InvitationRow>,
    shown: Shown,
}

#[derive(Deserialize, Default)]
pub(crate) struct ListParams {
    #[serde(default)]
    search: String,
    page: Option<u64>,
    #[serde(default)]
    done: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "created" => Some("The user is created. They set a password through “Forgot password”."),
        "invited" => Some("The invitation is on its way; it is listed below until accepted."),
        "role" => Some("The role is changed; it applies from the next request."),
        "removed" => Some("They are removed from this organization."),
        "revoked" => Some("The invitation is revoked: its link no longer works."),
        _ => None,
    }
}

/// What a rendering shows besides the lists: feedback, a refusal, the forms as sent.
#[derive(Default)]
pub(crate) struct Shown {
    status: Option<StatusCode>,
    pub notice: Option<&'static str>,
    pub alert: Option<String>,
    pub sent: Submitted,
    pub create_errors: FormErrors,
    pub invite_errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    person: &SignedIn,
    reference: &str,
    params: &ListParams,
    shown: Shown,
) -> Response {
    let app = &state.app;
    let page = params.page.unwrap_or(1).max(1);
    let search = params.search.trim().to_owned();
    let listed = async {
        let id = app
            .organization_id_of(&OrganizationRef::parse(reference))
            .await?;
        let filter = UserListFilter {
            search: Some(search.clone()).filter(|s| !s.is_empty()),
            sort: UserSort::Username,
            order: SortOrder::Asc,
        };
        let request = PageRequest {
            page,
            page_size: PAGE_SIZE,
        };
        let people = app
            .user_list(&person.actor, Some(id), filter, request)
            .await?;
        let roles = app.role_list(&person.actor, Some(id)).await?;
        // Pending invitations are shown to those who may see them; others see none.
        let pending = Some(InvitationStatus::Pending);
        let invitations = match app.invitation_list(&person.actor, id, pending).await {
            Err(AppError::Forbidden(..)) => Vec::new(),
            listed => listed?,
        };
        let reached = app.my_organizations(&person.actor).await?;
        Ok::<_, AppError>((id, people, roles, invitations, reached))
    };
    match listed.await {
        Ok((id, people, roles, invitations, reached)) => {
            let path = format!("/orgs/{id}/people");
            let filters = [("search", search.as_str())];
            let you = person.actor.user_id();
            render::page_with(
                shown.status.unwrap_or(StatusCode::OK),
                &PeoplePage {
                    frame: Frame::new(person, &reached, &id.to_string()),
                    pager: Pager::keeping(page, PAGE_SIZE, people.total_items, &path, &filters),
                    rows: people
                        .items
                        .into_iter()
                        .map(|p| person_row(p, you))
                        .collect(),
                    roles: roles
                        .into_iter()
                        .map(|role| role.label)
                        .filter(|label| label != BuiltinRole::Owner.label())
                        .collect(),
                    built_in: BuiltinRole::ALL
                        .into_iter()
                        .filter(|role| *role != BuiltinRole::Owner)
                        .map(BuiltinRole::label)
                        .collect(),
                    invitations: invitations.into_iter().map(invitation_row).collect(),
                    search,
                    shown,
                },
            )
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// `GET /orgs/{organization}/people`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    let shown = Shown {
        notice: notice_of(&params.done),
        ..Shown::default()
    };
    list_page(&state, &person, &reference, &params, shown).await
}

/// After an action: back to the list with its feedback, or the list with the refusal (a
/// target out of reach is the "not found" page, like everywhere).
async fn answer(
    state: &AppState,
    person: &SignedIn,
    reference: &str,
    outcome: Result<OrganizationId, AppError>,
    done: &str,
    refused: impl FnOnce(&AppError, &mut Shown),
) -> Response {
    match outcome {
        Ok(id) => render::see(&format!("/orgs/{id}/people?done={done}#main")),
        Err(err @ (AppError::NotFound { .. } | AppError::Unauthenticated(..))) => {
            render::refusal(&err, true)
        }
        Err(err) => {
            let mut shown = Shown::default();
            refused(&err, &mut shown);
            let params = ListParams::default();
            list_page(state, person, reference, &params, shown).await
        }
    }
}

async fn organization(state: &AppState, reference: &str) -> Result<OrganizationId, AppError> {
    state
        .app
        .organization_id_of(&OrganizationRef::parse(reference))
        .await
}

/// `POST /orgs/{organization}/people`: a new user of this organization.
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    if !person.sent(sent.csrf()) {
        return forged();
    }
    let created = async {
        let id = organization(&state, &reference).await?;
        let body: UserCreateBody = sent.api_body(CREATE_FIELDS)?;
        let mut check = Check::default();
        let command = body.into_command(&mut check);
        check.finish().map_err(|e| e.0)?;
        let command = command.ok_or_else(|| AppError::invalid_field("username", "is required"))?;
        state
            .app
            .user_create(&person.actor, Some(id), command)
            .await?;
        Ok(id)
    };
    let outcome = created.await;
    answer(
        &state,
        &person,
        &reference,
        outcome,
        "created",
        |err, shown| {
            let (status, errors) = FormErrors::from_refusal(err);
            shown.status = Some(status);
            shown.create_errors = errors;
            shown.sent = sent;
        },
    )
    .await
}

/// `POST /orgs/{organization}/people/invite`: an invitation mailed to `email` with `role`.
pub(crate) async fn invite(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    if !person.sent(sent.csrf()) {
        return forged();
    }
    let invited = async {
        let id = organization(&state, &reference).await?;
        let email = Email::parse(sent.get("invite_email").trim())
            .map_err(|e| AppError::invalid_field("invite_email", e.0))?;
        let role = sent.get("invite_role");
        state
            .app
            .invitation_create(&person.actor, id, email, role)
            .await?;
        Ok(id)
    };
    let outcome = invited.await;
    answer(
        &state,
        &person,
        &reference,
        outcome,
        "invited",
        |err, shown| {
            let (status, errors) = FormErrors::from_refusal(err);
            shown.status = Some(status);
            shown.invite_errors = errors;
            shown.sent = sent;
        },
    )
    .await
}

fn user_id(raw: &str) -> Result<UserId, AppError> {
    raw.parse()
        .map_err(|_| AppError::not_found(NotFoundKind::User, raw))
}

/// A refusal of an action on a row, above the list.
fn alert(err: &AppError, shown: &mut Shown) {
    let (status, words) = render::words(err);
    shown.status = Some(status);
    shown.alert = Some(words);
}

/// A row's action: a form of this session, run on the organization it names, answered with
/// the list and its feedback (or the refusal above it).
async fn row_action(
    state: &AppState,
    person: &SignedIn,
    reference: &str,
    sent: &Submitted,
    done: &str,
    act: impl AsyncFnOnce(OrganizationId) -> Result<(), AppError>,
) -> Response {
    if !person.sent(sent.csrf()) {
        return forged();
    }
    let outcome = async {
        let id = organization(state, reference).await?;
        act(id).await?;
        Ok(id)
    };
    let outcome = outcome.await;
    answer(state, person, reference, outcome, done, alert).await
}

/// `POST /orgs/{organization}/people/{user}/role`: `role=<label>`.
pub(crate) async fn set_role(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, user)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id| {
        let role = sent.get("role");
        let user = user_id(&user)?;
        state
            .app
            .member_role_set(&person.actor, id, user, role)
            .await
    };
    row_action(&state, &person, &reference, &sent, "role", act).await
}

/// `POST /orgs/{organization}/people/{user}/remove`: a member leaves the organization; one
/// of its own users is deleted.
pub(crate) async fn remove(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, user)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id| {
        let user = user_id(&user)?;
        state.app.person_remove(&person.actor, id, user).await
    };
    row_action(&state, &person, &reference, &sent, "removed", act).await
}

/// `POST /orgs/{organization}/invitations/{invitation}/revoke`.
pub(crate) async fn revoke_invitation(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, invitation)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id| {
        let invitation: InvitationId = invitation
            .parse()
            .map_err(|_| AppError::not_found(NotFoundKind::Invitation, &invitation))?;
        state
            .app
            .invitation_revoke(&person.actor, id, invitation)
            .await
    };
    row_action(&state, &person, &reference, &sent, "revoked", act).await
}
