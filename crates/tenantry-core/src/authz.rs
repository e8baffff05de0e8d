//! The authorization policy: who may do what, where. `check` decides; it makes no proof. The
//! proof that store functions demand (`Proof`) is made only by the application's
//! authorization module (`tenantry_app::authz`), after this policy said yes.

use std::collections::BTreeSet;

use crate::ids::OrganizationId;
use crate::permission::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgStatus {
    Active,
    Inactive,
}

impl OrgStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgStatus::Active => "active",
            OrgStatus::Inactive => "inactive",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(OrgStatus::Active),
            "inactive" => Some(OrgStatus::Inactive),
            _ => None,
        }
    }
}

/// Where an organization sits in the tree, and whether it may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgScope {
    pub id: OrganizationId,
    pub parent_id: Option<OrganizationId>,
    pub status: OrgStatus,
}

/// What a caller holds in one organization: that organization's place in the tree and the
/// permissions of the caller's role there. It also covers the organization's suborganizations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub organization: OrgScope,
    /// The label of the role held there (`owner`, `admin`, a custom role, …).
    pub role: String,
    pub permissions: BTreeSet<Permission>,
}

impl Grant {
    /// Whether the target is this organization or one of its suborganizations.
    fn covers(&self, target: &OrgScope) -> bool {
        target.id == self.organization.id || target.parent_id == Some(self.organization.id)
    }
}

/// Who is calling, reduced to what the policy needs: the home organization with the
/// permissions held there, and the organizations joined as a member with the role held in
/// each. A credential has only its home grant; it never gains a membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub home: Grant,
    pub memberships: Vec<Grant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The target is outside the caller's reach; it must look like it does not exist.
    NotFound,
    /// The target is in reach but the caller lacks the permission.
    Forbidden(Permission),
    /// The change would happen in (or be made by) an inactive organization.
    OrganizationInactive(OrganizationId),
}

/// What a store function demands before it reads or writes an organization's data: proof
/// that `permission` was checked for `organization_id`. Its one implementation,
/// `tenantry_app::Authorized`, has no public constructor and is made only by the
/// application's authorization module.
pub trait Proof: Send + Sync {
    fn organization_id(&self) -> OrganizationId;
    fn permission(&self) -> Permission;

    /// Whether this proof lets its holder do `permission` on `organization_id`: a proof for
    /// a write also covers reading what it writes.
    fn covers(&self, organization_id: OrganizationId, permission: Permission) -> bool {
        proof_covers(
            (self.organization_id(), self.permission()),
            (organization_id, permission),
        )
    }
}

/// Whether what was proven (`permission` on an organization) covers what is asked: the same
/// organization and resource, and the same action or a read.
pub fn proof_covers(
    (proven_organization, proven): (OrganizationId, Permission),
    (organization, asked): (OrganizationId, Permission),
) -> bool {
    proven_organization == organization
        && proven.resource == asked.resource
        && (proven.scope == asked.scope || !asked.scope.is_write())
}

impl Principal {
    /// A caller that holds one role in one organization (an API credential, or a person
    /// without memberships).
    pub fn single(
        organization: OrgScope,
        role: impl Into<String>,
        permissions: BTreeSet<Permission>,
    ) -> Self {
        Self {
            home: Grant {
                organization,
                role: role.into(),
                permissions,
            },
            memberships: Vec::new(),
        }
    }

    /// The home organization: where requests act unless they name another.
    pub fn home_organization(&self) -> &OrgScope {
        &self.home.organization
    }

    /// The grant that reaches `target`: the home one (the home organization and its
    /// suborganizations), else a membership of the target or of its parent.
    /// A grant in the target itself wins over one in its parent, so a membership of a
    /// suborganization decides there even when its parent is reached too.
    pub fn grant_for(&self, target: &OrgScope) -> Option<&Grant> {
        let grants = || std::iter::once(&self.home).chain(&self.memberships);
        grants()
            .find(|grant| grant.organization.id == target.id)
            .or_else(|| grants().find(|grant| grant.covers(target)))
    }

    /// Whether the organization is one the caller holds a grant in directly (its home one or
    /// one it joined); suborganizations reached through a parent do not count.
    pub fn reaches_id(&self, organization: OrganizationId) -> bool {
        std::iter::once(&self.home)
            .chain(&self.memberships)
            .any(|grant| grant.organization.id == organization)
    }

    /// Whether the target organization is within the caller's reach.
    pub fn reaches(&self, target: &OrgScope) -> bool {
        self.grant_for(target).is_some()
    }

    /// The permissions the caller holds in `target` (none when out of reach).
    pub fn permissions_in(&self, target: &OrgScope) -> BTreeSet<Permission> {
        self.grant_for(target)
            .map(|grant| grant.permissions.clone())
            .unwrap_or_default()
    }

    /// Whether some organization the caller can act in grants `permission`: a request
    /// failing this fails in every organization, so it can be refused before its body is read.
    pub fn holds_anywhere(&self, permission: Permission) -> bool {
        std::iter::once(&self.home)
            .chain(&self.memberships)
            .any(|grant| grant.permissions.contains(&permission))
    }
}

/// Whether `principal` may do `permission` in `target`: reach (else `NotFound`), the permission
/// of the grant that reaches it (else `Forbidden`), and for changes that neither the granting
/// organization nor the target is inactive.
pub fn check(
    principal: &Principal,
    permission: Permission,
    target: &OrgScope,
) -> Result<(), Denied> {
    let grant = principal.grant_for(target).ok_or(Denied::NotFound)?;
    if !grant.permissions.contains(&permission) {
        return Err(Denied::Forbidden(permission));
    }
    if permission.scope.is_write() {
        for org in [&grant.organization, target] {
            if org.status == OrgStatus::Inactive {
                return Err(Denied::OrganizationInactive(org.id));
            }
        }
    }
    Ok(())
}

/// Changing a suborganization's status is its parent's act. It is allowed while the
/// suborganization is inactive, since that is how it is made active again.
pub fn check_status_change(
    principal: &Principal,
    permission: Permission,
    target: &OrgScope,
) -> Result<(), Denied> {
    if !principal.reaches(target) {
        return Err(Denied::NotFound);
    }
    // The parent's grant decides, whatever else the caller holds in the target itself (the
    // creator of a suborganization is also its owner, a member of it).
    let grant = std::iter::once(&principal.home)
        .chain(&principal.memberships)
        .find(|grant| Some(grant.organization.id) == target.parent_id)
        .filter(|grant| grant.permissions.contains(&permission))
        .ok_or(Denied::Forbidden(permission))?;
    if grant.organization.status == OrgStatus::Inactive {
        return Err(Denied::OrganizationInactive(grant.organization.id));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perms::{DNS_MANAGE, DNS_READ};
    use crate::role::BuiltinRole;

    fn org(parent: Option<OrganizationId>, status: OrgStatus) -> OrgScope {
        OrgScope {
            id: OrganizationId::generate(),
            parent_id: parent,
            status,
        }
    }

    fn principal(org: OrgScope, role: BuiltinRole) -> Principal {
        Principal::single(org, role.label(), role.permissions())
    }

    #[test]
    fn parent_reaches_child_but_not_the_reverse_or_siblings() {
        let parent = org(None, OrgStatus::Active);
        let child = org(Some(parent.id), OrgStatus::Active);
        let sibling = org(Some(parent.id), OrgStatus::Active);
        let admin_parent = principal(parent, BuiltinRole::Admin);
        let admin_child = principal(child, BuiltinRole::Admin);
        assert!(check(&admin_parent, DNS_MANAGE, &child).is_ok());
        assert_eq!(
            check(&admin_child, DNS_READ, &parent),
            Err(Denied::NotFound)
        );
        assert_eq!(
            check(&admin_child, DNS_READ, &sibling),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn missing_permission_is_forbidden() {
        let home = org(None, OrgStatus::Active);
        let viewer = principal(home, BuiltinRole::Viewer);
        assert_eq!(
            check(&viewer, DNS_MANAGE, &home),
            Err(Denied::Forbidden(DNS_MANAGE))
        );
        assert!(check(&viewer, DNS_READ, &home).is_ok());
    }

    #[test]
    fn inactive_org_refuses_changes_but_allows_reads() {
        let parent = org(None, OrgStatus::Active);
        let child = org(Some(parent.id), OrgStatus::Inactive);
        let admin_parent = principal(parent, BuiltinRole::Admin);
        assert_eq!(
            check(&admin_parent, DNS_MANAGE, &child),
            Err(Denied::OrganizationInactive(child.id))
        );
        assert!(check(&admin_parent, DNS_READ, &child).is_ok());
        let admin_child = principal(child, BuiltinRole::Admin);
        assert_eq!(
            check(&admin_child, DNS_MANAGE, &child),
            Err(Denied::OrganizationInactive(child.id))
        );
    }

    #[test]
    fn a_parent_s_admin_who_also_owns_the_child_changes_its_status() {
        use crate::perms::ORG_MANAGE;
        let parent = org(None, OrgStatus::Active);
        let child = org(Some(parent.id), OrgStatus::Active);
        let mut person = principal(parent, BuiltinRole::Admin);
        person.memberships.push(Grant {
            organization: child,
            role: "owner".into(),
            permissions: BuiltinRole::Owner.permissions(),
        });
        assert_eq!(check_status_change(&person, ORG_MANAGE, &child), Ok(()));
        // The child's own owner, without the parent, does not.
        let owner_only = principal(child, BuiltinRole::Owner);
        assert_eq!(
            check_status_change(&owner_only, ORG_MANAGE, &child),
            Err(Denied::Forbidden(ORG_MANAGE))
        );
        // A parent's viewer does not either; another tenant's child is not found.
        let viewer = principal(parent, BuiltinRole::Viewer);
        assert_eq!(
            check_status_change(&viewer, ORG_MANAGE, &child),
            Err(Denied::Forbidden(ORG_MANAGE))
        );
        let stranger = principal(org(None, OrgStatus::Active), BuiltinRole::Admin);
        assert_eq!(
            check_status_change(&stranger, ORG_MANAGE, &child),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn a_membership_grants_its_role_in_the_joined_organization_and_its_children() {
        let home = org(None, OrgStatus::Active);
        let joined = org(None, OrgStatus::Active);
        let joined_child = org(Some(joined.id), OrgStatus::Active);
        let elsewhere = org(None, OrgStatus::Active);
        let mut person = principal(home, BuiltinRole::Viewer);
        person.memberships.push(Grant {
            organization: joined,
            role: "dns_manager".into(),
            permissions: BuiltinRole::DnsManager.permissions(),
        });
        assert_eq!(
            check(&person, DNS_MANAGE, &home),
            Err(Denied::Forbidden(DNS_MANAGE))
        );
        assert!(check(&person, DNS_MANAGE, &joined).is_ok());
        assert!(check(&person, DNS_MANAGE, &joined_child).is_ok());
        assert_eq!(check(&person, DNS_READ, &elsewhere), Err(Denied::NotFound));
        assert!(person.holds_anywhere(DNS_MANAGE));
    }
}
