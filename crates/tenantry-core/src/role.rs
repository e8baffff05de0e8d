//! The built-in roles every organization has, and the permissions each grants.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use crate::permission::{Permission, Resource, Scope};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltinRole {
    Owner,
    Admin,
    Viewer,
    DomainManager,
    DnsManager,
    BillingManager,
    /// Reads everything in its organization (audit logs, billing and the metadata of API keys
    /// included) and changes nothing: a read-only audit account.
    Member,
}

impl BuiltinRole {
    pub const ALL: [BuiltinRole; 7] = [
        BuiltinRole::Owner,
        BuiltinRole::Admin,
        BuiltinRole::Viewer,
        BuiltinRole::DomainManager,
        BuiltinRole::DnsManager,
        BuiltinRole::BillingManager,
        BuiltinRole::Member,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BuiltinRole::Owner => "owner",
            BuiltinRole::Admin => "admin",
            BuiltinRole::Viewer => "viewer",
            BuiltinRole::DomainManager => "domain_manager",
            BuiltinRole::DnsManager => "dns_manager",
            BuiltinRole::BillingManager => "billing_manager",
            BuiltinRole::Member => "member",
        }
    }

    /// Owner and admin hold every permission and count for the "last admin" rule.
    pub fn is_admin(self) -> bool {
        matches!(self, BuiltinRole::Owner | BuiltinRole::Admin)
    }

    pub fn permissions(self) -> BTreeSet<Permission> {
        use Resource::*;
        let all_scopes = |resources: &[Resource]| -> Vec<Permission> {
            resources
                .iter()
                .flat_map(|r| Scope::ALL.into_iter().map(move |s| Permission::new(*r, s)))
                .collect()
        };
        let org_read = Permission::new(Organization, Scope::Read);
        let mut set: BTreeSet<Permission> = match self {
            BuiltinRole::Owner | BuiltinRole::Admin => Permission::all().collect(),
            BuiltinRole::Viewer => [
                Domains,
                Dns,
                Contacts,
                Hosts,
                EmailForwards,
                DomainForwards,
                Parking,
                Events,
                Jobs,
                Users,
                Teams,
            ]
            .into_iter()
            .map(|r| Permission::new(r, Scope::Read))
            .collect(),
            BuiltinRole::DomainManager => all_scopes(&[
                Domains,
                Dns,
                Contacts,
                Hosts,
                EmailForwards,
                DomainForwards,
                Parking,
                Events,
                Jobs,
            ])
            .into_iter()
            .collect(),
            BuiltinRole::DnsManager => all_scopes(&[Dns, EmailForwards, DomainForwards])
                .into_iter()
                .collect(),
            BuiltinRole::BillingManager => [
                Permission::new(Billing, Scope::Read),
                Permission::new(Billing, Scope::Manage),
            ]
            .into_iter()
            .collect(),
            BuiltinRole::Member => Permission::all().filter(|p| !p.scope.is_write()).collect(),
        };
        // Everyone in an organization may read the organization they work in.
        set.insert(org_read);
        set
    }
}

impl fmt::Display for BuiltinRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The label of a custom role, derived from its name: "Support Staff" → `support_staff`.
pub fn label_from_name(name: &str) -> String {
    let mut label = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            label.push(c.to_ascii_lowercase());
        } else if !label.ends_with('_') && !label.is_empty() {
            label.push('_');
        }
    }
    label.trim_end_matches('_').to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl FromStr for BuiltinRole {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BuiltinRole::ALL
            .into_iter()
            .find(|r| r.label() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_snake_case_of_the_name() {
        assert_eq!(label_from_name("Support Staff"), "support_staff");
        assert_eq!(label_from_name("  DNS -- Editors! "), "dns_editors");
        assert_eq!(label_from_name("Admin"), "admin");
    }

    #[test]
    fn no_built_in_role_but_owner_and_admin_holds_an_escalation_permission() {
        for role in BuiltinRole::ALL {
            let escalates = role
                .permissions()
                .into_iter()
                .any(Permission::is_escalation);
            assert_eq!(escalates, role.is_admin(), "{role}");
        }
    }
}
