//! In-process HTTP tests against the real router, on SQLite and PostgreSQL.

mod support;

mod attributes;
mod audit;
mod credentials;
mod errors;
mod organizations;
mod roles;
mod secrets;
mod token;
mod users;
