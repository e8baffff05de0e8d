//! The permissions the use cases and endpoint rows name, declared once.

use crate::permission::{Permission, Resource, Scope};

pub const ORG_READ: Permission = Permission::new(Resource::Organization, Scope::Read);
pub const ORG_MANAGE: Permission = Permission::new(Resource::Organization, Scope::Manage);
pub const ORG_DELETE: Permission = Permission::new(Resource::Organization, Scope::Delete);
pub const USERS_READ: Permission = Permission::new(Resource::Users, Scope::Read);
pub const USERS_MANAGE: Permission = Permission::new(Resource::Users, Scope::Manage);
pub const USERS_DELETE: Permission = Permission::new(Resource::Users, Scope::Delete);
pub const KEYS_READ: Permission = Permission::new(Resource::ApiKeys, Scope::Read);
pub const KEYS_MANAGE: Permission = Permission::new(Resource::ApiKeys, Scope::Manage);
pub const KEYS_DELETE: Permission = Permission::new(Resource::ApiKeys, Scope::Delete);
pub const TEAMS_READ: Permission = Permission::new(Resource::Teams, Scope::Read);
pub const TEAMS_MANAGE: Permission = Permission::new(Resource::Teams, Scope::Manage);
pub const TEAMS_DELETE: Permission = Permission::new(Resource::Teams, Scope::Delete);
pub const DNS_READ: Permission = Permission::new(Resource::Dns, Scope::Read);
pub const DNS_MANAGE: Permission = Permission::new(Resource::Dns, Scope::Manage);
pub const DNS_DELETE: Permission = Permission::new(Resource::Dns, Scope::Delete);
pub const AUDIT_READ: Permission = Permission::new(Resource::AuditLogs, Scope::Read);
pub const AUDIT_MANAGE: Permission = Permission::new(Resource::AuditLogs, Scope::Manage);
pub const AUDIT_DELETE: Permission = Permission::new(Resource::AuditLogs, Scope::Delete);
pub const BILLING_READ: Permission = Permission::new(Resource::Billing, Scope::Read);
pub const BILLING_MANAGE: Permission = Permission::new(Resource::Billing, Scope::Manage);
pub const BILLING_DELETE: Permission = Permission::new(Resource::Billing, Scope::Delete);
pub const DOMAINS_READ: Permission = Permission::new(Resource::Domains, Scope::Read);
pub const DOMAINS_MANAGE: Permission = Permission::new(Resource::Domains, Scope::Manage);
pub const DOMAINS_DELETE: Permission = Permission::new(Resource::Domains, Scope::Delete);
pub const CONTACTS_READ: Permission = Permission::new(Resource::Contacts, Scope::Read);
pub const CONTACTS_MANAGE: Permission = Permission::new(Resource::Contacts, Scope::Manage);
pub const CONTACTS_DELETE: Permission = Permission::new(Resource::Contacts, Scope::Delete);
pub const EVENTS_READ: Permission = Permission::new(Resource::Events, Scope::Read);
pub const EVENTS_MANAGE: Permission = Permission::new(Resource::Events, Scope::Manage);
