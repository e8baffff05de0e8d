//! Mail waiting to be sent. Queuing is part of the use case whose change causes the mail (same
//! transaction); the sender claims, sends and removes messages outside any use case, so this
//! is bookkeeping and takes no proof.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Db, Tx, on_tx};
use crate::error::Result;

/// A queued message, sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: Uuid,
    pub sealed_message: Vec<u8>,
    pub attempts: i32,
}

const INSERT: &str = "INSERT INTO mail_outbox (id, sealed_message, attempts, next_attempt_on, \
    created_on) VALUES ($1, $2, 0, $3, $3)";

const DUE: &str = "SELECT id, sealed_message, attempts FROM mail_outbox \
    WHERE next_attempt_on <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
    ORDER BY next_attempt_on LIMIT $2";

const CLAIM: &str = "UPDATE mail_outbox SET claimed_until = $3 \
    WHERE id = $1 AND (claimed_until IS NULL OR claimed_until < $2)";

const SENT: &str = "DELETE FROM mail_outbox WHERE id = $1";
const DEPTH: &str = "SELECT COUNT(*) FROM mail_outbox";

const FAILED: &str = "UPDATE mail_outbox SET attempts = $2, next_attempt_on = $3, \
    claimed_until = NULL, last_error = $4 WHERE id = $1";

/// Queues a sealed message in the use case's transaction.
pub async fn queue(tx: &mut Tx, sealed_message: &[u8], now: OffsetDateTime) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(Uuid::now_v7())
        .bind(sealed_message)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Messages due for an attempt and claimed by no sender.
pub async fn due(db: &Db, now: OffsetDateTime, limit: i64) -> Result<Vec<QueuedMail>> {
    let mut tx = db.read().await?;
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, (Uuid, Vec<u8>, i32)>(DUE)
        .bind(now)
        .bind(limit)
        .fetch_all(conn)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, sealed_message, attempts)| QueuedMail {
            id,
            sealed_message,
            attempts,
        })
        .collect())
}

/// Claims a message until `until`; false when another sender holds it.
pub async fn claim(db: &Db, id: Uuid, now: OffsetDateTime, until: OffsetDateTime) -> Result<bool> {
    let mut tx = db.begin().await?;
    let claimed = on_tx!(tx, conn => sqlx::query(CLAIM)
        .bind(id)
        .bind(now)
        .bind(until)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(claimed == 1)
}

/// Removes a message that was delivered.
/// How many messages wait to be sent (sent ones leave the outbox).
pub async fn depth(db: &Db) -> Result<i64> {
    let mut tx = db.read().await?;
    let depth = on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(DEPTH)
        .fetch_one(conn)
        .await)?;
    Ok(depth)
}

pub async fn sent(db: &Db, id: Uuid) -> Result<()> {
    let mut tx = db.begin().await?;
    on_tx!(tx, conn => sqlx::query(SENT)
        .bind(id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Records a failed attempt and when to try again; `error` names the failure, never the
/// message.
pub async fn failed(
    db: &Db,
    id: Uuid,
    attempts: i32,
    next_attempt_on: OffsetDateTime,
    error: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    on_tx!(tx, conn => sqlx::query(FAILED)
        .bind(id)
        .bind(attempts)
        .bind(next_attempt_on)
        .bind(error)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}
