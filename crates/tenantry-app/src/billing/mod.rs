//! Billing: the account that pays for each organization, charges against it, and what an
//! organization's users may see of it.
//!
//! A top-level organization and an `independent` suborganization pay for themselves; a
//! `consolidated` suborganization's purchases are charged to its parent's account. Every
//! movement of a balance is a transaction plus a ledger entry, written in the transaction of
//! the operation it pays for.

mod plans;
mod pricing;
mod statements;
mod wallet;

use serde_json::json;
use tenantry_core::billing::{Action, Minor, ProductType, TaxRate, TransactionStatus};
use tenantry_core::{Authorized, BillingTransactionId};
use tenantry_store::Tx;
use tenantry_store::billing::accounts::{self, Posting};
use tenantry_store::billing::transactions;
use tenantry_store::organizations::{self, Organization};
use time::OffsetDateTime;

pub use plans::{PlanChoice, PlanCreate, PlanPatch};
pub use pricing::PriceInput;
pub use statements::Statement;
pub use tenantry_store::billing::accounts::Account;
pub use tenantry_store::billing::plans::Plan;
pub use tenantry_store::billing::prices::Price;
pub use tenantry_store::billing::transactions::{Transaction, TransactionFilter, TransactionSort};
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

/// Charges `org`'s paying account for a product bought in `org` (`auth` is on `org`), if the
/// product is priced for it; an unpriced product is free and leaves no transaction.
pub(crate) async fn charge_if_priced(
    tx: &mut Tx,
    auth: &Authorized,
    org: &Organization,
    product: ProductType,
    action: Action,
    reference: Option<String>,
    now: OffsetDateTime,
) -> Result<Option<Transaction>> {
    let payer = payer(tx, org).await?;
    let account = account_of(tx, &payer).await?;
    let priced =
        pricing::price_of(tx, org, &payer, product, action, None, account.currency).await?;
    let Some(price) = priced else {
        return Ok(None);
    };
    let purchase = Purchase {
        product_type: product,
        action,
        product_reference: reference,
        volume: price
            .period
            .map_or_else(|| "1".to_owned(), |(value, _)| value.to_string()),
        unit: price.period.map(|(_, unit)| unit.as_str().to_owned()),
        net: price.price,
    };
    charge_account(tx, auth, org, &payer, &account, purchase, now)
        .await
        .map(Some)
}

/// Charges `org`'s paying account for a purchase made in `org` (`auth` is on `org`).
pub(crate) async fn charge(
    tx: &mut Tx,
    auth: &Authorized,
    org: &Organization,
    purchase: Purchase,
    now: OffsetDateTime,
) -> Result<Transaction> {
    let payer = payer(tx, org).await?;
    let account = account_of(tx, &payer).await?;
    charge_account(tx, auth, org, &payer, &account, purchase, now).await
}

/// Refused with `InsufficientFunds`, writing nothing, when the balance would fall below the
/// account's floor. Call it last before committing: on PostgreSQL the account row stays
/// locked until then, and concurrent charges to the account wait for it.
async fn charge_account(
    tx: &mut Tx,
    auth: &Authorized,
    org: &Organization,
    payer: &Organization,
    account: &Account,
    purchase: Purchase,
    now: OffsetDateTime,
) -> Result<Transaction> {
    let rate = match payer.profile.tax_rate.as_deref() {
        Some(rate) => TaxRate::parse(rate)
            .map_err(|e| AppError::Internal(format!("stored tax rate of {}: {e}", payer.id)))?,
        None => TaxRate::ZERO,
    };
    let tax = rate.tax_on(purchase.net);
    let gross = purchase
        .net
        .checked_add(tax)
        .ok_or_else(|| AppError::Internal("amount overflow".into()))?;
    let transaction = Transaction {
        id: BillingTransactionId::generate(),
        account_id: account.organization_id,
        organization_id: org.id,
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
        currency: account.currency,
        status: TransactionStatus::Succeeded,
        reason: None,
        reference: None,
        refund_of: None,
        created_on: now,
        updated_on: now,
        completed_on: Some(now),
    };
    transactions::insert(tx, auth, &transaction).await?;
    let posting = Posting {
        account: account.organization_id,
        transaction: transaction.id,
        amount: transaction.balance_change,
        at: now,
    };
    if accounts::post(tx, auth, posting, Some(account.floor()))
        .await?
        .is_none()
    {
        // Read again: the balance may have moved since the account was loaded.
        let account = account_of(tx, payer).await?;
        return Err(AppError::InsufficientFunds {
            balance: account.balance,
            price: gross,
            available: Minor(account.balance.0 - account.floor().0),
            currency: account.currency,
        });
    }
    Ok(transaction)
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
