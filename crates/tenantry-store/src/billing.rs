//! Billing storage: accounts and their append-only ledger, transactions, prices and plans.

pub mod accounts;
pub mod holds;
pub mod plans;
pub mod prices;
pub mod transactions;
