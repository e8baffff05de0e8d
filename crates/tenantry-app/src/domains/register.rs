//! Registering a domain, in three steps: (1) one transaction checks everything, records the
//! domain as `registering` (the unique live name settles two registrations of one name: one
//! wins, the other is 409) and sets the price aside in a hold (402 when the account cannot
//! cover it: nothing is recorded); (2) the registry is asked; (3) one transaction makes the
//! domain active and captures the hold, or forgets it and releases the hold. A crash between
//! (2) and (3) leaves the operation in flight for the reconciler (`settle.rs`).

use tenantry_core::billing::{Action, Minor};
use tenantry_core::perms::{DNS_MANAGE, DOMAINS_MANAGE};
use tenantry_core::{ContactId, OrganizationId};
use tenantry_store::dns;
use tenantry_store::domains::{self, Domain, DomainState};
use uuid::Uuid;

use super::{Nameserver, Pending, catalogued, check_contacts, check_period, pending_domain};
use crate::actor::Actor;
use crate::app::App;
use crate::billing::{domain_quote, reserve};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::reach::{acting_org, authorize_org};
use crate::registry::{Availability, RegistryError};
use crate::sign_up::require_verified_address;

/// What a registration asks for.
#[derive(Debug, Clone)]
pub struct DomainCreate {
    pub name: String,
    pub period_years: i64,
    /// `renew` or `expire`.
    pub renewal_mode: String,
    /// (role, contact).
    pub contacts: Vec<(String, ContactId)>,
    pub nameservers: Vec<Nameserver>,
    pub create_zone: bool,
    /// The price the client agreed to (net of tax); required for a premium name.
    pub expected_price: Option<Minor>,
}

/// A new transfer authorization code: 16 letters and digits (about 95 bits).
pub(crate) fn new_auth_code() -> String {
    crate::secrets::random_base62(16)
}

/// Refuses a price the client did not expect: a premium name needs `expected_price`, and
/// any `expected_price` given must be the price.
pub(crate) fn check_expected(expected: Option<Minor>, price: Minor, premium: bool) -> Result<()> {
    match expected {
        Some(expected) if expected != price => Err(AppError::PremiumPriceMismatch {
            expected_price: expected.to_string(),
            actual_price: price.to_string(),
        }),
        None if premium => Err(AppError::PremiumPriceMismatch {
            expected_price: String::new(),
            actual_price: price.to_string(),
        }),
        _ => Ok(()),
    }
}

/// The registry's refusal as the client sees it.
pub(crate) fn refused(name: &str, why: &str) -> AppError {
    AppError::AlreadyExists(
        Code::DomainExists,
        format!("{name} cannot be registered: {why}"),
    )
}

pub(crate) fn no_answer(what: &str) -> AppError {
    AppError::Upstream(
        Code::RegistryUnavailable,
        format!(
            "The registry did not answer; the {what} is settled as soon as it does, and \
             nothing is charged unless the registry carried it out"
        ),
    )
}

impl App {
    pub async fn domain_register(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        create: DomainCreate,
    ) -> Result<Domain> {
        let now = self.clock.now();
        let acting = acting_org(actor, context);
        // Who may, and whether the name could be had here, before the registry is asked
        // (outside any transaction, which it must not hold open).
        let name = {
            let mut read = self.db.read().await?;
            authorize_org(&mut read, actor, acting, DOMAINS_MANAGE).await?;
            require_verified_address(actor)?;
            let found = catalogued(&mut read, &create.name, "name").await?;
            check_period(&found.rules, create.period_years)?;
            found.name
        };
        let availability = self
            .registry
            .check(std::slice::from_ref(&name))
            .await
            .map_err(|err| {
                tracing::warn!(?err, name, "the registry's check failed");
                no_answer("check")
            })?;
        let premium = match availability.first() {
            Some(Availability::Available { premium }) => *premium,
            Some(Availability::Taken { reason }) => return Err(refused(&name, reason)),
            None => return Err(no_answer("check")),
        };

        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, acting, DOMAINS_MANAGE).await?;
        require_verified_address(actor)?;
        let found = catalogued(&mut tx, &name, "name").await?;
        check_period(&found.rules, create.period_years)?;
        check_contacts(&mut tx, org.id, &create.contacts, "contacts").await?;
        if create.create_zone {
            crate::authz::require(&actor.principal, DNS_MANAGE, &org.scope()).map_err(
                |denied| AppError::from_denied(denied, NotFoundKind::Organization, org.id),
            )?;
            crate::dns::zone_admitted(actor, &format!("{name}."))?;
            if dns::zone_by_name(&mut tx, &format!("{name}."))
                .await?
                .is_some()
            {
                return Err(AppError::AlreadyExists(
                    Code::ZoneExists,
                    format!("A zone named {name}. already exists: register without create_zone"),
                ));
            }
        }
        let multiplier = if premium {
            found.rules.premium_multiplier
        } else {
            1
        };
        let quote = domain_quote(
            &mut tx,
            &org,
            Action::Create,
            &found.rules.tld,
            &name,
            create.period_years,
            multiplier,
        )
        .await?;
        let price = quote.as_ref().map_or(Minor::ZERO, |q| q.net());
        check_expected(create.expected_price, price, premium)?;
        let operation = format!("create:{}", Uuid::now_v7());
        let auth_code = new_auth_code();
        let mut domain = pending_domain(
            Pending {
                organization: org.id,
                found,
                state: DomainState::Registering,
                renewal_mode: create.renewal_mode,
                nameservers: &create.nameservers,
                is_premium: premium,
                period_years: create.period_years,
                operation: operation.clone(),
                contacts: create.contacts,
            },
            now,
        )?;
        domain.create_zone = create.create_zone;
        domain.auth_code_sealed = Some(self.secret_box.seal(auth_code.as_bytes()));
        domains::insert(&mut tx, &auth, &domain).await?;
        if let Some(quote) = &quote {
            reserve(&mut tx, &auth, org.id, quote, &domain.id.to_string(), now).await?;
        }
        tx.commit().await?;

        match self
            .registry
            .create(&operation, &name, create.period_years, &auth_code, now)
            .await
        {
            Ok(registered) => {
                self.domain_complete(&auth, actor, &domain, registered, now)
                    .await
            }
            Err(RegistryError::Refused(why)) => {
                self.domain_abandon(&auth, actor, &domain, &why, now)
                    .await?;
                Err(refused(&name, &why))
            }
            Err(RegistryError::Unreachable(_)) => Err(no_answer("registration")),
        }
    }
}
