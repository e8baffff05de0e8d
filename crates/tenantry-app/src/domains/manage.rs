//! Reading and changing a domain's record: get, list, summary, the changes a client makes
//! (contacts, name servers, renewal mode, client statuses), and moving a domain between two
//! organizations the caller manages domains in.

use serde_json::json;
use tenantry_core::perms::{DOMAINS_MANAGE, DOMAINS_READ};
use tenantry_core::{ContactId, OrganizationId};
use tenantry_store::domains::{self, Domain, DomainFilter, DomainState};
use tenantry_store::{Page, PageRequest};

use super::{CLIENT_STATUSES, Nameserver, check_contacts, domain_in_reach, domain_target};
use crate::actor::Actor;
use crate::app::App;
use crate::audit::{diff, record};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::reach::{acting_org, authorize_org};
use crate::registry::RegistryError;

/// A client's change of a domain; each part optional.
#[derive(Debug, Clone, Default)]
pub struct DomainUpdate {
    pub contacts: Option<Vec<(String, ContactId)>>,
    pub nameservers: Option<Vec<Nameserver>>,
    pub renewal_mode: Option<String>,
    /// The client statuses to hold from now (replacing them), or changes to them.
    pub statuses: Option<Vec<String>>,
    pub add_statuses: Vec<String>,
    pub remove_statuses: Vec<String>,
    /// A new transfer authorization code.
    pub auth_code: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DomainSummary {
    pub total_count: i64,
    pub by_status: Vec<(String, i64)>,
    pub by_tld: Vec<(String, i64)>,
    pub organization_id: OrganizationId,
    pub expiring: [i64; 3],
}

fn record_view(d: &Domain) -> serde_json::Value {
    json!({
        "renewal_mode": d.renewal_mode, "client_statuses": d.client_statuses,
        "nameservers": d.nameservers,
        "auth_code": d.auth_code_sealed.as_ref().map(|_| "[redacted]"),
        "contacts": d.contacts.iter().map(|(r, c)| (r.clone(), c.to_string())).collect::<Vec<_>>(),
    })
}

impl App {
    pub async fn domain_get(&self, actor: &Actor, reference: &str) -> Result<Domain> {
        let mut tx = self.db.read().await?;
        Ok(domain_in_reach(&mut tx, actor, reference, DOMAINS_READ)
            .await?
            .0)
    }

    /// The domain's transfer authorization code, for whoever may manage it.
    pub async fn domain_auth_code(&self, actor: &Actor, reference: &str) -> Result<Option<String>> {
        let mut tx = self.db.read().await?;
        let (domain, _, _) = domain_in_reach(&mut tx, actor, reference, DOMAINS_MANAGE).await?;
        Ok(domain
            .auth_code_sealed
            .and_then(|sealed| self.secret_box.open(&sealed))
            .and_then(|code| String::from_utf8(code).ok()))
    }

    /// The organization's domains; `expiring_within` (days) keeps those expiring between now
    /// and then.
    pub async fn domain_list(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        mut filter: DomainFilter,
        expiring_within: Option<i64>,
        page: PageRequest,
    ) -> Result<Page<Domain>> {
        if let Some(days) = expiring_within {
            let now = self.clock.now();
            filter.expires_after = Some(filter.expires_after.map_or(now, |t| t.max(now)));
            let until = now + time::Duration::days(days);
            filter.expires_before = Some(filter.expires_before.map_or(until, |t| t.min(until)));
        }
        let mut tx = self.db.read().await?;
        let (_, auth) = authorize_org(&mut tx, actor, organization, DOMAINS_READ).await?;
        Ok(domains::list(&mut tx, &auth, &filter, page).await?)
    }

    pub async fn domain_summary(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
    ) -> Result<DomainSummary> {
        let mut tx = self.db.read().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), DOMAINS_READ).await?;
        let (by_status, by_tld, expiring) =
            domains::summary(&mut tx, &auth, self.clock.now()).await?;
        Ok(DomainSummary {
            total_count: by_status.iter().map(|(_, n)| n).sum(),
            by_status,
            by_tld,
            organization_id: org.id,
            expiring,
        })
    }

    /// Changes what a client may change of a domain. `clientUpdateProhibited` refuses every
    /// change but lifting it.
    pub async fn domain_update(
        &self,
        actor: &Actor,
        reference: &str,
        update: DomainUpdate,
    ) -> Result<Domain> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (before, org, auth) =
            domain_in_reach(&mut tx, actor, reference, DOMAINS_MANAGE).await?;
        if before.state != DomainState::Active || before.pending_operation.is_some() {
            return Err(AppError::Conflict(
                Code::DomainNotActive,
                format!(
                    "{} cannot be changed now ({})",
                    before.name,
                    before.state.as_str()
                ),
            ));
        }
        let mut statuses = update
            .statuses
            .clone()
            .unwrap_or_else(|| before.client_statuses.clone());
        statuses.extend(update.add_statuses.iter().cloned());
        statuses.retain(|s| !update.remove_statuses.contains(s));
        statuses.sort();
        statuses.dedup();
        if let Some(unknown) = statuses
            .iter()
            .find(|s| !CLIENT_STATUSES.contains(&s.as_str()))
        {
            return Err(AppError::invalid_field(
                "statuses",
                format!(
                    "{unknown} is not a client status: {}",
                    CLIENT_STATUSES.join(", ")
                ),
            ));
        }
        let changes_more_than_statuses = update.contacts.is_some()
            || update.nameservers.is_some()
            || update.renewal_mode.is_some()
            || update.auth_code.is_some();
        let locked = before
            .client_statuses
            .iter()
            .any(|s| s == "clientUpdateProhibited")
            && statuses.iter().any(|s| s == "clientUpdateProhibited");
        if locked && changes_more_than_statuses {
            return Err(AppError::Conflict(
                Code::DomainStatusProhibited,
                format!(
                    "{} has clientUpdateProhibited: remove it first to change anything else",
                    before.name
                ),
            ));
        }
        let mut after = before.clone();
        if let Some(contacts) = update.contacts {
            check_contacts(&mut tx, org.id, &contacts, "contacts").await?;
            after.contacts = contacts;
        }
        if let Some(nameservers) = update.nameservers {
            after.nameservers =
                serde_json::to_value(nameservers).map_err(|e| AppError::Internal(e.to_string()))?;
        }
        if let Some(mode) = update.renewal_mode {
            after.renewal_mode = mode;
        }
        if let Some(code) = &update.auth_code {
            if !(6..=64).contains(&code.chars().count()) {
                return Err(AppError::invalid_field("auth_code", "6 to 64 characters"));
            }
            tx = self
                .set_auth_code(tx, &auth, actor, &before, code, now)
                .await?;
            after.auth_code_sealed = Some(self.secret_box.seal(code.as_bytes()));
        }
        after.client_statuses = statuses;
        after.updated_on = now;
        domains::update(&mut tx, &auth, &after).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "domain.updated",
            domain_target(&after),
            diff(&record_view(&before), &record_view(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Gives the registry a domain's new authorization code before the platform shows it,
    /// under a claim on the domain that keeps every other change out meanwhile. Answers a
    /// transaction in which the claim still holds, for the change to be written in.
    async fn set_auth_code(
        &self,
        mut tx: tenantry_store::Tx,
        auth: &crate::authz::Authorized,
        actor: &Actor,
        domain: &Domain,
        code: &str,
        now: time::OffsetDateTime,
    ) -> Result<tenantry_store::Tx> {
        let operation = format!("update:{}", uuid::Uuid::now_v7());
        let busy = || {
            AppError::Conflict(
                Code::DomainNotActive,
                format!("{} has a registry operation in progress", domain.name),
            )
        };
        if !domains::claim_operation(&mut tx, auth, domain, &operation, now).await? {
            return Err(busy());
        }
        tx.commit().await?;
        let mut claimed = domain.clone();
        claimed.pending_operation = Some(operation.clone());
        match self
            .registry
            .set_auth_code(&operation, &domain.name, code, now)
            .await
        {
            Ok(_) => {}
            Err(RegistryError::Refused(why)) => {
                self.domain_abandon(auth, actor, &claimed, &why, now)
                    .await?;
                return Err(AppError::Conflict(
                    Code::DomainNotActive,
                    format!("The registry refused the code: {why}"),
                ));
            }
            // Whether the registry took it is for the reconciler to find out.
            Err(RegistryError::Unreachable(_)) => {
                return Err(super::register::no_answer("authorization code change"));
            }
        }
        let mut tx = self.db.begin().await?;
        let current = domains::get(&mut tx, auth, domain.id).await?;
        // Only the reconciler, after `SETTLE_AFTER`, takes a claim away.
        if current.and_then(|d| d.pending_operation) != Some(operation) {
            return Err(busy());
        }
        Ok(tx)
    }

    /// Moves a domain to another organization; the caller manages domains in both.
    pub async fn domain_move(
        &self,
        actor: &Actor,
        reference: &str,
        from: OrganizationId,
        to: &crate::person_organizations::OrganizationRef,
    ) -> Result<Domain> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (domain, _, source) =
            domain_in_reach(&mut tx, actor, reference, DOMAINS_MANAGE).await?;
        if domain.organization_id != from {
            return Err(AppError::not_found(NotFoundKind::Domain, reference));
        }
        let to = crate::person_organizations::resolve(&mut tx, to).await?;
        let (_, target) = authorize_org(&mut tx, actor, to, DOMAINS_MANAGE).await?;
        if domain.pending_operation.is_some() || domain.state == DomainState::Registering {
            return Err(AppError::Conflict(
                Code::DomainNotActive,
                format!("{} has a registry operation in progress", domain.name),
            ));
        }
        if from == to {
            return Ok(domain);
        }
        if !domains::move_to(&mut tx, &source, &target, domain.id, now).await? {
            return Err(AppError::not_found(NotFoundKind::Domain, reference));
        }
        // The contacts stay with the organization that made them: the domain keeps naming
        // them until the new holder changes them.
        let details = json!({"from": from.to_string(), "to": to.to_string()});
        record(
            &mut tx,
            &source,
            actor,
            now,
            "domain.moved_out",
            domain_target(&domain),
            details.clone(),
        )
        .await?;
        record(
            &mut tx,
            &target,
            actor,
            now,
            "domain.moved_in",
            domain_target(&domain),
            details,
        )
        .await?;
        tx.commit().await?;
        let mut moved = domain;
        moved.organization_id = to;
        Ok(moved)
    }
}
