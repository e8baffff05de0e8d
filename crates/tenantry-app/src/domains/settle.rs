//! Finishing a registry operation, by the use case that started it or, after a crash, by the
//! reconciler: `complete` applies what the registry did and captures the hold; `abandon`
//! releases the hold and forgets the operation (a registration that never happened frees its
//! name). Each runs in one transaction and only if the operation is still the domain's one in
//! flight, so the use case and the reconciler never settle it twice.
//!
//! The reconciler (`domains_reconcile`) runs at start-up and periodically: for every
//! operation in flight for longer than a minute it asks the registry (`info`) whether its
//! last operation on the name is this one, and completes or abandons accordingly.

use serde_json::json;
use tenantry_core::dns::ZoneName;
use tenantry_core::perms::{DNS_MANAGE, DOMAINS_MANAGE};
use tenantry_store::domains::{self, Domain, DomainState};
use tenantry_store::organizations;
use time::OffsetDateTime;

use super::domain_target;
use crate::actor::Actor;
use crate::app::App;
use crate::audit::{diff, record};
use crate::authz::{Authorized, platform_proof, proof_of};
use crate::billing;
use crate::error::{AppError, NotFoundKind, Result};
use crate::registry::{RegistryDomain, RegistryError};

/// How long an operation may be in flight before the reconciler settles it.
pub const SETTLE_AFTER: time::Duration = time::Duration::minutes(1);

/// The scope the platform's jobs record their audit events under.
pub(crate) fn platform_scope(
    organization: tenantry_core::OrganizationId,
) -> tenantry_core::OrgScope {
    tenantry_core::OrgScope {
        id: organization,
        parent_id: None,
        status: tenantry_core::OrgStatus::Active,
    }
}

/// What a pending operation does: the part before the colon.
pub(crate) fn kind_of(operation: &str) -> &str {
    operation
        .split_once(':')
        .map_or(operation, |(kind, _)| kind)
}

fn snapshot(d: &Domain) -> serde_json::Value {
    let expires_on = d.expires_on.and_then(|t| {
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    });
    json!({
        "state": d.state.as_str(), "expires_on": expires_on,
        "renewal_mode": d.renewal_mode, "client_statuses": d.client_statuses,
    })
}

impl App {
    /// Applies what the registry did for the domain's operation in flight and captures its
    /// hold. Answers the domain as it now is.
    pub(crate) async fn domain_complete(
        &self,
        auth: &Authorized,
        by: &Actor,
        started: &Domain,
        registry: RegistryDomain,
        now: OffsetDateTime,
    ) -> Result<Domain> {
        let mut tx = self.db.begin().await?;
        let current = domains::get(&mut tx, auth, started.id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Domain, &started.name))?;
        let Some(operation) = current
            .pending_operation
            .clone()
            .filter(|op| Some(op) == started.pending_operation.as_ref())
        else {
            return Ok(current);
        };
        let mut after = current.clone();
        after.roid = Some(registry.roid);
        after.registry_statuses = registry.statuses;
        after.expires_on = Some(registry.expires_on);
        after.pending_operation = None;
        after.updated_on = now;
        let action = match kind_of(&operation) {
            "create" => {
                after.state = DomainState::Active;
                after.registered_on = Some(now);
                "domain.created"
            }
            "renew" => "domain.renewed",
            // A code change cut off after the registry took it: its text went with the
            // request, so no code is on record until the client sets one again.
            "update" => {
                after.auth_code_sealed = None;
                "domain.updated"
            }
            "restore" => {
                after.state = DomainState::Active;
                after.deleted_on = None;
                after.purge_on = None;
                "domain.restored"
            }
            "transfer" => {
                // The losing organization's record goes first: the name is this one's now.
                if let Some(losing) = domains::find_live(&mut tx, &current.name).await? {
                    after.registered_on = losing.registered_on;
                    self.retire_transferred(&mut tx, losing, current.organization_id, now)
                        .await?;
                }
                after.state = DomainState::Active;
                "domain.transferred_in"
            }
            _ => {
                let rules = tenantry_store::registry::tld(&mut tx, &current.tld).await?;
                let days = rules.map_or(30, |r| r.redemption_days);
                after.state = DomainState::Redemption;
                after.deleted_on = Some(now);
                after.purge_on = Some(now + time::Duration::days(days));
                "domain.deleted"
            }
        };
        domains::update(&mut tx, auth, &after).await?;
        let charge = billing::capture(&mut tx, auth, &current.id.to_string(), now).await?;
        if action == "domain.created" && current.create_zone {
            let org = organizations::get(&mut tx, current.organization_id)
                .await?
                .ok_or_else(|| {
                    AppError::not_found(NotFoundKind::Organization, current.organization_id)
                })?;
            let zone_auth = proof_of(by, &org.scope(), DNS_MANAGE).map_err(|denied| {
                AppError::from_denied(denied, NotFoundKind::Organization, org.id)
            })?;
            let name = ZoneName::parse(&current.name).map_err(|e| AppError::Internal(e.0))?;
            // Checked free when the registration started; taken since, the domain stands
            // without it (the zone is made with `POST /v1/dns`).
            match self
                .zone_create_bare(&mut tx, &zone_auth, by, org.id, &name, now)
                .await
            {
                Ok(_) | Err(AppError::AlreadyExists(..)) => {}
                Err(other) => return Err(other),
            }
        }
        let mut changes = diff(&snapshot(&current), &snapshot(&after));
        if let Some(charge) = &charge {
            changes["billing_transaction_id"] = json!(charge.id.to_string());
        }
        record(
            &mut tx,
            auth,
            by,
            now,
            action,
            domain_target(&after),
            changes,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Retires the losing organization's record of a name transferred to `to`.
    async fn retire_transferred(
        &self,
        tx: &mut tenantry_store::Tx,
        losing: Domain,
        to: tenantry_core::OrganizationId,
        now: OffsetDateTime,
    ) -> Result<()> {
        let auth = platform_proof(losing.organization_id, DOMAINS_MANAGE);
        let mut gone = losing.clone();
        gone.state = DomainState::Gone;
        gone.contacts.clear();
        gone.pending_operation = None;
        gone.auth_code_sealed = None;
        gone.updated_on = now;
        domains::update(tx, &auth, &gone).await?;
        let by = Actor::platform(platform_scope(losing.organization_id));
        let details = json!({"to": to.to_string()});
        record(
            tx,
            &auth,
            &by,
            now,
            "domain.transferred_out",
            domain_target(&losing),
            details,
        )
        .await
    }

    /// Forgets the domain's operation in flight, which the registry did not do: releases its
    /// hold; a registration that never happened frees the name.
    pub(crate) async fn domain_abandon(
        &self,
        auth: &Authorized,
        by: &Actor,
        started: &Domain,
        why: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let Some(current) = domains::get(&mut tx, auth, started.id).await? else {
            return Ok(());
        };
        let Some(operation) = current
            .pending_operation
            .clone()
            .filter(|op| Some(op) == started.pending_operation.as_ref())
        else {
            return Ok(());
        };
        let mut after = current.clone();
        after.pending_operation = None;
        after.updated_on = now;
        // A registration or transfer in that did not happen leaves no domain.
        if matches!(kind_of(&operation), "create" | "transfer") {
            after.state = DomainState::Gone;
            after.contacts.clear();
        }
        domains::update(&mut tx, auth, &after).await?;
        billing::release(&mut tx, auth, &current.id.to_string(), now).await?;
        record(
            &mut tx,
            auth,
            by,
            now,
            "domain.operation_failed",
            domain_target(&current),
            json!({"operation": kind_of(&operation), "reason": why}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Settles every registry operation left in flight for longer than `SETTLE_AFTER` (a
    /// crash, or a registry that did not answer), by asking the registry what it did.
    /// Answers how many were settled.
    pub async fn domains_reconcile(&self) -> Result<u64> {
        let now = self.clock.now();
        let due = {
            let mut tx = self.db.read().await?;
            domains::in_flight_before(&mut tx, now - SETTLE_AFTER).await?
        };
        let mut settled = 0;
        for domain in due {
            let operation = domain.pending_operation.clone().unwrap_or_default();
            let auth = platform_proof(domain.organization_id, DOMAINS_MANAGE);
            let by = Actor::platform(platform_scope(domain.organization_id));
            let outcome = match self.registry.info(&domain.name).await {
                // A transfer the losing side has not answered yet is not stuck.
                Ok(Some(held)) if held.pending_transfer.as_ref() == Some(&operation) => continue,
                Ok(Some(held)) if held.last_operation == operation => self
                    .domain_complete(&auth, &by, &domain, held, now)
                    .await
                    .map(|_| ()),
                Ok(_) => {
                    self.domain_abandon(&auth, &by, &domain, "the registry did not do it", now)
                        .await
                }
                Err(RegistryError::Refused(_) | RegistryError::Unreachable(_)) => continue,
            };
            // One domain that cannot be settled now must not keep the others (and the rest of
            // the scheduler's pass) waiting: it is tried again on the next pass.
            if let Err(err) = outcome {
                tracing::warn!(domain = %domain.name, error = %err, "operation not settled");
                continue;
            }
            settled += 1;
        }
        Ok(settled)
    }
}
