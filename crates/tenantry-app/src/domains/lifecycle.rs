//! Renewing, deleting and restoring a domain: each claims the domain's one operation in
//! flight, sets any price aside in a hold, asks the registry, then completes or abandons
//! (`settle.rs`), like a registration.

use tenantry_core::billing::{Action, Minor};
use tenantry_core::perms::{DOMAINS_DELETE, DOMAINS_MANAGE};
use tenantry_store::domains::{self, Domain, DomainState};
use tenantry_store::organizations::Organization;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::register::{check_expected, no_answer};
use super::{catalogued, check_period, domain_in_reach};
use crate::actor::Actor;
use crate::app::App;
use crate::authz::Authorized;
use crate::billing::{domain_quote, reserve};
use crate::error::{AppError, Code, Result};
use crate::registry::{RegistryDomain, RegistryError};
use crate::sign_up::require_verified_address;

/// A renewal's answer.
#[derive(Debug, Clone)]
pub struct Renewed {
    pub name: String,
    pub new_expiry: OffsetDateTime,
    pub years: i64,
}

fn busy(domain: &Domain) -> AppError {
    AppError::Conflict(
        Code::DomainNotActive,
        format!(
            "{} has a registry operation in progress; try again when it is settled",
            domain.name
        ),
    )
}

fn not_active(domain: &Domain, what: &str) -> AppError {
    AppError::Conflict(
        Code::DomainNotActive,
        format!(
            "{} is {}: it cannot be {what}",
            domain.name,
            domain.state.as_str()
        ),
    )
}

/// An operation to start: its kind (`renew`, `delete`, `restore`) and, when it is paid, the
/// action priced, the years, and the price the client expects.
pub(super) struct Operation {
    pub(super) kind: &'static str,
    pub(super) priced: Option<(Action, i64, Option<Minor>)>,
}

impl Operation {
    pub(super) const DELETE: Operation = Operation {
        kind: "delete",
        priced: None,
    };
}

/// What `settle` needs to finish an operation the registry was asked to do.
pub(super) struct Started {
    pub(super) domain: Domain,
    auth: Authorized,
}

impl App {
    /// Claims the domain's operation in flight (`kind`) and sets aside the price of `action`
    /// for `years`, in one transaction.
    pub(super) async fn start_operation(
        &self,
        mut tx: tenantry_store::Tx,
        auth: Authorized,
        org: &Organization,
        mut domain: Domain,
        operation: Operation,
        now: OffsetDateTime,
    ) -> Result<Started> {
        // Claimed first: a domain busy with another operation answers so, whatever the
        // account holds (a refused price must never be taken for this domain's own refusal).
        let claimed = format!("{}:{}", operation.kind, Uuid::now_v7());
        if !domains::claim_operation(&mut tx, &auth, &domain, &claimed, now).await? {
            return Err(busy(&domain));
        }
        if let Some((action, years, expected)) = operation.priced {
            let rules = catalogued(&mut tx, &domain.name, "name").await?.rules;
            if action == Action::Renew {
                check_period(&rules, years)?;
            }
            let multiplier = if domain.is_premium {
                rules.premium_multiplier
            } else {
                1
            };
            let quote = domain_quote(
                &mut tx,
                org,
                action,
                &rules.tld,
                &domain.name,
                years,
                multiplier,
            )
            .await?;
            let price = quote.as_ref().map_or(Minor::ZERO, |q| q.net());
            check_expected(expected, price, domain.is_premium && expected.is_some())?;
            if let Some(quote) = &quote {
                reserve(&mut tx, &auth, org.id, quote, &domain.id.to_string(), now).await?;
            }
        }
        tx.commit().await?;
        domain.pending_operation = Some(claimed);
        Ok(Started { domain, auth })
    }

    /// Completes or abandons a started operation with the registry's answer.
    pub(super) async fn finish_operation(
        &self,
        actor: &Actor,
        started: Started,
        answer: std::result::Result<RegistryDomain, RegistryError>,
        what: &str,
        refused: impl FnOnce(String) -> AppError,
        now: OffsetDateTime,
    ) -> Result<Domain> {
        match answer {
            Ok(held) => {
                self.domain_complete(&started.auth, actor, &started.domain, held, now)
                    .await
            }
            Err(RegistryError::Refused(why)) => {
                self.domain_abandon(&started.auth, actor, &started.domain, &why, now)
                    .await?;
                Err(refused(why))
            }
            Err(RegistryError::Unreachable(_)) => Err(no_answer(what)),
        }
    }

    /// Renews by `years`, if `current_expiry` is the domain's expiry date (so a repeated
    /// renewal does not extend twice).
    pub async fn domain_renew(
        &self,
        actor: &Actor,
        reference: &str,
        years: i64,
        current_expiry: Date,
        expected_price: Option<Minor>,
    ) -> Result<Renewed> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (domain, org, auth) =
            domain_in_reach(&mut tx, actor, reference, DOMAINS_MANAGE).await?;
        require_verified_address(actor)?;
        if domain.state != DomainState::Active {
            return Err(not_active(&domain, "renewed"));
        }
        if domain
            .client_statuses
            .iter()
            .any(|s| s == "clientRenewProhibited")
        {
            return Err(AppError::Conflict(
                Code::DomainStatusProhibited,
                format!(
                    "{} has clientRenewProhibited: remove it to renew",
                    domain.name
                ),
            ));
        }
        let expiry = domain
            .expires_on
            .ok_or_else(|| not_active(&domain, "renewed"))?;
        if expiry.date() != current_expiry {
            return Err(AppError::Conflict(
                Code::DomainExpiryMismatch,
                format!(
                    "{} expires on {}, not {current_expiry}: it was renewed meanwhile",
                    domain.name,
                    expiry.date()
                ),
            ));
        }
        let renewal = Operation {
            kind: "renew",
            priced: Some((Action::Renew, years, expected_price)),
        };
        let started = self
            .start_operation(tx, auth, &org, domain, renewal, now)
            .await?;
        let operation = started.domain.pending_operation.clone().unwrap_or_default();
        let answer = self
            .registry
            .renew(&operation, &started.domain.name, expiry, years, now)
            .await;
        let refused = |why: String| AppError::Conflict(Code::DomainExpiryMismatch, why);
        let renewed = self
            .finish_operation(actor, started, answer, "renewal", refused, now)
            .await?;
        Ok(Renewed {
            name: renewed.name,
            new_expiry: renewed.expires_on.unwrap_or(expiry),
            years,
        })
    }

    /// Deletes: the domain enters its redemption period, restorable until it is purged. A
    /// `clientDeleteProhibited` (or a registry's `serverDeleteProhibited`) refuses.
    pub async fn domain_delete(&self, actor: &Actor, reference: &str) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (domain, org, _) = domain_in_reach(&mut tx, actor, reference, DOMAINS_DELETE).await?;
        if domain.state != DomainState::Active {
            return Err(not_active(&domain, "deleted"));
        }
        let prohibiting: Vec<String> = domain
            .client_statuses
            .iter()
            .chain(&domain.registry_statuses)
            .filter(|s| {
                matches!(
                    s.as_str(),
                    "clientDeleteProhibited" | "serverDeleteProhibited"
                )
            })
            .cloned()
            .collect();
        if !prohibiting.is_empty() {
            return Err(AppError::DomainDeleteProhibited {
                domain_name: domain.name.clone(),
                prohibiting_statuses: prohibiting,
            });
        }
        // The deletion writes the domain's record, which managing domains covers.
        let manage = crate::authz::require(&actor.principal, DOMAINS_MANAGE, &org.scope())
            .map_err(|denied| {
                AppError::from_denied(denied, crate::error::NotFoundKind::Domain, reference)
            })?;
        let started = self
            .start_operation(tx, manage, &org, domain, Operation::DELETE, now)
            .await?;
        let operation = started.domain.pending_operation.clone().unwrap_or_default();
        let answer = self
            .registry
            .delete(&operation, &started.domain.name, now)
            .await;
        let refused = |why: String| AppError::Conflict(Code::DomainNotActive, why);
        self.finish_operation(actor, started, answer, "deletion", refused, now)
            .await?;
        Ok(())
    }

    /// Restores a domain in its redemption period (charged at the `restore` price).
    pub async fn domain_restore(
        &self,
        actor: &Actor,
        reference: &str,
        expected_price: Option<Minor>,
    ) -> Result<Domain> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (domain, org, auth) =
            domain_in_reach(&mut tx, actor, reference, DOMAINS_MANAGE).await?;
        require_verified_address(actor)?;
        let restorable = domain.state == DomainState::Redemption
            && domain.purge_on.is_some_and(|purge| purge > now);
        if !restorable {
            return Err(AppError::Conflict(
                Code::DomainNotRestorable,
                format!("{} is not in its redemption period", domain.name),
            ));
        }
        let restore = Operation {
            kind: "restore",
            priced: Some((Action::Restore, 1, expected_price)),
        };
        let started = self
            .start_operation(tx, auth, &org, domain, restore, now)
            .await?;
        let operation = started.domain.pending_operation.clone().unwrap_or_default();
        let answer = self
            .registry
            .restore(&operation, &started.domain.name, now)
            .await;
        let refused = |why: String| AppError::Conflict(Code::DomainNotRestorable, why);
        self.finish_operation(actor, started, answer, "restore", refused, now)
            .await
    }
}
