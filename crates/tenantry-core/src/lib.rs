//! Pure domain of Tenantry: typed ids, validated values, permissions and roles, and the
//! authorization policy. No I/O, no async.

pub mod authz;
pub mod billing;
pub mod dns;
pub mod ids;
pub mod ns1;
pub mod permission;
pub mod perms;
pub mod role;
mod schema;
pub mod values;
pub mod zone_lists;

pub use authz::{Denied, Grant, OrgScope, OrgStatus, Principal, Proof};
pub use ids::{
    ApiKeyId, AuditEventId, BillingHoldId, BillingTransactionId, ContactId, DomainId, EventId, Id,
    IdKind, InvitationId, OperatorId, OrganizationId, PlanId, SecondaryId, SessionId, UserId,
    ZoneId,
};
pub use permission::{Permission, Resource, Scope};
pub use role::BuiltinRole;
