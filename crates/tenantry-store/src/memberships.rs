//! Memberships: a user's role in an organization other than its home one. A user keeps exactly
//! one home organization (`users.organization_id`); memberships add more, one role each.

use std::collections::HashMap;

use tenantry_core::perms::{ORG_DELETE, USERS_DELETE, USERS_MANAGE, USERS_READ};
use tenantry_core::{OrgScope, OrgStatus, OrganizationId, Proof, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx, parse_stored};
use crate::error::{Result, classify};
use crate::proof::{PEOPLE_READS, proven, proven_any};

/// An organization a user joined, where it sits in the tree, and the role held there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub organization: OrgScope,
    pub organization_name: String,
    pub role: String,
    pub created_on: OffsetDateTime,
}

const UPSERT: &str = "INSERT INTO memberships (organization_id, user_id, role, created_on) \
    VALUES ($1, $2, $3, $4) \
    ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role";

const DELETE: &str = "DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2";

const SELECT_OF_USER: &str = "SELECT o.id, o.parent_id, o.status, o.name, m.role, m.created_on \
    FROM memberships m JOIN organizations o ON o.id = m.organization_id \
    WHERE m.user_id = $1 AND o.deleted_on IS NULL ORDER BY m.created_on, o.id";

const SELECT_ROLE: &str = "SELECT m.role FROM memberships m \
    JOIN users u ON u.id = m.user_id AND u.deleted_on IS NULL \
    WHERE m.organization_id = $1 AND m.user_id = $2";

/// Gives `user` the role `role` in the proof's organization, or changes the role it has there.
pub async fn put(
    tx: &mut Tx,
    auth: &dyn Proof,
    user: UserId,
    role: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, USERS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPSERT)
        .bind(organization.uuid())
        .bind(user.uuid())
        .bind(role)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))
    .map_err(classify)?;
    Ok(())
}

const DELETE_ALL: &str = "DELETE FROM memberships WHERE organization_id = $1";

const SELECT_OWNER_EMAILS: &str = "SELECT email FROM users WHERE organization_id = $1 \
    AND deleted_on IS NULL AND role = 'owner' AND email IS NOT NULL \
    UNION SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
    WHERE m.organization_id = $1 AND m.role = 'owner' AND u.deleted_on IS NULL \
    AND u.email IS NOT NULL";

// People at home in $1 who own another live organization with no owner outside $1.
const SOLE_OWNERSHIPS: &str = "SELECT u.username, o.name FROM users u \
    JOIN memberships m ON m.user_id = u.id AND m.role = 'owner' \
    JOIN organizations o ON o.id = m.organization_id AND o.deleted_on IS NULL \
    WHERE u.organization_id = $1 AND u.deleted_on IS NULL \
    AND NOT EXISTS (SELECT 1 FROM memberships m2 JOIN users u2 ON u2.id = m2.user_id \
      WHERE m2.organization_id = m.organization_id AND m2.role = 'owner' \
      AND u2.deleted_on IS NULL AND u2.organization_id <> $1) \
    AND NOT EXISTS (SELECT 1 FROM users u3 WHERE u3.organization_id = m.organization_id \
      AND u3.role = 'owner' AND u3.deleted_on IS NULL) \
    ORDER BY u.username, o.name";

/// The people at home in the proof's organization who are the only owners left of another
/// organization (deleting them with it would leave that one ownerless): username and the
/// other organization's name.
pub async fn sole_ownerships_elsewhere(
    tx: &mut Tx,
    auth: &dyn Proof,
) -> Result<Vec<(String, String)>> {
    let organization = proven(auth, ORG_DELETE)?;
    Ok(
        on_tx!(tx, conn => sqlx::query_as::<_, (String, String)>(SOLE_OWNERSHIPS)
        .bind(organization.uuid())
        .fetch_all(conn)
        .await)?,
    )
}

/// Ends every membership of the proof's organization (it is being deleted).
pub async fn delete_all(tx: &mut Tx, auth: &dyn Proof) -> Result<u64> {
    let organization = proven(auth, ORG_DELETE)?;
    Ok(on_tx!(tx, conn => sqlx::query(DELETE_ALL)
        .bind(organization.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}

/// The addresses of the proof's organization's owners, at home there or by membership.
pub async fn owner_emails(tx: &mut Tx, auth: &dyn Proof) -> Result<Vec<String>> {
    let organization = proven_any(auth, &[USERS_READ, ORG_DELETE])?;
    Ok(
        on_tx!(tx, conn => sqlx::query_scalar::<_, String>(SELECT_OWNER_EMAILS)
        .bind(organization.uuid())
        .fetch_all(conn)
        .await)?,
    )
}

/// Ends `user`'s membership of the proof's organization; false when there was none.
pub async fn delete(tx: &mut Tx, auth: &dyn Proof, user: UserId) -> Result<bool> {
    let organization = proven(auth, USERS_DELETE)?;
    let deleted = on_tx!(tx, conn => sqlx::query(DELETE)
        .bind(organization.uuid())
        .bind(user.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// The role `user` holds as a member of the proof's organization.
pub async fn role_in(tx: &mut Tx, auth: &dyn Proof, user: UserId) -> Result<Option<String>> {
    let organization = proven(auth, USERS_READ)?;
    Ok(
        on_tx!(tx, conn => sqlx::query_scalar::<_, String>(SELECT_ROLE)
        .bind(organization.uuid())
        .bind(user.uuid())
        .fetch_optional(conn)
        .await)?,
    )
}

const LOCK_ORG: &str = "UPDATE organizations SET updated_on = updated_on WHERE id = $1";

const COUNT_OWNERS: &str = "SELECT \
    (SELECT COUNT(*) FROM users WHERE organization_id = $1 AND deleted_on IS NULL \
        AND role = 'owner') \
    + (SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
        AND u.deleted_on IS NULL WHERE m.organization_id = $1 AND m.role = 'owner')";

/// How many owners the proof's organization has (at home and by membership), holding its
/// lock until the transaction ends, so two owners stepping down at once cannot both see
/// "one more owner left" (SQLite writers are serialized already).
pub async fn count_owners_locked(tx: &mut Tx, auth: &dyn Proof) -> Result<i64> {
    let organization = proven(auth, USERS_READ)?;
    on_tx!(tx, conn => sqlx::query(LOCK_ORG)
        .bind(organization.uuid())
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(
        on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(COUNT_OWNERS)
        .bind(organization.uuid())
        .fetch_one(conn)
        .await)?,
    )
}

const ANY: &str = "SELECT EXISTS (SELECT 1 FROM memberships WHERE organization_id = $1)";

/// Whether the proof's organization has any member from another organization.
pub async fn any(tx: &mut Tx, auth: &dyn Proof) -> Result<bool> {
    let organization = proven_any(auth, PEOPLE_READS)?;
    Ok(on_tx!(tx, conn => sqlx::query_scalar::<_, bool>(ANY)
        .bind(organization.uuid())
        .fetch_one(conn)
        .await)?)
}

const SELECT_ROLES: &str =
    "SELECT user_id, role FROM memberships WHERE organization_id = $1 ORDER BY user_id";

/// The role of each member of the proof's organization, by user.
pub async fn roles(tx: &mut Tx, auth: &dyn Proof) -> Result<HashMap<UserId, String>> {
    let organization = proven_any(auth, PEOPLE_READS)?;
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, (Uuid, String)>(SELECT_ROLES)
        .bind(organization.uuid())
        .fetch_all(conn)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(user, role)| (UserId::from_uuid(user), role))
        .collect())
}

type MembershipRow = (Uuid, Option<Uuid>, String, String, String, OffsetDateTime);

/// The live organizations `user` joined, oldest membership first. Part of authenticating the
/// user (before any proof exists), so it takes none.
pub async fn of_user(tx: &mut Tx, user: UserId) -> Result<Vec<Membership>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, MembershipRow>(SELECT_OF_USER)
        .bind(user.uuid())
        .fetch_all(conn)
        .await)?;
    rows.into_iter()
        .map(|(id, parent_id, status, name, role, created_on)| {
            Ok(Membership {
                organization: OrgScope {
                    id: OrganizationId::from_uuid(id),
                    parent_id: parent_id.map(OrganizationId::from_uuid),
                    status: parse_stored(&status, OrgStatus::parse)?,
                },
                organization_name: name,
                role,
                created_on,
            })
        })
        .collect()
}
