//! The only place an `Authorized` proof is made. The policy (`tenantry_core::authz`) decides
//! whether a caller may do something in an organization; this module turns a yes into the
//! proof that store functions demand (`tenantry_core::Proof`). `Authorized` has private fields
//! and no public constructor, so no code outside this module — in this crate or any other —
//! can make one:
//!
//! ```
//! // A proof is usable everywhere as the store's `Proof` …
//! use tenantry_core::Proof;
//! fn covers_itself(proof: &tenantry_app::Authorized) -> bool {
//!     proof.covers(proof.organization_id(), proof.permission())
//! }
//! ```
//!
//! ```compile_fail
//! // … but outside the authorization module it cannot be built …
//! use tenantry_core::{OrganizationId, Permission, Resource, Scope};
//! let proof = tenantry_app::Authorized {
//!     organization_id: OrganizationId::generate(),
//!     permission: Permission::new(Resource::Dns, Scope::Manage),
//! };
//! ```
//!
//! ```compile_fail
//! // … nor asked for: the functions that make one are private to the crate.
//! let _ = tenantry_app::authz::require;
//! ```

use tenantry_core::authz::{check, check_status_change};
use tenantry_core::{Denied, OrgScope, OrganizationId, Permission, Principal, Proof};

use crate::operators::OperatorActor;

/// Proof that `permission` was checked for `organization_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorized {
    organization_id: OrganizationId,
    permission: Permission,
}

impl Proof for Authorized {
    fn organization_id(&self) -> OrganizationId {
        self.organization_id
    }

    fn permission(&self) -> Permission {
        self.permission
    }
}

impl Authorized {
    pub fn organization_id(&self) -> OrganizationId {
        self.organization_id
    }

    pub fn permission(&self) -> Permission {
        self.permission
    }
}

/// `permission` on `target`, for the grant of `principal` that reaches it.
pub(crate) fn require(
    principal: &Principal,
    permission: Permission,
    target: &OrgScope,
) -> Result<Authorized, Denied> {
    check(principal, permission, target)?;
    Ok(Authorized {
        organization_id: target.id,
        permission,
    })
}

/// A change of a suborganization's status, by its direct parent.
pub(crate) fn require_status_change(
    principal: &Principal,
    permission: Permission,
    target: &OrgScope,
) -> Result<Authorized, Denied> {
    check_status_change(principal, permission, target)?;
    Ok(Authorized {
        organization_id: target.id,
        permission,
    })
}

/// A person founding a top-level organization is its owner from the start: the proof for
/// writing it (and their ownership) into it. Only a signed-in person founds one.
pub(crate) fn founder_proof(
    founder: &crate::actor::Actor,
    organization_id: OrganizationId,
    permission: Permission,
) -> Option<Authorized> {
    matches!(founder.kind, crate::actor::ActorKind::User { .. }).then_some(Authorized {
        organization_id,
        permission,
    })
}

/// A person leaving an organization they act in removes themselves: the proof for removing
/// that one member, whatever their role there allows for others.
pub(crate) fn self_removal(
    actor: &crate::actor::Actor,
    target: &OrgScope,
    member: tenantry_core::UserId,
) -> Result<Authorized, Denied> {
    if !actor.principal.reaches(target) {
        return Err(Denied::NotFound);
    }
    if actor.user_id() != Some(member)
        || !matches!(actor.kind, crate::actor::ActorKind::User { .. })
    {
        return Err(Denied::Forbidden(tenantry_core::perms::USERS_DELETE));
    }
    Ok(Authorized {
        organization_id: target.id,
        permission: tenantry_core::perms::USERS_DELETE,
    })
}

/// An invitation's link is the authority of the person who sent it (who was authorized to
/// manage the organization's people): it admits the one person it was sent to, with the role
/// it names, to its organization.
pub(crate) fn invitation_proof(
    invitation: &tenantry_store::invitations::Invitation,
    permission: Permission,
) -> Authorized {
    Authorized {
        organization_id: invitation.organization_id,
        permission,
    }
}

/// An ownership offer's link is the authority of its acceptance: the proof for the
/// organization whose ownership it passes.
pub(crate) fn transfer_proof(
    transfer: &tenantry_store::ownership_transfers::OwnershipTransfer,
    permission: Permission,
) -> Authorized {
    Authorized {
        organization_id: transfer.organization_id,
        permission,
    }
}

/// Whether the caller holds the `owner` role in `organization` (by the grant that decides
/// there): what only an owner may do (pass ownership, delete the organization, change an
/// owner) asks this besides the permission.
pub(crate) fn is_owner(principal: &Principal, organization: &OrgScope) -> bool {
    principal
        .grant_for(organization)
        .is_some_and(|grant| grant.role == tenantry_core::BuiltinRole::Owner.label())
}

/// A person signing up through an invitation founds their own organization (their home),
/// which they own from the start.
pub(crate) fn sign_up_proof(organization_id: OrganizationId, permission: Permission) -> Authorized {
    Authorized {
        organization_id,
        permission,
    }
}

/// The platform's own jobs (the reconciler settling what a crash left, the lifecycle
/// scheduler) act on any organization's domains, and on what a domain's life touches (its
/// billing hold and charge, its zone): their schedule is the authority, as an operator's
/// authentication is for the operator.
pub(crate) fn platform_proof(
    organization_id: OrganizationId,
    permission: Permission,
) -> Authorized {
    Authorized {
        organization_id,
        permission,
    }
}

/// The proof `by` has for `permission` in `organization`: the platform's jobs carry their
/// own, anyone else what their grants decide. For settling what a caller started (a
/// registration's zone), whose permission was checked when it started.
pub(crate) fn proof_of(
    by: &crate::actor::Actor,
    organization: &OrgScope,
    permission: Permission,
) -> Result<Authorized, Denied> {
    match by.kind {
        crate::actor::ActorKind::Platform => Ok(platform_proof(organization.id, permission)),
        _ => require(&by.principal, permission, organization),
    }
}

/// A platform operator acts on any organization: an authenticated operator (an
/// `OperatorActor` comes only from authentication or bootstrap) is the proof.
pub(crate) fn operator_proof(
    _operator: &OperatorActor,
    organization_id: OrganizationId,
    permission: Permission,
) -> Authorized {
    Authorized {
        organization_id,
        permission,
    }
}

#[cfg(test)]
mod tests {
    use tenantry_core::perms::{DNS_MANAGE, DNS_READ, USERS_MANAGE};
    use tenantry_core::{BuiltinRole, OrgStatus};

    use super::*;

    #[test]
    fn a_proof_covers_its_organization_and_permission_and_reads_of_what_it_writes() {
        let home = OrgScope {
            id: OrganizationId::generate(),
            parent_id: None,
            status: OrgStatus::Active,
        };
        let admin = Principal::single(home, "admin", BuiltinRole::Admin.permissions());
        let (dns_manage, dns_read) = (DNS_MANAGE, DNS_READ);
        let proof = require(&admin, dns_manage, &home).unwrap();
        assert!(proof.covers(home.id, dns_manage));
        assert!(proof.covers(home.id, dns_read));
        assert!(!proof.covers(OrganizationId::generate(), dns_manage));
        assert!(!proof.covers(home.id, USERS_MANAGE));
        let read = require(&admin, dns_read, &home).unwrap();
        assert!(!read.covers(home.id, dns_manage));
    }
}
