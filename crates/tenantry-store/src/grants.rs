//! What a user or API key holds beyond its role: an NS1 permission map (when set, it replaces
//! the role's permissions) and an IP allow list.

use serde_json::Value;
use sqlx::types::Json;
use tenantry_core::Proof;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::{Result, StoreError};
use crate::proof::{HOLDER_WRITES, proven_any};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grant {
    /// The NS1 permission map; `None` when the role decides.
    pub permissions: Option<Value>,
    /// Addresses and networks (canonical text) the holder may call from; empty is anywhere.
    pub ip_whitelist: Vec<String>,
    /// Whether only `ip_whitelist` applies (the teams' lists are ignored).
    pub ip_whitelist_strict: bool,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    permissions: Option<Json<Value>>,
    ip_whitelist: Json<Vec<String>>,
    ip_whitelist_strict: bool,
}

const SELECT: &str = "SELECT permissions, ip_whitelist, ip_whitelist_strict \
    FROM principal_grants WHERE principal_id = $1";
const UPSERT: &str = "INSERT INTO principal_grants (principal_id, organization_id, permissions, \
    ip_whitelist, ip_whitelist_strict) VALUES ($1, $2, $3, $4, $5) \
    ON CONFLICT (principal_id) DO UPDATE SET permissions = excluded.permissions, \
    ip_whitelist = excluded.ip_whitelist, ip_whitelist_strict = excluded.ip_whitelist_strict \
    WHERE principal_grants.organization_id = excluded.organization_id";
const DELETE: &str =
    "DELETE FROM principal_grants WHERE principal_id = $1 AND organization_id = $2";

pub async fn get(tx: &mut Tx, holder: Uuid) -> Result<Option<Grant>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, GrantRow>(SELECT)
        .bind(holder)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(|r| Grant {
        permissions: r.permissions.map(|p| p.0),
        ip_whitelist: r.ip_whitelist.0,
        ip_whitelist_strict: r.ip_whitelist_strict,
    }))
}

/// Sets what a user or key of the proof's organization holds; the holder of another
/// organization is refused (the conditional update changes no row).
pub async fn put(tx: &mut Tx, auth: &dyn Proof, holder: Uuid, grant: &Grant) -> Result<()> {
    let organization = proven_any(auth, HOLDER_WRITES)?;
    let written = on_tx!(tx, conn => sqlx::query(UPSERT)
        .bind(holder)
        .bind(organization.uuid())
        .bind(grant.permissions.as_ref().map(Json))
        .bind(Json(&grant.ip_whitelist))
        .bind(grant.ip_whitelist_strict)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if written == 0 {
        return Err(StoreError::ProofMismatch(format!(
            "the grant of {holder}, held in another organization than {}",
            organization
        )));
    }
    Ok(())
}

/// Drops what a user or key held beyond its role (its role was set through the Tenantry API).
pub async fn delete(tx: &mut Tx, auth: &dyn Proof, holder: Uuid) -> Result<()> {
    let organization = proven_any(auth, HOLDER_WRITES)?;
    on_tx!(tx, conn => sqlx::query(DELETE)
        .bind(holder)
        .bind(organization.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
