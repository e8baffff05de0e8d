//! `GET /v1/domains/check`: whether names can be registered, which are premium, and the
//! premium price for a one-year registration in the caller's paying currency.

use tenantry_core::OrganizationId;
use tenantry_core::billing::Action;
use tenantry_core::perms::DOMAINS_READ;

use super::catalogued;
use crate::actor::Actor;
use crate::app::App;
use crate::billing::domain_quote;
use crate::error::{AppError, Result};
use crate::reach::{acting_org, authorize_org};
use crate::registry::{Availability, RegistryError};

/// The most names one check takes.
pub const MAX_NAMES: usize = 50;

#[derive(Debug, Clone)]
pub struct PremiumPrice {
    pub action: &'static str,
    pub price: String,
    pub currency: &'static str,
}

/// One name's answer: available, or why not; or an error for a name that cannot be checked.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub domain: String,
    pub available: bool,
    pub reason: Option<&'static str>,
    pub is_premium: bool,
    pub premium_pricing: Vec<PremiumPrice>,
    /// (`invalid_domain` | `tld_not_supported`, message).
    pub error: Option<(&'static str, String)>,
}

impl App {
    pub async fn domain_check(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        names: Vec<String>,
    ) -> Result<Vec<CheckResult>> {
        if names.is_empty() || names.len() > MAX_NAMES {
            return Err(AppError::Invalid(vec![crate::error::FieldError {
                loc: vec!["query".into(), "domains".into()],
                msg: format!("give 1 to {MAX_NAMES} names"),
                kind: "value_error".into(),
            }]));
        }
        let mut tx = self.db.read().await?;
        let (org, _) =
            authorize_org(&mut tx, actor, acting_org(actor, context), DOMAINS_READ).await?;
        let mut results = Vec::with_capacity(names.len());
        let mut checkable = Vec::new();
        for raw in names {
            match catalogued(&mut tx, &raw, "domains").await {
                Ok(found) => {
                    checkable.push((results.len(), found));
                    results.push(CheckResult {
                        domain: raw,
                        available: false,
                        reason: None,
                        is_premium: false,
                        premium_pricing: Vec::new(),
                        error: None,
                    });
                }
                Err(err) => {
                    let kind = match err {
                        AppError::BadRequest(..) => "tld_not_supported",
                        _ => "invalid_domain",
                    };
                    results.push(CheckResult {
                        domain: raw,
                        available: false,
                        reason: None,
                        is_premium: false,
                        premium_pricing: Vec::new(),
                        error: Some((kind, err.to_string())),
                    });
                }
            }
        }
        let asked: Vec<String> = checkable.iter().map(|(_, c)| c.name.clone()).collect();
        let answers = self.registry.check(&asked).await.map_err(|err| match err {
            RegistryError::Refused(why) | RegistryError::Unreachable(why) => AppError::Upstream(
                crate::error::Code::RegistryUnavailable,
                format!("The registry could not check the names: {why}"),
            ),
        })?;
        for ((slot, found), answer) in checkable.into_iter().zip(answers) {
            let result = &mut results[slot];
            result.domain = found.name.clone();
            match answer {
                Availability::Available { premium } => {
                    result.available = true;
                    result.is_premium = premium;
                    if premium {
                        let quote = domain_quote(
                            &mut tx,
                            &org,
                            Action::Create,
                            &found.rules.tld,
                            &found.name,
                            1,
                            found.rules.premium_multiplier,
                        )
                        .await?;
                        if let Some(quote) = quote {
                            result.premium_pricing.push(PremiumPrice {
                                action: "create",
                                price: quote.net().to_string(),
                                currency: quote.currency().as_str(),
                            });
                        }
                    }
                }
                Availability::Taken { reason } => result.reason = Some(reason),
            }
        }
        Ok(results)
    }
}
