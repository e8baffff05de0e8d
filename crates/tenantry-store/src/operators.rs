//! Platform operators: outside every organization. Their key is stored as a digest and their
//! TOTP secret sealed with the server's master key.

use tenantry_core::OperatorId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::{Result, classify};

#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    pub id: OperatorId,
    pub name: String,
    pub key_digest: Vec<u8>,
    pub totp_secret_sealed: Vec<u8>,
    pub created_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct OperatorRow {
    id: Uuid,
    name: String,
    key_digest: Vec<u8>,
    totp_secret_sealed: Vec<u8>,
    created_on: OffsetDateTime,
}

const COUNT: &str = "SELECT COUNT(*) FROM operators";
const INSERT: &str = "INSERT INTO operators (id, name, key_digest, totp_secret_sealed, created_on) \
    VALUES ($1, $2, $3, $4, $5)";
const SELECT_BY_DIGEST: &str = "SELECT id, name, key_digest, totp_secret_sealed, created_on \
    FROM operators WHERE key_digest = $1";

pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(COUNT).fetch_one(conn).await)?)
}

/// Creates an operator. Operators are made by the platform itself (bootstrap), never by an
/// organization's actor, so no `Authorized` value applies.
pub async fn insert(tx: &mut Tx, operator: &Operator) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(operator.id.uuid())
        .bind(&operator.name)
        .bind(&operator.key_digest)
        .bind(&operator.totp_secret_sealed)
        .bind(operator.created_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

pub async fn get_by_key_digest(tx: &mut Tx, digest: &[u8]) -> Result<Option<Operator>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, OperatorRow>(SELECT_BY_DIGEST)
        .bind(digest)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(|r| Operator {
        id: OperatorId::from_uuid(r.id),
        name: r.name,
        key_digest: r.key_digest,
        totp_secret_sealed: r.totp_secret_sealed,
        created_on: r.created_on,
    }))
}
