//! The TLD catalogue and the reserved list, kept by the platform operator: which TLDs are
//! offered, for which periods, with which grace and redemption periods and premium rule, and
//! which names nobody may register. Organizations read the catalogue (what they can buy).

use tenantry_core::dns::ZoneName;
use tenantry_store::registry::{self, Periods, TldRules};

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, FieldError, NotFoundKind, Result};
use crate::operators::OperatorActor;

/// A TLD's rules as the operator sets them.
#[derive(Debug, Clone)]
pub struct TldInput {
    pub periods: Vec<i64>,
    pub grace_days: i64,
    pub redemption_days: i64,
    pub transfer_delay_seconds: i64,
    pub premium_max_length: i64,
    pub premium_multiplier: i64,
}

fn checked(tld: &str, input: &TldInput) -> Result<String> {
    let mut errors = Vec::new();
    let name = ZoneName::parse(&format!("x.{tld}"))
        .map(|z| z.bare()[2..].to_owned())
        .map_err(|e| errors.push(FieldError::body("tld", e.0)))
        .unwrap_or_default();
    let mut field = |ok: bool, field: &str, msg: &str| {
        if !ok {
            errors.push(FieldError::body(field, msg));
        }
    };
    field(
        !input.periods.is_empty() && input.periods.iter().all(|p| (1..=10).contains(p)),
        "periods",
        "one or more periods of 1 to 10 years",
    );
    for (value, name, max) in [
        (input.grace_days, "grace_days", 90),
        (input.redemption_days, "redemption_days", 90),
        (
            input.transfer_delay_seconds,
            "transfer_delay_seconds",
            30 * 86_400,
        ),
        (input.premium_max_length, "premium_max_length", 63),
    ] {
        field((0..=max).contains(&value), name, &format!("0 to {max}"));
    }
    field(
        (1..=1000).contains(&input.premium_multiplier),
        "premium_multiplier",
        "1 to 1000",
    );
    if errors.is_empty() {
        Ok(name)
    } else {
        Err(AppError::Invalid(errors))
    }
}

impl App {
    /// Adds a TLD to the catalogue or changes its rules.
    pub async fn tld_put(
        &self,
        _operator: &OperatorActor,
        tld: &str,
        input: TldInput,
    ) -> Result<TldRules> {
        let tld = checked(tld, &input)?;
        let now = self.clock.now();
        let mut periods = input.periods;
        periods.sort_unstable();
        periods.dedup();
        let mut tx = self.db.begin().await?;
        let created_on = registry::tld(&mut tx, &tld)
            .await?
            .map_or(now, |existing| existing.created_on);
        let rules = TldRules {
            tld,
            periods: Periods(periods),
            grace_days: input.grace_days,
            redemption_days: input.redemption_days,
            transfer_delay_seconds: input.transfer_delay_seconds,
            premium_max_length: input.premium_max_length,
            premium_multiplier: input.premium_multiplier,
            created_on,
            updated_on: now,
        };
        registry::put_tld(&mut tx, &rules).await?;
        tx.commit().await?;
        Ok(rules)
    }

    /// Takes a TLD out of the catalogue: no new registrations; its domains keep their life.
    pub async fn tld_delete(&self, _operator: &OperatorActor, tld: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !registry::delete_tld(&mut tx, &tld.to_ascii_lowercase()).await? {
            return Err(AppError::not_found(NotFoundKind::Tld, tld));
        }
        tx.commit().await?;
        Ok(())
    }

    /// The catalogue, for anyone who may buy (any authenticated caller).
    pub async fn tld_list(&self, _actor: &Actor) -> Result<Vec<TldRules>> {
        let mut tx = self.db.read().await?;
        Ok(registry::tlds(&mut tx).await?)
    }

    /// The catalogue, for the operator.
    pub async fn tld_list_as_operator(&self, _operator: &OperatorActor) -> Result<Vec<TldRules>> {
        let mut tx = self.db.read().await?;
        Ok(registry::tlds(&mut tx).await?)
    }

    /// Puts a name on the reserved list (nobody may register it).
    pub async fn reserved_name_put(&self, _operator: &OperatorActor, raw: &str) -> Result<String> {
        let name = ZoneName::parse(raw)
            .map_err(|e| AppError::invalid_field("name", e.0))?
            .bare()
            .to_owned();
        let mut tx = self.db.begin().await?;
        registry::reserve(&mut tx, &name, self.clock.now()).await?;
        tx.commit().await?;
        Ok(name)
    }

    pub async fn reserved_name_delete(&self, _operator: &OperatorActor, raw: &str) -> Result<()> {
        let name = raw.trim_end_matches('.').to_ascii_lowercase();
        let mut tx = self.db.begin().await?;
        if !registry::unreserve(&mut tx, &name).await? {
            return Err(AppError::not_found(NotFoundKind::Domain, raw));
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn reserved_name_list(&self, _operator: &OperatorActor) -> Result<Vec<String>> {
        let mut tx = self.db.read().await?;
        Ok(registry::reserved(&mut tx).await?)
    }
}
