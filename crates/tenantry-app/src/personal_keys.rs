//! Personal API keys: a person's own keys, each acting as that person in every organization
//! they belong to, with their role there (an access token that does not expire with a
//! sign-in). Made and revoked by the person signed in with a password (a key does not make
//! more keys); the secret is shown once and only its digest is kept. A key stops with its
//! expiry, its revocation, or its person (deleted or deactivated); a password change ends
//! the sign-in sessions but not the keys.

use serde_json::json;
use tenantry_core::SessionId;
use tenantry_store::personal_keys::{self, PersonalKey};
use time::OffsetDateTime;

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, NotFoundKind, Result};
use crate::people_auth::PERSONAL_KEY_PREFIX;
use crate::secrets::sha256;
use crate::sign_in::new_token;

/// The longest a key may be given, in days (ten years).
pub const MAX_DAYS: i64 = 3650;

/// A key that never expires is stored as expiring at the end of year 9999, the last instant
/// both engines store.
fn never() -> OffsetDateTime {
    time::macros::datetime!(9999-12-31 23:59:59 UTC)
}

/// A key as its person sees it; `expires_at` is `None` for a key without an expiry.
#[derive(Debug, Clone)]
pub struct PersonalKeyView {
    pub id: SessionId,
    pub name: String,
    pub created_on: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
}

impl From<PersonalKey> for PersonalKeyView {
    fn from(key: PersonalKey) -> Self {
        PersonalKeyView {
            id: key.id,
            name: key.name,
            created_on: key.created_on,
            expires_at: (key.expires_at != never()).then_some(key.expires_at),
        }
    }
}

/// A new key with its secret, shown this once.
pub struct NewPersonalKey {
    pub key: PersonalKeyView,
    pub secret: String,
}

/// The person signed in with a password: keys are theirs to manage, not a key's.
fn signed_in_person(actor: &Actor) -> Result<tenantry_core::UserId> {
    match actor.user_id() {
        Some(user) if actor.is_sign_in() => Ok(user),
        _ => Err(crate::sign_in::not_a_session()),
    }
}

impl App {
    /// Makes a key named `name` for the signed-in person, valid `days` days (none: until
    /// revoked).
    pub async fn personal_key_create(
        &self,
        actor: &Actor,
        name: String,
        days: Option<i64>,
    ) -> Result<NewPersonalKey> {
        let user = signed_in_person(actor)?;
        if let Some(days) = days.filter(|d| !(1..=MAX_DAYS).contains(d)) {
            return Err(AppError::invalid_field(
                "expires_in_days",
                format!("must be 1 to {MAX_DAYS} days; got {days}"),
            ));
        }
        let now = self.clock.now();
        let key = PersonalKey {
            id: SessionId::generate(),
            name,
            created_on: now,
            expires_at: days.map_or_else(never, |d| now + time::Duration::days(d)),
        };
        let secret = new_token(PERSONAL_KEY_PREFIX);
        let client_ip = actor.meta.client_ip.map(|ip| ip.to_canonical().to_string());
        let mut tx = self.db.begin().await?;
        personal_keys::insert(&mut tx, user, &key, &sha256(&secret), client_ip).await?;
        let changes = json!({"key_oid": key.id.to_string(), "name": key.name});
        self.record_person_event(&mut tx, actor, "user.personal_key_created", changes, now)
            .await?;
        tx.commit().await?;
        Ok(NewPersonalKey {
            key: key.into(),
            secret,
        })
    }

    /// The signed-in person's keys that still work, newest first.
    pub async fn personal_key_list(&self, actor: &Actor) -> Result<Vec<PersonalKeyView>> {
        let user = signed_in_person(actor)?;
        let mut read = self.db.read().await?;
        let keys = personal_keys::live_of_user(&mut read, user, self.clock.now()).await?;
        Ok(keys.into_iter().map(Into::into).collect())
    }

    /// Revokes one of the signed-in person's keys; anyone else's is not found.
    pub async fn personal_key_revoke(&self, actor: &Actor, id: SessionId) -> Result<()> {
        let user = signed_in_person(actor)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !personal_keys::revoke(&mut tx, user, id, now).await? {
            return Err(AppError::not_found(NotFoundKind::PersonalKey, id));
        }
        let changes = json!({"key_oid": id.to_string()});
        self.record_person_event(&mut tx, actor, "user.personal_key_revoked", changes, now)
            .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }
}
