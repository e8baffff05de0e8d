//! The checks every store function makes of the proof it is handed: the organization and
//! the action it proves. Made in every build: none of them is a debug-only check.

use tenantry_core::perms::{
    BILLING_READ, KEYS_DELETE, KEYS_MANAGE, ORG_READ, TEAMS_DELETE, TEAMS_MANAGE, USERS_DELETE,
    USERS_MANAGE, USERS_READ,
};
use tenantry_core::{OrganizationId, Permission, Proof};

use crate::error::{Result, StoreError};

/// The actions that write a holder's (a user's, a key's) team memberships and permission
/// grants: each is part of changing that user, key or team.
pub(crate) const HOLDER_WRITES: &[Permission] = &[
    USERS_MANAGE,
    USERS_DELETE,
    KEYS_MANAGE,
    KEYS_DELETE,
    TEAMS_MANAGE,
    TEAMS_DELETE,
];

/// The actions that read an organization's people (its users and members): reading users,
/// or reading the organization, as OpusDNS's `GET /v1/organizations/users` asks.
pub(crate) const PEOPLE_READS: &[Permission] = &[USERS_READ, ORG_READ];

/// The actions that read an organization's billing transactions: reading billing, or
/// reading the organization (its transactions' endpoints ask for `organization:read`).
pub(crate) const BILLING_READS: &[Permission] = &[BILLING_READ, ORG_READ];

/// The organization `auth` lets its holder do `action` in. A proof for another action is
/// refused in every build: a use case that passes the wrong proof is a defect, and the read or
/// write must not happen.
pub(crate) fn proven(auth: &dyn Proof, action: Permission) -> Result<OrganizationId> {
    let organization = auth.organization_id();
    proven_for(auth, organization, action)?;
    Ok(organization)
}

/// Refuses `action` on `organization` unless `auth` covers it, in every build.
pub(crate) fn proven_for(
    auth: &dyn Proof,
    organization: OrganizationId,
    action: Permission,
) -> Result<()> {
    if auth.covers(organization, action) {
        return Ok(());
    }
    Err(StoreError::ProofMismatch(format!(
        "{action} on {organization} under a proof of {} on {}",
        auth.permission(),
        auth.organization_id()
    )))
}

/// The organization `auth` lets its holder do one of `actions` in: for rows that several use
/// cases read or write as part of their own action (a holder's team memberships belong to a
/// user, a key or a team; an organization's people are read under either permission).
pub(crate) fn proven_any(auth: &dyn Proof, actions: &[Permission]) -> Result<OrganizationId> {
    let organization = auth.organization_id();
    proven_for_any(auth, organization, actions)?;
    Ok(organization)
}

/// Refuses a read or write on `organization` unless `auth` proves one of `actions` there.
pub(crate) fn proven_for_any(
    auth: &dyn Proof,
    organization: OrganizationId,
    actions: &[Permission],
) -> Result<()> {
    if actions
        .iter()
        .any(|action| auth.covers(organization, *action))
    {
        return Ok(());
    }
    Err(StoreError::ProofMismatch(format!(
        "a write of {actions:?} under a proof of {} on {organization}",
        auth.permission()
    )))
}

/// Refuses the bookkeeping of a change (its audit event, its charge) unless `auth` proves a
/// change, of any kind, in one of `organizations`: the bookkeeping follows from that change
/// and needs no permission of its own.
pub(crate) fn proven_change_in(
    auth: &dyn Proof,
    organizations: &[OrganizationId],
    what: &str,
) -> Result<()> {
    if auth.permission().scope.is_write() && organizations.contains(&auth.organization_id()) {
        return Ok(());
    }
    Err(StoreError::ProofMismatch(format!(
        "{what} of {organizations:?} under a proof of {} on {}",
        auth.permission(),
        auth.organization_id()
    )))
}
