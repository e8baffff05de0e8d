//! Looking targets up inside the actor's reach and authorizing in one step.

use crate::authz::Authorized;
use crate::authz::require;
use tenantry_core::{Grant, OrganizationId, Permission, Principal};
use tenantry_store::Tx;
use tenantry_store::organizations::{self, Organization};

use std::net::{IpAddr, Ipv4Addr};

use tenantry_store::ip_restrictions;

use crate::actor::{Actor, ActorKind};
use crate::error::{AppError, NotFoundKind, Result};
use crate::ip_restrictions::admits;

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
    check_joined_network(tx, actor, &org).await?;
    Ok((org, auth))
}

impl crate::app::App {
    /// The caller acting inside `context` (`X-Organization-Context` on a route that names no
    /// organization of its own): a caller whose whole reach is that organization (and its
    /// suborganizations), with the role it holds there, so anything elsewhere is not found,
    /// as if it did not exist. Its memberships of the organization's suborganizations stay,
    /// so a role held there still decides there (never the wider one of the parent). An
    /// organization out of reach is not found either; a person's membership there is held to
    /// that organization's networks here, once.
    pub async fn act_inside(&self, actor: Actor, context: OrganizationId) -> Result<Actor> {
        let not_found = || AppError::not_found(NotFoundKind::Organization, context);
        let mut tx = self.db.read().await?;
        let org = organizations::get(&mut tx, context)
            .await?
            .ok_or_else(not_found)?;
        let grant = actor
            .principal
            .grant_for(&org.scope())
            .cloned()
            .ok_or_else(not_found)?;
        check_joined_network(&mut tx, &actor, &org).await?;
        let memberships = actor
            .principal
            .memberships
            .iter()
            .filter(|joined| joined.organization.parent_id == Some(org.id))
            .cloned()
            .collect();
        let home = Grant {
            organization: org.scope(),
            role: grant.role.clone(),
            permissions: grant.permissions,
        };
        Ok(Actor {
            principal: Principal { home, memberships },
            role: grant.role,
            ..actor
        })
    }
}

/// A person acting through a membership is bound by the IP restrictions of the organization
/// they joined, as its own credentials are (the home organization's are checked at
/// authentication).
async fn check_joined_network(tx: &mut Tx, actor: &Actor, org: &Organization) -> Result<()> {
    if !matches!(actor.kind, ActorKind::User { .. }) {
        return Ok(());
    }
    let Some(grant) = actor.principal.grant_for(&org.scope()) else {
        return Ok(());
    };
    if grant.organization.id == actor.principal.home.organization.id {
        return Ok(());
    }
    let rules: Vec<_> = ip_restrictions::rules_for_authentication(tx, grant.organization.id)
        .await?
        .into_iter()
        .map(|rule| (rule.id, rule.ip_network))
        .collect();
    let address = actor
        .meta
        .client_ip
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    match admits(&rules, address) {
        Some(_) => Ok(()),
        None => Err(AppError::IpNotAllowed(address.to_canonical())),
    }
}
