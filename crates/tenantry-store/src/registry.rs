//! The sandbox registry's own tables: its TLD catalogue, its reserved names and the objects
//! it holds. This is the registry's data, not an organization's (a real registry keeps it on
//! its side of EPP), so no proof applies; only the sandbox registry and the operator's
//! catalogue use cases reach it.

use time::OffsetDateTime;

use crate::db::{Tx, on_tx};
use crate::error::Result;

/// A TLD the registry offers, and its rules.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TldRules {
    pub tld: String,
    /// Allowed periods in years, ascending.
    #[sqlx(try_from = "String")]
    pub periods: Periods,
    pub grace_days: i64,
    pub redemption_days: i64,
    pub transfer_delay_seconds: i64,
    pub premium_max_length: i64,
    pub premium_multiplier: i64,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
}

/// Periods in years, stored as `"1,2,5"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Periods(pub Vec<i64>);

impl TryFrom<String> for Periods {
    type Error = std::num::ParseIntError;

    fn try_from(text: String) -> std::result::Result<Self, Self::Error> {
        text.split(',')
            .map(|p| p.trim().parse())
            .collect::<std::result::Result<_, _>>()
            .map(Periods)
    }
}

impl Periods {
    fn stored(&self) -> String {
        self.0
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A name the registry holds.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegistryObject {
    pub name: String,
    pub roid: String,
    /// EPP statuses, as JSON text.
    pub statuses: String,
    pub expires_on: OffsetDateTime,
    /// The client operation that last changed it.
    pub last_operation: String,
    pub auth_code_digest: Option<Vec<u8>>,
    /// A transfer asked for by this client operation, for `transfer_years`, pending since
    /// `transfer_requested_on`.
    pub transfer_operation: Option<String>,
    pub transfer_years: Option<i64>,
    pub transfer_requested_on: Option<OffsetDateTime>,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
}

const TLD_COLUMNS: &str = "tld, periods, grace_days, redemption_days, transfer_delay_seconds, \
    premium_max_length, premium_multiplier, created_on, updated_on";

const UPSERT_TLD: &str = "INSERT INTO registry_tlds (tld, periods, grace_days, redemption_days, \
    transfer_delay_seconds, premium_max_length, premium_multiplier, created_on, updated_on) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (tld) DO UPDATE SET \
    periods = excluded.periods, grace_days = excluded.grace_days, \
    redemption_days = excluded.redemption_days, \
    transfer_delay_seconds = excluded.transfer_delay_seconds, \
    premium_max_length = excluded.premium_max_length, \
    premium_multiplier = excluded.premium_multiplier, updated_on = excluded.updated_on";

const DELETE_TLD: &str = "DELETE FROM registry_tlds WHERE tld = $1";
const RESERVE: &str = "INSERT INTO registry_reserved_names (name, created_on) VALUES ($1, $2) \
    ON CONFLICT (name) DO NOTHING";
const UNRESERVE: &str = "DELETE FROM registry_reserved_names WHERE name = $1";
const IS_RESERVED: &str = "SELECT COUNT(*) FROM registry_reserved_names WHERE name = $1";
const RESERVED: &str = "SELECT name FROM registry_reserved_names ORDER BY name";

const OBJECT_COLUMNS: &str = "name, roid, statuses, expires_on, last_operation, \
    auth_code_digest, transfer_operation, transfer_years, transfer_requested_on, created_on, \
    updated_on";
const INSERT_OBJECT: &str = "INSERT INTO registry_objects (name, roid, statuses, expires_on, \
    last_operation, auth_code_digest, created_on, updated_on) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (name) DO NOTHING";
const UPDATE_OBJECT: &str = "UPDATE registry_objects SET statuses = $2, expires_on = $3, \
    last_operation = $4, updated_on = $5, auth_code_digest = $6, transfer_operation = $7, \
    transfer_years = $8, transfer_requested_on = $9 WHERE name = $1";
const DELETE_OBJECT: &str = "DELETE FROM registry_objects WHERE name = $1";

/// Adds a TLD or changes its rules.
pub async fn put_tld(tx: &mut Tx, rules: &TldRules) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(UPSERT_TLD)
        .bind(&rules.tld)
        .bind(rules.periods.stored())
        .bind(rules.grace_days)
        .bind(rules.redemption_days)
        .bind(rules.transfer_delay_seconds)
        .bind(rules.premium_max_length)
        .bind(rules.premium_multiplier)
        .bind(rules.updated_on)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Removes a TLD from the catalogue; answers whether it was there.
pub async fn delete_tld(tx: &mut Tx, tld: &str) -> Result<bool> {
    Ok(on_tx!(tx, conn => sqlx::query(DELETE_TLD)
        .bind(tld)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}

pub async fn tld(tx: &mut Tx, tld: &str) -> Result<Option<TldRules>> {
    let sql = format!("SELECT {TLD_COLUMNS} FROM registry_tlds WHERE tld = $1");
    Ok(on_tx!(tx, conn => sqlx::query_as::<_, TldRules>(&sql)
        .bind(tld)
        .fetch_optional(conn)
        .await)?)
}

pub async fn tlds(tx: &mut Tx) -> Result<Vec<TldRules>> {
    let sql = format!("SELECT {TLD_COLUMNS} FROM registry_tlds ORDER BY tld");
    Ok(on_tx!(tx, conn => sqlx::query_as::<_, TldRules>(&sql)
        .fetch_all(conn)
        .await)?)
}

/// Puts a name on the reserved list (again is no change).
pub async fn reserve(tx: &mut Tx, name: &str, now: OffsetDateTime) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(RESERVE)
        .bind(name)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Takes a name off the reserved list; answers whether it was on it.
pub async fn unreserve(tx: &mut Tx, name: &str) -> Result<bool> {
    Ok(on_tx!(tx, conn => sqlx::query(UNRESERVE)
        .bind(name)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}

pub async fn is_reserved(tx: &mut Tx, name: &str) -> Result<bool> {
    let count = on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(IS_RESERVED)
        .bind(name)
        .fetch_one(conn)
        .await)?;
    Ok(count > 0)
}

pub async fn reserved(tx: &mut Tx) -> Result<Vec<String>> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar::<_, String>(RESERVED)
        .fetch_all(conn)
        .await)?)
}

pub async fn object(tx: &mut Tx, name: &str) -> Result<Option<RegistryObject>> {
    let sql = format!("SELECT {OBJECT_COLUMNS} FROM registry_objects WHERE name = $1");
    Ok(on_tx!(tx, conn => sqlx::query_as::<_, RegistryObject>(&sql)
        .bind(name)
        .fetch_optional(conn)
        .await)?)
}

/// Creates an object unless the name is held; answers whether it was created.
pub async fn insert_object(tx: &mut Tx, object: &RegistryObject) -> Result<bool> {
    Ok(on_tx!(tx, conn => sqlx::query(INSERT_OBJECT)
        .bind(&object.name)
        .bind(&object.roid)
        .bind(&object.statuses)
        .bind(object.expires_on)
        .bind(&object.last_operation)
        .bind(&object.auth_code_digest)
        .bind(object.created_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}

pub async fn update_object(tx: &mut Tx, object: &RegistryObject) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(UPDATE_OBJECT)
        .bind(&object.name)
        .bind(&object.statuses)
        .bind(object.expires_on)
        .bind(&object.last_operation)
        .bind(object.updated_on)
        .bind(&object.auth_code_digest)
        .bind(&object.transfer_operation)
        .bind(object.transfer_years)
        .bind(object.transfer_requested_on)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn delete_object(tx: &mut Tx, name: &str) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(DELETE_OBJECT)
        .bind(name)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}
