//! Permissions are `resource:scope` pairs over closed enums; never free strings.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    Organization,
    Domains,
    Contacts,
    Dns,
    Hosts,
    EmailForwards,
    DomainForwards,
    Parking,
    Events,
    Jobs,
    Billing,
    Users,
    ApiKeys,
    RegistrarCredentials,
    Tags,
    AuditLogs,
    /// NS1 teams: named permission maps granted to their member users and keys.
    Teams,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Manage,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Permission {
    pub resource: Resource,
    pub scope: Scope,
}

impl Resource {
    pub const ALL: [Resource; 17] = [
        Resource::Organization,
        Resource::Domains,
        Resource::Contacts,
        Resource::Dns,
        Resource::Hosts,
        Resource::EmailForwards,
        Resource::DomainForwards,
        Resource::Parking,
        Resource::Events,
        Resource::Jobs,
        Resource::Billing,
        Resource::Users,
        Resource::ApiKeys,
        Resource::RegistrarCredentials,
        Resource::Tags,
        Resource::AuditLogs,
        Resource::Teams,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Organization => "organization",
            Resource::Domains => "domains",
            Resource::Contacts => "contacts",
            Resource::Dns => "dns",
            Resource::Hosts => "hosts",
            Resource::EmailForwards => "email_forwards",
            Resource::DomainForwards => "domain_forwards",
            Resource::Parking => "parking",
            Resource::Events => "events",
            Resource::Jobs => "jobs",
            Resource::Billing => "billing",
            Resource::Users => "users",
            Resource::ApiKeys => "api_keys",
            Resource::RegistrarCredentials => "registrar_credentials",
            Resource::Tags => "tags",
            Resource::AuditLogs => "audit_logs",
            Resource::Teams => "teams",
        }
    }
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Manage, Scope::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Manage => "manage",
            Scope::Delete => "delete",
        }
    }

    /// Whether the scope changes state (and so is refused in an inactive organization).
    pub fn is_write(self) -> bool {
        !matches!(self, Scope::Read)
    }
}

impl Permission {
    pub const fn new(resource: Resource, scope: Scope) -> Self {
        Self { resource, scope }
    }

    /// Permissions that let their holder widen access (manage the organization, its users,
    /// its credentials or its teams). Only built-in roles hold them; a custom role never may.
    pub fn is_escalation(self) -> bool {
        matches!(
            self.resource,
            Resource::Organization | Resource::Users | Resource::ApiKeys | Resource::Teams
        ) && self.scope.is_write()
    }

    /// Every permission of the catalog, in a stable order.
    pub fn all() -> impl Iterator<Item = Permission> {
        Resource::ALL
            .into_iter()
            .flat_map(|r| Scope::ALL.into_iter().map(move |s| Permission::new(r, s)))
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.resource.as_str(), self.scope.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown permission {0:?}")]
pub struct UnknownPermission(pub String);

impl FromStr for Permission {
    type Err = UnknownPermission;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::all()
            .find(|p| p.to_string() == s)
            .ok_or_else(|| UnknownPermission(s.to_owned()))
    }
}

impl serde::Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_round_trips() {
        for p in Permission::all() {
            assert_eq!(p.to_string().parse::<Permission>().unwrap(), p);
        }
        assert!("dns:write".parse::<Permission>().is_err());
    }
}
