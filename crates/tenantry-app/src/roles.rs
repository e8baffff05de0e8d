//! Roles: the built-in ones every organization has, and custom roles per organization. A user
//! or credential holds a role by label, resolved in its own organization; a change to a
//! custom role applies at once to every holder (through this process at once, through
//! others within the credential cache's second).

use std::collections::BTreeSet;

use tenantry_core::role::label_from_name;
use tenantry_core::{BuiltinRole, OrganizationId, Permission};
use tenantry_store::Tx;
use tenantry_store::roles::{self, CustomRole};
use time::OffsetDateTime;

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{Target, record};
use crate::error::{AppError, Code, FieldError, NotFoundKind, Result};
use crate::grantable::{ensure_held, ensure_not_owner};
use crate::reach::{acting_org, authorize_org};
use tenantry_core::perms::{ORG_MANAGE, ORG_READ};

#[derive(Debug, Clone)]
pub struct RoleDefinition {
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    pub built_in: bool,
    pub permissions: Vec<Permission>,
    pub created_on: Option<OffsetDateTime>,
    pub updated_on: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct RoleCreate {
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, Default)]
pub struct RoleUpdate {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    /// Replaces the whole set.
    pub permissions: Option<Vec<Permission>>,
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
        BuiltinRole::Member => (
            "Member",
            "Reads everything in the organization, audit logs and billing included; changes nothing.",
        ),
    }
}

fn built_in_definition(role: BuiltinRole) -> RoleDefinition {
    let (name, description) = describe(role);
    RoleDefinition {
        label: role.label().into(),
        name: name.into(),
        description: Some(description.into()),
        built_in: true,
        permissions: role.permissions().into_iter().collect(),
        created_on: None,
        updated_on: None,
    }
}

fn parse_stored(permissions: &[String]) -> BTreeSet<Permission> {
    permissions.iter().filter_map(|p| p.parse().ok()).collect()
}

fn custom_definition(role: CustomRole) -> RoleDefinition {
    RoleDefinition {
        permissions: parse_stored(&role.permissions).into_iter().collect(),
        label: role.label,
        name: role.name,
        description: role.description,
        built_in: false,
        created_on: Some(role.created_on),
        updated_on: Some(role.updated_on),
    }
}

/// What a role label grants in an organization; an unknown label grants nothing.
pub(crate) async fn role_permissions(
    tx: &mut Tx,
    organization: OrganizationId,
    label: &str,
) -> Result<BTreeSet<Permission>> {
    if let Ok(role) = label.parse::<BuiltinRole>() {
        return Ok(role.permissions());
    }
    Ok(roles::get(tx, organization, label)
        .await?
        .map(|role| parse_stored(&role.permissions))
        .unwrap_or_default())
}

/// A role of the organization by label, built-in or custom.
pub(crate) async fn find_role(
    tx: &mut Tx,
    organization: OrganizationId,
    label: &str,
) -> Result<RoleDefinition> {
    if let Ok(role) = label.parse::<BuiltinRole>() {
        return Ok(built_in_definition(role));
    }
    roles::get(tx, organization, label)
        .await?
        .map(custom_definition)
        .ok_or_else(|| AppError::not_found(NotFoundKind::Role, label))
}

/// A custom role may not hold a permission that widens access.
fn check_grantable(permissions: &[Permission]) -> Result<()> {
    let errors: Vec<FieldError> = permissions
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_escalation())
        .map(|(i, p)| FieldError {
            loc: vec!["body".into(), "permissions".into(), i.to_string()],
            msg: format!("{p} cannot be granted by a custom role"),
            kind: "permission_not_grantable".into(),
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

fn role_conflict(
    code: Code,
    role_name: &str,
    binding_count: Option<i64>,
    detail: String,
) -> AppError {
    AppError::RoleConflict {
        code,
        role_name: role_name.into(),
        binding_count,
        detail,
    }
}

fn built_in_immutable(label: &str) -> AppError {
    role_conflict(
        Code::BuiltInRoleImmutable,
        label,
        None,
        format!("The built-in role {label} cannot be changed"),
    )
}

fn role_target(organization: OrganizationId, label: &str) -> Target {
    Target {
        kind: "role",
        id: format!("{organization}/{label}"),
    }
}

fn snapshot(role: &CustomRole) -> serde_json::Value {
    serde_json::json!({"name": role.name, "description": role.description, "permissions": role.permissions})
}

/// The built-in roles, then the organization's custom roles.
async fn every_role(tx: &mut Tx, auth: &crate::authz::Authorized) -> Result<Vec<RoleDefinition>> {
    let mut all: Vec<RoleDefinition> = BuiltinRole::ALL
        .into_iter()
        .map(built_in_definition)
        .collect();
    all.extend(
        roles::list(tx, auth)
            .await?
            .into_iter()
            .map(custom_definition),
    );
    Ok(all)
}

impl App {
    /// The roles of the acting organization: the built-in ones, then its custom roles.
    pub async fn role_list(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
    ) -> Result<Vec<RoleDefinition>> {
        let mut tx = self.db.read().await?;
        let (_, auth) = authorize_org(&mut tx, actor, acting_org(actor, context), ORG_READ).await?;
        every_role(&mut tx, &auth).await
    }

    /// The roles the caller may give in the acting organization (`grantable_role`'s rule):
    /// never `owner`, which passes only by a transfer, and none holding a permission the
    /// caller lacks there.
    pub async fn role_choices(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
    ) -> Result<Vec<RoleDefinition>> {
        let mut tx = self.db.read().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), ORG_READ).await?;
        let held = actor.principal.permissions_in(&org.scope());
        let nothing = BTreeSet::new();
        Ok(every_role(&mut tx, &auth)
            .await?
            .into_iter()
            .filter(|role| {
                let giving = role.permissions.iter().copied().collect();
                ensure_not_owner(&role.label).is_ok()
                    && ensure_held(&held, &nothing, &giving).is_ok()
            })
            .collect())
    }

    pub async fn role_get(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        label: &str,
    ) -> Result<RoleDefinition> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, acting_org(actor, context), ORG_READ).await?;
        find_role(&mut tx, org.id, label).await
    }

    /// The permissions a custom role may hold.
    pub fn role_grantable_permissions(&self) -> Vec<Permission> {
        Permission::all().filter(|p| !p.is_escalation()).collect()
    }

    pub async fn role_create(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        command: RoleCreate,
    ) -> Result<RoleDefinition> {
        check_grantable(&command.permissions)?;
        let label = label_from_name(&command.name);
        if label.is_empty() {
            return Err(AppError::invalid_field(
                "name",
                "the name needs at least one letter or digit",
            ));
        }
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), ORG_MANAGE).await?;
        let duplicate = || {
            role_conflict(
                Code::DuplicateRoleName,
                &label,
                None,
                format!("A role named '{label}' already exists in this organization"),
            )
        };
        // `individual` marks users and keys whose permissions come from an NS1 map.
        if label.parse::<BuiltinRole>().is_ok()
            || label == crate::ns1::INDIVIDUAL_ROLE
            || roles::get(&mut tx, org.id, &label).await?.is_some()
        {
            return Err(duplicate());
        }
        let now = self.clock.now();
        let role = CustomRole {
            organization_id: org.id,
            label: label.clone(),
            name: command.name,
            description: command.description,
            permissions: command
                .permissions
                .iter()
                .map(Permission::to_string)
                .collect(),
            created_on: now,
            updated_on: now,
        };
        roles::insert(&mut tx, &auth, &role)
            .await
            .map_err(|err| match err {
                tenantry_store::StoreError::UniqueViolation(tenantry_store::Unique::RoleLabel) => {
                    duplicate()
                }
                other => other.into(),
            })?;
        let changes = crate::audit::diff(&serde_json::Value::Null, &snapshot(&role));
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "role.created",
            role_target(org.id, &label),
            changes,
        )
        .await?;
        tx.commit().await?;
        Ok(custom_definition(role))
    }

    /// Changes a custom role; its holders get the new permissions at once.
    pub async fn role_update(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        label: &str,
        command: RoleUpdate,
    ) -> Result<RoleDefinition> {
        if label.parse::<BuiltinRole>().is_ok() {
            return Err(built_in_immutable(label));
        }
        if let Some(permissions) = &command.permissions {
            check_grantable(permissions)?;
        }
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), ORG_MANAGE).await?;
        let before = roles::get(&mut tx, org.id, label)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Role, label))?;
        let now = self.clock.now();
        let mut after = before.clone();
        if let Some(name) = command.name {
            after.name = name;
        }
        if let Some(description) = command.description {
            after.description = description;
        }
        if let Some(permissions) = command.permissions {
            after.permissions = permissions.iter().map(Permission::to_string).collect();
        }
        after.updated_on = now;
        roles::update(&mut tx, &auth, &after).await?;
        let changes = crate::audit::diff(&snapshot(&before), &snapshot(&after));
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "role.updated",
            role_target(org.id, label),
            changes,
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(custom_definition(after))
    }

    /// Deletes a custom role nobody holds.
    pub async fn role_delete(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        label: &str,
    ) -> Result<()> {
        if label.parse::<BuiltinRole>().is_ok() {
            return Err(built_in_immutable(label));
        }
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), ORG_MANAGE).await?;
        let role = roles::get(&mut tx, org.id, label)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Role, label))?;
        let bindings = roles::binding_count(&mut tx, org.id, label).await?;
        if bindings > 0 {
            return Err(role_conflict(
                Code::RoleInUse,
                label,
                Some(bindings),
                format!("The role {label} is held by {bindings} users or credentials"),
            ));
        }
        roles::delete(&mut tx, &auth, label).await?;
        let changes = crate::audit::diff(&snapshot(&role), &serde_json::Value::Null);
        record(
            &mut tx,
            &auth,
            actor,
            self.clock.now(),
            "role.deleted",
            role_target(org.id, label),
            changes,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
