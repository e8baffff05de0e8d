//! What a registration or a renewal will cost, asked before it is made, so that a person sees
//! the price (net, tax, total) and confirms exactly that one: the confirmed net goes back as
//! the change's `expected_price`, which refuses any other price.

use tenantry_core::OrganizationId;
use tenantry_core::billing::{Action, Minor};
use tenantry_core::perms::DOMAINS_READ;
use tenantry_store::domains::Domain;

use super::register::{no_answer, refused};
use super::{catalogued, check_period, domain_in_reach};
use crate::actor::Actor;
use crate::app::App;
use crate::billing::{Quote, domain_quote};
use crate::error::{AppError, NotFoundKind, Result};
use crate::reach::authorize_org;
use crate::registry::Availability;

/// The price of one registration or renewal, in the paying account's currency; `None` when
/// the operator prices it at nothing.
#[derive(Debug, Clone)]
pub struct DomainPrice {
    pub name: String,
    pub years: i64,
    pub premium: bool,
    /// The periods the TLD allows, in years.
    pub periods: Vec<i64>,
    pub price: Option<PriceParts>,
}

#[derive(Debug, Clone)]
pub struct PriceParts {
    pub net: Minor,
    pub tax: Minor,
    pub gross: Minor,
    pub currency: &'static str,
}

impl PriceParts {
    fn of(quote: &Quote) -> Self {
        PriceParts {
            net: quote.net(),
            tax: Minor(quote.gross().0 - quote.net().0),
            gross: quote.gross(),
            currency: quote.currency().as_str(),
        }
    }
}

impl App {
    /// What registering `name` for `years` in `organization` costs; a name the registry
    /// will not give is refused as the registration would be.
    pub async fn domain_registration_price(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        name: &str,
        years: i64,
    ) -> Result<DomainPrice> {
        let found = {
            let mut read = self.db.read().await?;
            authorize_org(&mut read, actor, organization, DOMAINS_READ).await?;
            catalogued(&mut read, name, "name").await?
        };
        check_period(&found.rules, years)?;
        let availability = self
            .registry
            .check(std::slice::from_ref(&found.name))
            .await
            .map_err(|_| no_answer("check"))?;
        let premium = match availability.first() {
            Some(Availability::Available { premium }) => *premium,
            Some(Availability::Taken { reason }) => return Err(refused(&found.name, reason)),
            None => return Err(no_answer("check")),
        };
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, organization, DOMAINS_READ).await?;
        let multiplier = if premium {
            found.rules.premium_multiplier
        } else {
            1
        };
        let tld = found.rules.tld.clone();
        let quote = domain_quote(
            &mut tx,
            &org,
            Action::Create,
            &tld,
            &found.name,
            years,
            multiplier,
        )
        .await?;
        Ok(DomainPrice {
            name: found.name,
            years,
            premium,
            periods: found.rules.periods.0,
            price: quote.as_ref().map(PriceParts::of),
        })
    }

    /// One of `organization`'s domains; a domain of any other organization is not found, as
    /// on a page of that organization it does not exist.
    pub async fn domain_of(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        reference: &str,
    ) -> Result<Domain> {
        let mut tx = self.db.read().await?;
        let (domain, _, _) = domain_in_reach(&mut tx, actor, reference, DOMAINS_READ).await?;
        if domain.organization_id != organization {
            return Err(AppError::not_found(NotFoundKind::Domain, reference));
        }
        Ok(domain)
    }

    /// What renewing `organization`'s domain `reference` for `years` costs.
    pub async fn domain_renewal_price(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        reference: &str,
        years: i64,
    ) -> Result<DomainPrice> {
        let mut tx = self.db.read().await?;
        let (domain, org, _) = domain_in_reach(&mut tx, actor, reference, DOMAINS_READ).await?;
        if domain.organization_id != organization {
            return Err(AppError::not_found(NotFoundKind::Domain, reference));
        }
        let found = catalogued(&mut tx, &domain.name, "name").await?;
        check_period(&found.rules, years)?;
        let multiplier = if domain.is_premium {
            found.rules.premium_multiplier
        } else {
            1
        };
        let quote = domain_quote(
            &mut tx,
            &org,
            Action::Renew,
            &domain.tld,
            &domain.name,
            years,
            multiplier,
        )
        .await?;
        Ok(DomainPrice {
            name: domain.name,
            years,
            premium: domain.is_premium,
            periods: found.rules.periods.0,
            price: quote.as_ref().map(PriceParts::of),
        })
    }
}
