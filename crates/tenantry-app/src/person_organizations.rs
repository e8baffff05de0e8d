//! The organizations people found, find by TypeID or slug, and rename (the DomainGenius
//! way): a person founds a top-level organization with its own balance and becomes its
//! owner; its slug is unique on the platform.

use serde_json::{Value, json};
use tenantry_core::values::{Currency, Slug};
use tenantry_core::{BuiltinRole, OrganizationId};
use tenantry_store::billing::accounts;
use tenantry_store::organizations::{self, Organization};
use tenantry_store::{Tx, memberships};

use crate::actor::{Actor, ActorKind};
use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::authz::founder_proof;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::organizations::{org_target, snapshot};
use crate::reach::authorize_org;
use crate::slugs::free_slug;
use tenantry_core::perms::{ORG_MANAGE, ORG_READ, USERS_MANAGE};

/// What a person asks of a slug: whether it is free, why not, and one that is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlugCheck {
    /// The slug as it would be kept (lower case), or as asked when it is not one.
    pub slug: String,
    pub available: bool,
    /// `invalid: …`, `reserved` or `taken`, when not available.
    pub reason: Option<String>,
    /// A free slug close to the one asked, when it is not available.
    pub suggestion: Option<String>,
}

/// An organization as a person sees it, with the role they hold there.
#[derive(Debug, Clone)]
pub struct HeldOrganization {
    pub organization: Organization,
    pub role: String,
}

/// An organization named by its TypeID or its slug: the form DomainGenius paths use.
pub enum OrganizationRef {
    Id(OrganizationId),
    Slug(String),
}

impl OrganizationRef {
    pub fn parse(raw: &str) -> Self {
        match raw.parse() {
            Ok(id) => OrganizationRef::Id(id),
            Err(_) => OrganizationRef::Slug(raw.to_ascii_lowercase()),
        }
    }
}

fn founders_only() -> AppError {
    AppError::Unprocessable(
        Code::NotASession,
        "Only a person signed in with a password founds an organization; an API key acts in \
         the organization it belongs to"
            .into(),
    )
}

/// The live organization `reference` names, authorized for `permission`; a slug or id out of
/// reach is not found, like one that does not exist.
async fn held(
    tx: &mut Tx,
    actor: &Actor,
    reference: &OrganizationRef,
    permission: tenantry_core::Permission,
) -> Result<(Organization, crate::authz::Authorized)> {
    let id = resolve(tx, reference).await?;
    authorize_org(tx, actor, id, permission).await
}

/// The id `reference` stands for: the TypeID itself, or the live organization with the slug.
pub(crate) async fn resolve(tx: &mut Tx, reference: &OrganizationRef) -> Result<OrganizationId> {
    match reference {
        OrganizationRef::Id(id) => Ok(*id),
        OrganizationRef::Slug(slug) => organizations::get_by_slug(tx, slug)
            .await?
            .map(|org| org.id)
            .ok_or_else(|| AppError::not_found(NotFoundKind::Organization, slug)),
    }
}

fn held_with_role(actor: &Actor, organization: Organization) -> HeldOrganization {
    let role = actor
        .principal
        .grant_for(&organization.scope())
        .map(|grant| grant.role.clone())
        .unwrap_or_default();
    HeldOrganization { organization, role }
}

impl App {
    /// Whether `raw` can be a new organization's slug, and a free one if not.
    pub async fn slug_check(&self, raw: &str) -> Result<SlugCheck> {
        let mut tx = self.db.read().await?;
        let (slug, reason) = match Slug::parse(raw) {
            Ok(slug) => {
                let taken = organizations::slug_taken(&mut tx, slug.as_str()).await?;
                let reason = taken.then(|| "taken".to_owned());
                (slug, reason)
            }
            Err(refused) => {
                let reason = if Slug::is_reserved(raw) {
                    "reserved".to_owned()
                } else {
                    format!("invalid: {}", refused.0)
                };
                (Slug::derive(raw), Some(reason))
            }
        };
        let Some(reason) = reason else {
            return Ok(SlugCheck {
                slug: slug.into_inner(),
                available: true,
                reason: None,
                suggestion: None,
            });
        };
        let suggestion = free_slug(&mut tx, &slug).await?;
        Ok(SlugCheck {
            slug: raw.to_ascii_lowercase(),
            available: false,
            reason: Some(reason),
            suggestion: Some(suggestion.into_inner()),
        })
    }

    /// Founds a top-level organization with its own balance and billing, owned by the person
    /// calling; without a slug, one is made from the name.
    pub async fn organization_found(
        &self,
        actor: &Actor,
        name: String,
        slug: Option<Slug>,
    ) -> Result<HeldOrganization> {
        let ActorKind::User { id: founder, .. } = actor.kind else {
            return Err(founders_only());
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let slug = match slug {
            Some(slug) => slug,
            None => crate::slugs::slug_for_name(&mut tx, &name).await?,
        };
        let org = crate::bootstrap::new_top_level(&mut tx, name, slug, now).await?;
        let auth = founder_proof(actor, org.id, ORG_MANAGE).ok_or_else(founders_only)?;
        let people = founder_proof(actor, org.id, USERS_MANAGE).ok_or_else(founders_only)?;
        organizations::insert(&mut tx, &auth, &org).await?;
        accounts::insert(&mut tx, &auth, Currency::Eur, now).await?;
        memberships::put(&mut tx, &people, founder, BuiltinRole::Owner.label(), now).await?;
        let mut created = snapshot(&org);
        created["slug"] = json!(org.slug);
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "organization.created",
            org_target(org.id),
            diff(&Value::Null, &created),
        )
        .await?;
        record(
            &mut tx,
            &people,
            actor,
            now,
            "membership.created",
            Target {
                kind: "user",
                id: founder.to_string(),
            },
            diff(
                &json!({"role": null}),
                &json!({"role": BuiltinRole::Owner.label()}),
            ),
        )
        .await?;
        tx.commit().await?;
        // The founder's next request already holds the new organization.
        self.forget_authentications();
        Ok(HeldOrganization {
            organization: org,
            role: BuiltinRole::Owner.label().to_owned(),
        })
    }

    /// The id of the live organization `reference` names, for a use case that then authorizes
    /// on it (so an organization out of reach still answers as not found).
    pub async fn organization_id_of(&self, reference: &OrganizationRef) -> Result<OrganizationId> {
        let mut tx = self.db.read().await?;
        resolve(&mut tx, reference).await
    }

    /// An organization in the caller's reach, by TypeID or slug.
    pub async fn organization_held(
        &self,
        actor: &Actor,
        reference: &OrganizationRef,
    ) -> Result<HeldOrganization> {
        let mut tx = self.db.read().await?;
        let (org, _) = held(&mut tx, actor, reference, ORG_READ).await?;
        Ok(held_with_role(actor, org))
    }

    /// Renames an organization and/or gives it a new slug.
    pub async fn organization_rename(
        &self,
        actor: &Actor,
        reference: &OrganizationRef,
        name: Option<String>,
        slug: Option<Slug>,
    ) -> Result<HeldOrganization> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (before, auth) = held(&mut tx, actor, reference, ORG_MANAGE).await?;
        let mut after = before.clone();
        if let Some(name) = name {
            after.profile.name = name;
        }
        if let Some(slug) = slug {
            after.slug = slug.into_inner();
        }
        if after.profile != before.profile {
            organizations::update_profile(&mut tx, &auth, &after.profile, now).await?;
        }
        if after.slug != before.slug {
            organizations::update_slug(&mut tx, &auth, &after.slug, now).await?;
        }
        if after.profile != before.profile || after.slug != before.slug {
            after.updated_on = now;
            record(
                &mut tx,
                &auth,
                actor,
                now,
                "organization.updated",
                org_target(after.id),
                diff(
                    &json!({"name": before.profile.name, "slug": before.slug}),
                    &json!({"name": after.profile.name, "slug": after.slug}),
                ),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(held_with_role(actor, after))
    }
}
