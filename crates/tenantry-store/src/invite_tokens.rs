//! Invite tokens an operator issues so a user can set a password: stored as SHA-256 digests,
//! redeemed once (the row is deleted), and useless after `expires_at`.

use tenantry_core::perms::USERS_MANAGE;
use tenantry_core::{Proof, UserId};
use time::OffsetDateTime;

use crate::db::{Tx, on_tx};
use crate::error::{Result, StoreError};
use crate::proof::proven;

const DELETE_OTHERS: &str = "DELETE FROM invite_tokens WHERE user_id = $1 AND token_digest <> $2";
// Inserts only for a live user of the proof's organization, so the proof is checked by the
// statement itself.
const INSERT: &str = "INSERT INTO invite_tokens (token_digest, user_id, expires_at, created_on) \
    SELECT $1, id, $3, $4 FROM users WHERE id = $2 AND organization_id = $5 \
    AND deleted_on IS NULL";
const TAKE: &str =
    "DELETE FROM invite_tokens WHERE token_digest = $1 AND expires_at > $2 RETURNING user_id";
const PURGE: &str = "DELETE FROM invite_tokens WHERE expires_at <= $1";

/// Stores a new token for a user of the authorized organization; any earlier token of the
/// user stops working.
pub async fn replace(
    tx: &mut Tx,
    auth: &dyn Proof,
    user: UserId,
    token_digest: &[u8],
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, USERS_MANAGE)?;
    let inserted = on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(token_digest)
        .bind(user.uuid())
        .bind(expires_at)
        .bind(now)
        .bind(organization.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if inserted == 0 {
        return Err(StoreError::ProofMismatch(format!(
            "an invite token for {user}, not a live user of {}",
            organization
        )));
    }
    // Only now, so a refused token leaves the user's current one in place.
    on_tx!(tx, conn => sqlx::query(DELETE_OTHERS)
        .bind(user.uuid())
        .bind(token_digest)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Redeems a token: removes it and names its user, unless it is unknown, used or expired.
pub async fn take(tx: &mut Tx, token_digest: &[u8], now: OffsetDateTime) -> Result<Option<UserId>> {
    crate::single_use::take(tx, TAKE, token_digest, now).await
}

/// Removes expired tokens (housekeeping).
pub async fn purge(tx: &mut Tx, now: OffsetDateTime) -> Result<u64> {
    crate::single_use::purge(tx, PURGE, now).await
}
