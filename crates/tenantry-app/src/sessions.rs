//! A signed-in person's own sessions: logging out, changing one's password (which ends the
//! other sessions), listing and ending sessions, and removing expired session tokens.

use serde_json::{Value, json};
use tenantry_core::SessionId;
use tenantry_store::{Tx, sessions, sign_in};
use time::OffsetDateTime;

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, NotFoundKind, Result};
use crate::passwords::hash_new_password;
use crate::sign_in::{SessionRecord, not_a_session, record_sign_in_event};

impl App {
    /// Ends the caller's session: its access and refresh tokens stop working at once.
    pub async fn logout(&self, actor: &Actor) -> Result<()> {
        let (Some(user), Some(session)) = (actor.user_id(), actor.session_id()) else {
            return Err(not_a_session());
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        sessions::revoke(&mut tx, user, session, now).await?;
        let changes = json!({"session_id": session.to_string()});
        self.record_person_event(&mut tx, actor, "user.signed_out", changes, now)
            .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }

    /// Changes the caller's own password, proven with the current one; every other session
    /// of the caller ends.
    pub async fn password_change(&self, actor: &Actor, current: &str, new: &str) -> Result<()> {
        let (Some(user), Some(session)) = (actor.user_id(), actor.session_id()) else {
            return Err(not_a_session());
        };
        let person = {
            let mut read = self.db.read().await?;
            sign_in::by_id(&mut read, user)
                .await?
                .ok_or_else(|| AppError::not_found(NotFoundKind::User, user))?
        };
        self.current_password_matches(actor, &person, current)
            .await?;
        let email = person.email.as_deref().unwrap_or_default();
        let hash = hash_new_password(new, &[&person.username, email]).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        sign_in::set_password(&mut tx, user, &hash, now).await?;
        let ended = sessions::revoke_all_of_user(
            &mut tx,
            user,
            Some(session),
            sessions::Ending::SignIns,
            now,
        )
        .await?;
        let changes = json!({"password": "[redacted]", "sessions_ended": ended});
        self.record_person_event(&mut tx, actor, "user.password_changed", changes, now)
            .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }

    /// The caller's sessions that can still be refreshed, newest first.
    pub async fn session_list(&self, actor: &Actor) -> Result<Vec<SessionRecord>> {
        let user = actor.signed_in_user();
        let user = user.ok_or_else(not_a_session)?;
        let mut read = self.db.read().await?;
        Ok(sessions::live_of_user(&mut read, user, self.clock.now()).await?)
    }

    /// Ends one of the caller's sessions; another person's session is not found.
    pub async fn session_revoke(&self, actor: &Actor, session: SessionId) -> Result<()> {
        let user = actor.signed_in_user();
        let user = user.ok_or_else(not_a_session)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !sessions::revoke(&mut tx, user, session, now).await? {
            return Err(AppError::not_found(NotFoundKind::Session, session));
        }
        let changes = json!({"session_id": session.to_string()});
        self.record_person_event(&mut tx, actor, "user.session_revoked", changes, now)
            .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }

    /// Deletes expired session tokens; returns how many.
    pub async fn session_token_cleanup(&self) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let removed = sessions::delete_expired_tokens(&mut tx, self.clock.now()).await?;
        tx.commit().await?;
        Ok(removed)
    }
}

impl App {
    /// An event about the signed-in caller's own account, in their home organization's trail.
    pub(crate) async fn record_person_event(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: &str,
        changes: Value,
        now: OffsetDateTime,
    ) -> Result<()> {
        let user = actor.user_id().ok_or_else(not_a_session)?;
        record_sign_in_event(
            tx,
            actor.organization_id(),
            user,
            action,
            changes,
            actor.meta.client_ip,
            actor.meta.request_id.clone(),
            now,
        )
        .await
    }
}
