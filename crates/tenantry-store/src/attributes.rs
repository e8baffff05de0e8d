//! Organization attributes: key → JSON value, upserted by key.

use serde_json::Value;
use sqlx::types::Json;
use tenantry_core::perms::{ORG_MANAGE, ORG_READ};
use tenantry_core::{OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::proof::proven;

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub id: i64,
    pub organization_id: OrganizationId,
    pub key: String,
    pub value: Value,
    pub private: bool,
    pub protected: bool,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct AttributeRow {
    id: i64,
    organization_id: Uuid,
    key: String,
    value: Json<Value>,
    private: bool,
    protected: bool,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
}

impl From<AttributeRow> for Attribute {
    fn from(row: AttributeRow) -> Self {
        Attribute {
            id: row.id,
            organization_id: OrganizationId::from_uuid(row.organization_id),
            key: row.key,
            value: row.value.0,
            private: row.private,
            protected: row.protected,
            created_on: row.created_on,
            updated_on: row.updated_on,
        }
    }
}

const SELECT_ALL: &str = "SELECT id, organization_id, key, value, private, protected, created_on, \
    updated_on FROM organization_attributes WHERE organization_id = $1 ORDER BY key";

const UPSERT: &str = "INSERT INTO organization_attributes (organization_id, key, value, private, \
    protected, created_on, updated_on) VALUES ($1, $2, $3, $4, $5, $6, $6) \
    ON CONFLICT (organization_id, key) DO UPDATE SET value = excluded.value, \
    private = excluded.private, protected = excluded.protected, updated_on = excluded.updated_on";

/// Every attribute of the proof's organization, by key.
pub async fn list(tx: &mut Tx, auth: &dyn Proof) -> Result<Vec<Attribute>> {
    let organization = proven(auth, ORG_READ)?;
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, AttributeRow>(SELECT_ALL)
        .bind(organization.uuid())
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(Attribute::from).collect())
}

/// Creates the attribute, or replaces the value and flags of the one with the same key.
pub async fn upsert(
    tx: &mut Tx,
    auth: &dyn Proof,
    key: &str,
    value: &Value,
    private: bool,
    protected: bool,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPSERT)
        .bind(organization.uuid())
        .bind(key)
        .bind(Json(value))
        .bind(private)
        .bind(protected)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
