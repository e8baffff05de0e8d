//! An organization's roles: the built-in ones (read-only) and its custom roles, each with its
//! permissions; a form with a permission checklist that creates a custom role or changes one
//! (read as the API's `POST` and `PATCH /v1/organizations/roles…` bodies), and deletion of an
//! unused one.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use tenantry_app::AppError;
use tenantry_app::roles::RoleDefinition;
use tenantry_core::{OrganizationId, Permission};

use super::forms::Submitted;
use super::overview::Frame;
use super::pages::{Feedback, ShownAt, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::roles::{RoleCreateBody, RoleUpdateBody};
use crate::extract::typed_body;

/// The fields of the role form, by their API names.
const FIELDS: &[&str] = &["name", "description", "permissions"];

pub(crate) struct RoleRow {
    pub label: String,
    pub name: String,
    pub description: String,
    pub built_in: bool,
    pub permissions: Vec<String>,
}

impl From<RoleDefinition> for RoleRow {
    fn from(role: RoleDefinition) -> Self {
        RoleRow {
            label: role.label,
            name: role.name,
            description: role.description.unwrap_or_default(),
            built_in: role.built_in,
            permissions: role.permissions.iter().map(ToString::to_string).collect(),
        }
    }
}

/// One box of the checklist.
pub(crate) struct Choice {
    pub permission: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "roles.html")]
struct RolesPage {
    frame: Frame,
    rows: Vec<RoleRow>,
    /// The role the form changes, if it changes one.
    editing: Option<String>,
    choices: Vec<Choice>,
    shown: Feedback,
}

#[derive(Deserialize, Default)]
pub(crate) struct Params {
    #[serde(default)]
    done: String,
    /// The custom role to change.
    #[serde(default)]
    edit: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "created" => Some("The role is created: it can be given to people and credentials."),
        "saved" => Some("The role is changed: whoever holds it has its new permissions at once."),
        "deleted" => Some("The role is deleted."),
        _ => None,
    }
}

async fn roles_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    edit: &str,
    mut shown: Feedback,
) -> Response {
    let app = &state.app;
    let listed = async {
        let roles = app.role_list(&person.actor, Some(id)).await?;
        Ok::<_, AppError>((roles, Frame::load(app, person, id).await?))
    };
    let (roles, frame) = match listed.await {
        Ok(listed) => listed,
        Err(err) => return render::refusal(&err, true),
    };
    let editing = roles
        .iter()
        .find(|role| !role.built_in && role.label == edit)
        .map(|role| role.label.clone());
    // "Change": the form holds the role as it is (unless a refused form is shown again).
    if let Some(role) = roles
        .iter()
        .find(|role| Some(&role.label) == editing.as_ref())
        && shown.sent.get("name").is_empty()
    {
        shown.sent.set("name", role.name.clone());
        shown
            .sent
            .set("description", role.description.clone().unwrap_or_default());
        for permission in &role.permissions {
            shown.sent.add("permissions", permission.to_string());
        }
    }
    let checked = shown.sent.all("permissions");
    let choices = app
        .role_grantable_permissions()
        .iter()
        .map(Permission::to_string)
        .map(|permission| Choice {
            checked: checked.contains(&permission.as_str()),
            permission,
        })
        .collect();
    render::page_with(
        shown.status,
        &RolesPage {
            frame,
            rows: roles.into_iter().map(RoleRow::from).collect(),
            editing,
            choices,
            shown,
        },
    )
}

/// `GET /orgs/{organization}/roles`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let shown = Feedback::notice(notice_of(&params.done));
        roles_page(&state, &person, id, &params.edit, shown).await
    })
    .await
}

/// The form as the API's body: its name, description and the boxes checked.
fn role_body(sent: &Submitted) -> Value {
    let description = sent.get("description").trim();
    json!({
        "name": sent.get("name").trim(),
        "description": if description.is_empty() { Value::Null } else { json!(description) },
        "permissions": sent.all("permissions"),
    })
}

const AT: ShownAt = ShownAt::Form {
    name: "role",
    fields: FIELDS,
};

/// `POST /orgs/{organization}/roles`: creates a custom role.
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, sent: &Submitted| {
        let body: RoleCreateBody = typed_body(role_body(sent))?;
        let command = body.into_command().map_err(|e| e.0)?;
        state
            .app
            .role_create(&person.actor, Some(id), command)
            .await?;
        Ok(render::see(&format!("/orgs/{id}/roles?done=created")))
    };
    let again = async |id, shown| roles_page(&state, &person, id, "", shown).await;
    post(&state, &person, &reference, sent, AT, act, again).await
}

/// `POST /orgs/{organization}/roles/{label}`: changes a custom role (its whole permission set).
pub(crate) async fn update(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, label)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, sent: &Submitted| {
        let body: RoleUpdateBody = typed_body(role_body(sent))?;
        let command = body.into_command().map_err(|e| e.0)?;
        state
            .app
            .role_update(&person.actor, Some(id), &label, command)
            .await?;
        Ok(render::see(&format!("/orgs/{id}/roles?done=saved")))
    };
    let again = async |id, shown| roles_page(&state, &person, id, &label, shown).await;
    post(&state, &person, &reference, sent, AT, act, again).await
}

/// `POST /orgs/{organization}/roles/{label}/delete`: deletes an unused custom role.
pub(crate) async fn delete(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, label)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, _: &Submitted| {
        state
            .app
            .role_delete(&person.actor, Some(id), &label)
            .await?;
        Ok(render::see(&format!("/orgs/{id}/roles?done=deleted")))
    };
    let again = async |id, shown| roles_page(&state, &person, id, "", shown).await;
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
