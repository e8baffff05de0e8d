//! Passing an organization's ownership: an owner offers it to another member by email; the
//! offer is mailed as a single-use link valid seven days. Until the recipient accepts, the
//! sender stays owner and may withdraw the offer; on acceptance the recipient becomes an
//! owner and the sender an admin, in one transaction that also checks both still hold the
//! roles the offer assumed. A newer offer replaces an open one.

use serde_json::json;
use tenantry_core::{BuiltinRole, OrganizationId, UserId};
use tenantry_store::ownership_transfers::{self, OwnershipTransfer};
use tenantry_store::users::{self, User};
use tenantry_store::{Tx, memberships, sign_in};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::actor::{Actor, RequestMeta};
use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::authz::{Authorized, is_owner, transfer_proof};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::mail::{self, ownership_transfer as offer_mail};
use crate::reach::authorize_org;
use crate::secrets::{random_base62, sha256};
use crate::sign_in::{not_a_session, record_sign_in_event};
use tenantry_core::perms::{ORG_MANAGE, ORG_READ, USERS_MANAGE, USERS_READ};

/// How long an offer stands.
const LIFETIME: time::Duration = time::Duration::days(7);

/// Length of a link's secret (base62: about 256 bits).
const TOKEN_LEN: usize = 43;

/// An open offer as the organization sees it.
#[derive(Debug, Clone)]
pub struct TransferView {
    pub organization_id: OrganizationId,
    pub from_user: UserId,
    pub to_user: UserId,
    pub to_email: String,
    pub expires_at: OffsetDateTime,
    pub created_on: OffsetDateTime,
    /// Past its expiry: it can no longer be accepted (a new offer replaces it).
    pub expired: bool,
}

fn target(organization: OrganizationId) -> Target {
    Target {
        kind: "organization",
        id: organization.to_string(),
    }
}

fn owner_only() -> AppError {
    AppError::Forbidden(
        Code::OwnerOnly,
        "Only an owner of the organization passes its ownership".into(),
    )
}

/// The role `user` holds in the proof's organization (`home`: as their home organization),
/// or `None` when they are not in it.
async fn role_there(
    tx: &mut Tx,
    auth: &Authorized,
    user: UserId,
) -> Result<Option<(String, Option<User>)>> {
    if let Some(person) = users::get(tx, user).await?
        && person.organization_id == auth.organization_id()
    {
        return Ok(Some((person.role.clone(), Some(person))));
    }
    Ok(memberships::role_in(tx, auth, user)
        .await?
        .map(|role| (role, None)))
}

/// Gives `user` the role `role` in the proof's organization, wherever they hold theirs.
async fn set_role_there(
    tx: &mut Tx,
    auth: &Authorized,
    user: UserId,
    home: Option<User>,
    role: &str,
    now: OffsetDateTime,
) -> Result<()> {
    match home {
        Some(person) => {
            let after = User {
                role: role.to_owned(),
                updated_on: now,
                ..person
            };
            users::update(tx, auth, &after).await?;
        }
        None => memberships::put(tx, auth, user, role, now).await?,
    }
    Ok(())
}

impl App {
    /// Offers `organization`'s ownership to the member with address `email`, and mails them
    /// the link.
    pub async fn ownership_transfer_offer(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        email: &str,
    ) -> Result<TransferView> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, ORG_MANAGE).await?;
        if !is_owner(&actor.principal, &org.scope()) {
            return Err(owner_only());
        }
        // The offer comes from a person (an owner's key cannot stay on as an admin).
        let from_user = actor.signed_in_user();
        let from_user = from_user.ok_or_else(not_a_session)?;
        let recipient = sign_in::by_login(&mut tx, email).await?.filter(|p| {
            p.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        });
        let not_member = || {
            AppError::Unprocessable(
                Code::TransferRecipientNotMember,
                format!("{email} is not a member of the organization: invite them first"),
            )
        };
        let recipient = recipient.ok_or_else(not_member)?;
        let people = crate::authz::require(&actor.principal, USERS_READ, &org.scope())
            .map_err(|denied| AppError::from_denied(denied, NotFoundKind::Organization, org.id))?;
        let (role, _) = role_there(&mut tx, &people, recipient.id)
            .await?
            .ok_or_else(not_member)?;
        if recipient.id == from_user || role == BuiltinRole::Owner.label() {
            return Err(AppError::invalid_field(
                "email",
                format!("{email} is an owner already"),
            ));
        }
        let transfer = OwnershipTransfer {
            id: Uuid::new_v4(),
            organization_id: org.id,
            from_user,
            to_user: recipient.id,
            expires_at: now + LIFETIME,
            created_on: now,
        };
        let token = random_base62(TOKEN_LEN);
        ownership_transfers::replace_open(&mut tx, &auth, &transfer, &sha256(&token)).await?;
        let sender = actor
            .creator
            .as_ref()
            .map_or_else(|| "An owner".to_owned(), |p| p.user.username.clone());
        let to = recipient.email.clone().unwrap_or_default();
        let message = offer_mail(&self.mail, &to, &sender, &org.profile.name, &token);
        mail::queue(&mut tx, &self.secret_box, &message, now).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "organization.ownership_offered",
            target(org.id),
            diff(&json!({}), &json!({"to_user": recipient.id.to_string()})),
        )
        .await?;
        tx.commit().await?;
        Ok(TransferView {
            organization_id: org.id,
            from_user,
            to_user: recipient.id,
            to_email: to,
            expires_at: transfer.expires_at,
            created_on: now,
            expired: false,
        })
    }

    /// The organization's open offer, for anyone who may read the organization.
    pub async fn ownership_transfer_get(
        &self,
        actor: &Actor,
        organization: OrganizationId,
    ) -> Result<TransferView> {
        let mut tx = self.db.read().await?;
        let (org, read) = authorize_org(&mut tx, actor, organization, ORG_READ).await?;
        let transfer = ownership_transfers::open(&mut tx, &read)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::OwnershipTransfer, org.id))?;
        let to_email = users::get(&mut tx, transfer.to_user)
            .await?
            .and_then(|u| u.email)
            .unwrap_or_default();
        Ok(TransferView {
            organization_id: org.id,
            from_user: transfer.from_user,
            to_user: transfer.to_user,
            to_email,
            expired: transfer.expires_at <= self.clock.now(),
            expires_at: transfer.expires_at,
            created_on: transfer.created_on,
        })
    }

    /// Withdraws the organization's open offer (an owner only).
    pub async fn ownership_transfer_cancel(
        &self,
        actor: &Actor,
        organization: OrganizationId,
    ) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, ORG_MANAGE).await?;
        if !is_owner(&actor.principal, &org.scope()) {
            return Err(owner_only());
        }
        if !ownership_transfers::cancel_open(&mut tx, &auth, now).await? {
            return Err(AppError::not_found(NotFoundKind::OwnershipTransfer, org.id));
        }
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "organization.ownership_offer_cancelled",
            target(org.id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Accepts the offer a link stands for, as the person it was made to: they become an
    /// owner, and the sender an admin. Answers the organization.
    pub async fn ownership_transfer_accept(
        &self,
        actor: &Actor,
        token: &str,
        meta: &RequestMeta,
    ) -> Result<OrganizationId> {
        let user = actor.signed_in_user();
        let user = user.ok_or_else(not_a_session)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let unknown = || {
            AppError::not_found(
                NotFoundKind::OwnershipTransfer,
                "link (unknown, withdrawn, accepted or expired)",
            )
        };
        let transfer = ownership_transfers::by_token(&mut tx, &sha256(token))
            .await?
            .filter(|t| t.expires_at > now)
            .ok_or_else(unknown)?;
        if transfer.to_user != user {
            return Err(AppError::Forbidden(
                Code::TransferForAnother,
                "The offer was made to another person: sign in as its recipient".into(),
            ));
        }
        let auth = transfer_proof(&transfer, USERS_MANAGE);
        // Holds the organization's lock, so the roles read here are the ones written.
        memberships::count_owners_locked(&mut tx, &auth).await?;
        let sender = role_there(&mut tx, &auth, transfer.from_user).await?;
        let Some((role, sender_home)) = sender else {
            return Err(owner_only());
        };
        if role != BuiltinRole::Owner.label() {
            return Err(AppError::Conflict(
                Code::OwnerOnly,
                "The person who made the offer is no longer an owner: the offer lapsed".into(),
            ));
        }
        let (_, recipient_home) = role_there(&mut tx, &auth, user).await?.ok_or_else(|| {
            AppError::Conflict(
                Code::TransferRecipientNotMember,
                "You are no longer a member of the organization".into(),
            )
        })?;
        if !ownership_transfers::accept(&mut tx, transfer.id, now).await? {
            return Err(unknown());
        }
        let owner = BuiltinRole::Owner.label();
        let admin = BuiltinRole::Admin.label();
        set_role_there(&mut tx, &auth, user, recipient_home, owner, now).await?;
        set_role_there(&mut tx, &auth, transfer.from_user, sender_home, admin, now).await?;
        record_sign_in_event(
            &mut tx,
            transfer.organization_id,
            user,
            "organization.ownership_transferred",
            json!({"from_user": transfer.from_user.to_string(), "to_user": user.to_string(),
                   "previous_owner_role": admin}),
            meta.client_ip,
            meta.request_id.clone(),
            now,
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(transfer.organization_id)
    }
}
