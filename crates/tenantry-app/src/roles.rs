//! Roles visible in an organization. Every organization has the built-in roles.

use tenantry_core::{BuiltinRole, Permission, Resource, Scope};

use crate::actor::Actor;
use crate::app::App;
use crate::error::Result;
use crate::reach::authorize_org;

const ORG_READ: Permission = Permission::new(Resource::Organization, Scope::Read);

#[derive(Debug, Clone)]
pub struct RoleDefinition {
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    pub built_in: bool,
    pub permissions: Vec<Permission>,
}

fn describe(role: BuiltinRole) -> (&'static str, &'static str) {
    match role {
        BuiltinRole::Owner => (
            "Owner",
            "Full access; the organization's first user. Never assignable.",
        ),
        BuiltinRole::Admin => (
            "Admin",
            "Full access to the organization and its suborganizations.",
        ),
        BuiltinRole::Viewer => (
            "Viewer",
            "Read-only access to domains, DNS, contacts and users.",
        ),
        BuiltinRole::DomainManager => (
            "Domain Manager",
            "Manages domains, DNS, contacts, hosts and forwarding.",
        ),
        BuiltinRole::DnsManager => (
            "DNS Manager",
            "Manages DNS zones, email and domain forwarding.",
        ),
        BuiltinRole::BillingManager => ("Billing Manager", "Manages invoices and transactions."),
    }
}

impl App {
    /// The roles of the caller's organization.
    pub async fn role_list(&self, actor: &Actor) -> Result<Vec<RoleDefinition>> {
        let mut tx = self.db.begin_read().await?;
        authorize_org(&mut tx, actor, actor.organization_id(), ORG_READ).await?;
        Ok(BuiltinRole::ALL
            .into_iter()
            .map(|role| {
                let (name, description) = describe(role);
                RoleDefinition {
                    label: role.label().into(),
                    name: name.into(),
                    description: Some(description.into()),
                    built_in: true,
                    permissions: role.permissions().into_iter().collect(),
                }
            })
            .collect())
    }
}
