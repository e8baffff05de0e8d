//! Users: each belongs to exactly one organization; username and email are unique on the
//! platform regardless of case (enforced by partial unique indexes over live users).

use sea_query::{Alias, Cond, Expr, Func, Query};
use serde_json::{Map, Value};
use sqlx::types::Json;
use tenantry_core::perms::{ORG_DELETE, USERS_DELETE, USERS_MANAGE};
use tenantry_core::{OrganizationId, Proof, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::{Result, classify};
use crate::list::{Page, PageRequest, SortOrder, contains_pattern, page_built};
use crate::memberships;
use crate::proof::{PEOPLE_READS, proven, proven_any, proven_for};

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub organization_id: OrganizationId,
    pub username: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub locale: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    pub password_hash: Option<String>,
    pub attributes: Map<String, Value>,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
    /// Set while the user is deactivated: they cannot sign in, and their sessions end.
    pub deactivated_on: Option<OffsetDateTime>,
    /// When the user proved the email address is theirs; unset, they may not invite or pay.
    pub email_verified_on: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    organization_id: Uuid,
    username: String,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    locale: Option<String>,
    phone: Option<String>,
    role: String,
    password_hash: Option<String>,
    attributes: Json<Map<String, Value>>,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
    deactivated_on: Option<OffsetDateTime>,
    email_verified_on: Option<OffsetDateTime>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: UserId::from_uuid(row.id),
            organization_id: OrganizationId::from_uuid(row.organization_id),
            username: row.username,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            locale: row.locale,
            phone: row.phone,
            role: row.role,
            password_hash: row.password_hash,
            attributes: row.attributes.0,
            created_on: row.created_on,
            updated_on: row.updated_on,
            deactivated_on: row.deactivated_on,
            email_verified_on: row.email_verified_on,
        }
    }
}

const COLUMNS: [&str; 15] = [
    "id",
    "organization_id",
    "username",
    "email",
    "first_name",
    "last_name",
    "locale",
    "phone",
    "role",
    "password_hash",
    "attributes",
    "created_on",
    "updated_on",
    "deactivated_on",
    "email_verified_on",
];

const SELECT_LIVE: &str = "SELECT id, organization_id, username, email, first_name, last_name, \
    locale, phone, role, password_hash, attributes, created_on, updated_on, deactivated_on, \
    email_verified_on FROM users WHERE id = $1 AND deleted_on IS NULL";

const SELECT_BY_ORG: &str = "SELECT id, organization_id, username, email, first_name, last_name, \
    locale, phone, role, password_hash, attributes, created_on, updated_on, deactivated_on, \
    email_verified_on FROM users WHERE organization_id = $1 AND deleted_on IS NULL ORDER BY created_on, id";

const SELECT_BY_USERNAME: &str = "SELECT id, organization_id, username, email, first_name, \
    last_name, locale, phone, role, password_hash, attributes, created_on, updated_on, deactivated_on, \
    email_verified_on FROM users WHERE organization_id = $1 AND lower(username) = lower($2) AND deleted_on IS NULL";

const INSERT: &str = "INSERT INTO users (id, organization_id, username, email, first_name, \
    last_name, locale, phone, role, password_hash, attributes, created_on, updated_on, \
    email_verified_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)";

// The password is not among the profile's fields: it changes only through
// `sign_in::set_password`, so a profile change racing a password change cannot undo it.
const UPDATE: &str = "UPDATE users SET username = $3, email = $4, first_name = $5, \
    last_name = $6, locale = $7, phone = $8, role = $9, attributes = $10, \
    updated_on = $11 WHERE id = $1 AND organization_id = $2 AND deleted_on IS NULL";

const SET_DEACTIVATED: &str = "UPDATE users SET deactivated_on = $3, updated_on = $4 \
    WHERE id = $1 AND organization_id = $2 AND deleted_on IS NULL";

const MARK_DELETED: &str = "UPDATE users SET deleted_on = $3, updated_on = $3 \
    WHERE id = $1 AND organization_id = $2 AND deleted_on IS NULL";

const MARK_ORG_DELETED: &str = "UPDATE users SET deleted_on = $2, updated_on = $2 \
    WHERE organization_id = $1 AND deleted_on IS NULL";

const COUNT_ADMINS: &str = "SELECT COUNT(*) FROM users \
    WHERE organization_id = $1 AND deleted_on IS NULL AND role IN ('owner', 'admin')";

/// Serializes admin-count checks on one organization: on PostgreSQL this takes the org row's
/// lock (SQLite writers are already serialized).
const LOCK_ORG: &str = "UPDATE organizations SET updated_on = updated_on WHERE id = $1";

pub async fn get(tx: &mut Tx, id: UserId) -> Result<Option<User>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, UserRow>(SELECT_LIVE)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(User::from))
}

/// A live user of an organization by username (NS1 addresses users by it), ignoring case.
pub async fn get_by_username(
    tx: &mut Tx,
    organization_id: OrganizationId,
    username: &str,
) -> Result<Option<User>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, UserRow>(SELECT_BY_USERNAME)
        .bind(organization_id.uuid())
        .bind(username)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(User::from))
}

/// Every live user of an organization, oldest first.
pub async fn list_all(tx: &mut Tx, organization_id: OrganizationId) -> Result<Vec<User>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, UserRow>(SELECT_BY_ORG)
        .bind(organization_id.uuid())
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(User::from).collect())
}

/// Creates a user in the authorized organization. A taken username or email is
/// `StoreError::UniqueViolation`.
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, user: &User) -> Result<()> {
    proven_for(auth, user.organization_id, USERS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(user.id.uuid())
        .bind(user.organization_id.uuid())
        .bind(&user.username)
        .bind(&user.email)
        .bind(&user.first_name)
        .bind(&user.last_name)
        .bind(&user.locale)
        .bind(&user.phone)
        .bind(&user.role)
        .bind(&user.password_hash)
        .bind(Json(&user.attributes))
        .bind(user.created_on)
        .bind(user.email_verified_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

/// Writes a user's profile and role (not the password, see `sign_in::set_password`).
pub async fn update(tx: &mut Tx, auth: &dyn Proof, user: &User) -> Result<()> {
    let organization = proven(auth, USERS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPDATE)
        .bind(user.id.uuid())
        .bind(organization.uuid())
        .bind(&user.username)
        .bind(&user.email)
        .bind(&user.first_name)
        .bind(&user.last_name)
        .bind(&user.locale)
        .bind(&user.phone)
        .bind(&user.role)
        .bind(Json(&user.attributes))
        .bind(user.updated_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

/// Deactivates a user of the proof's organization (`Some(when)`) or makes them active again.
pub async fn set_deactivated(
    tx: &mut Tx,
    auth: &dyn Proof,
    id: UserId,
    deactivated_on: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, USERS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(SET_DEACTIVATED)
        .bind(id.uuid())
        .bind(organization.uuid())
        .bind(deactivated_on)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn mark_deleted(
    tx: &mut Tx,
    auth: &dyn Proof,
    id: UserId,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, USERS_DELETE)?;
    on_tx!(tx, conn => sqlx::query(MARK_DELETED)
        .bind(id.uuid())
        .bind(organization.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes every user of the authorized organization (when the organization is deleted).
pub async fn mark_all_deleted(tx: &mut Tx, auth: &dyn Proof, now: OffsetDateTime) -> Result<()> {
    let organization = proven(auth, ORG_DELETE)?;
    on_tx!(tx, conn => sqlx::query(MARK_ORG_DELETED)
        .bind(organization.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Counts the owners and admins of an organization, holding its lock until the transaction
/// ends so two concurrent removals cannot both see "one more admin left".
pub async fn count_admins_locked(tx: &mut Tx, organization_id: OrganizationId) -> Result<i64> {
    on_tx!(tx, conn => sqlx::query(LOCK_ORG).bind(organization_id.uuid()).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    Ok(
        on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(COUNT_ADMINS)
        .bind(organization_id.uuid())
        .fetch_one(conn)
        .await)?,
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSort {
    CreatedOn,
    Username,
    Email,
}

#[derive(Debug, Clone)]
pub struct UserFilter {
    pub search: Option<String>,
    pub sort: UserSort,
    pub order: SortOrder,
}

/// The live users of the proof's organization: those at home there and its members from
/// other organizations (whose `organization_id` stays their home one).
pub async fn list(
    tx: &mut Tx,
    auth: &dyn Proof,
    filter: &UserFilter,
    page: PageRequest,
) -> Result<Page<User>> {
    let organization_id = proven_any(auth, PEOPLE_READS)?;
    let at_home = Expr::col(Alias::new("organization_id")).eq(organization_id.uuid());
    // Most organizations have no members from elsewhere; for them the plain condition keeps
    // the list on its covering index (an OR with a subquery would scan).
    let belongs = if memberships::any(tx, auth).await? {
        let mut members = Query::select();
        members
            .column(Alias::new("user_id"))
            .from(Alias::new("memberships"))
            .and_where(Expr::col(Alias::new("organization_id")).eq(organization_id.uuid()));
        Cond::any()
            .add(at_home)
            .add(Expr::col(Alias::new("id")).in_subquery(members))
    } else {
        Cond::all().add(at_home)
    };
    let mut query = Query::select();
    query
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("users"))
        .cond_where(belongs)
        .and_where(Expr::col(Alias::new("deleted_on")).is_null());
    if let Some(search) = &filter.search {
        let pattern = contains_pattern(search);
        let lower = |col: &str| Expr::expr(Func::lower(Expr::col(Alias::new(col))));
        query.cond_where(
            Cond::any()
                .add(lower("username").like(pattern.clone()))
                .add(lower("email").like(pattern.clone()))
                .add(lower("first_name").like(pattern.clone()))
                .add(lower("last_name").like(pattern)),
        );
    }
    let sort_column = match filter.sort {
        UserSort::CreatedOn => "created_on",
        UserSort::Username => "username",
        UserSort::Email => "email",
    };
    let (rows, total) = page_built!(
        tx,
        "users",
        &COLUMNS,
        query,
        (sort_column, filter.order),
        page,
        UserRow
    );
    Ok(Page {
        items: rows.into_iter().map(User::from).collect(),
        total_items: total,
        request: page,
    })
}

#[derive(sqlx::FromRow)]
struct UserWithOrgRow {
    #[sqlx(flatten)]
    user: UserRow,
    org_currency: Option<String>,
    org_parent_id: Option<Uuid>,
}

const SELECT_WITH_ORG: &str = "SELECT u.id, u.organization_id, u.username, u.email, \
    u.first_name, u.last_name, u.locale, u.phone, u.role, u.password_hash, u.attributes, \
    u.created_on, u.updated_on, u.deactivated_on, u.email_verified_on, o.currency AS org_currency, o.parent_id AS org_parent_id \
    FROM users u JOIN organizations o ON o.id = u.organization_id \
    WHERE u.id = $1 AND u.deleted_on IS NULL AND o.deleted_on IS NULL";

/// A live user with their organization's currency and parent, in one statement.
pub async fn get_with_org(
    tx: &mut Tx,
    id: UserId,
) -> Result<Option<(User, Option<String>, Option<OrganizationId>)>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, UserWithOrgRow>(SELECT_WITH_ORG)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(|r| {
        (
            User::from(r.user),
            r.org_currency,
            r.org_parent_id.map(OrganizationId::from_uuid),
        )
    }))
}
