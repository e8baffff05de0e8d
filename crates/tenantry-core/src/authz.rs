//! The authorization policy: who may do what, where. `require` is the only way to obtain an
//! `Authorized` value, and store writes demand one, so no write skips the check.

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

/// Who is calling, reduced to what the policy needs: the home organization and the
/// permissions held there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub organization: OrgScope,
    pub permissions: BTreeSet<Permission>,
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

/// Proof that `permission` was checked for `organization_id`. Only `require` builds one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorized {
    organization_id: OrganizationId,
    permission: Permission,
}

impl Authorized {
    pub fn organization_id(&self) -> OrganizationId {
        self.organization_id
    }

    pub fn permission(&self) -> Permission {
        self.permission
    }
}

impl Principal {
    /// Whether the target organization is the caller's own or one of its suborganizations.
    pub fn reaches(&self, target: &OrgScope) -> bool {
        target.id == self.organization.id || target.parent_id == Some(self.organization.id)
    }

    pub fn holds(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

pub fn require(
    principal: &Principal,
    permission: Permission,
    target: &OrgScope,
) -> Result<Authorized, Denied> {
    if !principal.reaches(target) {
        return Err(Denied::NotFound);
    }
    if !principal.holds(permission) {
        return Err(Denied::Forbidden(permission));
    }
    if permission.scope.is_write() {
        for org in [&principal.organization, target] {
            if org.status == OrgStatus::Inactive {
                return Err(Denied::OrganizationInactive(org.id));
            }
        }
    }
    Ok(Authorized {
        organization_id: target.id,
        permission,
    })
}

/// Changing a suborganization's status is its parent's act. It is allowed while the
/// suborganization is inactive, since that is how it is made active again.
pub fn require_status_change(
    principal: &Principal,
    permission: Permission,
    target: &OrgScope,
) -> Result<Authorized, Denied> {
    if !principal.reaches(target) {
        return Err(Denied::NotFound);
    }
    if target.parent_id != Some(principal.organization.id) || !principal.holds(permission) {
        return Err(Denied::Forbidden(permission));
    }
    if principal.organization.status == OrgStatus::Inactive {
        return Err(Denied::OrganizationInactive(principal.organization.id));
    }
    Ok(Authorized {
        organization_id: target.id,
        permission,
    })
}

/// A platform operator acts on any organization; the operator's identity is the proof.
pub fn operator_authorized(
    _operator: crate::ids::OperatorId,
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
    use super::*;
    use crate::permission::{Resource, Scope};
    use crate::role::BuiltinRole;

    fn org(parent: Option<OrganizationId>, status: OrgStatus) -> OrgScope {
        OrgScope {
            id: OrganizationId::generate(),
            parent_id: parent,
            status,
        }
    }

    fn principal(org: OrgScope, role: BuiltinRole) -> Principal {
        Principal {
            organization: org,
            permissions: role.permissions(),
        }
    }

    const DNS_MANAGE: Permission = Permission::new(Resource::Dns, Scope::Manage);
    const DNS_READ: Permission = Permission::new(Resource::Dns, Scope::Read);

    #[test]
    fn parent_reaches_child_but_not_the_reverse_or_siblings() {
        let parent = org(None, OrgStatus::Active);
        let child = org(Some(parent.id), OrgStatus::Active);
        let sibling = org(Some(parent.id), OrgStatus::Active);
        let admin_parent = principal(parent, BuiltinRole::Admin);
        let admin_child = principal(child, BuiltinRole::Admin);
        assert!(require(&admin_parent, DNS_MANAGE, &child).is_ok());
        assert_eq!(
            require(&admin_child, DNS_READ, &parent),
            Err(Denied::NotFound)
        );
        assert_eq!(
            require(&admin_child, DNS_READ, &sibling),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn missing_permission_is_forbidden() {
        let home = org(None, OrgStatus::Active);
        let viewer = principal(home, BuiltinRole::Viewer);
        assert_eq!(
            require(&viewer, DNS_MANAGE, &home),
            Err(Denied::Forbidden(DNS_MANAGE))
        );
        assert!(require(&viewer, DNS_READ, &home).is_ok());
    }

    #[test]
    fn inactive_org_refuses_changes_but_allows_reads() {
        let parent = org(None, OrgStatus::Active);
        let child = org(Some(parent.id), OrgStatus::Inactive);
        let admin_parent = principal(parent, BuiltinRole::Admin);
        assert_eq!(
            require(&admin_parent, DNS_MANAGE, &child),
            Err(Denied::OrganizationInactive(child.id))
        );
        assert!(require(&admin_parent, DNS_READ, &child).is_ok());
        let admin_child = principal(child, BuiltinRole::Admin);
        assert_eq!(
            require(&admin_child, DNS_MANAGE, &child),
            Err(Denied::OrganizationInactive(child.id))
        );
    }
}
