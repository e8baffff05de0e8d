//! Domains: the registrar core. An organization registers, renews, deletes and restores
//! names at a registry (`crate::registry`), each paid through a billing hold captured only
//! once the registry acted (`billing::holds`); the platform keeps each domain's record, its
//! contacts by role and its name servers. The TLD catalogue is the operator's
//! (`catalogue.rs`); `settle.rs` finishes or abandons what a crash left in flight.

mod catalogue;
mod check;
mod lifecycle;
mod manage;
mod price;
mod register;
mod scheduler;
mod settle;
mod transfer;

pub use catalogue::TldInput;
pub use check::{CheckResult, PremiumPrice};
pub use lifecycle::Renewed;
pub use manage::{DomainSummary, DomainUpdate};
pub use price::{DomainPrice, PriceParts};
pub use register::DomainCreate;
pub use scheduler::LifecycleReport;
pub use tenantry_store::domains::{Domain, DomainFilter, DomainSort, DomainState};
pub use tenantry_store::registry::TldRules;
pub use transfer::TransferIn;

use serde::{Deserialize, Serialize};
use tenantry_core::dns::ZoneName;
use tenantry_core::{ContactId, OrganizationId, Permission};
use tenantry_store::organizations::Organization;
use tenantry_store::registry::{self as catalogue_store};
use tenantry_store::{Tx, contacts, domains};

use crate::actor::Actor;
use crate::audit::Target;
use crate::authz::Authorized;
use crate::error::{AppError, Code, FieldError, NotFoundKind, Result};
use crate::reach::authorize_org;

/// The statuses a client sets on its domains.
pub const CLIENT_STATUSES: [&str; 5] = [
    "clientTransferProhibited",
    "clientUpdateProhibited",
    "clientDeleteProhibited",
    "clientRenewProhibited",
    "clientHold",
];

/// The roles a contact holds for a domain.
pub const CONTACT_ROLES: [&str; 4] = ["registrant", "admin", "tech", "billing"];

/// A name server of a domain, with glue addresses when it lies inside the domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nameserver {
    pub hostname: String,
    #[serde(default)]
    pub ip_addresses: Vec<String>,
}

/// A domain name the catalogue offers: the name, its second-level label and its TLD's rules.
#[derive(Debug, Clone)]
pub(crate) struct Catalogued {
    pub name: String,
    pub sld: String,
    pub rules: TldRules,
}

/// Parses `raw` and finds its TLD in the catalogue: a name is one label under a catalogued
/// TLD. A malformed name is 422 on `field`; a TLD the catalogue lacks, 400
/// `ERROR_TLD_NOT_AVAILABLE`.
pub(crate) async fn catalogued(tx: &mut Tx, raw: &str, field: &str) -> Result<Catalogued> {
    let zone = ZoneName::parse(raw).map_err(|e| AppError::invalid_field(field, e.0))?;
    let name = zone.bare().to_owned();
    let (sld, tld) = name
        .split_once('.')
        .ok_or_else(|| AppError::invalid_field(field, "a domain needs at least two labels"))?;
    match catalogue_store::tld(tx, tld).await? {
        Some(rules) => Ok(Catalogued {
            sld: sld.to_owned(),
            name,
            rules,
        }),
        None => Err(AppError::BadRequest(
            Code::TldNotAvailable,
            format!(
                "The TLD of {name} is not offered here (only registrations directly under an offered TLD)"
            ),
        )),
    }
}

/// Refuses a period the TLD does not allow.
pub(crate) fn check_period(rules: &TldRules, years: i64) -> Result<()> {
    if rules.periods.0.contains(&years) {
        return Ok(());
    }
    Err(AppError::Unprocessable(
        Code::PeriodNotAllowed,
        format!(
            "{years} year(s) is not a period .{} allows; allowed: {:?} years",
            rules.tld, rules.periods.0
        ),
    ))
}

/// What a domain waiting on the registry starts as (a registration, or a transfer in).
pub(crate) struct Pending<'a> {
    pub organization: OrganizationId,
    pub found: Catalogued,
    pub state: DomainState,
    pub renewal_mode: String,
    pub nameservers: &'a [Nameserver],
    pub is_premium: bool,
    pub period_years: i64,
    pub operation: String,
    pub contacts: Vec<(String, ContactId)>,
}

/// The record of a domain waiting on the registry for `pending.operation`.
pub(crate) fn pending_domain(pending: Pending<'_>, now: time::OffsetDateTime) -> Result<Domain> {
    Ok(Domain {
        id: tenantry_core::DomainId::generate(),
        organization_id: pending.organization,
        name: pending.found.name,
        sld: pending.found.sld,
        tld: pending.found.rules.tld,
        roid: None,
        state: pending.state,
        renewal_mode: pending.renewal_mode,
        client_statuses: Vec::new(),
        registry_statuses: Vec::new(),
        nameservers: serde_json::to_value(pending.nameservers)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        is_premium: pending.is_premium,
        period_years: pending.period_years,
        create_zone: false,
        pending_operation: Some(pending.operation),
        auth_code_sealed: None,
        registered_on: None,
        expires_on: None,
        deleted_on: None,
        purge_on: None,
        created_on: now,
        updated_on: now,
        contacts: pending.contacts,
    })
}

pub(crate) fn domain_target(domain: &Domain) -> Target {
    Target {
        kind: "domain",
        id: domain.name.clone(),
    }
}

/// A domain the caller reaches with `permission`, by id or name; another organization's is
/// not found, exactly like one that does not exist.
pub(crate) async fn domain_in_reach(
    tx: &mut Tx,
    actor: &Actor,
    reference: &str,
    permission: Permission,
) -> Result<(Domain, Organization, Authorized)> {
    let not_found = || AppError::not_found(NotFoundKind::Domain, reference);
    let domain = domains::find_live(tx, reference)
        .await?
        .ok_or_else(not_found)?;
    let (org, auth) = authorize_org(tx, actor, domain.organization_id, permission)
        .await
        .map_err(|err| match err {
            AppError::NotFound { .. } => not_found(),
            other => other,
        })?;
    Ok((domain, org, auth))
}

/// Checks that each contact is one of `organization`'s (another organization's is unknown,
/// like one that does not exist), and that a registrant is named.
pub(crate) async fn check_contacts(
    tx: &mut Tx,
    organization: OrganizationId,
    contacts_by_role: &[(String, ContactId)],
    field: &str,
) -> Result<()> {
    let mut errors = Vec::new();
    if !contacts_by_role
        .iter()
        .any(|(role, _)| role == "registrant")
    {
        errors.push(FieldError::body(field, "a registrant contact is required"));
    }
    for (role, id) in contacts_by_role {
        let known = contacts::get(tx, *id)
            .await?
            .is_some_and(|c| c.organization_id == organization);
        if !known {
            errors.push(FieldError {
                loc: vec!["body".into(), field.into(), role.clone()],
                msg: format!("no contact {id} in the organization"),
                kind: "value_error".into(),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}
