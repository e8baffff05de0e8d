//! What the stores of single-use links (NS1 invite tokens, `user_links`) share:
//! redeeming a link deletes its row and names its user; expired rows are purged.

use tenantry_core::UserId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;

/// Runs `take_sql` (`DELETE … WHERE token_digest = $1 AND expires_at > $2 RETURNING user_id`):
/// the user of a live link, which is gone after.
pub(crate) async fn take(
    tx: &mut Tx,
    take_sql: &'static str,
    token_digest: &[u8],
    now: OffsetDateTime,
) -> Result<Option<UserId>> {
    let user = on_tx!(tx, conn => sqlx::query_scalar::<_, Uuid>(take_sql)
        .bind(token_digest)
        .bind(now)
        .fetch_optional(conn)
        .await)?;
    Ok(user.map(UserId::from_uuid))
}

/// Runs `purge_sql` (`DELETE … WHERE expires_at <= $1`); answers how many rows went.
pub(crate) async fn purge(
    tx: &mut Tx,
    purge_sql: &'static str,
    now: OffsetDateTime,
) -> Result<u64> {
    Ok(on_tx!(tx, conn => sqlx::query(purge_sql)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}
