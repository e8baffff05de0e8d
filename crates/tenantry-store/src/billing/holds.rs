//! Holds: money set aside on an account for a purchase that waits on a registry. An open hold
//! counts against the balance (the floor of every charge rises by it, in the migration's
//! trigger) until it is captured (its charge is then recorded) or released. Placing and
//! settling one is part of a use case under a proof of the organization or of the paying
//! one; the reconciler's platform-wide read of holds left open is named so.

use tenantry_core::billing::Minor;
use tenantry_core::{BillingHoldId, OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::proof::proven_change_in;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldState {
    Held,
    Captured,
    Released,
}

impl HoldState {
    fn as_str(self) -> &'static str {
        match self {
            HoldState::Held => "held",
            HoldState::Captured => "captured",
            HoldState::Released => "released",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "held" => HoldState::Held,
            "captured" => HoldState::Captured,
            _ => HoldState::Released,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub id: BillingHoldId,
    pub account_id: OrganizationId,
    pub organization_id: OrganizationId,
    pub amount: Minor,
    /// What it is for: a domain's id.
    pub subject: String,
    /// The purchase it pays, as the use case that settles it reads it back (JSON text).
    pub purpose: String,
    pub state: HoldState,
    pub created_on: OffsetDateTime,
    pub settled_on: Option<OffsetDateTime>,
}

type Row = (
    Uuid,
    Uuid,
    Uuid,
    i64,
    String,
    String,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
);

fn record(r: Row) -> Hold {
    Hold {
        id: BillingHoldId::from_uuid(r.0),
        account_id: OrganizationId::from_uuid(r.1),
        organization_id: OrganizationId::from_uuid(r.2),
        amount: Minor(r.3),
        subject: r.4,
        purpose: r.5,
        state: HoldState::parse(&r.6),
        created_on: r.7,
        settled_on: r.8,
    }
}

const COLUMNS: &str =
    "id, account_id, organization_id, amount, subject, purpose, state, created_on, settled_on";
const INSERT: &str = "INSERT INTO billing_holds (id, account_id, organization_id, amount, \
    subject, purpose, state, created_on) VALUES ($1, $2, $3, $4, $5, $6, 'held', $7)";
// With whether the account pays for `$2`, the proof's organization (its own or its parent's).
const OPEN_TOTAL: &str = "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT), \
    (SELECT COUNT(*) FROM organizations o WHERE o.id = $2 AND (o.id = $1 OR o.parent_id = $1)) \
    FROM billing_holds WHERE account_id = $1 AND state = 'held'";
// Conditional, so a hold is settled once: of a use case and the reconciler settling it at
// the same moment, one does.
const SETTLE: &str = "UPDATE billing_holds SET state = $2, settled_on = $3 \
    WHERE id = $1 AND state = 'held' AND (organization_id = $4 OR account_id = $4)";

/// Places a hold; `auth` is on the organization the purchase is for, or on the paying one.
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, hold: &Hold) -> Result<()> {
    proven_change_in(auth, &[hold.organization_id, hold.account_id], "a hold")?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(hold.id.uuid())
        .bind(hold.account_id.uuid())
        .bind(hold.organization_id.uuid())
        .bind(hold.amount.0)
        .bind(&hold.subject)
        .bind(&hold.purpose)
        .bind(hold.created_on)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The money an account's open holds set aside.
pub async fn open_total(tx: &mut Tx, auth: &dyn Proof, account: OrganizationId) -> Result<Minor> {
    proven_change_in(auth, &[account, auth.organization_id()], "the holds")?;
    let (total, pays) = on_tx!(tx, conn => sqlx::query_as::<_, (i64, i64)>(OPEN_TOTAL)
        .bind(account.uuid())
        .bind(auth.organization_id().uuid())
        .fetch_one(conn)
        .await)?;
    if pays == 0 {
        return Err(crate::error::StoreError::ProofMismatch(format!(
            "the holds of {account}, which does not pay for {}",
            auth.organization_id()
        )));
    }
    Ok(Minor(total))
}

/// Settles an open hold of the proof's organization (or paying one) as captured or released;
/// false when it was settled already.
pub async fn settle(
    tx: &mut Tx,
    auth: &dyn Proof,
    hold: &Hold,
    state: HoldState,
    now: OffsetDateTime,
) -> Result<bool> {
    proven_change_in(auth, &[hold.organization_id, hold.account_id], "a hold")?;
    // The row must be of the proof's organization too, not only the hold handed in.
    Ok(on_tx!(tx, conn => sqlx::query(SETTLE)
        .bind(hold.id.uuid())
        .bind(state.as_str())
        .bind(now)
        .bind(auth.organization_id().uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}

/// The open hold for `subject` (a domain id) of the proof's organization: what a
/// settlement finds.
pub async fn open_for(tx: &mut Tx, auth: &dyn Proof, subject: &str) -> Result<Option<Hold>> {
    let organization = auth.organization_id();
    proven_change_in(auth, &[organization], "a hold")?;
    let sql = format!(
        "SELECT {COLUMNS} FROM billing_holds WHERE state = 'held' \
         AND organization_id = $1 AND subject = $2"
    );
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(&sql)
        .bind(organization.uuid())
        .bind(subject)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(record))
}

/// How many holds are open across the platform (the reconciler's and the tests' check).
pub async fn open_count(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM billing_holds WHERE state = 'held'")
        .fetch_one(conn)
        .await)?)
}
