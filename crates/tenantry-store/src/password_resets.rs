//! Invite tokens an operator issues so a user can set a password: stored as SHA-256 digests,
//! redeemed once (the row is deleted), and useless after `expires_at`.

use tenantry_core::{Proof, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;

const DELETE_FOR_USER: &str = "DELETE FROM password_resets WHERE user_id = $1";
const INSERT: &str = "INSERT INTO password_resets (token_digest, user_id, expires_at, created_on) \
    VALUES ($1, $2, $3, $4)";
const TAKE: &str =
    "DELETE FROM password_resets WHERE token_digest = $1 AND expires_at > $2 RETURNING user_id";
const PURGE: &str = "DELETE FROM password_resets WHERE expires_at <= $1";

/// Stores a new token for a user of the authorized organization; any earlier token of the
/// user stops working.
pub async fn replace(
    tx: &mut Tx,
    _auth: &dyn Proof,
    user: UserId,
    token_digest: &[u8],
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(DELETE_FOR_USER)
        .bind(user.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(token_digest)
        .bind(user.uuid())
        .bind(expires_at)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Redeems a token: removes it and names its user, unless it is unknown, used or expired.
pub async fn take(tx: &mut Tx, token_digest: &[u8], now: OffsetDateTime) -> Result<Option<UserId>> {
    let user = on_tx!(tx, conn => sqlx::query_scalar::<_, Uuid>(TAKE)
        .bind(token_digest)
        .bind(now)
        .fetch_optional(conn)
        .await)?;
    Ok(user.map(UserId::from_uuid))
}

/// Removes expired tokens (housekeeping).
pub async fn purge(tx: &mut Tx, now: OffsetDateTime) -> Result<u64> {
    Ok(on_tx!(tx, conn => sqlx::query(PURGE)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}
