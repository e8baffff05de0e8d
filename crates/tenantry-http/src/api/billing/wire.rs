//! Billing's wire shapes: money as decimal strings with two decimals, as the OpusDNS
//! description has them.

use serde::{Deserialize, Serialize};
use tenantry_app::billing::{BillingView, Plan, Price, Transaction};
use tenantry_core::billing::{Minor, PeriodUnit};
use utoipa::ToSchema;

use crate::wire::{Check, opt_time, time};

/// An amount as a client sends it: a decimal string (`"12.50"`) or a JSON number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum AmountInput {
    Number(serde_json::Number),
    Text(String),
}

impl utoipa::PartialSchema for AmountInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::openapi::number_or_decimal_text(
            "An amount: a decimal string (\"12.50\") or a number",
        )
    }
}

impl ToSchema for AmountInput {}

impl AmountInput {
    /// The amount in minor units; `signed` admits a sign.
    pub(crate) fn minor(self, check: &mut Check, field: &str, signed: bool) -> Option<Minor> {
        let text = match self {
            AmountInput::Number(n) => n.to_string(),
            AmountInput::Text(s) => s,
        };
        check.value(field, &text, |t| Minor::parse(t, signed))
    }
}

#[derive(ToSchema, Debug, Serialize, Deserialize)]
pub(crate) struct PeriodWire {
    pub value: u32,
    pub unit: String,
}

impl PeriodWire {
    pub(crate) fn from_parts((value, unit): (u32, PeriodUnit)) -> Self {
        PeriodWire {
            value,
            unit: unit.as_str().into(),
        }
    }

    pub(crate) fn parse(self, check: &mut Check, field: &str) -> Option<(u32, PeriodUnit)> {
        let unit = PeriodUnit::parse(&self.unit);
        if unit.is_none() {
            check.fail(
                field,
                format!("unit must be one of {}", PeriodUnit::choices()),
            );
        }
        if self.value == 0 {
            check.fail(field, "value must be at least 1");
            return None;
        }
        unit.map(|unit| (self.value, unit))
    }
}

/// `PriceInfo`.
#[derive(ToSchema, Serialize)]
pub(crate) struct PriceWire {
    product_type: &'static str,
    product_action: &'static str,
    product_class: Option<String>,
    price: String,
    currency: &'static str,
    period: Option<PeriodWire>,
}

impl From<Price> for PriceWire {
    fn from(p: Price) -> Self {
        PriceWire {
            product_type: p.product_type.as_str(),
            product_action: p.action.as_str(),
            product_class: p.product_class,
            price: p.price.to_string(),
            currency: p.currency.as_str(),
            period: p.period.map(PeriodWire::from_parts),
        }
    }
}

#[derive(ToSchema, Serialize)]
pub(crate) struct PricesWire {
    pub prices: Vec<PriceWire>,
}

impl PricesWire {
    pub(crate) fn of(prices: Vec<Price>) -> Self {
        PricesWire {
            prices: prices.into_iter().map(PriceWire::from).collect(),
        }
    }
}

/// `BillingPlan`, with the operator's bookkeeping.
#[derive(ToSchema, Serialize)]
pub(crate) struct PlanWire {
    plan_id: String,
    name: String,
    plan_level: String,
    amount: String,
    currency: &'static str,
    period: PeriodWire,
    status: &'static str,
    created_on: String,
    updated_on: String,
}

impl From<Plan> for PlanWire {
    fn from(p: Plan) -> Self {
        PlanWire {
            plan_id: p.id.to_string(),
            name: p.name,
            plan_level: p.plan_level.to_string(),
            amount: p.amount.to_string(),
            currency: p.currency.as_str(),
            period: PeriodWire::from_parts(p.period),
            status: if p.active { "active" } else { "retired" },
            created_on: time(p.created_on),
            updated_on: time(p.updated_on),
        }
    }
}

/// `BillingTransactionResponse`, plus whose purchase it was, how it moved the balance, and
/// the operator's reason or reference.
#[derive(ToSchema, Serialize)]
pub(crate) struct TransactionWire {
    billing_transaction_id: String,
    organization_id: String,
    product_type: &'static str,
    product_reference: Option<String>,
    action: &'static str,
    volume: String,
    unit: Option<String>,
    price: String,
    tax_rate: String,
    tax_amount: String,
    amount: String,
    balance_change: String,
    currency: &'static str,
    status: &'static str,
    reason: Option<String>,
    reference: Option<String>,
    refund_of: Option<String>,
    created_on: String,
    updated_on: String,
    completed_on: Option<String>,
}

impl From<Transaction> for TransactionWire {
    fn from(t: Transaction) -> Self {
        TransactionWire {
            billing_transaction_id: t.id.to_string(),
            organization_id: t.organization_id.to_string(),
            product_type: t.product_type.as_str(),
            product_reference: t.product_reference,
            action: t.action.as_str(),
            volume: t.volume,
            unit: t.unit,
            price: t.price.to_string(),
            tax_rate: t.tax_rate,
            tax_amount: t.tax_amount.to_string(),
            amount: t.amount.to_string(),
            balance_change: t.balance_change.to_string(),
            currency: t.currency.as_str(),
            status: t.status.as_str(),
            reason: t.reason,
            reference: t.reference,
            refund_of: t.refund_of.map(|id| id.to_string()),
            created_on: time(t.created_on),
            updated_on: time(t.updated_on),
            completed_on: opt_time(t.completed_on),
        }
    }
}

/// `billing_metadata`; every field is null when the caller may not see the paying account.
#[derive(ToSchema, Serialize, Default)]
pub(crate) struct BillingMetadataWire {
    billing_model: Option<&'static str>,
    /// Whole units of the account's currency, as the OpusDNS description types it.
    credit_limit: Option<i64>,
    customer_number: Option<i64>,
}

/// The billing members of `OrganizationWithBillingData`.
#[derive(ToSchema, Serialize)]
pub(crate) struct BillingDataWire {
    account_balance: Option<String>,
    billing_metadata: BillingMetadataWire,
    active_plan: Option<PlanWire>,
}

impl From<Option<BillingView>> for BillingDataWire {
    fn from(view: Option<BillingView>) -> Self {
        match view {
            None => BillingDataWire {
                account_balance: None,
                billing_metadata: BillingMetadataWire::default(),
                active_plan: None,
            },
            Some(view) => BillingDataWire {
                account_balance: Some(view.account.balance.to_string()),
                billing_metadata: BillingMetadataWire {
                    billing_model: Some(view.account.billing_model.as_str()),
                    credit_limit: Some(view.account.credit_limit.0 / 100),
                    customer_number: Some(view.customer_number),
                },
                active_plan: view.plan.map(PlanWire::from),
            },
        }
    }
}
