//! Memberships: a user keeps exactly one home organization (the OpusDNS rule) and may also be a
//! member of other organizations, with a role in each (the DomainGenius model). Invitations
//! create them; here are the use cases that set and end one, and the list of every
//! organization a caller can act in.

use serde_json::json;
use tenantry_core::{BuiltinRole, OrgScope, OrganizationId, UserId};
use tenantry_store::organizations::{self, Organization};
use tenantry_store::{Tx, memberships, users};

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{diff, record};
use crate::authz::Authorized;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::grantable::grantable_role;
use crate::reach::authorize_org;
use crate::users::{check_admin_change, user_target};
use tenantry_core::perms::{USERS_DELETE, USERS_MANAGE, USERS_READ};

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

/// An owner's membership changes or ends only by an owner of the organization, and never
/// leaves it without one.
async fn owner_may_step_down(
    tx: &mut Tx,
    actor: &Actor,
    organization: &OrgScope,
    auth: &Authorized,
) -> Result<()> {
    if !crate::authz::is_owner(&actor.principal, organization) {
        return Err(AppError::Forbidden(
            Code::OwnerOnly,
            "Only an owner changes or removes an owner".into(),
        ));
    }
    if memberships::count_owners_locked(tx, auth).await? <= 1 {
        return Err(AppError::Conflict(
            Code::LastOwner,
            "An organization keeps at least one owner: make another owner first".into(),
        ));
    }
    Ok(())
}

/// Whether putting a membership may make a new member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Joining {
    Allowed,
    Refused,
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
        self.put_membership(actor, organization, user, role, Joining::Allowed)
            .await
    }

    async fn put_membership(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        user: UserId,
        role: &str,
        joining: Joining,
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
        let before = memberships::role_in(&mut tx, &auth, user).await?;
        if before.is_none() && joining == Joining::Refused {
            // Someone else's user is not found here, exactly like an id that does not exist.
            return Err(AppError::not_found(NotFoundKind::User, user));
        }
        let definition = grantable_role(&mut tx, actor, &org.scope(), role).await?;
        if before.as_deref() == Some(BuiltinRole::Owner.label()) {
            owner_may_step_down(&mut tx, actor, &org.scope(), &auth).await?;
        }
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

    /// Ends `user`'s membership of `organization`: by someone who may remove people there, or
    /// by the member leaving.
    pub async fn membership_remove(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        user: UserId,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let leaving = actor.user_id() == Some(user);
        let (org, auth) = if leaving {
            let (org, _) = authorize_org(&mut tx, actor, organization, USERS_READ).await?;
            let auth = crate::authz::self_removal(actor, &org.scope(), user).map_err(|denied| {
                AppError::from_denied(denied, NotFoundKind::Organization, org.id)
            })?;
            (org, auth)
        } else {
            authorize_org(&mut tx, actor, organization, USERS_DELETE).await?
        };
        let before = memberships::role_in(&mut tx, &auth, user)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Membership, user))?;
        if before == BuiltinRole::Owner.label() {
            owner_may_step_down(&mut tx, actor, &org.scope(), &auth).await?;
        } else if !leaving {
            check_admin_change(actor, &org.scope(), before == BuiltinRole::Admin.label())?;
        }
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

    /// Gives `user` the role `role` in `organization`, whether the organization is their home
    /// (their user role) or one they joined (their membership). It never makes a member: people
    /// join by accepting an invitation, so no one is pulled into an organization (and shown
    /// to it) by their id alone.
    pub async fn member_role_set(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        user: UserId,
        role: &str,
    ) -> Result<()> {
        if self.is_home_of(organization, user).await? {
            self.user_role_set(actor, user, role).await?;
            return Ok(());
        }
        self.put_membership(actor, organization, user, role, Joining::Refused)
            .await
    }

    /// Removes `user` from `organization`, which they joined: a user whose home it is is
    /// deleted through the users API instead.
    pub async fn member_remove(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        user: UserId,
    ) -> Result<()> {
        if self.is_home_of(organization, user).await? {
            // Told only to a caller who may remove people there.
            let mut tx = self.db.read().await?;
            authorize_org(&mut tx, actor, organization, USERS_DELETE).await?;
            return Err(AppError::Conflict(
                Code::HomeOrganization,
                "The organization is the user's home: delete the user (DELETE /v1/users/{id}) \
                 rather than their membership"
                    .into(),
            ));
        }
        self.membership_remove(actor, organization, user).await
    }

    /// Removes a person from `organization`: one of its own users is deleted, a member from
    /// elsewhere leaves it (the dashboard's one "remove").
    pub async fn person_remove(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        user: UserId,
    ) -> Result<()> {
        if self.is_home_of(organization, user).await? {
            return self.user_delete(actor, user).await;
        }
        self.membership_remove(actor, organization, user).await
    }

    /// Whether `organization` is `user`'s home organization (a look-up before the use case
    /// that then authorizes).
    async fn is_home_of(&self, organization: OrganizationId, user: UserId) -> Result<bool> {
        let mut tx = self.db.read().await?;
        Ok(users::get(&mut tx, user)
            .await?
            .is_some_and(|u| u.organization_id == organization))
    }

    /// Every organization the caller can act in: home (or a credential's own organization),
    /// each joined one, and the suborganizations of either, with the role held there.
    pub async fn my_organizations(&self, actor: &Actor) -> Result<Vec<OrganizationAccess>> {
        let mut read = self.db.read().await?;
        let grants: Vec<(OrganizationId, Reach)> =
            std::iter::once((actor.principal.home.organization.id, Reach::Home))
                .chain(
                    actor
                        .principal
                        .memberships
                        .iter()
                        .map(|grant| (grant.organization.id, Reach::Membership)),
                )
                .collect();
        let ids: Vec<OrganizationId> = grants.iter().map(|(id, _)| *id).collect();
        // One read for every grant (the switcher is on every dashboard page).
        let found = organizations::live_with_children(&mut read, &ids).await?;
        let mut reached = Vec::new();
        for (id, reach) in grants {
            let Some(org) = found.iter().find(|org| org.id == id) else {
                continue;
            };
            reached.push((org.clone(), reach));
            reached.extend(
                found
                    .iter()
                    .filter(|child| child.parent_id == Some(id))
                    .map(|child| (child.clone(), Reach::Parent)),
            );
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
