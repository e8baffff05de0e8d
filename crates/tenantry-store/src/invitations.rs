//! Invitations to join an organization. Writes and lists take a proof of the organization;
//! redeeming a link looks it up by digest before any actor exists (the link is the
//! authority), and is named so.

use tenantry_core::perms::{ORG_DELETE, USERS_MANAGE, USERS_READ};
use tenantry_core::{InvitationId, OrganizationId, Proof, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::proof::{proven, proven_for};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub role: String,
    pub invited_by: Option<UserId>,
    pub expires_at: OffsetDateTime,
    pub created_on: OffsetDateTime,
    pub accepted_on: Option<OffsetDateTime>,
    pub accepted_by: Option<UserId>,
    pub revoked_on: Option<OffsetDateTime>,
}

type Row = (
    Uuid,
    Uuid,
    String,
    String,
    Option<Uuid>,
    OffsetDateTime,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<Uuid>,
    Option<OffsetDateTime>,
);

fn record(r: Row) -> Invitation {
    Invitation {
        id: InvitationId::from_uuid(r.0),
        organization_id: OrganizationId::from_uuid(r.1),
        email: r.2,
        role: r.3,
        invited_by: r.4.map(UserId::from_uuid),
        expires_at: r.5,
        created_on: r.6,
        accepted_on: r.7,
        accepted_by: r.8.map(UserId::from_uuid),
        revoked_on: r.9,
    }
}

macro_rules! select_invitations {
    ($where:literal) => {
        concat!(
            "SELECT id, organization_id, email, role, invited_by, expires_at, created_on, ",
            "accepted_on, accepted_by, revoked_on FROM invitations ",
            $where
        )
    };
}

const INSERT: &str = "INSERT INTO invitations (id, organization_id, email, role, token_digest, \
    invited_by, expires_at, created_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const OF_ORG: &str = select_invitations!("WHERE organization_id = $1 ORDER BY created_on DESC, id");
const ONE: &str = select_invitations!("WHERE id = $1 AND organization_id = $2");
const BY_TOKEN: &str = select_invitations!("WHERE token_digest = $1");
const RENEW: &str = "UPDATE invitations SET token_digest = $3, expires_at = $4 \
    WHERE id = $1 AND organization_id = $2 AND accepted_on IS NULL AND revoked_on IS NULL";
const REVOKE: &str = "UPDATE invitations SET revoked_on = $3 \
    WHERE id = $1 AND organization_id = $2 AND accepted_on IS NULL AND revoked_on IS NULL";
// Conditional, so of two acceptances of one link exactly one wins.
const ACCEPT: &str = "UPDATE invitations SET accepted_on = $2, accepted_by = $3 \
    WHERE id = $1 AND accepted_on IS NULL AND revoked_on IS NULL AND expires_at > $2";

/// Stores an invitation of the proof's organization with its link's digest.
pub async fn insert(
    tx: &mut Tx,
    auth: &dyn Proof,
    i: &Invitation,
    token_digest: &[u8],
) -> Result<()> {
    proven_for(auth, i.organization_id, USERS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(i.id.uuid())
        .bind(i.organization_id.uuid())
        .bind(&i.email)
        .bind(&i.role)
        .bind(token_digest)
        .bind(i.invited_by.map(|u| u.uuid()))
        .bind(i.expires_at)
        .bind(i.created_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Every invitation of the proof's organization, newest first.
pub async fn list(tx: &mut Tx, auth: &dyn Proof) -> Result<Vec<Invitation>> {
    let organization = proven(auth, USERS_READ)?;
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, Row>(OF_ORG)
        .bind(organization.uuid())
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(record).collect())
}

/// One invitation of the proof's organization.
pub async fn get(tx: &mut Tx, auth: &dyn Proof, id: InvitationId) -> Result<Option<Invitation>> {
    let organization = proven(auth, USERS_READ)?;
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(ONE)
        .bind(id.uuid())
        .bind(organization.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(record))
}

/// A new link and a new expiry for a pending invitation; false when it is no longer pending.
pub async fn renew(
    tx: &mut Tx,
    auth: &dyn Proof,
    id: InvitationId,
    token_digest: &[u8],
    expires_at: OffsetDateTime,
) -> Result<bool> {
    let organization = proven(auth, USERS_MANAGE)?;
    let changed = on_tx!(tx, conn => sqlx::query(RENEW)
        .bind(id.uuid())
        .bind(organization.uuid())
        .bind(token_digest)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Revokes a pending invitation; false when it is no longer pending.
pub async fn revoke(
    tx: &mut Tx,
    auth: &dyn Proof,
    id: InvitationId,
    now: OffsetDateTime,
) -> Result<bool> {
    let organization = proven(auth, USERS_MANAGE)?;
    let changed = on_tx!(tx, conn => sqlx::query(REVOKE)
        .bind(id.uuid())
        .bind(organization.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

const REVOKE_ALL_PENDING: &str = "UPDATE invitations SET revoked_on = $2 \
    WHERE organization_id = $1 AND accepted_on IS NULL AND revoked_on IS NULL";

/// Revokes every invitation of the proof's organization still open (it is being deleted).
pub async fn revoke_all_open(tx: &mut Tx, auth: &dyn Proof, now: OffsetDateTime) -> Result<u64> {
    let organization = proven(auth, ORG_DELETE)?;
    Ok(on_tx!(tx, conn => sqlx::query(REVOKE_ALL_PENDING)
        .bind(organization.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}

/// The invitation a link stands for, whatever its state: redeeming a link is the link's own
/// authority, before any actor exists.
pub async fn by_token(tx: &mut Tx, token_digest: &[u8]) -> Result<Option<Invitation>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(BY_TOKEN)
        .bind(token_digest)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(record))
}

/// Marks a pending, unexpired invitation accepted by `user`; false when it is not (any more).
pub async fn accept(
    tx: &mut Tx,
    id: InvitationId,
    user: UserId,
    now: OffsetDateTime,
) -> Result<bool> {
    let changed = on_tx!(tx, conn => sqlx::query(ACCEPT)
        .bind(id.uuid())
        .bind(now)
        .bind(user.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}
