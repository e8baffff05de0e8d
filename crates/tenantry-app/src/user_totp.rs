//! Two-factor sign-in for people: enrolment gives a fresh seed as an `otpauth://` URI, a code
//! from the app confirms it and returns ten single-use recovery codes (shown once, stored as
//! digests), and the password with a current code turns it off again.

use serde_json::json;
use tenantry_store::sessions;
use tenantry_store::sign_in::{self, SignInRecord};

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::secrets::{random_base62, sha256};
use crate::sign_in::normalize_recovery_code;
use crate::totp::{new_totp_secret, provisioning_uri, totp_step};

const RECOVERY_CODES: usize = 10;

/// A started enrolment: the seed for an authenticator app, shown this once.
#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    pub secret: String,
    pub otpauth_uri: String,
}

fn needs_session() -> AppError {
    AppError::Unprocessable(
        Code::NotASession,
        "Two-factor sign-in belongs to a person signed in with a password".into(),
    )
}

fn wrong_code() -> AppError {
    AppError::Forbidden(
        Code::TotpInvalid,
        "The TOTP code is wrong, expired or used already".into(),
    )
}

impl App {
    async fn signed_in_person(&self, actor: &Actor) -> Result<SignInRecord> {
        let user = actor.signed_in_user().ok_or_else(needs_session)?;
        let mut read = self.db.read().await?;
        sign_in::by_id(&mut read, user)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::User, user))
    }

    /// Starts (or restarts) enrolment with a new seed, proven with the current password (an
    /// access token alone must not be enough to take over the second factor); sign-in does
    /// not ask for a code until a code confirms it.
    pub async fn totp_enrol(&self, actor: &Actor, password: &str) -> Result<TotpEnrolment> {
        let person = self.signed_in_person(actor).await?;
        self.current_password_matches(actor, &person, password)
            .await?;
        if person.totp_enabled {
            return Err(AppError::Conflict(
                Code::TotpAlreadyEnabled,
                "Two-factor sign-in is on already; turn it off first to enrol a new device".into(),
            ));
        }
        let secret = new_totp_secret();
        let account = person.email.as_deref().unwrap_or(&person.username);
        let otpauth_uri = provisioning_uri(&secret, account)
            .ok_or_else(|| AppError::Internal("a fresh TOTP seed is not base32".into()))?;
        let sealed = self.secret_box.seal(secret.as_bytes());
        let mut tx = self.db.begin().await?;
        sign_in::set_totp(&mut tx, person.id, Some(&sealed), self.clock.now()).await?;
        tx.commit().await?;
        Ok(TotpEnrolment {
            secret,
            otpauth_uri,
        })
    }

    /// Confirms enrolment with a current code; returns the recovery codes, shown this once.
    pub async fn totp_confirm(&self, actor: &Actor, code: &str) -> Result<Vec<String>> {
        let person = self.signed_in_person(actor).await?;
        if person.totp_enabled {
            return Err(AppError::Conflict(
                Code::TotpAlreadyEnabled,
                "Two-factor sign-in is on already".into(),
            ));
        }
        let sealed = person.totp_secret_sealed.as_deref().ok_or_else(|| {
            AppError::Conflict(
                Code::TotpNotEnrolled,
                "Start enrolment first (POST /v1/users/me/totp)".into(),
            )
        })?;
        let secret = self
            .secret_box
            .open(sealed)
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| AppError::Internal("a user's TOTP seed cannot be opened".into()))?;
        let now = self.clock.now();
        let step = totp_step(&secret, code.trim(), now).ok_or_else(wrong_code)?;
        let codes: Vec<String> = (0..RECOVERY_CODES)
            .map(|_| {
                let raw = random_base62(10).to_ascii_lowercase();
                format!("{}-{}", &raw[..5], &raw[5..])
            })
            .collect();
        let digests: Vec<Vec<u8>> = codes
            .iter()
            .map(|c| sha256(&normalize_recovery_code(c)))
            .collect();
        let mut tx = self.db.begin().await?;
        if !sign_in::claim_totp_step(&mut tx, person.id, step).await? {
            return Err(wrong_code());
        }
        sign_in::enable_totp(&mut tx, person.id, now).await?;
        sign_in::replace_recovery_codes(&mut tx, person.id, &digests).await?;
        // From now on a sign-in needs the second factor; sessions opened without it end.
        sessions::revoke_all_of_user(
            &mut tx,
            person.id,
            actor.session_id(),
            sessions::Ending::SignIns,
            now,
        )
        .await?;
        self.record_person_event(&mut tx, actor, "user.totp_enabled", json!({}), now)
            .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Turns two-factor sign-in off, proven with the password and a current (or recovery)
    /// code.
    pub async fn totp_disable(&self, actor: &Actor, password: &str, code: &str) -> Result<()> {
        let person = self.signed_in_person(actor).await?;
        if !person.totp_enabled {
            return Err(AppError::Conflict(
                Code::TotpNotEnrolled,
                "Two-factor sign-in is not on".into(),
            ));
        }
        self.current_password_matches(actor, &person, password)
            .await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !self
            .second_factor_matches(&mut tx, &person, code, now)
            .await?
        {
            return Err(wrong_code());
        }
        sign_in::set_totp(&mut tx, person.id, None, now).await?;
        sign_in::replace_recovery_codes(&mut tx, person.id, &[]).await?;
        self.record_person_event(&mut tx, actor, "user.totp_disabled", json!({}), now)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// How many unused recovery codes the caller has left (none without TOTP).
    pub async fn totp_status(&self, actor: &Actor) -> Result<(bool, i64)> {
        let person = self.signed_in_person(actor).await?;
        let mut read = self.db.read().await?;
        let left = sign_in::unused_recovery_codes(&mut read, person.id).await?;
        Ok((person.totp_enabled, left))
    }
}
