//! Memberships: a user keeps exactly one home organization (the OpusDNS rule) and may also be a
//! member of other organizations, with a role in each (the DomainGenius model). Invitations
//! create them; here are the use cases that set and end one, and the list of every
//! organization a caller can act in.

use serde_json::json;
use tenantry_core::{BuiltinRole, OrganizationId, UserId};
use tenantry_store::organizations::{self, Organization};
use tenantry_store::{memberships, users};

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{diff, record};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::grantable::grantable_role;
use crate::reach::authorize_org;
use crate::users::{check_admin_change, user_target};
use tenantry_core::perms::{USERS_DELETE, USERS_MANAGE};

/// How a caller reaches an organization it can act in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The caller's home organization (a credential's own organization).
    Home,
    /// An organization the user joined as a member.
    Membership,
    /// A suborganization, reached through its parent (home or joined).
    Parent,
}

impl Reach {
    pub fn as_str(self) -> &'static str {
        match self {
            Reach::Home => "home",
            Reach::Membership => "membership",
            Reach::Parent => "parent",
        }
    }
}

/// An organization the caller can act in, with the role it holds there.
#[derive(Debug, Clone)]
pub struct OrganizationAccess {
    pub organization: Organization,
    pub role: String,
    pub reach: Reach,
}

impl App {
    /// Makes `user` a member of `organization` with `role`, or changes the role it has there.
    /// The caller needs `users:manage` there and may give only a role within its own; the
    /// owner role passes only by an ownership transfer, and a user's home organization is
    /// never a membership.
    pub async fn membership_put(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        user: UserId,
        role: &str,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, USERS_MANAGE).await?;
        let person = users::get(&mut tx, user)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::User, user))?;
        if person.organization_id == org.id {
            return Err(AppError::Conflict(
                Code::MembershipExists,
                "The organization is the user's home organization".into(),
            ));
        }
        let definition = grantable_role(&mut tx, actor, &org.scope(), role).await?;
        let before = memberships::role_in(&mut tx, &auth, user).await?;
        let admin = BuiltinRole::Admin.label();
        check_admin_change(
            actor,
            &org.scope(),
            definition.label == admin || before.as_deref() == Some(admin),
        )?;
        let now = self.clock.now();
        memberships::put(&mut tx, &auth, user, &definition.label, now).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            if before.is_some() {
                "membership.updated"
            } else {
                "membership.created"
            },
            user_target(user),
            diff(&json!({"role": before}), &json!({"role": definition.label})),
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }

    /// Ends `user`'s membership of `organization`.
    pub async fn membership_remove(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        user: UserId,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, USERS_DELETE).await?;
        let before = memberships::role_in(&mut tx, &auth, user)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Membership, user))?;
        check_admin_change(actor, &org.scope(), before == BuiltinRole::Admin.label())?;
        memberships::delete(&mut tx, &auth, user).await?;
        record(
            &mut tx,
            &auth,
            actor,
            self.clock.now(),
            "membership.deleted",
            user_target(user),
            diff(&json!({"role": before}), &json!({"role": null})),
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }

    /// Every organization the caller can act in: home (or a credential's own organization),
    /// each joined one, and the suborganizations of either, with the role held there.
    pub async fn my_organizations(&self, actor: &Actor) -> Result<Vec<OrganizationAccess>> {
        let mut read = self.db.begin_read().await?;
        let grants = std::iter::once((&actor.principal.home, Reach::Home)).chain(
            actor
                .principal
                .memberships
                .iter()
                .map(|grant| (grant, Reach::Membership)),
        );
        let mut reached = Vec::new();
        for (grant, reach) in grants {
            let Some(org) = organizations::get(&mut read, grant.organization.id).await? else {
                continue;
            };
            let children = organizations::live_children(&mut read, org.id).await?;
            reached.push((org, reach));
            reached.extend(children.into_iter().map(|child| (child, Reach::Parent)));
        }
        // Each organization once, with the role of the grant that decides there (one in the
        // organization itself wins over its parent's).
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (organization, reach) in reached {
            if !seen.insert(organization.id) {
                continue;
            }
            let Some(grant) = actor.principal.grant_for(&organization.scope()) else {
                continue;
            };
            let reach = if grant.organization.id != organization.id {
                Reach::Parent
            } else if grant.organization.id == actor.principal.home.organization.id {
                Reach::Home
            } else {
                reach
            };
            out.push(OrganizationAccess {
                role: grant.role.clone(),
                organization,
                reach,
            });
        }
        Ok(out)
    }
}
