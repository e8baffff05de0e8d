//! Organizations: creating suborganizations (with their first users), listing, reading,
//! updating, freezing and deleting them.

use crate::authz::{Authorized, require, require_status_change};
use serde_json::{Value, json};
use tenantry_core::values::Currency;
use tenantry_core::{BuiltinRole, OrgStatus, OrganizationId};
use tenantry_store::Tx;
use tenantry_store::attributes::{self, Attribute};
use tenantry_store::billing::accounts;
use tenantry_store::users::{self, User};
use tenantry_store::{Page, PageRequest, memberships, organizations};

pub use tenantry_store::organizations::{
    Organization, OrganizationFilter, OrganizationProfile, OrganizationSort,
};

use crate::actor::Actor;
use crate::app::App;
use crate::attributes::AttributeInput;
use crate::audit::{Target, diff, record};
use crate::billing::BillingView;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::reach::authorize_org;
use crate::users::{UserCreate, build_user};
use tenantry_core::perms::{ORG_DELETE, ORG_MANAGE, ORG_READ, USERS_MANAGE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingMode {
    Consolidated,
    Independent,
}

impl BillingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            BillingMode::Consolidated => "consolidated",
            BillingMode::Independent => "independent",
        }
    }
}

#[derive(Debug, Clone)]
pub struct OrganizationCreate {
    pub profile: OrganizationProfile,
    pub billing_mode: BillingMode,
    /// If given, must be the caller's organization (a suborganization cannot be a parent).
    pub parent_organization_id: Option<OrganizationId>,
    pub attributes: Vec<AttributeInput>,
    /// The first becomes the owner, the rest admins.
    pub users: Vec<UserCreate>,
}

/// A profile field `PATCH` may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProfileField {
    Name,
    Address1,
    Address2,
    City,
    State,
    PostalCode,
    CountryCode,
    DefaultLocale,
    BusinessNumber,
    TaxId,
    TaxIdType,
    TaxRate,
}

#[derive(Debug, Clone, Default)]
pub struct OrganizationPatch {
    /// Each field to set; `None` clears it (the name cannot be cleared).
    pub fields: Vec<(ProfileField, Option<String>)>,
    pub status: Option<OrgStatus>,
}

/// An organization with its users, the attributes the caller may see, and its paying
/// account's billing facts if the caller may see them.
#[derive(Debug, Clone)]
pub struct OrganizationDetails {
    pub organization: Organization,
    pub users: Vec<User>,
    pub attributes: Vec<Attribute>,
    pub billing: Option<BillingView>,
}

/// Everything `GET /v1/organizations/{id}` shows of an organization in reach.
pub(crate) async fn details(
    tx: &mut Tx,
    actor: &Actor,
    org: Organization,
    auth: &Authorized,
) -> Result<OrganizationDetails> {
    let users = users::list_all(tx, org.id).await?;
    let attributes = crate::attributes::visible(actor, &org, attributes::list(tx, auth).await?);
    let billing = crate::billing::view_for(tx, actor, &org).await?;
    Ok(OrganizationDetails {
        organization: org,
        users,
        attributes,
        billing,
    })
}

fn set_profile_field(
    profile: &mut OrganizationProfile,
    field: ProfileField,
    value: Option<String>,
) -> Result<()> {
    let slot = match field {
        ProfileField::Name => {
            profile.name =
                value.ok_or_else(|| AppError::invalid_field("name", "name cannot be null"))?;
            return Ok(());
        }
        ProfileField::Address1 => &mut profile.address_1,
        ProfileField::Address2 => &mut profile.address_2,
        ProfileField::City => &mut profile.city,
        ProfileField::State => &mut profile.state,
        ProfileField::PostalCode => &mut profile.postal_code,
        ProfileField::CountryCode => &mut profile.country_code,
        ProfileField::DefaultLocale => &mut profile.default_locale,
        ProfileField::BusinessNumber => &mut profile.business_number,
        ProfileField::TaxId => &mut profile.tax_id,
        ProfileField::TaxIdType => &mut profile.tax_id_type,
        ProfileField::TaxRate => &mut profile.tax_rate,
    };
    *slot = value;
    Ok(())
}

/// The audit snapshot of an organization.
pub(crate) fn snapshot(org: &Organization) -> Value {
    let p = &org.profile;
    json!({
        "name": p.name, "status": org.status.as_str(), "billing_mode": org.billing_mode,
        "parent_organization_id": org.parent_id, "address_1": p.address_1, "address_2": p.address_2,
        "city": p.city, "state": p.state, "postal_code": p.postal_code,
        "country_code": p.country_code, "currency": p.currency, "default_locale": p.default_locale,
        "business_number": p.business_number, "tax_id": p.tax_id, "tax_id_type": p.tax_id_type,
        "tax_rate": p.tax_rate,
    })
}

pub(crate) fn org_target(id: OrganizationId) -> Target {
    Target {
        kind: "organization",
        id: id.to_string(),
    }
}

impl App {
    /// Creates a suborganization of the caller's organization, with its attributes and first
    /// users, in one transaction.
    pub async fn organization_create(
        &self,
        actor: &Actor,
        command: OrganizationCreate,
    ) -> Result<OrganizationDetails> {
        let mut tx = self.db.begin().await?;
        let parent_id = command
            .parent_organization_id
            .unwrap_or(actor.organization_id());
        let (parent, parent_auth) = authorize_org(&mut tx, actor, parent_id, ORG_MANAGE).await?;
        if parent.parent_id.is_some() && command.billing_mode == BillingMode::Independent {
            return Err(AppError::Unprocessable(
                Code::IndependentBillingNotAllowed,
                "Independent billing is only for direct children of a top-level organization"
                    .into(),
            ));
        }
        if parent.parent_id.is_some() {
            return Err(AppError::Unprocessable(
                Code::OrganizationNestingNotAllowed,
                "A suborganization cannot have suborganizations: organizations are strictly two levels deep".into(),
            ));
        }
        if command.billing_mode == BillingMode::Independent {
            let missing: Vec<&str> = [
                ("currency", command.profile.currency.is_none()),
                ("country_code", command.profile.country_code.is_none()),
            ]
            .into_iter()
            .filter_map(|(field, missing)| missing.then_some(field))
            .collect();
            if !missing.is_empty() {
                return Err(AppError::IndependentBillingAttributesInvalid {
                    invalid_fields: missing.into_iter().map(str::to_owned).collect(),
                });
            }
        }
        let now = self.clock.now();
        let slug = crate::slugs::slug_for_name(&mut tx, &command.profile.name).await?;
        let org = Organization {
            id: OrganizationId::generate(),
            org_id: organizations::next_org_id(&mut tx).await?,
            parent_id: Some(parent.id),
            status: OrgStatus::Active,
            billing_mode: command.billing_mode.as_str().into(),
            slug: slug.into_inner(),
            profile: command.profile,
            created_on: now,
            updated_on: now,
            deleted_on: None,
        };
        organizations::insert(&mut tx, &parent_auth, &org).await?;
        record(
            &mut tx,
            &parent_auth,
            actor,
            now,
            "organization.created",
            org_target(org.id),
            diff(&Value::Null, &snapshot(&org)),
        )
        .await?;
        // The new organization is inside the caller's reach and active: authorize the writes
        // into it through the same policy.
        let child_auth = require(&actor.principal, ORG_MANAGE, &org.scope())
            .map_err(|d| AppError::from_denied(d, NotFoundKind::Organization, org.id))?;
        // Its people (its first users, or the creator as its owner) are written as users.
        let people_auth = require(&actor.principal, USERS_MANAGE, &org.scope())
            .map_err(|d| AppError::from_denied(d, NotFoundKind::Organization, org.id))?;
        for attribute in &command.attributes {
            attributes::upsert(
                &mut tx,
                &child_auth,
                &attribute.key,
                &attribute.value,
                attribute.private,
                attribute.protected,
                now,
            )
            .await?;
        }
        if command.billing_mode == BillingMode::Independent {
            let currency = org
                .profile
                .currency
                .as_deref()
                .and_then(|c| Currency::parse(c).ok());
            let currency = currency.ok_or_else(|| {
                AppError::Internal("an independent organization without a currency".into())
            })?;
            accounts::insert(&mut tx, &child_auth, currency, now).await?;
        }
        // An organization always has an owner: without users of its own, the person creating
        // it (or the person who made the calling credential) owns it as a member.
        let creator = actor.user_id().filter(|_| command.users.is_empty());
        if let Some(creator) = creator {
            memberships::put(
                &mut tx,
                &people_auth,
                creator,
                BuiltinRole::Owner.label(),
                now,
            )
            .await?;
            record(
                &mut tx,
                &people_auth,
                actor,
                now,
                "membership.created",
                Target {
                    kind: "user",
                    id: creator.to_string(),
                },
                diff(
                    &json!({"role": null}),
                    &json!({"role": BuiltinRole::Owner.label()}),
                ),
            )
            .await?;
        }
        let mut created_users = Vec::with_capacity(command.users.len());
        for (index, user) in command.users.into_iter().enumerate() {
            // The first user owns the new organization (there is always an owner); the others
            // get the role asked for, `admin` when none is.
            let role = match (index, user.role) {
                (0, _) => BuiltinRole::Owner,
                (_, Some(BuiltinRole::Owner)) => {
                    return Err(AppError::Unprocessable(
                        Code::RoleNotAssignable,
                        "Only the first user becomes the owner".into(),
                    ));
                }
                (_, role) => role.unwrap_or(BuiltinRole::Admin),
            };
            let user = build_user(user, &org, role.label(), now)?;
            users::insert(&mut tx, &people_auth, &user).await?;
            record(
                &mut tx,
                &people_auth,
                actor,
                now,
                "user.created",
                Target {
                    kind: "user",
                    id: user.id.to_string(),
                },
                diff(&Value::Null, &crate::users::snapshot(&user)),
            )
            .await?;
            created_users.push(user);
        }
        let attributes = attributes::list(&mut tx, &child_auth).await?;
        let billing = crate::billing::view_for(&mut tx, actor, &org).await?;
        tx.commit().await?;
        if creator.is_some() {
            // The creator's new membership is part of their principal from the next request.
            self.forget_authentications();
        }
        Ok(OrganizationDetails {
            organization: org,
            users: created_users,
            attributes,
            billing,
        })
    }

    /// The suborganizations of `parent` (by default the caller's own organization).
    pub async fn organization_list(
        &self,
        actor: &Actor,
        parent: Option<OrganizationId>,
        filter: OrganizationFilter,
        page: PageRequest,
    ) -> Result<Page<Organization>> {
        let mut tx = self.db.read().await?;
        let parent = parent.unwrap_or(actor.organization_id());
        let (parent, _) = authorize_org(&mut tx, actor, parent, ORG_READ).await?;
        Ok(organizations::list_children(&mut tx, parent.id, &filter, page).await?)
    }

    pub async fn organization_get(
        &self,
        actor: &Actor,
        id: OrganizationId,
    ) -> Result<OrganizationDetails> {
        let mut tx = self.db.read().await?;
        let (org, auth) = authorize_org(&mut tx, actor, id, ORG_READ).await?;
        details(&mut tx, actor, org, &auth).await
    }

    /// Changes profile fields and, for a parent acting on its suborganization, the status.
    pub async fn organization_update(
        &self,
        actor: &Actor,
        id: OrganizationId,
        patch: OrganizationPatch,
    ) -> Result<Organization> {
        let mut tx = self.db.begin().await?;
        let org = organizations::get(&mut tx, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Organization, id))?;
        let before = snapshot(&org);
        let mut after = org.clone();
        let now = self.clock.now();
        if let Some(status) = patch.status {
            let auth = require_status_change(&actor.principal, ORG_MANAGE, &org.scope())
                .map_err(|d| AppError::from_denied(d, NotFoundKind::Organization, id))?;
            if status != org.status {
                organizations::update_status(&mut tx, &auth, status, now).await?;
                after.status = status;
                let action = match status {
                    OrgStatus::Active => "organization.activated",
                    OrgStatus::Inactive => "organization.deactivated",
                };
                record(
                    &mut tx,
                    &auth,
                    actor,
                    now,
                    action,
                    org_target(id),
                    diff(&before, &snapshot(&after)),
                )
                .await?;
            }
        }
        // Every PATCH but a pure status change is a profile change, even an empty one: it is
        // authorized like one, so no body shape reads an organization out of reach.
        if patch.status.is_none() || !patch.fields.is_empty() {
            let auth = require(&actor.principal, ORG_MANAGE, &after.scope())
                .map_err(|d| AppError::from_denied(d, NotFoundKind::Organization, id))?;
            if patch.fields.is_empty() {
                tx.commit().await?;
                return Ok(after);
            }
            let unchanged = snapshot(&after);
            for (field, value) in patch.fields {
                set_profile_field(&mut after.profile, field, value)?;
            }
            organizations::update_profile(&mut tx, &auth, &after.profile, now).await?;
            record(
                &mut tx,
                &auth,
                actor,
                now,
                "organization.updated",
                org_target(id),
                diff(&unchanged, &snapshot(&after)),
            )
            .await?;
        }
        if after != org {
            after.updated_on = now;
        }
        tx.commit().await?;
        if patch.status.is_some() {
            // The organization's status is part of every cached principal.
            self.forget_authentications();
        }
        // The tax rate is part of every cached quote.
        self.quote_cache.invalidate();
        Ok(after)
    }

    /// Deletes a suborganization, by its parent (`organization_deletion`): its users and
    /// credentials stop working at once; its rows stay for the audit trail.
    pub async fn organization_delete(&self, actor: &Actor, id: OrganizationId) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, id, ORG_DELETE).await?;
        if org.parent_id != Some(actor.organization_id()) {
            return Err(AppError::Forbidden(
                Code::OrganizationCannotDeleteSelf,
                "An organization can only be deleted by its parent organization".into(),
            ));
        }
        let now = self.clock.now();
        self.delete_organization_in(&mut tx, &auth, actor, &org, now)
            .await?;
        tx.commit().await?;
        self.forget_authentications();
        self.quote_cache.invalidate();
        Ok(())
    }
}
