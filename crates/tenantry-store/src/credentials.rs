//! API credentials: only SHA-256 digests of the key and the OAuth client secret are stored.

use sea_query::{Alias, Expr, Query};
use tenantry_core::perms::{KEYS_DELETE, KEYS_MANAGE, KEYS_READ, ORG_DELETE};
use tenantry_core::{ApiKeyId, OrganizationId, Proof, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Db, Tx, on_tx};
use crate::error::{Result, classify};
use crate::list::{Page, PageRequest, SortOrder, page_built};
use crate::proof::{proven, proven_for};

#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    pub id: ApiKeyId,
    pub organization_id: OrganizationId,
    pub created_by: Option<UserId>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub role: String,
    pub key_digest: Vec<u8>,
    pub client_secret_digest: Vec<u8>,
    pub expires_at: Option<OffsetDateTime>,
    pub last_used_on: Option<OffsetDateTime>,
    pub created_on: OffsetDateTime,
    pub revoked_on: Option<OffsetDateTime>,
    /// The credential this one replaced by rotation.
    pub rotated_from: Option<ApiKeyId>,
}

#[derive(sqlx::FromRow)]
struct CredentialRow {
    id: Uuid,
    organization_id: Uuid,
    created_by: Option<Uuid>,
    name: Option<String>,
    description: Option<String>,
    role: String,
    key_digest: Vec<u8>,
    client_secret_digest: Vec<u8>,
    expires_at: Option<OffsetDateTime>,
    last_used_on: Option<OffsetDateTime>,
    created_on: OffsetDateTime,
    revoked_on: Option<OffsetDateTime>,
    rotated_from: Option<Uuid>,
}

impl From<CredentialRow> for Credential {
    fn from(row: CredentialRow) -> Self {
        Credential {
            id: ApiKeyId::from_uuid(row.id),
            organization_id: OrganizationId::from_uuid(row.organization_id),
            created_by: row.created_by.map(UserId::from_uuid),
            name: row.name,
            description: row.description,
            role: row.role,
            key_digest: row.key_digest,
            client_secret_digest: row.client_secret_digest,
            expires_at: row.expires_at,
            last_used_on: row.last_used_on,
            created_on: row.created_on,
            revoked_on: row.revoked_on,
            rotated_from: row.rotated_from.map(ApiKeyId::from_uuid),
        }
    }
}

const COLUMNS: [&str; 13] = [
    "id",
    "organization_id",
    "created_by",
    "name",
    "description",
    "role",
    "key_digest",
    "client_secret_digest",
    "expires_at",
    "last_used_on",
    "created_on",
    "revoked_on",
    "rotated_from",
];

const SELECT: &str = "SELECT id, organization_id, created_by, name, description, role, \
    key_digest, client_secret_digest, expires_at, last_used_on, created_on, revoked_on, \
    rotated_from FROM api_keys WHERE id = $1";

const SELECT_LIVE_IN_RANGE: &str = "SELECT id, organization_id, created_by, name, description, \
    role, key_digest, client_secret_digest, expires_at, last_used_on, created_on, revoked_on, \
    rotated_from FROM api_keys WHERE organization_id = $1 AND id BETWEEN $2 AND $3 \
    AND revoked_on IS NULL";

const SELECT_LIVE_BY_ORG: &str = "SELECT id, organization_id, created_by, name, description, \
    role, key_digest, client_secret_digest, expires_at, last_used_on, created_on, revoked_on, \
    rotated_from FROM api_keys WHERE organization_id = $1 AND revoked_on IS NULL \
    ORDER BY created_on, id";

const RENAME: &str = "UPDATE api_keys SET name = $3 WHERE id = $1 AND organization_id = $2";

const SET_ROLE: &str = "UPDATE api_keys SET role = $3 WHERE id = $1 AND organization_id = $2";

const INSERT: &str = "INSERT INTO api_keys (id, organization_id, created_by, name, description, \
    role, key_digest, client_secret_digest, expires_at, created_on, rotated_from) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

const REVOKE: &str = "UPDATE api_keys SET revoked_on = $3 \
    WHERE id = $1 AND organization_id = $2 AND revoked_on IS NULL";

const REVOKE_ORG: &str =
    "UPDATE api_keys SET revoked_on = $2 WHERE organization_id = $1 AND revoked_on IS NULL";

const SET_EXPIRY: &str = "UPDATE api_keys SET expires_at = $3 \
    WHERE id = $1 AND organization_id = $2";

const SELECT_SUCCESSOR: &str = "SELECT id FROM api_keys WHERE rotated_from = $1";

const TOUCH: &str = "UPDATE api_keys SET last_used_on = $2 \
    WHERE id = $1 AND (last_used_on IS NULL OR last_used_on < $2)";

pub async fn get(tx: &mut Tx, id: ApiKeyId) -> Result<Option<Credential>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, CredentialRow>(SELECT)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(Credential::from))
}

/// Stores a new credential; a second successor of one credential is a `UniqueViolation`.
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, credential: &Credential) -> Result<()> {
    proven_for(auth, credential.organization_id, KEYS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(credential.id.uuid())
        .bind(credential.organization_id.uuid())
        .bind(credential.created_by.map(|id| id.uuid()))
        .bind(&credential.name)
        .bind(&credential.description)
        .bind(&credential.role)
        .bind(&credential.key_digest)
        .bind(&credential.client_secret_digest)
        .bind(credential.expires_at)
        .bind(credential.created_on)
        .bind(credential.rotated_from.map(|id| id.uuid()))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

/// The unrevoked credentials of an organization whose ids lie in `[low, high]` (an NS1 short
/// id's range).
pub async fn live_in_range(
    tx: &mut Tx,
    organization_id: OrganizationId,
    low: Uuid,
    high: Uuid,
) -> Result<Vec<Credential>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, CredentialRow>(SELECT_LIVE_IN_RANGE)
        .bind(organization_id.uuid())
        .bind(low)
        .bind(high)
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(Credential::from).collect())
}

/// Every unrevoked credential of an organization, oldest first.
pub async fn list_live(tx: &mut Tx, organization_id: OrganizationId) -> Result<Vec<Credential>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, CredentialRow>(SELECT_LIVE_BY_ORG)
        .bind(organization_id.uuid())
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(Credential::from).collect())
}

/// Renames a credential of the authorized organization.
pub async fn rename(tx: &mut Tx, auth: &dyn Proof, id: ApiKeyId, name: &str) -> Result<()> {
    let organization = proven(auth, KEYS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(RENAME)
        .bind(id.uuid())
        .bind(organization.uuid())
        .bind(name)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Changes which role a credential of the authorized organization holds.
pub async fn set_role(tx: &mut Tx, auth: &dyn Proof, id: ApiKeyId, role: &str) -> Result<()> {
    let organization = proven(auth, KEYS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(SET_ROLE)
        .bind(id.uuid())
        .bind(organization.uuid())
        .bind(role)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn revoke(
    tx: &mut Tx,
    auth: &dyn Proof,
    id: ApiKeyId,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, KEYS_DELETE)?;
    on_tx!(tx, conn => sqlx::query(REVOKE)
        .bind(id.uuid())
        .bind(organization.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Moves a credential's expiry (rotation ends the old secret's life).
pub async fn set_expiry(
    tx: &mut Tx,
    auth: &dyn Proof,
    id: ApiKeyId,
    expires_at: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, KEYS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(SET_EXPIRY)
        .bind(id.uuid())
        .bind(organization.uuid())
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The credential that replaced `id` by rotation, if any.
pub async fn successor(tx: &mut Tx, id: ApiKeyId) -> Result<Option<ApiKeyId>> {
    let found = on_tx!(tx, conn => sqlx::query_scalar::<_, Uuid>(SELECT_SUCCESSOR)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(found.map(ApiKeyId::from_uuid))
}

/// Revokes every credential of the authorized organization (when it is deleted).
pub async fn revoke_all(tx: &mut Tx, auth: &dyn Proof, now: OffsetDateTime) -> Result<()> {
    let organization = proven(auth, ORG_DELETE)?;
    on_tx!(tx, conn => sqlx::query(REVOKE_ORG)
        .bind(organization.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records when a credential was last used. Bookkeeping outside any use case: it runs in its
/// own short transaction and only moves the time forward.
pub async fn touch_last_used(db: &Db, id: ApiKeyId, at: OffsetDateTime) -> Result<()> {
    let mut tx = db.begin().await?;
    on_tx!(tx, conn => sqlx::query(TOUCH).bind(id.uuid()).bind(at).execute(conn).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Filter on the derived status (`active | expired | revoked`) at time `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialStatus {
    Active,
    Expired,
    Revoked,
}

impl CredentialStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialStatus::Active => "active",
            CredentialStatus::Expired => "expired",
            CredentialStatus::Revoked => "revoked",
        }
    }
}

/// The credentials of the proof's organization.
pub async fn list(
    tx: &mut Tx,
    auth: &dyn Proof,
    status: Option<CredentialStatus>,
    now: OffsetDateTime,
    page: PageRequest,
) -> Result<Page<Credential>> {
    let organization_id = proven(auth, KEYS_READ)?;
    let mut query = Query::select();
    query
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("api_keys"))
        .and_where(Expr::col(Alias::new("organization_id")).eq(organization_id.uuid()));
    let revoked = Expr::col(Alias::new("revoked_on"));
    let expires = || Expr::col(Alias::new("expires_at"));
    match status {
        None => {}
        Some(CredentialStatus::Revoked) => {
            query.and_where(revoked.is_not_null());
        }
        Some(CredentialStatus::Expired) => {
            query
                .and_where(revoked.is_null())
                .and_where(expires().lte(now));
        }
        Some(CredentialStatus::Active) => {
            query
                .and_where(revoked.is_null())
                .and_where(expires().is_null().or(expires().gt(now)));
        }
    }
    let (rows, total) = page_built!(
        tx,
        "api_keys",
        &COLUMNS,
        query,
        ("created_on", SortOrder::Desc),
        page,
        CredentialRow
    );
    Ok(Page {
        items: rows.into_iter().map(Credential::from).collect(),
        total_items: total,
        request: page,
    })
}

#[derive(sqlx::FromRow)]
struct CredentialWithOrgRow {
    #[sqlx(flatten)]
    credential: CredentialRow,
    org_parent_id: Option<Uuid>,
    org_status: String,
}

const SELECT_WITH_ORG: &str = "SELECT k.id, k.organization_id, k.created_by, k.name, \
    k.description, k.role, k.key_digest, k.client_secret_digest, k.expires_at, k.last_used_on, \
    k.created_on, k.revoked_on, k.rotated_from, o.parent_id AS org_parent_id, o.status AS org_status \
    FROM api_keys k JOIN organizations o ON o.id = k.organization_id \
    WHERE k.id = $1 AND o.deleted_on IS NULL";

/// A credential with where its (live) organization sits, in one statement: what
/// authentication needs on every request.
pub async fn get_with_org_scope(
    tx: &mut Tx,
    id: ApiKeyId,
) -> Result<Option<(Credential, tenantry_core::OrgScope)>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, CredentialWithOrgRow>(SELECT_WITH_ORG)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    row.map(|r| {
        let status = crate::db::parse_stored(&r.org_status, tenantry_core::OrgStatus::parse)?;
        let credential = Credential::from(r.credential);
        let scope = tenantry_core::OrgScope {
            id: credential.organization_id,
            parent_id: r.org_parent_id.map(OrganizationId::from_uuid),
            status,
        };
        Ok((credential, scope))
    })
    .transpose()
}
