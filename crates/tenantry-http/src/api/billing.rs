//! Billing endpoints: transactions and statements, prices, plans, and the operator's wallet
//! operations.

pub(crate) mod plans;
pub(crate) mod pricing;
pub(crate) mod transactions;
pub(crate) mod wallet;
pub(crate) mod wire;

pub(crate) use plans::{plan_change, plan_create, plan_get, plan_list, plan_update, plans_of};
pub(crate) use pricing::{org_pricing, overrides_put, price_list_get, price_list_put};
pub(crate) use transactions::{
    statement, statement_download, statement_range, transaction_get, transaction_list,
};
pub(crate) use wallet::{adjust, credit, refund, terms_set};
pub(crate) use wire::BillingDataWire;
