//! IP restrictions: the networks an organization's credentials may be used from.

use tenantry_core::perms::{ORG_MANAGE, ORG_READ};
use tenantry_core::values::IpNetwork;
use tenantry_core::{OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Db, Tx, on_tx, parse_stored};
use crate::error::{Result, classify};
use crate::proof::proven;

#[derive(Debug, Clone, PartialEq)]
pub struct IpRestriction {
    pub id: i64,
    pub organization_id: OrganizationId,
    pub ip_network: IpNetwork,
    pub created_on: OffsetDateTime,
    pub last_used_on: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    organization_id: Uuid,
    ip_network: String,
    created_on: OffsetDateTime,
    last_used_on: Option<OffsetDateTime>,
}

impl TryFrom<Row> for IpRestriction {
    type Error = crate::StoreError;

    fn try_from(row: Row) -> Result<Self> {
        Ok(IpRestriction {
            id: row.id,
            organization_id: OrganizationId::from_uuid(row.organization_id),
            ip_network: parse_stored(&row.ip_network, |s| s.parse().ok())?,
            created_on: row.created_on,
            last_used_on: row.last_used_on,
        })
    }
}

const SELECT_OF_ORG: &str = "SELECT id, organization_id, ip_network, created_on, last_used_on \
    FROM ip_restrictions WHERE organization_id = $1 ORDER BY id";

const SELECT_ONE: &str = "SELECT id, organization_id, ip_network, created_on, last_used_on \
    FROM ip_restrictions WHERE id = $1";

const INSERT: &str = "INSERT INTO ip_restrictions (organization_id, ip_network, created_on) \
    VALUES ($1, $2, $3) RETURNING id";

const UPDATE: &str = "UPDATE ip_restrictions SET ip_network = $3, last_used_on = $4 \
    WHERE id = $1 AND organization_id = $2";

const DELETE: &str = "DELETE FROM ip_restrictions WHERE id = $1 AND organization_id = $2";

const TOUCH: &str = "UPDATE ip_restrictions SET last_used_on = $2 \
    WHERE id = $1 AND (last_used_on IS NULL OR last_used_on < $2)";

/// The rules of the proof's organization, oldest first.
pub async fn list(tx: &mut Tx, auth: &dyn Proof) -> Result<Vec<IpRestriction>> {
    rules_for_authentication(tx, proven(auth, ORG_READ)?).await
}

/// The rules of an organization as authentication checks them, before any actor (and so any
/// proof) exists: for its credentials, its people and the people acting in it as members.
pub async fn rules_for_authentication(
    tx: &mut Tx,
    organization_id: OrganizationId,
) -> Result<Vec<IpRestriction>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, Row>(SELECT_OF_ORG)
        .bind(organization_id.uuid())
        .fetch_all(conn)
        .await)?;
    rows.into_iter().map(IpRestriction::try_from).collect()
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<IpRestriction>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(SELECT_ONE)
        .bind(id)
        .fetch_optional(conn)
        .await)?;
    row.map(IpRestriction::try_from).transpose()
}

/// Adds a rule to the authorized organization; a network it already has is a
/// `UniqueViolation`.
pub async fn insert(
    tx: &mut Tx,
    auth: &dyn Proof,
    ip_network: IpNetwork,
    now: OffsetDateTime,
) -> Result<IpRestriction> {
    let organization_id = proven(auth, ORG_MANAGE)?;
    let id = on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(INSERT)
        .bind(organization_id.uuid())
        .bind(ip_network.to_string())
        .bind(now)
        .fetch_one(conn)
        .await)
    .map_err(classify)?;
    Ok(IpRestriction {
        id,
        organization_id,
        ip_network,
        created_on: now,
        last_used_on: None,
    })
}

/// Stores a rule's network and `last_used_on`.
pub async fn update(tx: &mut Tx, auth: &dyn Proof, rule: &IpRestriction) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPDATE)
        .bind(rule.id)
        .bind(organization.uuid())
        .bind(rule.ip_network.to_string())
        .bind(rule.last_used_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, auth: &dyn Proof, id: i64) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(DELETE)
        .bind(id)
        .bind(organization.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records that a request matched a rule. Bookkeeping outside any use case: its own short
/// transaction, and it only moves the time forward.
pub async fn touch_last_used(db: &Db, id: i64, at: OffsetDateTime) -> Result<()> {
    let mut tx = db.begin().await?;
    on_tx!(tx, conn => sqlx::query(TOUCH)
        .bind(id)
        .bind(at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}
