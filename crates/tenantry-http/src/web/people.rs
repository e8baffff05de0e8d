//! An organization's people: its users and members with their roles, a role change, removal,
//! a new user (read as the API's `POST /v1/users` body), invitations by email and the
//! pending ones with a way to revoke them; each through the API's use cases.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::invitations::InvitationView;
use tenantry_app::users::{OrganizationUser, UserListFilter, UserSort};
use tenantry_app::{AppError, NotFoundKind, PageRequest, SortOrder};
use tenantry_core::values::Email;
use tenantry_core::{InvitationId, OrganizationId, UserId};

use super::forms::Submitted;
use super::overview::{Frame, when};
use super::pager::Pager;
use super::pages::{Feedback, PAGE_SIZE, ShownAt, id_or_not_found, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::users::UserCreateBody;

/// The fields of the new-user form, by their API names.
const CREATE_FIELDS: &[&str] = &["username", "email", "first_name", "last_name", "role"];

/// The fields of the invitation form.
const INVITE_FIELDS: &[&str] = &["invite_email", "invite_role"];

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
    /// Role labels the person may give here (`role_choices`).
    roles: Vec<String>,
    /// The built-in ones among them: what a new user may be made with (custom roles come by a
    /// role change).
    built_in: Vec<String>,
    /// Pending invitations, when the person's role reads them.
    invitations: Option<Vec<InvitationRow>>,
    shown: Feedback,
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

async fn list_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    params: &ListParams,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let page = params.page.unwrap_or(1).max(1);
    let search = params.search.trim().to_owned();
    let filter = UserListFilter {
        search: Some(search.clone()).filter(|s| !s.is_empty()),
        sort: UserSort::Username,
        order: SortOrder::Asc,
    };
    let request = PageRequest {
        page,
        page_size: PAGE_SIZE,
    };
    let listed = async {
        let people = app
            .user_list(&person.actor, Some(id), filter, request)
            .await?;
        let roles = app.role_choices(&person.actor, Some(id)).await?;
        let invitations = app.invitations_pending(&person.actor, id).await?;
        Ok::<_, AppError>((
            people,
            roles,
            invitations,
            Frame::load(app, person, id).await?,
        ))
    };
    match listed.await {
        Ok((people, roles, invitations, frame)) => {
            let path = format!("/orgs/{id}/people");
            let filters = [("search", search.as_str())];
            let you = person.actor.user_id();
            render::page_with(
                shown.status,
                &PeoplePage {
                    frame,
                    pager: Pager::keeping(page, PAGE_SIZE, people.total_items, &path, &filters),
                    rows: people
                        .items
                        .into_iter()
                        .map(|p| person_row(p, you))
                        .collect(),
                    built_in: roles
                        .iter()
                        .filter(|role| role.built_in)
                        .map(|role| role.label.clone())
                        .collect(),
                    roles: roles.into_iter().map(|role| role.label).collect(),
                    invitations: invitations
                        .map(|views| views.into_iter().map(invitation_row).collect()),
                    search,
                    shown,
                },
            )
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// The list again, after a refused form or action.
async fn again(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    shown: Feedback,
) -> Response {
    list_page(state, person, id, &ListParams::default(), shown).await
}

/// Back to the list, saying what was `done`.
fn done(id: OrganizationId, done: &str) -> Response {
    render::see(&format!("/orgs/{id}/people?done={done}#main"))
}

/// `GET /orgs/{organization}/people`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let shown = Feedback::notice(notice_of(&params.done));
        list_page(&state, &person, id, &params, shown).await
    })
    .await
}

/// `POST /orgs/{organization}/people`: a new user of this organization.
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "create",
        fields: CREATE_FIELDS,
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let body: UserCreateBody = sent.api_body(CREATE_FIELDS)?;
        let command = body.into_create().map_err(|e| e.0)?;
        state
            .app
            .user_create(&person.actor, Some(id), command)
            .await?;
        Ok(done(id, "created"))
    };
    let again = async |id, shown| again(&state, &person, id, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}

/// `POST /orgs/{organization}/people/invite`: an invitation mailed to `invite_email` with
/// `invite_role`.
pub(crate) async fn invite(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "invite",
        fields: INVITE_FIELDS,
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let email = Email::parse(sent.get("invite_email").trim())
            .map_err(|e| AppError::invalid_field("invite_email", e.0))?;
        let role = sent.get("invite_role");
        state
            .app
            .invitation_create(&person.actor, id, email, role)
            .await?;
        Ok(done(id, "invited"))
    };
    let again = async |id, shown| again(&state, &person, id, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}

/// `POST /orgs/{organization}/people/{user}/role`: `role=<label>`.
pub(crate) async fn set_role(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, user)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, sent: &Submitted| {
        let user: UserId = id_or_not_found(&user, NotFoundKind::User)?;
        let role = sent.get("role");
        state
            .app
            .member_role_set(&person.actor, id, user, role)
            .await?;
        Ok(done(id, "role"))
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

/// `POST /orgs/{organization}/people/{user}/remove`: a member leaves the organization; one
/// of its own users is deleted.
pub(crate) async fn remove(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, user)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, _: &Submitted| {
        let user: UserId = id_or_not_found(&user, NotFoundKind::User)?;
        state.app.person_remove(&person.actor, id, user).await?;
        Ok(done(id, "removed"))
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

/// `POST /orgs/{organization}/invitations/{invitation}/revoke`.
pub(crate) async fn revoke_invitation(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, invitation)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, _: &Submitted| {
        let invitation: InvitationId = id_or_not_found(&invitation, NotFoundKind::Invitation)?;
        state
            .app
            .invitation_revoke(&person.actor, id, invitation)
            .await?;
        Ok(done(id, "revoked"))
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
