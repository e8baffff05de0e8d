//! A forgotten password: a person asks for a link by email address, and sets a new password
//! with it. The request answers the same whether the address is known or not (no account
//! enumeration); the link is single-use, valid for an hour, stored only as a digest, and
//! setting the password ends every session of the person.

use serde_json::json;
use tenantry_store::user_links::{self, UserLink};
use tenantry_store::{sessions, sign_in};

use crate::actor::RequestMeta;
use crate::app::App;
use crate::error::{AppError, Code, Result};
use crate::mail::{self, password_reset};
use crate::passwords::hash_new_password;
use crate::secrets::{random_base62, sha256};
use crate::sign_in::record_sign_in_event;

/// How long a link works.
const LINK_LIFETIME: time::Duration = time::Duration::hours(1);

/// Length of a link's secret (base62: about 256 bits).
const TOKEN_LEN: usize = 43;

impl App {
    /// Removes expired mailed links of every kind (housekeeping: an expired link does
    /// nothing anyway).
    pub async fn user_links_purge(&self) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let mut removed = 0;
        for link in UserLink::ALL {
            removed += user_links::purge(&mut tx, link, self.clock.now()).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// Mails a link to set a new password to the person with this email address, if there is
    /// one; answers alike either way.
    pub async fn password_reset_request(&self, email: &str, meta: &RequestMeta) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let person = sign_in::by_login(&mut tx, email).await?.filter(|p| {
            p.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        });
        let Some(person) = person else {
            return Ok(());
        };
        let token = random_base62(TOKEN_LEN);
        user_links::replace(
            &mut tx,
            UserLink::PasswordReset,
            person.id,
            &sha256(&token),
            now + LINK_LIFETIME,
            now,
        )
        .await?;
        let to = person.email.clone().unwrap_or_default();
        let message = password_reset(&self.mail, &to, &person.username, &token);
        mail::queue(&mut tx, &self.secret_box, &message, now).await?;
        record_sign_in_event(
            &mut tx,
            person.organization_id,
            person.id,
            "user.password_reset_requested",
            json!({}),
            meta.client_ip,
            meta.request_id.clone(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password with a link's token; every session of the person ends.
    pub async fn password_reset_complete(
        &self,
        token: &str,
        password: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        let now = self.clock.now();
        let refused = || {
            AppError::Unprocessable(
                Code::ResetLinkInvalid,
                "The link is unknown, used already or expired: ask for a new one".into(),
            )
        };
        let mut tx = self.db.begin().await?;
        let user = user_links::take(&mut tx, UserLink::PasswordReset, &sha256(token), now)
            .await?
            .ok_or_else(refused)?;
        let person = sign_in::by_id(&mut tx, user).await?.ok_or_else(refused)?;
        let email = person.email.as_deref().unwrap_or_default();
        let hash = hash_new_password(password, &[&person.username, email]).await?;
        sign_in::set_password(&mut tx, user, &hash, now).await?;
        let ended =
            sessions::revoke_all_of_user(&mut tx, user, None, sessions::Ending::Everything, now)
                .await?;
        record_sign_in_event(
            &mut tx,
            person.organization_id,
            user,
            "user.password_reset",
            json!({"password": "[redacted]", "sessions_ended": ended}),
            meta.client_ip,
            meta.request_id.clone(),
            now,
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }
}
