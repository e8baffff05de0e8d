//! Billing: the account that pays for each organization, charges against it, and what an
//! organization's users may see of it.
//!
//! A top-level organization and an `independent` suborganization pay for themselves; a
//! `consolidated` suborganization's purchases are charged to its parent's account. Every
//! movement of a balance is a transaction plus a ledger entry, written in the transaction of
//! the operation it pays for.

mod holds;
mod plans;
mod pricing;
mod quotes;
mod statements;
mod unspent;
mod wallet;

use crate::authz::Authorized;
use serde_json::json;
use tenantry_core::billing::{Action, Minor, ProductType, TaxRate, TransactionStatus};
use tenantry_core::values::Currency;
use tenantry_core::{BillingTransactionId, OrganizationId};
use tenantry_store::billing::accounts;
use tenantry_store::billing::transactions;
use tenantry_store::organizations::{self, Organization};
use tenantry_store::{StoreError, Tx};
use time::OffsetDateTime;

pub(crate) use holds::{capture, domain_quote, release, reserve};
pub use plans::{PlanChoice, PlanCreate, PlanPatch};
pub use pricing::PriceInput;
pub(crate) use quotes::QuoteCache;
pub use statements::Statement;
pub use tenantry_store::billing::accounts::Account;
pub use tenantry_store::billing::plans::Plan;
pub use tenantry_store::billing::prices::Price;
pub use tenantry_store::billing::transactions::{Transaction, TransactionFilter, TransactionSort};
pub use unspent::UnspentRefund;
pub(crate) use unspent::refund_unspent;
pub use wallet::{AccountTerms, WalletMovement};

use crate::actor::Actor;
use crate::error::{AppError, Result};

/// The billing facts of an organization that its viewer may see.
#[derive(Debug, Clone)]
pub struct BillingView {
    pub account: Account,
    /// The paying organization's number.
    pub customer_number: i64,
    pub plan: Option<Plan>,
}

/// The organization whose account pays for `org`'s purchases.
pub(crate) async fn payer(tx: &mut Tx, org: &Organization) -> Result<Organization> {
    if org.billing_mode == "independent" {
        return Ok(org.clone());
    }
    match org.parent_id {
        None => Ok(org.clone()),
        Some(parent) => organizations::get(tx, parent)
            .await?
            .ok_or_else(|| AppError::Internal(format!("the parent of {} is missing", org.id))),
    }
}

pub(crate) async fn account_of(tx: &mut Tx, payer: &Organization) -> Result<Account> {
    accounts::get(tx, payer.id)
        .await?
        .ok_or_else(|| AppError::Internal(format!("{} has no billing account", payer.id)))
}

/// The paying account's billing facts, if the viewer reaches the paying organization: a
/// consolidated suborganization's own users do not see their parent's account.
pub(crate) async fn view_for(
    tx: &mut Tx,
    viewer: &Actor,
    org: &Organization,
) -> Result<Option<BillingView>> {
    let payer = payer(tx, org).await?;
    if !viewer.principal.reaches(&payer.scope()) {
        return Ok(None);
    }
    let account = account_of(tx, &payer).await?;
    let plan = match account.plan_id {
        Some(id) => tenantry_store::billing::plans::get(tx, id).await?,
        None => None,
    };
    Ok(Some(BillingView {
        account,
        customer_number: payer.org_id,
        plan,
    }))
}

/// What is being bought, and how much of it.
#[derive(Debug, Clone)]
pub(crate) struct Purchase {
    pub product_type: ProductType,
    pub action: Action,
    pub product_reference: Option<String>,
    pub volume: String,
    pub unit: Option<String>,
    /// Net of tax.
    pub net: Minor,
}

/// What a purchase will cost and who pays, worked out before the write transaction (on a
/// read connection, beside the writer, or from `QuoteCache`). Prices, tax rates and
/// currencies change rarely; the charge itself re-checks the balance atomically.
#[derive(Debug, Clone)]
pub(crate) struct Quote {
    payer: OrganizationId,
    currency: Currency,
    rate: TaxRate,
    purchase: Purchase,
}

pub(super) fn tax_rate_of(payer: &Organization) -> Result<TaxRate> {
    match payer.profile.tax_rate.as_deref() {
        Some(rate) => TaxRate::parse(rate)
            .map_err(|e| AppError::Internal(format!("stored tax rate of {}: {e}", payer.id))),
        None => Ok(TaxRate::ZERO),
    }
}

/// The quote for one unit of a product bought in `org`, if the product is priced for it in
/// its paying account's currency; `None` means free (no transaction).
pub(crate) async fn quote(
    tx: &mut Tx,
    org: &Organization,
    product: ProductType,
    action: Action,
    reference: Option<String>,
) -> Result<Option<Quote>> {
    let payer = payer(tx, org).await?;
    let account = account_of(tx, &payer).await?;
    let priced =
        pricing::price_of(tx, org, &payer, product, action, None, account.currency).await?;
    let Some(price) = priced else {
        return Ok(None);
    };
    Ok(Some(Quote {
        payer: payer.id,
        currency: account.currency,
        rate: tax_rate_of(&payer)?,
        purchase: Purchase {
            product_type: product,
            action,
            product_reference: reference,
            volume: price
                .period
                .map_or_else(|| "1".to_owned(), |(value, _)| value.to_string()),
            unit: price.period.map(|(_, unit)| unit.as_str().to_owned()),
            net: price.price,
        },
    }))
}

/// Charges `org`'s paying account for a purchase made in `org` (`auth` is on `org`), quoting
/// it inside the transaction.
pub(crate) async fn charge(
    tx: &mut Tx,
    auth: &Authorized,
    org: &Organization,
    purchase: Purchase,
    now: OffsetDateTime,
) -> Result<Transaction> {
    let payer = payer(tx, org).await?;
    let account = account_of(tx, &payer).await?;
    let quote = Quote {
        payer: payer.id,
        currency: account.currency,
        rate: tax_rate_of(&payer)?,
        purchase,
    };
    charge_quoted(tx, auth, org.id, quote, now).await
}

/// Charges a quoted purchase made in `org` to the quote's payer: one INSERT of the
/// transaction, which the database turns into the balance's move and its ledger entry, or
/// refuses (`InsufficientFunds`, nothing written) when the balance would fall below the
/// account's floor (a free purchase never is). Call it last before committing: on PostgreSQL the account row stays locked until
/// then, and concurrent charges to the account wait for it.
pub(crate) async fn charge_quoted(
    tx: &mut Tx,
    auth: &Authorized,
    org: OrganizationId,
    quote: Quote,
    now: OffsetDateTime,
) -> Result<Transaction> {
    let Quote {
        payer,
        currency,
        rate,
        purchase,
    } = quote;
    let tax = rate.tax_on(purchase.net);
    let gross = purchase
        .net
        .checked_add(tax)
        .ok_or_else(|| AppError::Internal("amount overflow".into()))?;
    let transaction = Transaction {
        id: BillingTransactionId::generate(),
        account_id: payer,
        organization_id: org,
        product_type: purchase.product_type,
        product_reference: purchase.product_reference,
        action: purchase.action,
        volume: purchase.volume,
        unit: purchase.unit,
        price: purchase.net,
        tax_rate: rate.to_string(),
        tax_amount: tax,
        amount: gross,
        balance_change: Minor(-gross.0),
        currency,
        status: TransactionStatus::Succeeded,
        reason: None,
        reference: None,
        refund_of: None,
        created_on: now,
        updated_on: now,
        completed_on: Some(now),
    };
    let seen = match transactions::insert(tx, auth, &transaction).await {
        Ok(()) => {
            // `/metrics`: a charge written, counted once its use case's transaction commits.
            let labels = [
                ("product_type", transaction.product_type.as_str().to_owned()),
                ("action", transaction.action.as_str().to_owned()),
            ];
            tx.after_commit(move || {
                metrics::counter!("tenantry_charges_total", &labels).increment(1);
            });
            return Ok(transaction);
        }
        Err(StoreError::InsufficientFunds(seen)) => seen,
        Err(other) => return Err(other.into()),
    };
    // What the refusal saw: reported by PostgreSQL (whose transaction is now aborted), read
    // in the still usable transaction on SQLite.
    let (balance, floor) = match seen {
        Some((balance, floor)) => (Minor(balance), Minor(floor)),
        None => {
            let account = accounts::get(tx, payer)
                .await?
                .ok_or_else(|| AppError::Internal(format!("{payer} has no billing account")))?;
            // Open holds raise the floor (the migration's trigger counts them too).
            let held = tenantry_store::billing::holds::open_total(tx, auth, payer).await?;
            (account.balance, Minor(account.floor().0 + held.0))
        }
    };
    Err(AppError::InsufficientFunds {
        balance,
        price: gross,
        available: Minor(balance.0 - floor.0),
        currency,
    })
}

/// A transaction's audit record: what moved, never how it was paid.
pub(crate) fn transaction_change(t: &Transaction) -> serde_json::Value {
    json!({
        "billing_transaction_id": t.id.to_string(),
        "product_type": t.product_type.as_str(),
        "product_reference": t.product_reference,
        "action": t.action.as_str(),
        "amount": t.amount.to_string(),
        "balance_change": t.balance_change.to_string(),
        "currency": t.currency.as_str(),
        "reason": t.reason,
    })
}
