//! `/v1/organizations/roles…` and `/v1/organizations/role-permissions`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::roles::{RoleCreate, RoleDefinition, RoleUpdate};
use tenantry_core::Permission;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody, OrgContext};
use crate::problem::ApiError;
use crate::wire::{Check, nullable, opt_time};

#[derive(ToSchema, Serialize)]
pub(crate) struct RoleWire {
    label: String,
    name: String,
    description: Option<String>,
    built_in: bool,
    permissions: Vec<Permission>,
    created_on: Option<String>,
    updated_on: Option<String>,
}

impl From<RoleDefinition> for RoleWire {
    fn from(r: RoleDefinition) -> Self {
        RoleWire {
            label: r.label,
            name: r.name,
            description: r.description,
            built_in: r.built_in,
            permissions: r.permissions,
            created_on: opt_time(r.created_on),
            updated_on: opt_time(r.updated_on),
        }
    }
}

#[derive(ToSchema, Serialize)]
pub(crate) struct PermissionsWire {
    permissions: Vec<Permission>,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct RoleCreateBody {
    name: String,
    description: Option<String>,
    permissions: Vec<String>,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct RoleUpdateBody {
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    description: Option<Option<String>>,
    permissions: Option<Vec<String>>,
}

/// Parses `resource:scope` strings, naming each unknown one.
fn permissions(check: &mut Check, raw: Vec<String>) -> Vec<Permission> {
    let mut items = Check::nested(&["permissions"]);
    let parsed = raw
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let parsed = p.parse::<Permission>().ok();
            if parsed.is_none() {
                items.fail(&i.to_string(), format!("unknown permission {p:?}"));
            }
            parsed
        })
        .collect();
    check.absorb(items);
    parsed
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
) -> Result<Json<Vec<RoleWire>>, ApiError> {
    let roles = state.app.role_list(&actor, context).await?;
    Ok(Json(roles.into_iter().map(RoleWire::from).collect()))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    Path(label): Path<String>,
) -> Result<Json<RoleWire>, ApiError> {
    Ok(Json(
        state.app.role_get(&actor, context, &label).await?.into(),
    ))
}

impl RoleCreateBody {
    /// The use case's input, checked (the dashboard's form is read through it too).
    pub(crate) fn into_command(self) -> Result<RoleCreate, ApiError> {
        let mut check = Check::default();
        let name = check.text("name", Some(self.name), 64).unwrap_or_default();
        let description = check.text("description", self.description, 500);
        let permissions = permissions(&mut check, self.permissions);
        check.finish()?;
        Ok(RoleCreate {
            name,
            description,
            permissions,
        })
    }
}

impl RoleUpdateBody {
    /// The use case's input, checked (the dashboard's form is read through it too).
    pub(crate) fn into_command(self) -> Result<RoleUpdate, ApiError> {
        let mut check = Check::default();
        let command = RoleUpdate {
            name: self.name.and_then(|n| check.text("name", Some(n), 64)),
            description: self.description.map(|d| check.text("description", d, 500)),
            permissions: self.permissions.map(|p| permissions(&mut check, p)),
        };
        check.finish()?;
        Ok(command)
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    JsonBody(body): JsonBody<RoleCreateBody>,
) -> Result<(StatusCode, Json<RoleWire>), ApiError> {
    let role = state
        .app
        .role_create(&actor, context, body.into_command()?)
        .await?;
    Ok((StatusCode::CREATED, Json(role.into())))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    Path(label): Path<String>,
    JsonBody(body): JsonBody<RoleUpdateBody>,
) -> Result<Json<RoleWire>, ApiError> {
    let command = body.into_command()?;
    Ok(Json(
        state
            .app
            .role_update(&actor, context, &label, command)
            .await?
            .into(),
    ))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    Path(label): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.role_delete(&actor, context, &label).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a custom role may hold.
pub(crate) async fn grantable(
    State(state): State<AppState>,
    Caller(_): Caller,
) -> Json<PermissionsWire> {
    Json(PermissionsWire {
        permissions: state.app.role_grantable_permissions(),
    })
}
