//! Leases of the platform's periodic jobs (the domain lifecycle scheduler): whoever holds a
//! job's unexpired lease runs it, so several server processes sharing one database run it
//! once. Platform housekeeping: no organization's data, no proof.

use time::OffsetDateTime;

use crate::db::{Tx, on_tx};
use crate::error::Result;

// Taken when free, expired, or already the holder's (then renewed).
const TAKE: &str = "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
    WHERE job_leases.expires_at <= $4 OR job_leases.holder = excluded.holder";

/// Takes or renews the lease of `job` for `holder` until `until`; answers whether `holder`
/// holds it now.
pub async fn take(
    tx: &mut Tx,
    job: &str,
    holder: &str,
    until: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<bool> {
    Ok(on_tx!(tx, conn => sqlx::query(TAKE)
        .bind(job)
        .bind(holder)
        .bind(until)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}
