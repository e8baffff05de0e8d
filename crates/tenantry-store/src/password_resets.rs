//! Single-use links to set a forgotten password, stored as SHA-256 digests, one per user at a
//! time. Part of a person proving who they are (there is no actor yet), so no proof applies.

use tenantry_core::UserId;
use time::OffsetDateTime;

use crate::db::{Tx, on_tx};
use crate::error::Result;

const DELETE_OF_USER: &str = "DELETE FROM password_reset_tokens WHERE user_id = $1";
const INSERT: &str = "INSERT INTO password_reset_tokens (token_digest, user_id, expires_at, \
    created_on) VALUES ($1, $2, $3, $4)";
const TAKE: &str = "DELETE FROM password_reset_tokens WHERE token_digest = $1 AND expires_at > $2 \
    RETURNING user_id";
const PURGE: &str = "DELETE FROM password_reset_tokens WHERE expires_at <= $1";

/// Stores a new link for `user`; an earlier one stops working.
pub async fn replace(
    tx: &mut Tx,
    user: UserId,
    token_digest: &[u8],
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(DELETE_OF_USER)
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

/// Redeems a link: removes it and names its user, unless it is unknown, used or expired.
pub async fn take(tx: &mut Tx, token_digest: &[u8], now: OffsetDateTime) -> Result<Option<UserId>> {
    crate::single_use::take(tx, TAKE, token_digest, now).await
}

/// Removes expired links (housekeeping).
pub async fn purge(tx: &mut Tx, now: OffsetDateTime) -> Result<u64> {
    crate::single_use::purge(tx, PURGE, now).await
}
