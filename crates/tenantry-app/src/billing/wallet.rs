//! The operator's side of an account: money received (credits), refunds of charges, manual
//! adjustments, and the account's terms (prepaid or postpaid, credit limit).

use crate::authz::Authorized;
use tenantry_core::billing::{Action, BillingModel, Minor, ProductType, TransactionStatus};
use tenantry_core::{BillingTransactionId, OrganizationId};
use tenantry_store::Tx;
use tenantry_store::billing::accounts::{self, Account};
use tenantry_store::billing::transactions::{self, Transaction};
use tenantry_store::organizations::Organization;
use time::OffsetDateTime;

use super::transaction_change;
use crate::app::App;
use crate::audit::{Target, record};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::operators::OperatorActor;
use tenantry_core::perms::BILLING_MANAGE;

/// A transaction that moved a balance, and the balance after it.
#[derive(Debug, Clone)]
pub struct WalletMovement {
    pub transaction: Transaction,
    pub balance: Minor,
}

#[derive(Debug, Clone, Copy)]
pub struct AccountTerms {
    pub billing_model: BillingModel,
    pub credit_limit: Minor,
}

/// The organization's own account; one billed through its parent has none.
pub(super) async fn own_account(tx: &mut Tx, org: &Organization) -> Result<Account> {
    accounts::get(tx, org.id).await?.ok_or_else(|| {
        AppError::Conflict(
            Code::BilledThroughParent,
            format!(
                "{} is billed through its parent organization and has no account of its own",
                org.id
            ),
        )
    })
}

/// The tax share of a refund of `amount` out of what is left of a charge: in proportion,
/// rounded half away from zero, and whatever tax is left when the refund takes the rest, so
/// the refunds of a whole charge give back exactly its price and its tax.
fn refund_tax(
    charge: &Transaction,
    tax_refunded: Minor,
    amount: Minor,
    refundable: Minor,
) -> Minor {
    let tax_left = Minor(charge.tax_amount.0 - tax_refunded.0);
    if amount == refundable || charge.amount == Minor::ZERO {
        return tax_left;
    }
    let share = i128::from(charge.tax_amount.0) * i128::from(amount.0);
    let whole = i128::from(charge.amount.0);
    let rounded = (share + whole / 2) / whole;
    Minor(
        i64::try_from(rounded)
            .expect("a share of an i64")
            .min(tax_left.0),
    )
}

/// A credit or debit the operator makes on an account, not the price of a product.
pub(super) struct Movement {
    pub(super) product_type: ProductType,
    pub(super) action: Action,
    pub(super) product_reference: Option<String>,
    pub(super) organization_id: OrganizationId,
    pub(super) net: Minor,
    pub(super) tax_rate: String,
    pub(super) tax: Minor,
    pub(super) balance_change: Minor,
    pub(super) reason: Option<String>,
    pub(super) reference: Option<String>,
    pub(super) refund_of: Option<BillingTransactionId>,
}

pub(super) async fn post_movement(
    tx: &mut Tx,
    auth: &Authorized,
    account: &Account,
    m: Movement,
    now: OffsetDateTime,
) -> Result<WalletMovement> {
    let transaction = Transaction {
        id: BillingTransactionId::generate(),
        account_id: account.organization_id,
        organization_id: m.organization_id,
        product_type: m.product_type,
        product_reference: m.product_reference,
        action: m.action,
        volume: "1".into(),
        unit: None,
        price: m.net,
        tax_rate: m.tax_rate,
        tax_amount: m.tax,
        amount: Minor(m.net.0 + m.tax.0),
        balance_change: m.balance_change,
        currency: account.currency,
        status: TransactionStatus::Succeeded,
        reason: m.reason,
        reference: m.reference,
        refund_of: m.refund_of,
        created_on: now,
        updated_on: now,
        completed_on: Some(now),
    };
    // Recording it moves the balance (the migration's triggers); operator movements have
    // no floor.
    transactions::insert(tx, auth, &transaction).await?;
    let balance = accounts::get(tx, account.organization_id)
        .await?
        .ok_or_else(|| AppError::Internal("the account vanished".into()))?
        .balance;
    Ok(WalletMovement {
        transaction,
        balance,
    })
}

impl App {
    /// Money received for an account (`amount` > 0), with the payment's reference.
    pub async fn wallet_credit(
        &self,
        operator: &OperatorActor,
        organization: OrganizationId,
        amount: Minor,
        reference: Option<String>,
    ) -> Result<WalletMovement> {
        if amount.0 <= 0 {
            return Err(AppError::invalid_field(
                "amount",
                "must be greater than zero",
            ));
        }
        self.wallet_move(
            operator,
            organization,
            "billing.wallet_credited",
            |_, org| {
                Ok(Movement {
                    product_type: ProductType::AccountWallet,
                    action: Action::WalletTopUp,
                    product_reference: reference.clone(),
                    organization_id: org.id,
                    net: amount,
                    tax_rate: "0.00".into(),
                    tax: Minor::ZERO,
                    balance_change: amount,
                    reason: None,
                    reference: reference.clone(),
                    refund_of: None,
                })
            },
        )
        .await
    }

    /// A manual correction by `amount` (negative takes money off), with its reason. It is
    /// not a purchase, so it may take the balance below the account's floor.
    pub async fn wallet_adjust(
        &self,
        operator: &OperatorActor,
        organization: OrganizationId,
        amount: Minor,
        reason: String,
    ) -> Result<WalletMovement> {
        if amount.0 == 0 {
            return Err(AppError::invalid_field("amount", "must not be zero"));
        }
        self.wallet_move(
            operator,
            organization,
            "billing.wallet_adjusted",
            |_, org| {
                Ok(Movement {
                    product_type: ProductType::AccountWallet,
                    action: Action::Adjustment,
                    product_reference: None,
                    organization_id: org.id,
                    net: Minor(amount.0.abs()),
                    tax_rate: "0.00".into(),
                    tax: Minor::ZERO,
                    balance_change: amount,
                    reason: Some(reason.clone()),
                    reference: None,
                    refund_of: None,
                })
            },
        )
        .await
    }

    /// Gives back all or part (`amount`) of a charge on the account, with its reason. Tax
    /// is refunded in proportion.
    pub async fn wallet_refund(
        &self,
        operator: &OperatorActor,
        organization: OrganizationId,
        charge: BillingTransactionId,
        amount: Option<Minor>,
        reason: String,
    ) -> Result<WalletMovement> {
        let now = self.clock.now();
        let (mut tx, org, auth, account) = self.operator_account(operator, organization).await?;
        // Take the account's row lock first, so two refunds of one charge cannot both
        // see it unrefunded.
        accounts::lock(&mut tx, &auth, account.organization_id, now).await?;
        let original = transactions::get(&mut tx, &auth, charge)
            .await?
            .filter(|t| t.account_id == account.organization_id)
            .ok_or_else(|| AppError::not_found(NotFoundKind::Transaction, charge))?;
        // Only purchases are refunded; an operator undoes a credit or an adjustment with an
        // adjustment of its own.
        if original.status != TransactionStatus::Succeeded
            || !original.action.is_priced()
            || !original.balance_change.is_negative()
        {
            return Err(AppError::Conflict(
                Code::TransactionNotRefundable,
                format!("{charge} is not a succeeded charge"),
            ));
        }
        let (refunded, tax_refunded) = transactions::refunded(&mut tx, charge).await?;
        let refundable = Minor(original.amount.0 - refunded.0);
        let amount = amount.unwrap_or(refundable);
        if amount.0 <= 0 || amount > refundable {
            return Err(AppError::Unprocessable(
                Code::RefundExceedsCharge,
                format!(
                    "{charge} has {refundable} {} left to refund; asked for {amount}",
                    original.currency.as_str()
                ),
            ));
        }
        let tax = refund_tax(&original, tax_refunded, amount, refundable);
        let movement = Movement {
            product_type: original.product_type,
            action: Action::Refund,
            product_reference: original.product_reference.clone(),
            organization_id: original.organization_id,
            net: Minor(amount.0 - tax.0),
            tax_rate: original.tax_rate.clone(),
            tax,
            balance_change: amount,
            reason: Some(reason),
            reference: None,
            refund_of: Some(original.id),
        };
        let moved = post_movement(&mut tx, &auth, &account, movement, now).await?;
        self.audit_movement(
            &mut tx,
            &auth,
            operator,
            &org,
            "billing.refunded",
            &moved,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Sets whether the account is prepaid or postpaid, and its credit limit.
    pub async fn account_terms_set(
        &self,
        operator: &OperatorActor,
        organization: OrganizationId,
        terms: AccountTerms,
    ) -> Result<Account> {
        let now = self.clock.now();
        let (mut tx, org, auth, before) = self.operator_account(operator, organization).await?;
        accounts::set_terms(&mut tx, &auth, terms.billing_model, terms.credit_limit, now).await?;
        let after = own_account(&mut tx, &org).await?;
        record(
            &mut tx,
            &auth,
            &operator.in_org(&org),
            now,
            "billing.terms_changed",
            Target {
                kind: "billing_account",
                id: org.id.to_string(),
            },
            serde_json::json!({
                "billing_model": {"before": before.billing_model.as_str(), "after": after.billing_model.as_str()},
                "credit_limit": {"before": before.credit_limit.to_string(), "after": after.credit_limit.to_string()},
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// One credit or adjustment in its own transaction, audited.
    async fn wallet_move(
        &self,
        operator: &OperatorActor,
        organization: OrganizationId,
        action: &str,
        movement: impl Fn(&Account, &Organization) -> Result<Movement>,
    ) -> Result<WalletMovement> {
        let now = self.clock.now();
        let (mut tx, org, auth, account) = self.operator_account(operator, organization).await?;
        let moved = post_movement(&mut tx, &auth, &account, movement(&account, &org)?, now).await?;
        self.audit_movement(&mut tx, &auth, operator, &org, action, &moved, now)
            .await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// A write transaction on a paying organization's own account, for the operator.
    async fn operator_account(
        &self,
        operator: &OperatorActor,
        organization: OrganizationId,
    ) -> Result<(Tx, Organization, Authorized, Account)> {
        let mut tx = self.db.begin().await?;
        let (org, auth) = operator
            .organization(&mut tx, organization, BILLING_MANAGE)
            .await?;
        let account = own_account(&mut tx, &org).await?;
        Ok((tx, org, auth, account))
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit_movement(
        &self,
        tx: &mut Tx,
        auth: &Authorized,
        operator: &OperatorActor,
        org: &Organization,
        action: &str,
        moved: &WalletMovement,
        now: OffsetDateTime,
    ) -> Result<()> {
        record(
            tx,
            auth,
            &operator.in_org(org),
            now,
            action,
            Target {
                kind: "billing_transaction",
                id: moved.transaction.id.to_string(),
            },
            transaction_change(&moved.transaction),
        )
        .await
    }
}
