//! Offers of an organization's ownership. Making, reading and cancelling one take a proof of
//! the organization; redeeming a link looks it up by digest (the link is the authority) and
//! is named so.

use tenantry_core::perms::{ORG_DELETE, ORG_MANAGE, ORG_READ};
use tenantry_core::{OrganizationId, Proof, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::proof::{proven, proven_any, proven_for};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnershipTransfer {
    pub id: Uuid,
    pub organization_id: OrganizationId,
    pub from_user: UserId,
    pub to_user: UserId,
    pub expires_at: OffsetDateTime,
    pub created_on: OffsetDateTime,
}

type Row = (Uuid, Uuid, Uuid, Uuid, OffsetDateTime, OffsetDateTime);

fn record(r: Row) -> OwnershipTransfer {
    OwnershipTransfer {
        id: r.0,
        organization_id: OrganizationId::from_uuid(r.1),
        from_user: UserId::from_uuid(r.2),
        to_user: UserId::from_uuid(r.3),
        expires_at: r.4,
        created_on: r.5,
    }
}

const CANCEL_OPEN: &str = "UPDATE ownership_transfers SET cancelled_on = $2 \
    WHERE organization_id = $1 AND accepted_on IS NULL AND cancelled_on IS NULL";
const INSERT: &str = "INSERT INTO ownership_transfers (id, organization_id, from_user, to_user, \
    token_digest, expires_at, created_on) VALUES ($1, $2, $3, $4, $5, $6, $7)";
const SELECT_OPEN: &str = "SELECT id, organization_id, from_user, to_user, expires_at, \
    created_on FROM ownership_transfers WHERE organization_id = $1 \
    AND accepted_on IS NULL AND cancelled_on IS NULL";
const BY_TOKEN: &str = "SELECT id, organization_id, from_user, to_user, expires_at, created_on \
    FROM ownership_transfers WHERE token_digest = $1 \
    AND accepted_on IS NULL AND cancelled_on IS NULL";
// Conditional, so of two acceptances of one link exactly one wins.
const ACCEPT: &str = "UPDATE ownership_transfers SET accepted_on = $2 \
    WHERE id = $1 AND accepted_on IS NULL AND cancelled_on IS NULL AND expires_at > $2";

/// Stores a new offer of the proof's organization; an open one it had is cancelled.
pub async fn replace_open(
    tx: &mut Tx,
    proof: &dyn Proof,
    transfer: &OwnershipTransfer,
    token_digest: &[u8],
) -> Result<()> {
    // The offer is of the proof's organization, in every build.
    proven_for(proof, transfer.organization_id, ORG_MANAGE)?;
    let organization = transfer.organization_id;
    cancel_open(tx, proof, transfer.created_on).await?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(transfer.id)
        .bind(organization.uuid())
        .bind(transfer.from_user.uuid())
        .bind(transfer.to_user.uuid())
        .bind(token_digest)
        .bind(transfer.expires_at)
        .bind(transfer.created_on)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The organization's open offer, expired or not.
pub async fn open(tx: &mut Tx, proof: &dyn Proof) -> Result<Option<OwnershipTransfer>> {
    let organization = proven(proof, ORG_READ)?;
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(SELECT_OPEN)
        .bind(organization.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(record))
}

/// Cancels the organization's open offer; answers whether there was one.
pub async fn cancel_open(tx: &mut Tx, proof: &dyn Proof, now: OffsetDateTime) -> Result<bool> {
    let organization = proven_any(proof, &[ORG_MANAGE, ORG_DELETE])?;
    Ok(on_tx!(tx, conn => sqlx::query(CANCEL_OPEN)
        .bind(organization.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() > 0))?)
}

/// The open offer a link stands for, before anyone is authorized: the link is the authority.
pub async fn by_token(tx: &mut Tx, token_digest: &[u8]) -> Result<Option<OwnershipTransfer>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(BY_TOKEN)
        .bind(token_digest)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(record))
}

/// Marks an offer accepted, unless it was accepted, cancelled or expired meanwhile.
pub async fn accept(tx: &mut Tx, id: Uuid, now: OffsetDateTime) -> Result<bool> {
    Ok(on_tx!(tx, conn => sqlx::query(ACCEPT)
        .bind(id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}
