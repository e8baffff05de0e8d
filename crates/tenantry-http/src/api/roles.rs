//! `/v1/organizations/roles`: the roles of the caller's organization.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use tenantry_app::roles::RoleDefinition;
use tenantry_core::Permission;

use crate::AppState;
use crate::extract::Caller;
use crate::problem::ApiError;

#[derive(Serialize)]
pub(crate) struct RoleWire {
    label: String,
    name: String,
    description: Option<String>,
    built_in: bool,
    permissions: Vec<Permission>,
}

impl From<RoleDefinition> for RoleWire {
    fn from(r: RoleDefinition) -> Self {
        RoleWire {
            label: r.label,
            name: r.name,
            description: r.description,
            built_in: r.built_in,
            permissions: r.permissions,
        }
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<RoleWire>>, ApiError> {
    let roles = state.app.role_list(&actor).await?;
    Ok(Json(roles.into_iter().map(RoleWire::from).collect()))
}
