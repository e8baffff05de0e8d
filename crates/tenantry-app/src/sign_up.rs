//! Signing up: a person makes an account of their own (a user whose username is their
//! address, at home in a new organization they own), under the server's policy
//! (`serve --signup`). A sign-up on its own must then prove the address by a mailed link;
//! until it does, the person signs in and reads but may not invite anyone or pay
//! (`require_verified_address`). A sign-up through an invitation's link has proved it already.
//!
//! The sign-up answers alike whether the address has an account or not (no account
//! enumeration): the address's owner is mailed either the link or a note that an account
//! exists.

use serde_json::json;
use tenantry_core::BuiltinRole;
use tenantry_core::values::{Email, Username};
use tenantry_store::billing::accounts;
use tenantry_store::organizations::{self, Organization};
use tenantry_store::user_links::{self, UserLink};
use tenantry_store::users::{self, User};
use tenantry_store::{Tx, sign_in};
use time::OffsetDateTime;

use crate::actor::{Actor, RequestMeta};
use crate::app::App;
use crate::authz::sign_up_proof;
use crate::error::{AppError, Code, Result};
use crate::mail::{self, email_verification, sign_up_existing};
use crate::passwords::hash_new_password;
use crate::secrets::{random_base62, sha256};
use crate::sign_in::record_sign_in_event;
use crate::users::{UserCreate, build_user, split_name};
use tenantry_core::perms::{ORG_MANAGE, USERS_MANAGE};

/// How long a verification link works.
const LINK_LIFETIME: time::Duration = time::Duration::days(7);

/// Length of a link's secret (base62: about 256 bits).
const TOKEN_LEN: usize = 43;

/// Who may sign up (`serve --signup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignUpPolicy {
    /// Anyone, on their own or through an invitation.
    Open,
    /// Only through an invitation's link.
    #[default]
    Invite,
    /// Nobody: people are made by administrators and the operator only.
    Closed,
}

impl SignUpPolicy {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(SignUpPolicy::Open),
            "invite" => Some(SignUpPolicy::Invite),
            "closed" => Some(SignUpPolicy::Closed),
            _ => None,
        }
    }

    /// Refuses a sign-up the policy does not let through (`invited`: through an invitation).
    pub(crate) fn admit(self, invited: bool) -> Result<()> {
        match (self, invited) {
            (SignUpPolicy::Open, _) | (SignUpPolicy::Invite, true) => Ok(()),
            (SignUpPolicy::Invite, false) => Err(AppError::Forbidden(
                Code::SignUpDisabled,
                "Sign-up here is by invitation only: ask an organization to invite you".into(),
            )),
            (SignUpPolicy::Closed, _) => Err(AppError::Forbidden(
                Code::SignUpDisabled,
                "Sign-up is closed here: ask an administrator for an account".into(),
            )),
        }
    }
}

/// What a sign-up gives.
pub struct SignUpRequest {
    pub email: Email,
    pub name: String,
    pub password: String,
}

/// The longest name a person signs up with.
const NAME_MAX: usize = 255;

/// A person's name when they sign up (their new organization is named after it): 1 to 255
/// characters, not only spaces.
pub(crate) fn check_person_name(name: &str) -> Result<()> {
    let length = name.trim().chars().count();
    if length == 0 || name.chars().count() > NAME_MAX {
        return Err(AppError::invalid_field(
            "name",
            format!("must be 1 to {NAME_MAX} characters long"),
        ));
    }
    Ok(())
}

/// Makes a person who signs up: a new top-level organization named after them (its own
/// empty account, a slug made from the name) and its owner, a user whose username is the
/// address, with `password_hash` (made by `hash_new_password`, which checked the rule).
/// `verified_on`: when the address counts as proved (an invitation's link), if so.
pub(crate) async fn new_person(
    tx: &mut Tx,
    email: &Email,
    name: &str,
    password_hash: String,
    verified_on: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<(Organization, User)> {
    let username =
        Username::parse(email.as_str()).map_err(|e| AppError::invalid_field("email", e.0))?;
    let slug = crate::slugs::slug_for_name(tx, name).await?;
    let home = crate::bootstrap::new_top_level(tx, name.to_owned(), slug, now).await?;
    let founding = sign_up_proof(home.id, ORG_MANAGE);
    organizations::insert(tx, &founding, &home).await?;
    accounts::insert(tx, &founding, tenantry_core::values::Currency::Eur, now).await?;
    let (first_name, last_name) = split_name(name);
    let mut user = build_user(
        UserCreate {
            username,
            email: Some(email.clone()),
            first_name,
            last_name,
            locale: None,
            phone: None,
            password: None,
            attributes: Default::default(),
            role: None,
        },
        &home,
        BuiltinRole::Owner.label(),
        now,
    )?;
    user.password_hash = Some(password_hash);
    user.email_verified_on = verified_on;
    users::insert(tx, &sign_up_proof(home.id, USERS_MANAGE), &user).await?;
    Ok((home, user))
}

/// Refuses a caller acting for a person whose address is not verified: inviting people and
/// paying need one. Operators, and keys whose maker is unknown, are not people signing up.
pub(crate) fn require_verified_address(actor: &Actor) -> Result<()> {
    let unverified = actor
        .creator
        .as_ref()
        .is_some_and(|profile| profile.user.email_verified_on.is_none());
    if unverified {
        return Err(AppError::Forbidden(
            Code::EmailNotVerified,
            "Confirm your email address first: follow the link mailed to you, or ask for a new \
             one (POST /api/v1/auth/verify-email)"
                .into(),
        ));
    }
    Ok(())
}

impl App {
    /// Whether a person may sign up on their own here; refused in the policy's words.
    pub fn sign_up_admitted(&self) -> Result<()> {
        self.sign_up_policy.admit(false)
    }

    /// Signs a person up on their own, as the policy allows; answers alike whether the
    /// address has an account.
    pub async fn sign_up(&self, request: SignUpRequest, meta: &RequestMeta) -> Result<()> {
        self.sign_up_policy.admit(false)?;
        let now = self.clock.now();
        let email = Email::parse(&request.email.into_inner().to_lowercase())
            .map_err(|e| AppError::invalid_field("email", e.0))?;
        check_person_name(&request.name)?;
        // The password rule first: a refused password is told whatever the address. Hashed
        // once, before the write transaction, and whether the address is known or not.
        let password_hash = hash_new_password(&request.password, &[email.as_str()]).await?;
        let mut tx = self.db.begin().await?;
        if let Some(existing) = sign_in::by_login(&mut tx, email.as_str()).await? {
            let message = sign_up_existing(&self.mail, email.as_str());
            mail::queue(&mut tx, &self.secret_box, &message, now).await?;
            record_sign_in_event(
                &mut tx,
                existing.organization_id,
                existing.id,
                "user.sign_up_refused",
                json!({"reason": "account_exists"}),
                meta.client_ip,
                meta.request_id.clone(),
                now,
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        let (home, user) =
            new_person(&mut tx, &email, &request.name, password_hash, None, now).await?;
        self.mail_verification_link(&mut tx, &user, &request.name, now)
            .await?;
        record_sign_in_event(
            &mut tx,
            home.id,
            user.id,
            "user.signed_up",
            json!({"organization": home.slug}),
            meta.client_ip,
            meta.request_id.clone(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn mail_verification_link(
        &self,
        tx: &mut Tx,
        user: &User,
        name: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        let token = random_base62(TOKEN_LEN);
        let digest = sha256(&token);
        user_links::replace(
            tx,
            UserLink::EmailVerification,
            user.id,
            &digest,
            now + LINK_LIFETIME,
            now,
        )
        .await?;
        let to = user.email.as_deref().unwrap_or_default();
        let message = email_verification(&self.mail, to, name, &token);
        mail::queue(tx, &self.secret_box, &message, now).await
    }

    /// Mails the signed-in person a new link to verify their address (an earlier one stops
    /// working).
    pub async fn email_verification_resend(&self, actor: &Actor) -> Result<()> {
        let Some(user) = actor.signed_in_user() else {
            return Err(crate::sign_in::not_a_session());
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let person = users::get(&mut tx, user)
            .await?
            .ok_or_else(|| AppError::Internal("the signed-in user vanished".into()))?;
        if person.email_verified_on.is_some() || person.email.is_none() {
            return Err(AppError::Conflict(
                Code::EmailAlreadyVerified,
                "Your email address is verified already".into(),
            ));
        }
        let name = [person.first_name.as_deref(), person.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        self.mail_verification_link(&mut tx, &person, &name, now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Verifies the address a link was mailed to.
    pub async fn email_verify(&self, token: &str, meta: &RequestMeta) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let user = user_links::take(&mut tx, UserLink::EmailVerification, &sha256(token), now)
            .await?
            .ok_or_else(|| {
                AppError::Unprocessable(
                    Code::VerificationLinkInvalid,
                    "The link is unknown, used already or expired: ask for a new one".into(),
                )
            })?;
        if sign_in::set_email_verified(&mut tx, user, now).await? {
            let person = users::get(&mut tx, user)
                .await?
                .ok_or_else(|| AppError::Internal("the verified user vanished".into()))?;
            record_sign_in_event(
                &mut tx,
                person.organization_id,
                user,
                "user.email_verified",
                json!({}),
                meta.client_ip,
                meta.request_id.clone(),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }
}
