//! In-process HTTP tests against the real router, on SQLite and PostgreSQL.

mod support;

mod attributes;
mod audit;
mod billing;
mod billing_proof;
mod contacts;
mod credentials;
mod danger_zone;
mod dashboard;
mod dns;
mod dns_secondaries;
mod dnssec;
mod domaingenius;
mod domains;
mod errors;
mod invitations;
mod ip_restrictions;
mod isolation_sweep;
mod mail;
mod mailbox;
mod memberships;
mod ns1;
mod openapi;
mod org_context;
mod organizations;
mod outage;
mod personal_keys;
mod roles;
mod rotation;
mod secrets;
mod sign_in;
mod sign_up;
mod token;
mod users;
