//! Looking targets up inside the actor's reach and authorizing in one step.

use crate::authz::Authorized;
use crate::authz::require;
use tenantry_core::{OrganizationId, Permission};
use tenantry_store::Tx;
use tenantry_store::organizations::{self, Organization};

use crate::actor::Actor;
use crate::error::{AppError, NotFoundKind, Result};

/// The organization a request acts in: the `X-Organization-Context` one, or the actor's own.
pub(crate) fn acting_org(actor: &Actor, context: Option<OrganizationId>) -> OrganizationId {
    context.unwrap_or_else(|| actor.organization_id())
}

/// Loads a live organization and authorizes `permission` on it. An organization that does not
/// exist, was deleted, or is out of reach answers the same `NotFound`.
pub(crate) async fn authorize_org(
    tx: &mut Tx,
    actor: &Actor,
    id: OrganizationId,
    permission: Permission,
) -> Result<(Organization, Authorized)> {
    let org = organizations::get(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found(NotFoundKind::Organization, id))?;
    let auth = require(&actor.principal, permission, &org.scope())
        .map_err(|denied| AppError::from_denied(denied, NotFoundKind::Organization, id))?;
    Ok((org, auth))
}
