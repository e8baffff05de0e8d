//! Paying for what waits on a registry: a hold sets the price aside (checked against the
//! balance or credit limit, less the other open holds) in the transaction that starts the
//! operation; after the registry answers, the hold is captured (its charge recorded) or
//! released, in the transaction that finishes it. The hold carries its purchase, so whoever
//! settles it (the use case, or the reconciler after a crash) charges exactly what was set
//! aside.

use serde::{Deserialize, Serialize};
use tenantry_core::billing::{Action, Minor, ProductType, TaxRate};
use tenantry_core::values::Currency;
use tenantry_core::{BillingHoldId, OrganizationId};
use tenantry_store::Tx;
use tenantry_store::billing::accounts;
use tenantry_store::billing::holds::{self, Hold, HoldState};
use tenantry_store::billing::transactions::Transaction;
use tenantry_store::organizations::Organization;
use time::OffsetDateTime;

use super::{Purchase, Quote, account_of, charge_quoted, payer, pricing};
use crate::authz::Authorized;
use crate::error::{AppError, Result};

/// What a hold pays, kept with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct HeldPurchase {
    payer: OrganizationId,
    currency: String,
    tax_rate: String,
    product_type: String,
    action: String,
    product_reference: Option<String>,
    volume: String,
    unit: Option<String>,
    net: i64,
}

/// The price of `years` years of `action` on a domain of `tld` bought in `org` (the list
/// price per year, times the premium multiplier for a premium name), in its paying account's
/// currency; `None` when the operator prices it at nothing.
pub(crate) async fn domain_quote(
    tx: &mut Tx,
    org: &Organization,
    action: Action,
    tld: &str,
    name: &str,
    years: i64,
    multiplier: i64,
) -> Result<Option<Quote>> {
    let payer = payer(tx, org).await?;
    let account = account_of(tx, &payer).await?;
    let priced = pricing::price_of(
        tx,
        org,
        &payer,
        ProductType::Domain,
        action,
        Some(tld),
        account.currency,
    )
    .await?;
    let Some(price) = priced else {
        return Ok(None);
    };
    let per_year = match price.period {
        Some((n, tenantry_core::billing::PeriodUnit::Year)) if n > 1 => {
            Minor(price.price.0 / i64::from(n))
        }
        _ => price.price,
    };
    let net = per_year
        .0
        .checked_mul(years)
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| AppError::Internal("price overflow".into()))?;
    Ok(Some(Quote {
        payer: payer.id,
        currency: account.currency,
        rate: super::tax_rate_of(&payer)?,
        purchase: Purchase {
            product_type: ProductType::Domain,
            action,
            product_reference: Some(name.to_owned()),
            volume: years.to_string(),
            unit: Some("y".into()),
            net: Minor(net),
        },
    }))
}

impl Quote {
    /// Net of tax.
    pub(crate) fn net(&self) -> Minor {
        self.purchase.net
    }

    pub(crate) fn gross(&self) -> Minor {
        Minor(self.purchase.net.0 + self.rate.tax_on(self.purchase.net).0)
    }

    pub(crate) fn currency(&self) -> Currency {
        self.currency
    }
}

/// Sets `quote`'s gross price aside on its payer's account for `subject` (a domain's id);
/// refuses with `InsufficientFunds`, writing nothing, when the account cannot cover it
/// beside its other open holds. `auth` is on `org`.
pub(crate) async fn reserve(
    tx: &mut Tx,
    auth: &Authorized,
    org: OrganizationId,
    quote: &Quote,
    subject: &str,
    now: OffsetDateTime,
) -> Result<Hold> {
    let gross = quote.gross();
    accounts::lock(tx, auth, quote.payer, now).await?;
    let account = accounts::get(tx, quote.payer)
        .await?
        .ok_or_else(|| AppError::Internal(format!("{} has no billing account", quote.payer)))?;
    let held = holds::open_total(tx, auth, quote.payer).await?;
    let available = Minor(account.balance.0 - held.0 - account.floor().0);
    if gross > available {
        return Err(AppError::InsufficientFunds {
            balance: account.balance,
            price: gross,
            available: Minor(available.0.max(0)),
            currency: account.currency,
        });
    }
    let p = &quote.purchase;
    let purchase = HeldPurchase {
        payer: quote.payer,
        currency: quote.currency.as_str().to_owned(),
        tax_rate: quote.rate.to_string(),
        product_type: p.product_type.as_str().to_owned(),
        action: p.action.as_str().to_owned(),
        product_reference: p.product_reference.clone(),
        volume: p.volume.clone(),
        unit: p.unit.clone(),
        net: p.net.0,
    };
    let hold = Hold {
        id: BillingHoldId::generate(),
        account_id: quote.payer,
        organization_id: org,
        amount: gross,
        subject: subject.to_owned(),
        purpose: serde_json::to_string(&purchase).map_err(|e| AppError::Internal(e.to_string()))?,
        state: HoldState::Held,
        created_on: now,
        settled_on: None,
    };
    holds::insert(tx, auth, &hold).await?;
    Ok(hold)
}

/// Captures the open hold for `subject`, recording its charge; `None` when there is none
/// (the purchase was free, or the hold was settled already).
pub(crate) async fn capture(
    tx: &mut Tx,
    auth: &Authorized,
    subject: &str,
    now: OffsetDateTime,
) -> Result<Option<Transaction>> {
    let Some(hold) = holds::open_for(tx, auth, subject).await? else {
        return Ok(None);
    };
    let purchase: HeldPurchase = serde_json::from_str(&hold.purpose)
        .map_err(|e| AppError::Internal(format!("hold {}: {e}", hold.id)))?;
    // Settled first, so its own charge is no longer held against the account.
    if !holds::settle(tx, auth, &hold, HoldState::Captured, now).await? {
        return Ok(None);
    }
    let internal = |what: &str| AppError::Internal(format!("hold {}: bad {what}", hold.id));
    let quote = Quote {
        payer: purchase.payer,
        currency: Currency::parse(&purchase.currency).map_err(|_| internal("currency"))?,
        rate: TaxRate::parse(&purchase.tax_rate).map_err(|_| internal("tax rate"))?,
        purchase: Purchase {
            product_type: ProductType::parse(&purchase.product_type)
                .ok_or_else(|| internal("product type"))?,
            action: Action::parse(&purchase.action).ok_or_else(|| internal("action"))?,
            product_reference: purchase.product_reference,
            volume: purchase.volume,
            unit: purchase.unit,
            net: Minor(purchase.net),
        },
    };
    Ok(Some(
        charge_quoted(tx, auth, hold.organization_id, quote, now).await?,
    ))
}

/// Releases the open hold for `subject`, if any.
pub(crate) async fn release(
    tx: &mut Tx,
    auth: &Authorized,
    subject: &str,
    now: OffsetDateTime,
) -> Result<()> {
    if let Some(hold) = holds::open_for(tx, auth, subject).await? {
        holds::settle(tx, auth, &hold, HoldState::Released, now).await?;
    }
    Ok(())
}
