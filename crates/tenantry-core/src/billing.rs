//! Billing's pure parts: money in minor units, tax, and the closed vocabularies of prices
//! and transactions.

mod kinds;
mod money;

pub use kinds::{Action, BillingModel, PeriodUnit, ProductType, TransactionStatus};
pub use money::{MAX_MINOR, Minor, TaxRate};
