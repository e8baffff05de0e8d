//! Custom roles of an organization, held by users and credentials through their label.

use sqlx::types::Json;
use tenantry_core::perms::{ORG_MANAGE, ORG_READ};
use tenantry_core::{OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::{Result, classify};
use crate::proof::proven;

#[derive(Debug, Clone, PartialEq)]
pub struct CustomRole {
    pub organization_id: OrganizationId,
    pub label: String,
    pub name: String,
    pub description: Option<String>,
    /// `resource:scope` strings, validated by the caller.
    pub permissions: Vec<String>,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct RoleRow {
    organization_id: Uuid,
    label: String,
    name: String,
    description: Option<String>,
    permissions: Json<Vec<String>>,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
}

impl From<RoleRow> for CustomRole {
    fn from(row: RoleRow) -> Self {
        CustomRole {
            organization_id: OrganizationId::from_uuid(row.organization_id),
            label: row.label,
            name: row.name,
            description: row.description,
            permissions: row.permissions.0,
            created_on: row.created_on,
            updated_on: row.updated_on,
        }
    }
}

const SELECT_ONE: &str = "SELECT organization_id, label, name, description, permissions, \
    created_on, updated_on FROM roles WHERE organization_id = $1 AND label = $2";
const SELECT_ALL: &str = "SELECT organization_id, label, name, description, permissions, \
    created_on, updated_on FROM roles WHERE organization_id = $1 ORDER BY label";
const INSERT: &str = "INSERT INTO roles (organization_id, label, name, description, permissions, \
    created_on, updated_on) VALUES ($1, $2, $3, $4, $5, $6, $6)";
const UPDATE: &str = "UPDATE roles SET name = $3, description = $4, permissions = $5, \
    updated_on = $6 WHERE organization_id = $1 AND label = $2";
const DELETE: &str = "DELETE FROM roles WHERE organization_id = $1 AND label = $2";
const COUNT_BINDINGS: &str = "SELECT \
    (SELECT COUNT(*) FROM users WHERE organization_id = $1 AND role = $2 AND deleted_on IS NULL) + \
    (SELECT COUNT(*) FROM api_keys WHERE organization_id = $1 AND role = $2 AND revoked_on IS NULL) + \
    (SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
     WHERE m.organization_id = $1 AND m.role = $2 AND u.deleted_on IS NULL)";

pub async fn get(
    tx: &mut Tx,
    organization: OrganizationId,
    label: &str,
) -> Result<Option<CustomRole>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, RoleRow>(SELECT_ONE)
        .bind(organization.uuid())
        .bind(label)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(CustomRole::from))
}

/// The custom roles of the proof's organization.
pub async fn list(tx: &mut Tx, auth: &dyn Proof) -> Result<Vec<CustomRole>> {
    let organization = proven(auth, ORG_READ)?;
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, RoleRow>(SELECT_ALL)
        .bind(organization.uuid())
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(CustomRole::from).collect())
}

/// Creates a role in the authorized organization; a taken label is `UniqueViolation`.
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, role: &CustomRole) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(organization.uuid())
        .bind(&role.label)
        .bind(&role.name)
        .bind(&role.description)
        .bind(Json(&role.permissions))
        .bind(role.created_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

pub async fn update(tx: &mut Tx, auth: &dyn Proof, role: &CustomRole) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPDATE)
        .bind(organization.uuid())
        .bind(&role.label)
        .bind(&role.name)
        .bind(&role.description)
        .bind(Json(&role.permissions))
        .bind(role.updated_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, auth: &dyn Proof, label: &str) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(DELETE)
        .bind(organization.uuid())
        .bind(label)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many live users and active credentials of the organization hold the role.
pub async fn binding_count(tx: &mut Tx, organization: OrganizationId, label: &str) -> Result<i64> {
    Ok(
        on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(COUNT_BINDINGS)
        .bind(organization.uuid())
        .bind(label)
        .fetch_one(conn)
        .await)?,
    )
}
