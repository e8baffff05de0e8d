//! Tenantry's use cases. Each public `App` method is one use case: it opens one transaction,
//! looks its target up inside the actor's reach, checks the permission through
//! the authorization module (`authz`, the only maker of `Authorized` proofs) for the
//! organization it targets, applies the rule, appends the audit event and commits.

mod actor;
mod app;
mod audit;
pub mod authz;
mod bootstrap;
mod clock;
mod credential_cache;
mod error;
mod fresh_cache;
mod grantable;
mod idempotency;
pub mod mail;
mod operators;
mod password_reset;
mod passwords;
mod people_auth;
mod reach;
mod secrets;
mod sessions;
mod sign_in_limits;
mod slugs;
mod token_writer;
mod totp;

pub mod attributes;
pub mod billing;
pub mod contacts;
pub mod credentials;
pub mod dns;
pub mod domains;
pub mod events;
pub mod gauges;
pub mod invitations;
pub mod ip_restrictions;
pub mod memberships;
pub mod ns1;
pub mod operator_console;
pub mod organization_deletion;
pub mod organizations;
pub mod overview;
pub mod ownership_transfers;
pub mod person_organizations;
pub mod personal_keys;
pub mod recovery;
pub mod registry;
pub mod roles;
pub mod sign_in;
pub mod sign_up;
mod tokens;
pub mod user_totp;
pub mod users;
pub mod web_flash;
pub mod web_sessions;

pub use actor::{Actor, ActorKind, RequestMeta};
pub use app::App;
pub use audit::AuditQuery;
pub use authz::Authorized;
pub use bootstrap::{BootstrapRequest, Bootstrapped, Tenant};
pub use clock::{Clock, SystemClock};
pub use error::{AppError, Code, FieldError, Limit, NotFoundKind};
pub use idempotency::IdempotencyOutcome;
pub use operators::OperatorActor;
pub use secrets::SecretBox;
pub use tenantry_store::audit::{AuditEvent, AuditFilter};
pub use tenantry_store::{Db, DbOptions, Engine, Page, PageRequest, SortOrder};
