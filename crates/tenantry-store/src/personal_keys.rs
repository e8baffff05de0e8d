//! Personal API keys: a session of a user that never signed in, with a name and one token of
//! kind `personal_key` (stored as its SHA-256 digest). Authenticating the token acts as the
//! user, exactly like a sign-in's access token (`sessions::access_token`); revoking the
//! session revokes the key. Reached only by the user who owns the keys, so no proof applies.

use tenantry_core::{SessionId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::sessions::TokenKind;

/// A key as its owner sees it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalKey {
    pub id: SessionId,
    pub name: String,
    pub created_on: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

const INSERT_SESSION: &str = "INSERT INTO user_sessions (id, user_id, client_ip, created_on, \
    key_name) VALUES ($1, $2, $3, $4, $5)";

const INSERT_TOKEN: &str = "INSERT INTO session_tokens (token_digest, session_id, kind, \
    expires_at, created_on) VALUES ($1, $2, $3, $4, $5)";

const SELECT_LIVE_OF_USER: &str = "SELECT s.id, s.key_name, s.created_on, t.expires_at \
    FROM user_sessions s JOIN session_tokens t ON t.session_id = s.id AND t.kind = $3 \
    WHERE s.user_id = $1 AND s.key_name IS NOT NULL AND s.revoked_on IS NULL \
    AND t.expires_at > $2 ORDER BY s.created_on DESC, s.id";

const REVOKE: &str = "UPDATE user_sessions SET revoked_on = $3 \
    WHERE id = $1 AND user_id = $2 AND key_name IS NOT NULL AND revoked_on IS NULL";

/// Stores a new key of `user` whose secret has `digest`.
pub async fn insert(
    tx: &mut Tx,
    user: UserId,
    key: &PersonalKey,
    digest: &[u8],
    client_ip: Option<String>,
) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT_SESSION)
        .bind(key.id.uuid())
        .bind(user.uuid())
        .bind(client_ip)
        .bind(key.created_on)
        .bind(&key.name)
        .execute(conn)
        .await
        .map(|_| ()))?;
    on_tx!(tx, conn => sqlx::query(INSERT_TOKEN)
        .bind(digest)
        .bind(key.id.uuid())
        .bind(TokenKind::PersonalKey.as_str())
        .bind(key.expires_at)
        .bind(key.created_on)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The user's keys that still work, newest first.
pub async fn live_of_user(
    tx: &mut Tx,
    user: UserId,
    now: OffsetDateTime,
) -> Result<Vec<PersonalKey>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, (Uuid, String, OffsetDateTime, OffsetDateTime)>(SELECT_LIVE_OF_USER)
        .bind(user.uuid())
        .bind(now)
        .bind(TokenKind::PersonalKey.as_str())
        .fetch_all(conn)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, created_on, expires_at)| PersonalKey {
            id: SessionId::from_uuid(id),
            name,
            created_on,
            expires_at,
        })
        .collect())
}

/// Revokes one key of `user`; false when it is not theirs, not a key, or revoked already.
pub async fn revoke(tx: &mut Tx, user: UserId, id: SessionId, now: OffsetDateTime) -> Result<bool> {
    Ok(on_tx!(tx, conn => sqlx::query(REVOKE)
        .bind(id.uuid())
        .bind(user.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}
