//! In-process HTTP tests against the real router, on SQLite and PostgreSQL.

mod support;

mod attributes;
mod audit;
mod billing;
mod billing_proof;
mod contacts;
mod credentials;
mod dns;
mod domaingenius;
mod errors;
mod invitations;
mod ip_restrictions;
mod isolation_sweep;
mod mail;
mod memberships;
mod ns1;
mod openapi;
mod organizations;
mod outage;
mod roles;
mod rotation;
mod secrets;
mod sign_in;
mod token;
mod users;
