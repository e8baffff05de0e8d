//! Idempotency keys: a request's fingerprint and, once it has run, its response, so a retry
//! with the same key gets the same answer instead of doing the work again.

use time::OffsetDateTime;

use crate::db::{Tx, on_tx};
use crate::error::Result;

/// What a claim on a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key was free (or expired): this request runs and records its response.
    Claimed,
    /// The key is taken by a request with this fingerprint; `response` is `None` while that
    /// request is still running.
    Taken {
        fingerprint: Vec<u8>,
        response: Option<(u16, Vec<u8>)>,
    },
}

const CLAIM: &str = "INSERT INTO idempotency_keys (scope, key, fingerprint, status, \
    response_sealed, created_on) VALUES ($1, $2, $3, NULL, NULL, $4) \
    ON CONFLICT (scope, key) DO UPDATE SET fingerprint = $3, status = NULL, \
    response_sealed = NULL, created_on = $4 WHERE idempotency_keys.created_on < $5 \
    OR (idempotency_keys.status IS NULL AND idempotency_keys.created_on < $6) \
    RETURNING scope";

const SELECT: &str = "SELECT fingerprint, status, response_sealed FROM idempotency_keys \
    WHERE scope = $1 AND key = $2";

const FINISH: &str = "UPDATE idempotency_keys SET status = $3, response_sealed = $4 \
    WHERE scope = $1 AND key = $2";

const RELEASE: &str =
    "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL";

const PURGE: &str = "DELETE FROM idempotency_keys WHERE created_on < $1";

/// When a claim is taken over: a key's record is forgotten once made before `expired`, and a
/// claim still without its answer once made before `abandoned` (its request died with its
/// process).
#[derive(Debug, Clone, Copy)]
pub struct ClaimLimits {
    pub expired: OffsetDateTime,
    pub abandoned: OffsetDateTime,
}

/// Takes `key` for a request, unless another holds it within `limits`.
pub async fn claim(
    tx: &mut Tx,
    scope: &str,
    key: &str,
    fingerprint: &[u8],
    now: OffsetDateTime,
    limits: ClaimLimits,
) -> Result<Claim> {
    let claimed = on_tx!(tx, conn => sqlx::query_scalar::<_, String>(CLAIM)
        .bind(scope)
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .bind(limits.expired)
        .bind(limits.abandoned)
        .fetch_optional(conn)
        .await)?;
    if claimed.is_some() {
        return Ok(Claim::Claimed);
    }
    let (fingerprint, status, response) = on_tx!(tx, conn => sqlx::query_as::<_, (Vec<u8>, Option<i32>, Option<Vec<u8>>)>(SELECT)
            .bind(scope)
            .bind(key)
            .fetch_one(conn)
            .await)?;
    Ok(Claim::Taken {
        fingerprint,
        response: status
            .zip(response)
            .map(|(status, body)| (status as u16, body)),
    })
}

/// Records the response of the request that claimed the key.
pub async fn finish(
    tx: &mut Tx,
    scope: &str,
    key: &str,
    status: u16,
    response_sealed: &[u8],
) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(FINISH)
        .bind(scope)
        .bind(key)
        .bind(i32::from(status))
        .bind(response_sealed)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Frees a key whose request ended without an answer worth replaying.
pub async fn release(tx: &mut Tx, scope: &str, key: &str) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(RELEASE)
        .bind(scope)
        .bind(key)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forgets keys taken before `before`; returns how many.
pub async fn purge(tx: &mut Tx, before: OffsetDateTime) -> Result<u64> {
    Ok(on_tx!(tx, conn => sqlx::query(PURGE)
        .bind(before)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}
