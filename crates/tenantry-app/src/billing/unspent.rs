//! Refunding an organization's unspent balance when it is deleted ("Deleting refunds any
//! unspent balance to the original payment method"): the balance goes back against the
//! top-ups that funded it, newest first, each refund naming its top-up's payment reference,
//! until the balance is exactly zero. What no top-up can take back (money the operator
//! credited by adjustment, or refunded charges beyond every top-up) is paid out by one
//! adjustment that says so, for the operator to settle.

use tenantry_core::billing::{Action, Minor, ProductType};
use tenantry_store::Tx;
use tenantry_store::billing::accounts;
use tenantry_store::billing::transactions::{self, Transaction};
use tenantry_store::organizations::Organization;
use time::OffsetDateTime;

use super::wallet::{Movement, post_movement};
use crate::authz::Authorized;
use crate::error::{AppError, Code, Result};

/// What a deletion gave back.
#[derive(Debug, Clone)]
pub struct UnspentRefund {
    pub currency: tenantry_core::values::Currency,
    /// One refund per top-up refunded against, then the payout adjustment if any.
    pub movements: Vec<Transaction>,
    pub total: Minor,
}

/// Why the deletion's refund transactions exist.
const REASON: &str = "organization deleted: unspent balance refunded to its payment";
const PAYOUT_REASON: &str =
    "organization deleted: unspent balance no top-up funded, to be paid out by the operator";

/// Brings the organization's own account (if it has one) to exactly zero; `auth` is the
/// deletion's proof. A postpaid account that owes money refuses the deletion.
pub(crate) async fn refund_unspent(
    tx: &mut Tx,
    auth: &Authorized,
    org: &Organization,
    now: OffsetDateTime,
) -> Result<Option<UnspentRefund>> {
    let Some(account) = accounts::get(tx, org.id).await? else {
        return Ok(None);
    };
    accounts::lock(tx, auth, account.organization_id, now).await?;
    let account = accounts::get(tx, org.id)
        .await?
        .ok_or_else(|| AppError::Internal("the account vanished".into()))?;
    if account.balance.is_negative() {
        return Err(AppError::Conflict(
            Code::BalanceOwed,
            format!(
                "The organization owes {} {}: settle the account before deleting it",
                Minor(-account.balance.0),
                account.currency.as_str()
            ),
        ));
    }
    let mut left = account.balance;
    let mut movements = Vec::new();
    for top_up in transactions::top_ups_newest_first(tx, auth).await? {
        if left == Minor::ZERO {
            break;
        }
        let (refunded, _) = transactions::refunded(tx, top_up.id).await?;
        let refundable = Minor(top_up.amount.0 - refunded.0);
        let amount = Minor(refundable.0.min(left.0));
        if amount.0 <= 0 {
            continue;
        }
        let movement = Movement {
            product_type: ProductType::AccountWallet,
            action: Action::Refund,
            product_reference: top_up.reference.clone(),
            organization_id: org.id,
            net: amount,
            tax_rate: "0.00".into(),
            tax: Minor::ZERO,
            balance_change: Minor(-amount.0),
            reason: Some(REASON.into()),
            reference: top_up.reference.clone(),
            refund_of: Some(top_up.id),
        };
        movements.push(
            post_movement(tx, auth, &account, movement, now)
                .await?
                .transaction,
        );
        left = Minor(left.0 - amount.0);
    }
    if left.0 > 0 {
        let movement = Movement {
            product_type: ProductType::AccountWallet,
            action: Action::Adjustment,
            product_reference: None,
            organization_id: org.id,
            net: left,
            tax_rate: "0.00".into(),
            tax: Minor::ZERO,
            balance_change: Minor(-left.0),
            reason: Some(PAYOUT_REASON.into()),
            reference: None,
            refund_of: None,
        };
        movements.push(
            post_movement(tx, auth, &account, movement, now)
                .await?
                .transaction,
        );
    }
    Ok(Some(UnspentRefund {
        currency: account.currency,
        movements,
        total: account.balance,
    }))
}
