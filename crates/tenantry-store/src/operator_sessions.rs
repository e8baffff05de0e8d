//! The platform operator's console sessions: one token each, stored as its digest, ending
//! when idle, at an absolute expiry, or when ended. Operators are outside every organization,
//! so no proof applies (as in `operators.rs`).

use tenantry_core::OperatorId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::{Result, classify};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorSession {
    pub id: Uuid,
    pub operator_id: OperatorId,
    pub created_on: OffsetDateTime,
    pub idle_until: OffsetDateTime,
    pub expires_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    operator_id: Uuid,
    created_on: OffsetDateTime,
    idle_until: OffsetDateTime,
    expires_on: OffsetDateTime,
}

impl From<Row> for OperatorSession {
    fn from(r: Row) -> Self {
        OperatorSession {
            id: r.id,
            operator_id: OperatorId::from_uuid(r.operator_id),
            created_on: r.created_on,
            idle_until: r.idle_until,
            expires_on: r.expires_on,
        }
    }
}

const INSERT: &str = "INSERT INTO operator_sessions (id, operator_id, token_digest, \
    created_on, idle_until, expires_on) VALUES ($1, $2, $3, $4, $5, $6)";
/// A session not ended, by its token's digest (its expiry is the caller's to judge).
const SELECT_OPEN: &str = "SELECT id, operator_id, created_on, idle_until, expires_on \
    FROM operator_sessions WHERE token_digest = $1 AND ended_on IS NULL";
const SLIDE: &str = "UPDATE operator_sessions SET idle_until = $2 \
    WHERE id = $1 AND ended_on IS NULL";
const END: &str = "UPDATE operator_sessions SET ended_on = $2 WHERE id = $1 AND ended_on IS NULL";
const PURGE: &str = "DELETE FROM operator_sessions WHERE ended_on IS NOT NULL OR expires_on < $1";

pub async fn insert(tx: &mut Tx, session: &OperatorSession, token_digest: &[u8]) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(session.id)
        .bind(session.operator_id.uuid())
        .bind(token_digest)
        .bind(session.created_on)
        .bind(session.idle_until)
        .bind(session.expires_on)
        .execute(conn)
        .await
        .map(|_| ()))
    .map_err(classify)?;
    Ok(())
}

/// The session a token's digest names, unless it was ended.
pub async fn open_by_digest(tx: &mut Tx, token_digest: &[u8]) -> Result<Option<OperatorSession>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(SELECT_OPEN)
        .bind(token_digest)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(Into::into))
}

/// Moves an open session's idle expiry.
pub async fn slide(tx: &mut Tx, id: Uuid, idle_until: OffsetDateTime) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(SLIDE)
        .bind(id)
        .bind(idle_until)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Ends a session; whether it was open.
pub async fn end(tx: &mut Tx, id: Uuid, at: OffsetDateTime) -> Result<bool> {
    let ended = on_tx!(tx, conn => sqlx::query(END)
        .bind(id)
        .bind(at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(ended > 0)
}

/// Forgets the sessions that ended or expired before `now`; returns how many.
pub async fn purge(tx: &mut Tx, now: OffsetDateTime) -> Result<u64> {
    Ok(on_tx!(tx, conn => sqlx::query(PURGE)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}
