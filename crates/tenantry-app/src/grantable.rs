//! The one rule for giving access, whatever gives it (a user's role, a credential's role, a
//! membership, an NS1 permission map or team): a caller gives only permissions it holds itself
//! in the organization concerned, or that the holder had already; and the owner role passes
//! only with a new organization (its first user) or an ownership transfer.

use std::collections::BTreeSet;

use tenantry_core::{BuiltinRole, OrgScope, Permission};
use tenantry_store::Tx;

use crate::actor::Actor;
use crate::error::{AppError, Code, Result};
use crate::roles::{RoleDefinition, find_role};

pub(crate) fn ensure_not_owner(label: &str) -> Result<()> {
    if label == BuiltinRole::Owner.label() {
        return Err(AppError::Unprocessable(
            Code::RoleNotAssignable,
            "The owner role cannot be assigned: it passes with a new organization or an \
             ownership transfer"
                .into(),
        ));
    }
    Ok(())
}

/// Refuses `giving` where it goes beyond what the caller `held` (and the holder `already` had).
pub(crate) fn ensure_held(
    held: &BTreeSet<Permission>,
    already: &BTreeSet<Permission>,
    giving: &BTreeSet<Permission>,
) -> Result<()> {
    let beyond: Vec<String> = giving
        .iter()
        .filter(|p| !held.contains(p) && !already.contains(p))
        .map(Permission::to_string)
        .collect();
    if beyond.is_empty() {
        return Ok(());
    }
    Err(AppError::Forbidden(
        Code::PermissionDenied,
        format!(
            "You cannot grant permissions you do not hold ({})",
            beyond.join(", ")
        ),
    ))
}

/// The role `label` of `organization`, if the actor may give it there.
pub(crate) async fn grantable_role(
    tx: &mut Tx,
    actor: &Actor,
    organization: &OrgScope,
    label: &str,
) -> Result<RoleDefinition> {
    ensure_not_owner(label)?;
    let role = find_role(tx, organization.id, label).await?;
    ensure_held(
        &actor.principal.permissions_in(organization),
        &BTreeSet::new(),
        &role.permissions.iter().copied().collect(),
    )?;
    Ok(role)
}
