//! Platform operators: outside every organization. Their key is stored as a digest, their
//! password as an Argon2id hash and their TOTP secret sealed with the server's master key.
//! Operators are made by the platform itself (bootstrap) or by other operators, never by an
//! organization's actor, so no proof (`Proof`) applies here.

use tenantry_core::OperatorId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::{Result, classify};

#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    pub id: OperatorId,
    /// The sign-in name (NS1's `user`), unique ignoring case.
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub key_digest: Vec<u8>,
    pub totp_secret_sealed: Vec<u8>,
    pub last_access_on: Option<OffsetDateTime>,
    pub created_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct OperatorRow {
    id: Uuid,
    username: String,
    name: String,
    email: Option<String>,
    password_hash: Option<String>,
    key_digest: Vec<u8>,
    totp_secret_sealed: Vec<u8>,
    last_access_on: Option<OffsetDateTime>,
    created_on: OffsetDateTime,
}

impl From<OperatorRow> for Operator {
    fn from(r: OperatorRow) -> Self {
        Operator {
            id: OperatorId::from_uuid(r.id),
            username: r.username,
            name: r.name,
            email: r.email,
            password_hash: r.password_hash,
            key_digest: r.key_digest,
            totp_secret_sealed: r.totp_secret_sealed,
            last_access_on: r.last_access_on,
            created_on: r.created_on,
        }
    }
}

macro_rules! select_operators {
    ($rest:literal) => {
        concat!(
            "SELECT id, username, name, email, password_hash, key_digest, totp_secret_sealed, ",
            "last_access_on, created_on FROM operators ",
            $rest
        )
    };
}

const COUNT: &str = "SELECT COUNT(*) FROM operators";
/// Taken by the first statement of a one-time bootstrap, so two concurrent bootstraps
/// serialize (PostgreSQL; SQLite has one writer) and the second sees the first operator.
const LOCK_FIRST: &str = "UPDATE counters SET value = value WHERE name = 'org_id'";
const INSERT: &str = "INSERT INTO operators (id, username, name, email, password_hash, \
    key_digest, totp_secret_sealed, created_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const SELECT_BY_DIGEST: &str = select_operators!("WHERE key_digest = $1");
const SELECT_ONE: &str = select_operators!("WHERE id = $1");
const SELECT_ALL: &str = select_operators!("ORDER BY created_on, id");
const UPDATE_PROFILE: &str = "UPDATE operators SET name = $2, email = $3 WHERE id = $1";
const DELETE: &str = "DELETE FROM operators WHERE id = $1";
/// Accepts a TOTP time step only if it is later than every step accepted before.
const CLAIM_STEP: &str = "UPDATE operators SET totp_last_step = $2 \
    WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)";
const TOUCH: &str = "UPDATE operators SET last_access_on = $2 \
    WHERE id = $1 AND (last_access_on IS NULL OR last_access_on < $2)";

pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(COUNT).fetch_one(conn).await)?)
}

/// Counts operators after taking the bootstrap lock, for a check-then-insert that must not
/// race.
pub async fn count_locked(tx: &mut Tx) -> Result<i64> {
    on_tx!(tx, conn => sqlx::query(LOCK_FIRST).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    count(tx).await
}

/// Creates an operator; a taken username is `StoreError::UniqueViolation`.
pub async fn insert(tx: &mut Tx, operator: &Operator) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(operator.id.uuid())
        .bind(&operator.username)
        .bind(&operator.name)
        .bind(&operator.email)
        .bind(&operator.password_hash)
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
    Ok(row.map(Operator::from))
}

pub async fn get(tx: &mut Tx, id: OperatorId) -> Result<Option<Operator>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, OperatorRow>(SELECT_ONE)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(Operator::from))
}

/// Every operator, oldest first.
pub async fn list(tx: &mut Tx) -> Result<Vec<Operator>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, OperatorRow>(SELECT_ALL)
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(Operator::from).collect())
}

pub async fn update_profile(tx: &mut Tx, operator: &Operator) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(UPDATE_PROFILE)
        .bind(operator.id.uuid())
        .bind(&operator.name)
        .bind(&operator.email)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: OperatorId) -> Result<bool> {
    let deleted = on_tx!(tx, conn => sqlx::query(DELETE)
        .bind(id.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// Records that the operator used the TOTP code of `step`; false when that step (or a later
/// one) was used before, so a code is accepted once even by concurrent requests.
pub async fn claim_totp_step(tx: &mut Tx, id: OperatorId, step: i64) -> Result<bool> {
    let claimed = on_tx!(tx, conn => sqlx::query(CLAIM_STEP)
        .bind(id.uuid())
        .bind(step)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(claimed > 0)
}

/// Records when an operator's key was last used; only moves the time forward.
pub async fn touch_last_access(tx: &mut Tx, id: OperatorId, at: OffsetDateTime) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(TOUCH)
        .bind(id.uuid())
        .bind(at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
