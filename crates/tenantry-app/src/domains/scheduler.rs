//! The lifecycle scheduler: one pass every 30 seconds, run by whichever server process holds
//! the job's lease (`store/job_leases.rs`), so several servers sharing PostgreSQL run it once.
//! Time comes from the app's clock, so tests move it. A pass:
//!
//! 1. settles registry operations left in flight (`domains_reconcile`);
//! 2. renews expired domains set to `renew`, for the shortest period their TLD allows, charged
//!    like any renewal; when the paying account cannot cover it, the owners are mailed and the
//!    renewal is tried again daily until the TLD's grace period after expiry ends;
//! 3. deletes expired domains set to `expire`, and those whose grace period ended: they enter
//!    their redemption period;
//! 4. purges domains whose redemption period ended: the registry releases the name;
//! 5. approves transfers in the losing side did not answer within the TLD's delay.

use serde_json::json;
use tenantry_core::billing::Action;
use tenantry_core::perms::{DOMAINS_MANAGE, USERS_READ};
use tenantry_store::domains::{self, Domain, DomainState};
use tenantry_store::{job_leases, memberships, organizations, registry as catalogue};
use time::OffsetDateTime;

use super::domain_target;
use super::lifecycle::Operation;
use crate::actor::Actor;
use crate::app::App;
use crate::audit::record;
use crate::authz::platform_proof;
use crate::error::{AppError, Result};
use crate::mail::{self, auto_renew_failed};

const JOB: &str = "domain_lifecycle";
/// How long a pass's lease lasts; a process renews it every pass.
const LEASE: time::Duration = time::Duration::minutes(2);
/// How often a failed automatic renewal is tried again.
const RETRY: time::Duration = time::Duration::days(1);

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleReport {
    pub settled: u64,
    pub renewed: u64,
    pub renewals_refused: u64,
    pub expired: u64,
    pub purged: u64,
    /// Transfers in the losing side did not answer within the TLD's delay, approved.
    pub transfers_completed: u64,
}

fn day(t: OffsetDateTime) -> String {
    t.date().to_string()
}

impl App {
    /// One pass of the scheduler as `holder` (a process's name); `None` when another process
    /// holds the lease.
    pub async fn domains_lifecycle_tick(&self, holder: &str) -> Result<Option<LifecycleReport>> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !job_leases::take(&mut tx, JOB, holder, now + LEASE, now).await? {
            return Ok(None);
        }
        tx.commit().await?;
        let mut report = LifecycleReport {
            settled: self.domains_reconcile().await?,
            ..Default::default()
        };
        let (due, transfers) = {
            let mut tx = self.db.read().await?;
            (
                domains::lifecycle_due(&mut tx, now).await?,
                domains::transfers_asked_by(&mut tx, now).await?,
            )
        };
        for transfer in transfers {
            let delay = {
                let mut tx = self.db.read().await?;
                catalogue::tld(&mut tx, &transfer.tld)
                    .await?
                    .map_or(0, |r| r.transfer_delay_seconds)
            };
            if transfer.created_on + time::Duration::seconds(delay) > now {
                continue;
            }
            match self.transfer_finish(&transfer, true, now).await {
                Ok(_) => report.transfers_completed += 1,
                Err(err) => {
                    tracing::warn!(domain = %transfer.name, error = %err, "transfer not completed");
                }
            }
        }
        for domain in due {
            if let Err(err) = self.move_on(&domain, now, &mut report).await {
                tracing::warn!(domain = %domain.name, error = %err, "lifecycle step failed");
            }
        }
        Ok(Some(report))
    }

    async fn move_on(
        &self,
        domain: &Domain,
        now: OffsetDateTime,
        report: &mut LifecycleReport,
    ) -> Result<()> {
        let org = {
            let mut tx = self.db.read().await?;
            organizations::get(&mut tx, domain.organization_id).await?
        };
        let Some(org) = org else {
            return Ok(());
        };
        let by = Actor::platform(org.scope());
        let auth = platform_proof(org.id, DOMAINS_MANAGE);
        if domain.state == DomainState::Redemption {
            self.registry
                .purge(&domain.name)
                .await
                .map_err(|e| AppError::Internal(format!("{e:?}")))?;
            let mut after = domain.clone();
            after.state = DomainState::Gone;
            after.contacts.clear();
            after.updated_on = now;
            let mut tx = self.db.begin().await?;
            domains::update(&mut tx, &auth, &after).await?;
            record(
                &mut tx,
                &auth,
                &by,
                now,
                "domain.purged",
                domain_target(domain),
                json!({}),
            )
            .await?;
            tx.commit().await?;
            report.purged += 1;
            return Ok(());
        }
        let Some(expiry) = domain.expires_on else {
            return Ok(());
        };
        let rules = {
            let mut tx = self.db.read().await?;
            catalogue::tld(&mut tx, &domain.tld).await?
        };
        let grace = time::Duration::days(rules.as_ref().map_or(30, |r| r.grace_days));
        let years = rules
            .as_ref()
            .and_then(|r| r.periods.0.first().copied())
            .unwrap_or(1);
        if domain.renewal_mode == "renew" && now < expiry + grace {
            let tried_lately = domain.updated_on > expiry && domain.updated_on > now - RETRY;
            if tried_lately {
                return Ok(());
            }
            let tx = self.db.begin().await?;
            let renewal = Operation {
                kind: "renew",
                priced: Some((Action::Renew, years, None)),
            };
            match self
                .start_operation(tx, auth, &org, domain.clone(), renewal, now)
                .await
            {
                Ok(started) => {
                    let operation = started.domain.pending_operation.clone().unwrap_or_default();
                    let answer = self
                        .registry
                        .renew(&operation, &domain.name, expiry, years, now)
                        .await;
                    let refused = |why: String| AppError::Internal(why);
                    self.finish_operation(&by, started, answer, "renewal", refused, now)
                        .await?;
                    report.renewed += 1;
                }
                Err(AppError::InsufficientFunds { .. }) => {
                    self.renewal_refused(&by, domain, expiry + grace, now)
                        .await?;
                    report.renewals_refused += 1;
                }
                Err(other) => return Err(other),
            }
            return Ok(());
        }
        let tx = self.db.begin().await?;
        let started = self
            .start_operation(tx, auth, &org, domain.clone(), Operation::DELETE, now)
            .await?;
        let operation = started.domain.pending_operation.clone().unwrap_or_default();
        let answer = self.registry.delete(&operation, &domain.name, now).await;
        let refused = |why: String| AppError::Internal(why);
        self.finish_operation(&by, started, answer, "deletion", refused, now)
            .await?;
        report.expired += 1;
        Ok(())
    }

    /// Records a refused automatic renewal (the attempt's time, for the daily retry), and
    /// mails the owners.
    async fn renewal_refused(
        &self,
        by: &Actor,
        domain: &Domain,
        last_day: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<()> {
        let auth = platform_proof(domain.organization_id, DOMAINS_MANAGE);
        let people = platform_proof(domain.organization_id, USERS_READ);
        let mut tx = self.db.begin().await?;
        let mut after = domain.clone();
        after.updated_on = now;
        domains::update(&mut tx, &auth, &after).await?;
        let expiry = domain.expires_on.map(day).unwrap_or_default();
        for to in memberships::owner_emails(&mut tx, &people).await? {
            let message = auto_renew_failed(&to, &domain.name, &expiry, &day(last_day));
            mail::queue(&mut tx, &self.secret_box, &message, now).await?;
        }
        record(
            &mut tx,
            &auth,
            by,
            now,
            "domain.auto_renew_failed",
            domain_target(domain),
            json!({"reason": "insufficient funds", "retry_until": day(last_day)}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
