//! Transfers between organizations of the platform, through the registry: the gaining side
//! asks with the name's authorization code (`domain_transfer_in`, charged at the `transfer`
//! price through a hold); the losing side approves or rejects (`domain_transfer_outbound`),
//! or the TLD's delay passes (the scheduler approves, immediately when the delay is 0); the
//! gaining side may withdraw while it is pending (`domain_transfer_cancel`). Approved, the
//! gaining organization's domain is active and the losing one's record goes, in one
//! transaction (`settle.rs`).

use serde_json::json;
use tenantry_core::billing::{Action, Minor};
use tenantry_core::perms::DOMAINS_MANAGE;
use tenantry_core::{ContactId, DomainId, OrganizationId};
use tenantry_store::domains::{self, Domain, DomainState};
use time::OffsetDateTime;
use uuid::Uuid;

use super::register::{check_expected, no_answer};
use super::settle::platform_scope;
use super::{
    Nameserver, Pending, catalogued, check_contacts, check_period, domain_in_reach, domain_target,
    pending_domain,
};
use crate::actor::Actor;
use crate::app::App;
use crate::audit::record;
use crate::authz::platform_proof;
use crate::billing::{domain_quote, reserve};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::reach::{acting_org, authorize_org};
use crate::registry::RegistryError;
use crate::sign_up::require_verified_address;

/// What a transfer in asks for.
#[derive(Debug, Clone)]
pub struct TransferIn {
    pub name: String,
    pub auth_code: String,
    pub renewal_mode: String,
    pub contacts: Vec<(String, ContactId)>,
    pub nameservers: Vec<Nameserver>,
    /// Years added to the expiry (1 when not given).
    pub period_years: Option<i64>,
    pub expected_price: Option<Minor>,
}

fn not_possible(why: impl Into<String>) -> AppError {
    AppError::Conflict(Code::DomainTransferNotPossible, why.into())
}

impl App {
    pub async fn domain_transfer_in(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        ask: TransferIn,
    ) -> Result<Domain> {
        let now = self.clock.now();
        let acting = acting_org(actor, context);
        let years = ask.period_years.unwrap_or(1);
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, acting, DOMAINS_MANAGE).await?;
        require_verified_address(actor)?;
        let found = catalogued(&mut tx, &ask.name, "name").await?;
        check_period(&found.rules, years)?;
        if !ask.contacts.is_empty() {
            check_contacts(&mut tx, org.id, &ask.contacts, "contacts").await?;
        }
        let losing = domains::find_live(&mut tx, &found.name)
            .await?
            .ok_or_else(|| {
                not_possible(format!(
                    "{} is not registered here: register it",
                    found.name
                ))
            })?;
        if losing.organization_id == org.id {
            return Err(not_possible(format!(
                "{} is the organization's already",
                found.name
            )));
        }
        if losing.state != DomainState::Active || losing.pending_operation.is_some() {
            return Err(not_possible(format!(
                "{} cannot be transferred now",
                found.name
            )));
        }
        if losing
            .client_statuses
            .iter()
            .any(|s| s == "clientTransferProhibited")
        {
            return Err(not_possible(format!(
                "{} has clientTransferProhibited",
                found.name
            )));
        }
        if domains::find_transfer_in(&mut tx, &found.name)
            .await?
            .is_some()
        {
            return Err(not_possible(format!(
                "A transfer of {} is pending already",
                found.name
            )));
        }
        let multiplier = if losing.is_premium {
            found.rules.premium_multiplier
        } else {
            1
        };
        let quote = domain_quote(
            &mut tx,
            &org,
            Action::Transfer,
            &found.rules.tld,
            &found.name,
            years,
            multiplier,
        )
        .await?;
        let price = quote.as_ref().map_or(Minor::ZERO, |q| q.net());
        check_expected(ask.expected_price, price, losing.is_premium)?;
        let operation = format!("transfer:{}", Uuid::now_v7());
        let at_once = found.rules.transfer_delay_seconds == 0;
        let mut gaining = pending_domain(
            Pending {
                organization: org.id,
                found,
                state: DomainState::Transferring,
                renewal_mode: ask.renewal_mode,
                nameservers: &ask.nameservers,
                is_premium: losing.is_premium,
                period_years: years,
                operation: operation.clone(),
                contacts: ask.contacts,
            },
            now,
        )?;
        gaining.roid = losing.roid.clone();
        domains::insert(&mut tx, &auth, &gaining).await?;
        if let Some(quote) = &quote {
            reserve(&mut tx, &auth, org.id, quote, &gaining.id.to_string(), now).await?;
        }
        let losing_auth = platform_proof(losing.organization_id, DOMAINS_MANAGE);
        let by = Actor::platform(platform_scope(losing.organization_id));
        let details = json!({"requested_by": org.id.to_string()});
        record(
            &mut tx,
            &losing_auth,
            &by,
            now,
            "domain.transfer_requested",
            domain_target(&losing),
            details,
        )
        .await?;
        tx.commit().await?;

        match self
            .registry
            .transfer_request(&operation, &gaining.name, &ask.auth_code, years, now)
            .await
        {
            Ok(_) if at_once => self.transfer_finish(&gaining, true, now).await,
            Ok(_) => Ok(gaining),
            Err(RegistryError::Refused(why)) => {
                self.domain_abandon(&auth, actor, &gaining, &why, now)
                    .await?;
                Err(not_possible(why))
            }
            Err(RegistryError::Unreachable(_)) => Err(no_answer("transfer")),
        }
    }

    /// Has the registry approve or reject the pending transfer in `gaining`, then completes
    /// or abandons it.
    pub(crate) async fn transfer_finish(
        &self,
        gaining: &Domain,
        approve: bool,
        now: OffsetDateTime,
    ) -> Result<Domain> {
        let auth = platform_proof(gaining.organization_id, DOMAINS_MANAGE);
        let by = Actor::platform(platform_scope(gaining.organization_id));
        match self
            .registry
            .transfer_resolve(&gaining.name, approve, now)
            .await
        {
            Ok(held) if approve => self.domain_complete(&auth, &by, gaining, held, now).await,
            Ok(_) => {
                self.domain_abandon(&auth, &by, gaining, "rejected by the losing side", now)
                    .await?;
                let mut rejected = gaining.clone();
                rejected.state = DomainState::Gone;
                Ok(rejected)
            }
            Err(RegistryError::Refused(why)) => Err(not_possible(why)),
            Err(RegistryError::Unreachable(_)) => Err(no_answer("transfer")),
        }
    }

    /// The gaining side withdraws its pending transfer in (by the pending domain's id or the
    /// name).
    pub async fn domain_transfer_cancel(&self, actor: &Actor, reference: &str) -> Result<()> {
        let not_found = || AppError::not_found(NotFoundKind::Domain, reference);
        let mut tx = self.db.read().await?;
        let pending = match reference.parse::<DomainId>() {
            Ok(_) => domains::find_live(&mut tx, reference).await?,
            Err(_) => domains::find_transfer_in(&mut tx, reference).await?,
        }
        .filter(|d| d.state == DomainState::Transferring);
        let Some(pending) = pending else {
            // No transfer in pending: said to whoever may manage the name they named.
            let (domain, _, _) = domain_in_reach(&mut tx, actor, reference, DOMAINS_MANAGE).await?;
            return Err(not_possible(format!(
                "{} has no transfer pending",
                domain.name
            )));
        };
        authorize_org(&mut tx, actor, pending.organization_id, DOMAINS_MANAGE)
            .await
            .map_err(|err| match err {
                AppError::NotFound { .. } => not_found(),
                other => other,
            })?;
        drop(tx);
        self.transfer_finish(&pending, false, self.clock.now())
            .await?;
        Ok(())
    }

    /// The losing side approves or rejects the pending transfer of one of its domains.
    pub async fn domain_transfer_outbound(
        &self,
        actor: &Actor,
        reference: &str,
        approve: bool,
    ) -> Result<Domain> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (losing, _, auth) = domain_in_reach(&mut tx, actor, reference, DOMAINS_MANAGE).await?;
        let gaining = domains::find_transfer_in(&mut tx, &losing.name)
            .await?
            .ok_or_else(|| not_possible(format!("{} has no transfer pending", losing.name)))?;
        if !approve {
            record(
                &mut tx,
                &auth,
                actor,
                now,
                "domain.transfer_rejected",
                domain_target(&losing),
                json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        self.transfer_finish(&gaining, approve, now).await?;
        Ok(losing)
    }
}
