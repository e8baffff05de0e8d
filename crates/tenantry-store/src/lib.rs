//! Persistence for Tenantry: one `Db` over native sqlx pools for SQLite and PostgreSQL. Every
//! query is one SQL text with `$N` placeholders run on whichever engine is live; dynamic filters
//! and sorts are built with sea-query. Rows never leave this crate: functions return records
//! with typed ids.

mod db;
mod error;
mod group_commit;
mod list;
mod proof;
mod single_use;

pub mod attributes;
pub mod audit;
pub mod billing;
pub mod contacts;
pub mod credentials;
pub mod dns;
pub mod dns_keys;
pub mod dns_transfers;
pub mod domains;
pub mod events;
pub mod grants;
pub mod idempotency;
pub mod invitations;
pub mod invite_tokens;
pub mod ip_restrictions;
pub mod job_leases;
pub mod mail_outbox;
pub mod memberships;
pub mod operator_sessions;
pub mod operators;
pub mod organizations;
pub mod ownership_transfers;
pub mod personal_keys;
pub mod registry;
pub mod roles;
pub mod sessions;
pub mod sign_in;
pub mod teams;
pub mod tokens;
pub mod user_links;
pub mod users;

pub use db::{Db, DbOptions, Engine, PoolStats, Tx};
pub use error::{StoreError, Unique};
pub use list::{Page, PageRequest, SortOrder};
