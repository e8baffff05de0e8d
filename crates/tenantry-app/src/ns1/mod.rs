//! The NS1 dialect's use cases: operators, organizations by `org_id`, users, teams and API
//! keys with NS1 permission maps. They work on the same organizations, users, credentials
//! and zones as the Tenantry API; `access` turns NS1 maps into Tenantry permissions.

mod access;
mod apikeys;
mod operators;
mod orgs;
mod teams;
mod users;

pub use access::{AccessChange, INDIVIDUAL_ROLE, Ns1Access};
pub use apikeys::{Ns1Key, Ns1KeyCreate, Ns1KeyUpdate};
pub use operators::{IssuedOperator, OperatorCreate, operator_short_id};
pub use orgs::INVITE_LIFETIME;
pub use teams::{TeamChange, TeamIpList};
pub use tenantry_store::operators::Operator;
pub use tenantry_store::teams::Team;
pub use users::{Ns1User, Ns1UserCreate, Ns1UserUpdate, display_name};

pub(crate) use access::{holder_access, role_assigned, with_access};

use crate::error::{AppError, Result};

/// The name of an organization, team or key: 1 to 255 characters, trimmed.
pub(crate) fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AppError::invalid_field(
            "name",
            "name must be 1 to 255 characters long",
        ));
    }
    Ok(name.to_owned())
}
pub(crate) use operators::issue_operator;
