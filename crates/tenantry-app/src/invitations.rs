//! Invitations by email: an owner or admin invites an address with a role; the mail carries a
//! single-use link valid for seven days. Accepting it, signed in as the person it was sent to,
//! adds the membership; without an account, the same link signs the person up (a home
//! organization of their own, their address verified by the link) and adds it. A resend makes
//! a new link (the old one stops working) for seven more days; a revoked, accepted or expired
//! invitation says so.

use serde_json::json;
use tenantry_core::values::Email;
use tenantry_core::{InvitationId, OrganizationId, UserId};
use tenantry_store::invitations::{self, Invitation};
use tenantry_store::organizations::Organization;
use tenantry_store::{Tx, memberships};
use time::OffsetDateTime;

use crate::actor::{Actor, RequestMeta};
use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::authz::{invitation_proof, proof_of};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::grantable::grantable_role;
use crate::mail::{self, invitation as invitation_mail};
use crate::reach::authorize_org;
use crate::secrets::{random_base62, sha256};
use crate::sign_in::record_sign_in_event;
use crate::sign_up::{new_person, require_verified_address};
use tenantry_core::perms::{ORG_READ, USERS_MANAGE, USERS_READ};

/// How long a link works.
const LIFETIME: time::Duration = time::Duration::days(7);

/// Length of a link's secret (base62: about 256 bits).
const TOKEN_LEN: usize = 43;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Revoked => "revoked",
            InvitationStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Accepted, Self::Revoked, Self::Expired]
            .into_iter()
            .find(|status| status.as_str() == s)
    }

    fn of(invitation: &Invitation, now: OffsetDateTime) -> Self {
        if invitation.accepted_on.is_some() {
            InvitationStatus::Accepted
        } else if invitation.revoked_on.is_some() {
            InvitationStatus::Revoked
        } else if invitation.expires_at <= now {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }
}

/// An invitation with its status now.
#[derive(Debug, Clone)]
pub struct InvitationView {
    pub invitation: Invitation,
    pub status: InvitationStatus,
}

/// What an invitation's link shows before it is accepted.
#[derive(Debug, Clone)]
pub struct InvitationPreview {
    pub organization: String,
    pub role: String,
    pub email: String,
}

/// How a link is accepted: by the signed-in person it was sent to, or by signing up.
pub enum Acceptance<'a> {
    SignedIn(&'a Actor),
    SignUp { name: String, password: String },
}

fn target(id: InvitationId) -> Target {
    Target {
        kind: "invitation",
        id: id.to_string(),
    }
}

fn not_pending(status: InvitationStatus) -> AppError {
    let (code, why) = match status {
        InvitationStatus::Accepted => (Code::InvitationAccepted, "was accepted already"),
        InvitationStatus::Revoked => (Code::InvitationRevoked, "was revoked"),
        InvitationStatus::Expired => (
            Code::InvitationExpired,
            "has expired: ask for it to be sent again",
        ),
        InvitationStatus::Pending => (Code::InvitationAccepted, "was accepted at this moment"),
    };
    AppError::Conflict(code, format!("The invitation {why}"))
}

impl App {
    /// Invites `email` to `organization` with `role`, and mails the link.
    pub async fn invitation_create(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        email: Email,
        role: &str,
    ) -> Result<InvitationView> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, USERS_MANAGE).await?;
        require_verified_address(actor)?;
        let definition = grantable_role(&mut tx, actor, &org.scope(), role).await?;
        let email = email.into_inner().to_lowercase();
        if self.already_in(&mut tx, &auth, org.id, &email).await? {
            return Err(AppError::Conflict(
                Code::MembershipExists,
                format!("{email} is in the organization already"),
            ));
        }
        let pending = invitations::list(&mut tx, &auth)
            .await?
            .into_iter()
            .any(|i| {
                i.email == email && InvitationStatus::of(&i, now) == InvitationStatus::Pending
            });
        if pending {
            return Err(AppError::Conflict(
                Code::InvitationExists,
                format!("{email} has a pending invitation: resend it instead"),
            ));
        }
        let invitation = Invitation {
            id: InvitationId::generate(),
            organization_id: org.id,
            email,
            role: definition.label,
            invited_by: actor.user_id(),
            expires_at: now + LIFETIME,
            created_on: now,
            accepted_on: None,
            accepted_by: None,
            revoked_on: None,
        };
        let token = random_base62(TOKEN_LEN);
        invitations::insert(&mut tx, &auth, &invitation, &sha256(&token)).await?;
        self.mail_invitation(&mut tx, actor, &org, &invitation, &token, now)
            .await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "invitation.created",
            target(invitation.id),
            diff(
                &serde_json::Value::Null,
                &json!({"email": invitation.email, "role": invitation.role}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(InvitationView {
            invitation,
            status: InvitationStatus::Pending,
        })
    }

    /// Whether a live user with this address is at home in, or a member of, the organization.
    async fn already_in(
        &self,
        tx: &mut Tx,
        auth: &crate::authz::Authorized,
        organization: OrganizationId,
        email: &str,
    ) -> Result<bool> {
        let Some(person) = tenantry_store::sign_in::by_login(tx, email)
            .await?
            .filter(|p| {
                p.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
        else {
            return Ok(false);
        };
        Ok(person.organization_id == organization
            || memberships::role_in(tx, auth, person.id).await?.is_some())
    }

    async fn mail_invitation(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        org: &Organization,
        invitation: &Invitation,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        let inviter = actor
            .creator
            .as_ref()
            .map(|me| me.user.username.clone())
            .unwrap_or_else(|| "The platform".into());
        let message = invitation_mail(
            &self.mail,
            &invitation.email,
            &inviter,
            &org.profile.name,
            &invitation.role,
            token,
        );
        mail::queue(tx, &self.secret_box, &message, now).await
    }

    /// The organization's invitations, newest first, optionally of one status.
    pub async fn invitation_list(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        status: Option<InvitationStatus>,
    ) -> Result<Vec<InvitationView>> {
        let mut tx = self.db.read().await?;
        let (_, auth) = authorize_org(&mut tx, actor, organization, USERS_READ).await?;
        self.invitations_of(&mut tx, &auth, status).await
    }

    /// The pending invitations of an organization the caller reads, if its role reads its
    /// people (`None` otherwise: a page about the organization then shows none).
    pub async fn invitations_pending(
        &self,
        actor: &Actor,
        organization: OrganizationId,
    ) -> Result<Option<Vec<InvitationView>>> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, organization, ORG_READ).await?;
        let Ok(auth) = proof_of(actor, &org.scope(), USERS_READ) else {
            return Ok(None);
        };
        let pending = Some(InvitationStatus::Pending);
        Ok(Some(self.invitations_of(&mut tx, &auth, pending).await?))
    }

    async fn invitations_of(
        &self,
        tx: &mut Tx,
        auth: &crate::authz::Authorized,
        status: Option<InvitationStatus>,
    ) -> Result<Vec<InvitationView>> {
        let now = self.clock.now();
        Ok(invitations::list(tx, auth)
            .await?
            .into_iter()
            .map(|invitation| InvitationView {
                status: InvitationStatus::of(&invitation, now),
                invitation,
            })
            .filter(|view| status.is_none_or(|s| s == view.status))
            .collect())
    }

    /// Sends a pending or expired invitation again: a new link (the old one stops working),
    /// valid for seven days from now.
    pub async fn invitation_resend(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        id: InvitationId,
    ) -> Result<InvitationView> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, USERS_MANAGE).await?;
        require_verified_address(actor)?;
        let mut invitation = invitations::get(&mut tx, &auth, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Invitation, id))?;
        let status = InvitationStatus::of(&invitation, now);
        if matches!(
            status,
            InvitationStatus::Accepted | InvitationStatus::Revoked
        ) {
            return Err(not_pending(status));
        }
        let token = random_base62(TOKEN_LEN);
        invitation.expires_at = now + LIFETIME;
        if !invitations::renew(&mut tx, &auth, id, &sha256(&token), invitation.expires_at).await? {
            return Err(not_pending(InvitationStatus::Pending));
        }
        self.mail_invitation(&mut tx, actor, &org, &invitation, &token, now)
            .await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "invitation.resent",
            target(id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(InvitationView {
            invitation,
            status: InvitationStatus::Pending,
        })
    }

    /// Revokes a pending invitation: its link stops working.
    pub async fn invitation_revoke(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        id: InvitationId,
    ) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (_, auth) = authorize_org(&mut tx, actor, organization, USERS_MANAGE).await?;
        let invitation = invitations::get(&mut tx, &auth, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Invitation, id))?;
        let status = InvitationStatus::of(&invitation, now);
        if status != InvitationStatus::Pending
            || !invitations::revoke(&mut tx, &auth, id, now).await?
        {
            return Err(not_pending(status));
        }
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "invitation.revoked",
            target(id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What a pending invitation's link offers, for the page it opens: the organization's
    /// name, the role and the address it was sent to. The link is the proof: whoever holds it
    /// may read this much, and nothing else.
    pub async fn invitation_preview(&self, token: &str) -> Result<InvitationPreview> {
        let now = self.clock.now();
        let mut tx = self.db.read().await?;
        let invitation = invitations::by_token(&mut tx, &sha256(token))
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Invitation, "link"))?;
        let status = InvitationStatus::of(&invitation, now);
        if status != InvitationStatus::Pending {
            return Err(not_pending(status));
        }
        let organization = tenantry_store::organizations::get(&mut tx, invitation.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Invitation, "link"))?;
        Ok(InvitationPreview {
            organization: organization.profile.name,
            role: invitation.role,
            email: invitation.email,
        })
    }

    /// Accepts the invitation a link stands for; answers the organization joined.
    pub async fn invitation_accept(
        &self,
        token: &str,
        acceptance: Acceptance<'_>,
        meta: &RequestMeta,
    ) -> Result<OrganizationId> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let invitation = invitations::by_token(&mut tx, &sha256(token))
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Invitation, "link"))?;
        let status = InvitationStatus::of(&invitation, now);
        if status != InvitationStatus::Pending {
            return Err(not_pending(status));
        }
        let user = match acceptance {
            Acceptance::SignedIn(actor) => {
                self.accepting_person(&mut tx, actor, &invitation).await?
            }
            Acceptance::SignUp { name, password } => {
                self.sign_up_invited(&mut tx, &invitation, &name, password, now)
                    .await?
            }
        };
        if !invitations::accept(&mut tx, invitation.id, user, now).await? {
            return Err(not_pending(InvitationStatus::Pending));
        }
        let joining = invitation_proof(&invitation, USERS_MANAGE);
        memberships::put(&mut tx, &joining, user, &invitation.role, now).await?;
        record_sign_in_event(
            &mut tx,
            invitation.organization_id,
            user,
            "invitation.accepted",
            json!({"invitation_id": invitation.id, "role": invitation.role}),
            meta.client_ip,
            meta.request_id.clone(),
            now,
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(invitation.organization_id)
    }

    /// The signed-in person accepting: the one the invitation was sent to, and not yet in the
    /// organization.
    async fn accepting_person(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        invitation: &Invitation,
    ) -> Result<UserId> {
        let Some(user) = actor.signed_in_user() else {
            return Err(crate::sign_in::not_a_session());
        };
        let person = tenantry_store::sign_in::by_id(tx, user)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::User, user))?;
        if !person
            .email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(&invitation.email))
        {
            return Err(AppError::Forbidden(
                Code::InvitationForAnother,
                "The invitation was sent to another address: sign in as its addressee".into(),
            ));
        }
        if person.organization_id == invitation.organization_id {
            return Err(AppError::Conflict(
                Code::MembershipExists,
                "The organization is your home organization already".into(),
            ));
        }
        // The link reached the address: it is theirs.
        tenantry_store::sign_in::set_email_verified(tx, user, self.clock.now()).await?;
        Ok(user)
    }

    /// Signs up the person an invitation was sent to, as any sign-up (`sign_up::new_person`),
    /// their address proved by the link.
    async fn sign_up_invited(
        &self,
        tx: &mut Tx,
        invitation: &Invitation,
        name: &str,
        password: String,
        now: OffsetDateTime,
    ) -> Result<UserId> {
        self.sign_up_policy.admit(true)?;
        crate::sign_up::check_person_name(name)?;
        let taken = tenantry_store::sign_in::by_login(tx, &invitation.email).await?;
        if taken.is_some() {
            return Err(AppError::Conflict(
                Code::AccountExists,
                "The address has an account: sign in to accept the invitation".into(),
            ));
        }
        let email = Email::parse(&invitation.email).map_err(|e| AppError::Internal(e.0))?;
        let hash = crate::passwords::hash_new_password(&password, &[email.as_str()]).await?;
        let (home, user) = new_person(tx, &email, name, hash, Some(now), now).await?;
        record_sign_in_event(
            tx,
            home.id,
            user.id,
            "user.signed_up",
            json!({"organization": home.slug, "by_invitation": invitation.id}),
            None,
            None,
            now,
        )
        .await?;
        Ok(user.id)
    }
}
