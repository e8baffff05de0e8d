//! Billing accounts: one per paying organization, its balance and its terms. The balance only
//! moves when a succeeded transaction is recorded (`transactions::insert`), and the database
//! appends the ledger entry in the same statement.

use tenantry_core::billing::{BillingModel, Minor};
use tenantry_core::perms::{BILLING_MANAGE, ORG_MANAGE};
use tenantry_core::values::Currency;
use tenantry_core::{OrganizationId, PlanId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx, parse_stored};
use crate::error::Result;
use crate::proof::{proven, proven_change_in};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The paying organization; an account has no id of its own.
    pub organization_id: OrganizationId,
    pub currency: Currency,
    pub billing_model: BillingModel,
    /// How far below zero a postpaid account may go (ignored while prepaid).
    pub credit_limit: Minor,
    pub balance: Minor,
    pub plan_id: Option<PlanId>,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
}

impl Account {
    /// The lowest balance a charge may leave.
    pub fn floor(&self) -> Minor {
        match self.billing_model {
            BillingModel::Prepaid => Minor::ZERO,
            BillingModel::Postpaid => Minor(-self.credit_limit.0),
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    organization_id: Uuid,
    currency: String,
    billing_model: String,
    credit_limit: i64,
    balance: i64,
    plan_id: Option<Uuid>,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
}

impl TryFrom<Row> for Account {
    type Error = crate::StoreError;

    fn try_from(row: Row) -> Result<Self> {
        Ok(Account {
            organization_id: OrganizationId::from_uuid(row.organization_id),
            currency: parse_stored(&row.currency, |s| Currency::parse(s).ok())?,
            billing_model: parse_stored(&row.billing_model, BillingModel::parse)?,
            credit_limit: Minor(row.credit_limit),
            balance: Minor(row.balance),
            plan_id: row.plan_id.map(PlanId::from_uuid),
            created_on: row.created_on,
            updated_on: row.updated_on,
        })
    }
}

const COLUMNS: &str = "organization_id, currency, billing_model, credit_limit, balance, plan_id, created_on, updated_on";

const INSERT: &str = "INSERT INTO billing_accounts (organization_id, currency, billing_model, \
    credit_limit, balance, plan_id, created_on, updated_on) VALUES ($1, $2, $3, $4, 0, NULL, $5, $5)";

const SET_TERMS: &str = "UPDATE billing_accounts SET billing_model = $2, credit_limit = $3, \
    updated_on = $4 WHERE organization_id = $1";

const SET_PLAN: &str =
    "UPDATE billing_accounts SET plan_id = $2, updated_on = $3 WHERE organization_id = $1";

// Only the account that pays for `$3` (its own, or its parent's): the proof is for `$3`.
const LOCK: &str = "UPDATE billing_accounts SET updated_on = $2 WHERE organization_id = $1 \
    AND EXISTS (SELECT 1 FROM organizations o WHERE o.id = $3 \
    AND (o.id = $1 OR o.parent_id = $1))";

const LEDGER_SUM: &str = "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT), COUNT(*) FROM billing_ledger \
    WHERE account_id = $1";

/// Opens the account of a paying organization (a top-level one, or an independent
/// suborganization), empty and prepaid.
pub async fn insert(
    tx: &mut Tx,
    auth: &dyn Proof,
    currency: Currency,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(organization.uuid())
        .bind(currency.as_str())
        .bind(BillingModel::Prepaid.as_str())
        .bind(0i64)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(tx: &mut Tx, organization: OrganizationId) -> Result<Option<Account>> {
    let sql = format!("SELECT {COLUMNS} FROM billing_accounts WHERE organization_id = $1");
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(&sql)
        .bind(organization.uuid())
        .fetch_optional(conn)
        .await)?;
    row.map(Account::try_from).transpose()
}

pub async fn set_terms(
    tx: &mut Tx,
    auth: &dyn Proof,
    model: BillingModel,
    credit_limit: Minor,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, BILLING_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(SET_TERMS)
        .bind(organization.uuid())
        .bind(model.as_str())
        .bind(credit_limit.0)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_plan(
    tx: &mut Tx,
    auth: &dyn Proof,
    plan: PlanId,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, BILLING_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(SET_PLAN)
        .bind(organization.uuid())
        .bind(plan.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes the account row's lock until the transaction ends (on SQLite the single writer
/// already orders transactions), for a check that must not race another writer.
pub async fn lock(
    tx: &mut Tx,
    auth: &dyn Proof,
    account: OrganizationId,
    now: OffsetDateTime,
) -> Result<()> {
    // Any write of the organization may queue on the account its purchases are charged to
    // (the charge itself is checked as a change in the organization or the payer), and on
    // no other.
    proven_change_in(
        auth,
        &[account, auth.organization_id()],
        "an account's lock",
    )?;
    let locked = on_tx!(tx, conn => sqlx::query(LOCK)
        .bind(account.uuid())
        .bind(now)
        .bind(auth.organization_id().uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if locked == 0 {
        return Err(crate::error::StoreError::ProofMismatch(format!(
            "no account of {account} pays for {}",
            auth.organization_id()
        )));
    }
    Ok(())
}

/// The sum of an account's ledger entries and how many there are: what the balance must
/// equal.
pub async fn ledger_sum(tx: &mut Tx, account: OrganizationId) -> Result<(Minor, i64)> {
    let (sum, count) = on_tx!(tx, conn => sqlx::query_as::<_, (i64, i64)>(LEDGER_SUM)
        .bind(account.uuid())
        .fetch_one(conn)
        .await)?;
    Ok((Minor(sum), count))
}
