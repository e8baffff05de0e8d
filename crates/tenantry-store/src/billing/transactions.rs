//! Billing transactions: what was bought or credited, for which organization, and how it
//! moved the paying account's balance.

use sea_query::{Alias, Expr, Query};
use tenantry_core::billing::{Action, Minor, ProductType, TransactionStatus};
use tenantry_core::values::Currency;
use tenantry_core::{BillingTransactionId, OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx, parse_stored};
use crate::error::{Result, classify};
use crate::list::{Page, PageRequest, SortOrder, page_built, time_ranges};
use crate::proof::{BILLING_READS, proven, proven_any, proven_change_in, proven_for_any};
use tenantry_core::perms::ORG_DELETE;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub id: BillingTransactionId,
    /// The paying organization, whose balance moved.
    pub account_id: OrganizationId,
    /// The organization the product was for (the account's own or a consolidated child).
    pub organization_id: OrganizationId,
    pub product_type: ProductType,
    pub product_reference: Option<String>,
    pub action: Action,
    pub volume: String,
    pub unit: Option<String>,
    /// Net of tax; never negative.
    pub price: Minor,
    pub tax_rate: String,
    pub tax_amount: Minor,
    /// Gross (price plus tax); never negative.
    pub amount: Minor,
    /// What it did to the balance: negative for a charge, positive for a credit.
    pub balance_change: Minor,
    pub currency: Currency,
    pub status: TransactionStatus,
    /// Why an operator refunded or adjusted.
    pub reason: Option<String>,
    /// The payment's reference, for a top-up.
    pub reference: Option<String>,
    pub refund_of: Option<BillingTransactionId>,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
    pub completed_on: Option<OffsetDateTime>,
}

const COLUMNS: [&str; 21] = [
    "id",
    "account_id",
    "organization_id",
    "product_type",
    "product_reference",
    "action",
    "volume",
    "unit",
    "price",
    "tax_rate",
    "tax_amount",
    "amount",
    "balance_change",
    "currency",
    "status",
    "reason",
    "reference",
    "refund_of",
    "created_on",
    "updated_on",
    "completed_on",
];

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    account_id: Uuid,
    organization_id: Uuid,
    product_type: String,
    product_reference: Option<String>,
    action: String,
    volume: String,
    unit: Option<String>,
    price: i64,
    tax_rate: String,
    tax_amount: i64,
    amount: i64,
    balance_change: i64,
    currency: String,
    status: String,
    reason: Option<String>,
    reference: Option<String>,
    refund_of: Option<Uuid>,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
    completed_on: Option<OffsetDateTime>,
}

impl TryFrom<Row> for Transaction {
    type Error = crate::StoreError;

    fn try_from(r: Row) -> Result<Self> {
        Ok(Transaction {
            id: BillingTransactionId::from_uuid(r.id),
            account_id: OrganizationId::from_uuid(r.account_id),
            organization_id: OrganizationId::from_uuid(r.organization_id),
            product_type: parse_stored(&r.product_type, ProductType::parse)?,
            product_reference: r.product_reference,
            action: parse_stored(&r.action, Action::parse)?,
            volume: r.volume,
            unit: r.unit,
            price: Minor(r.price),
            tax_rate: r.tax_rate,
            tax_amount: Minor(r.tax_amount),
            amount: Minor(r.amount),
            balance_change: Minor(r.balance_change),
            currency: parse_stored(&r.currency, |s| Currency::parse(s).ok())?,
            status: parse_stored(&r.status, TransactionStatus::parse)?,
            reason: r.reason,
            reference: r.reference,
            refund_of: r.refund_of.map(BillingTransactionId::from_uuid),
            created_on: r.created_on,
            updated_on: r.updated_on,
            completed_on: r.completed_on,
        })
    }
}

const INSERT: &str = "INSERT INTO billing_transactions (id, account_id, organization_id, \
    product_type, product_reference, action, volume, unit, price, tax_rate, tax_amount, amount, \
    balance_change, currency, status, reason, reference, refund_of, created_on, updated_on, \
    completed_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
    $17, $18, $19, $20, $21)";

const REFUNDED: &str = "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT), \
    CAST(COALESCE(SUM(tax_amount), 0) AS BIGINT) FROM billing_transactions \
    WHERE refund_of = $1 AND status = 'succeeded'";

/// Records a transaction; `auth` is on the organization the product was for, or on the
/// paying organization. A succeeded one moves its account's balance and appends the ledger
/// entry (the migration's triggers); a purchase that would take the balance below the
/// account's floor is refused with `StoreError::InsufficientFunds` and nothing is written.
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, t: &Transaction) -> Result<()> {
    proven_change_in(auth, &[t.organization_id, t.account_id], "a transaction")?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(t.id.uuid())
        .bind(t.account_id.uuid())
        .bind(t.organization_id.uuid())
        .bind(t.product_type.as_str())
        .bind(&t.product_reference)
        .bind(t.action.as_str())
        .bind(&t.volume)
        .bind(&t.unit)
        .bind(t.price.0)
        .bind(&t.tax_rate)
        .bind(t.tax_amount.0)
        .bind(t.amount.0)
        .bind(t.balance_change.0)
        .bind(t.currency.as_str())
        .bind(t.status.as_str())
        .bind(&t.reason)
        .bind(&t.reference)
        .bind(t.refund_of.map(|id| id.uuid()))
        .bind(t.created_on)
        .bind(t.updated_on)
        .bind(t.completed_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

/// A transaction of the proof's organization: one it paid for, or one for a product of its
/// own. Another organization's transaction is `None`, like an id that does not exist.
pub async fn get(
    tx: &mut Tx,
    auth: &dyn Proof,
    id: BillingTransactionId,
) -> Result<Option<Transaction>> {
    let organization = proven_any(auth, BILLING_READS)?;
    let sql = format!(
        "SELECT {} FROM billing_transactions WHERE id = $1 \
         AND (account_id = $2 OR organization_id = $2)",
        COLUMNS.join(", ")
    );
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(&sql)
        .bind(id.uuid())
        .bind(organization.uuid())
        .fetch_optional(conn)
        .await)?;
    row.map(Transaction::try_from).transpose()
}

/// The succeeded wallet top-ups of the proof's organization's own account, newest first:
/// what deleting the organization refunds its unspent balance against.
pub async fn top_ups_newest_first(tx: &mut Tx, auth: &dyn Proof) -> Result<Vec<Transaction>> {
    let organization = proven(auth, ORG_DELETE)?;
    let sql = format!(
        "SELECT {} FROM billing_transactions WHERE account_id = $1 AND action = $2 \
         AND status = 'succeeded' ORDER BY created_on DESC, id DESC",
        COLUMNS.join(", ")
    );
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, Row>(&sql)
        .bind(organization.uuid())
        .bind(Action::WalletTopUp.as_str())
        .fetch_all(conn)
        .await)?;
    rows.into_iter().map(Transaction::try_from).collect()
}

/// How much of a transaction has been refunded so far, and how much of that was tax.
pub async fn refunded(tx: &mut Tx, id: BillingTransactionId) -> Result<(Minor, Minor)> {
    let (amount, tax) = on_tx!(tx, conn => sqlx::query_as::<_, (i64, i64)>(REFUNDED)
        .bind(id.uuid())
        .fetch_one(conn)
        .await)?;
    Ok((Minor(amount), Minor(tax)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionSort {
    ProductType,
    Action,
    Status,
    CreatedOn,
    CompletedOn,
}

/// Whose transactions: a whole account's, or one organization's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionOwner {
    Account(OrganizationId),
    Organization(OrganizationId),
}

#[derive(Debug, Clone)]
pub struct TransactionFilter {
    pub product_reference: Option<String>,
    pub product_type: Option<ProductType>,
    pub action: Option<Action>,
    pub status: Option<TransactionStatus>,
    pub created_after: Option<OffsetDateTime>,
    pub created_before: Option<OffsetDateTime>,
    pub completed_after: Option<OffsetDateTime>,
    pub completed_before: Option<OffsetDateTime>,
    pub sort: TransactionSort,
    pub order: SortOrder,
}

impl Default for TransactionFilter {
    /// Everything, newest first.
    fn default() -> Self {
        Self {
            product_reference: None,
            product_type: None,
            action: None,
            status: None,
            created_after: None,
            created_before: None,
            completed_after: None,
            completed_before: None,
            sort: TransactionSort::CreatedOn,
            order: SortOrder::Desc,
        }
    }
}

/// A page of the transactions `owner` names, which must be the proof's organization's.
pub async fn list(
    tx: &mut Tx,
    auth: &dyn Proof,
    owner: TransactionOwner,
    filter: &TransactionFilter,
    page: PageRequest,
) -> Result<Page<Transaction>> {
    let (TransactionOwner::Account(organization) | TransactionOwner::Organization(organization)) =
        owner;
    proven_for_any(auth, organization, BILLING_READS)?;
    let col = |name: &str| Expr::col(Alias::new(name));
    let mut query = Query::select();
    query
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("billing_transactions"));
    match owner {
        TransactionOwner::Account(id) => query.and_where(col("account_id").eq(id.uuid())),
        TransactionOwner::Organization(id) => query.and_where(col("organization_id").eq(id.uuid())),
    };
    if let Some(reference) = &filter.product_reference {
        query.and_where(col("product_reference").eq(reference.as_str()));
    }
    for (column, value) in [
        ("product_type", filter.product_type.map(ProductType::as_str)),
        ("action", filter.action.map(Action::as_str)),
        ("status", filter.status.map(TransactionStatus::as_str)),
    ] {
        if let Some(value) = value {
            query.and_where(col(column).eq(value));
        }
    }
    time_ranges(
        &mut query,
        &[
            ("created_on", filter.created_after, filter.created_before),
            (
                "completed_on",
                filter.completed_after,
                filter.completed_before,
            ),
        ],
    );
    let sort_column = match filter.sort {
        TransactionSort::ProductType => "product_type",
        TransactionSort::Action => "action",
        TransactionSort::Status => "status",
        TransactionSort::CreatedOn => "created_on",
        TransactionSort::CompletedOn => "completed_on",
    };
    let (rows, total) = page_built!(
        tx,
        "billing_transactions",
        &COLUMNS,
        query,
        (sort_column, filter.order),
        page,
        Row
    );
    Ok(Page {
        items: rows
            .into_iter()
            .map(Transaction::try_from)
            .collect::<Result<_>>()?,
        total_items: total,
        request: page,
    })
}
