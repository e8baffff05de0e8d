//! The operator's wallet operations on a paying organization's account.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tenantry_app::billing::{Account, AccountTerms, WalletMovement};
use tenantry_core::billing::{BillingModel, MAX_MINOR, Minor};
use tenantry_core::{BillingTransactionId, OrganizationId};
use utoipa::ToSchema;

use super::wire::{AmountInput, TransactionWire};
use crate::AppState;
use crate::extract::{JsonBody, OperatorCaller, PathId};
use crate::problem::ApiError;
use crate::wire::{Check, time};

/// The longest reason or reference kept.
const TEXT_MAX: usize = 500;

/// The answer to a credit, refund or adjustment.
#[derive(ToSchema, Serialize)]
pub(crate) struct MovementWire {
    /// The id the historical wallet-credit response called `credit_id`.
    credit_id: String,
    status: &'static str,
    amount: String,
    currency: &'static str,
    balance: String,
    transaction: TransactionWire,
}

impl From<WalletMovement> for MovementWire {
    fn from(m: WalletMovement) -> Self {
        MovementWire {
            credit_id: m.transaction.id.to_string(),
            status: "success",
            amount: m.transaction.amount.to_string(),
            currency: m.transaction.currency.as_str(),
            balance: m.balance.to_string(),
            transaction: m.transaction.into(),
        }
    }
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct CreditBody {
    amount: AmountInput,
    reference: Option<String>,
}

impl CreditBody {
    /// The amount and the payment's reference, or a 422 naming each refused field.
    pub(crate) fn checked(self) -> Result<(Minor, Option<String>), ApiError> {
        let mut check = Check::default();
        let amount = self.amount.minor(&mut check, "amount", false);
        let reference = check.text("reference", self.reference, TEXT_MAX);
        check.finish()?;
        Ok((amount.expect("checked"), reference))
    }
}

pub(crate) async fn credit(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    PathId(organization): PathId<OrganizationId>,
    JsonBody(body): JsonBody<CreditBody>,
) -> Result<Json<MovementWire>, ApiError> {
    let (amount, reference) = body.checked()?;
    let moved = state
        .app
        .wallet_credit(&operator, organization, amount, reference)
        .await?;
    Ok(Json(moved.into()))
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct RefundBody {
    billing_transaction_id: BillingTransactionId,
    amount: Option<AmountInput>,
    reason: String,
}

pub(crate) async fn refund(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    PathId(organization): PathId<OrganizationId>,
    JsonBody(body): JsonBody<RefundBody>,
) -> Result<Json<MovementWire>, ApiError> {
    let mut check = Check::default();
    let amount = body
        .amount
        .and_then(|a| a.minor(&mut check, "amount", false));
    let reason = check.text("reason", Some(body.reason), TEXT_MAX);
    check.finish()?;
    let moved = state
        .app
        .wallet_refund(
            &operator,
            organization,
            body.billing_transaction_id,
            amount,
            reason.expect("checked"),
        )
        .await?;
    Ok(Json(moved.into()))
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct AdjustmentBody {
    /// Signed: negative takes money off the balance.
    amount: AmountInput,
    reason: String,
}

pub(crate) async fn adjust(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    PathId(organization): PathId<OrganizationId>,
    JsonBody(body): JsonBody<AdjustmentBody>,
) -> Result<Json<MovementWire>, ApiError> {
    let mut check = Check::default();
    let amount = body.amount.minor(&mut check, "amount", true);
    let reason = check.text("reason", Some(body.reason), TEXT_MAX);
    check.finish()?;
    let moved = state
        .app
        .wallet_adjust(
            &operator,
            organization,
            amount.expect("checked"),
            reason.expect("checked"),
        )
        .await?;
    Ok(Json(moved.into()))
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct TermsBody {
    billing_model: String,
    /// Whole units of the account's currency; required for postpaid, and 0 if omitted.
    credit_limit: Option<u64>,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct AccountWire {
    organization_id: String,
    currency: &'static str,
    billing_model: &'static str,
    credit_limit: i64,
    account_balance: String,
    updated_on: String,
}

impl From<Account> for AccountWire {
    fn from(a: Account) -> Self {
        AccountWire {
            organization_id: a.organization_id.to_string(),
            currency: a.currency.as_str(),
            billing_model: a.billing_model.as_str(),
            credit_limit: a.credit_limit.0 / 100,
            account_balance: a.balance.to_string(),
            updated_on: time(a.updated_on),
        }
    }
}

pub(crate) async fn terms_set(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    PathId(organization): PathId<OrganizationId>,
    JsonBody(body): JsonBody<TermsBody>,
) -> Result<Json<AccountWire>, ApiError> {
    let mut check = Check::default();
    let model = BillingModel::parse(&body.billing_model);
    if model.is_none() {
        check.fail(
            "billing_model",
            format!("must be one of {}", BillingModel::choices()),
        );
    }
    let limit = body.credit_limit.unwrap_or(0);
    let credit_limit = match i64::try_from(limit).ok().and_then(|l| l.checked_mul(100)) {
        Some(minor) if minor <= MAX_MINOR => Some(Minor(minor)),
        _ => {
            check.fail("credit_limit", "must be at most 99999999");
            None
        }
    };
    if model == Some(BillingModel::Prepaid) && limit > 0 {
        check.fail("credit_limit", "a prepaid account has no credit limit");
    }
    check.finish()?;
    let terms = AccountTerms {
        billing_model: model.expect("checked"),
        credit_limit: credit_limit.expect("checked"),
    };
    let account = state
        .app
        .account_terms_set(&operator, organization, terms)
        .await?;
    Ok(Json(account.into()))
}
