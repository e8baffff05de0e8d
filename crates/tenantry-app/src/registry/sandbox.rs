//! The sandbox registry: a deterministic registry kept in the platform's own database
//! (`registry_objects`, `registry_reserved_names`, `registry_tlds`), for resellers trying the
//! platform and for integrators' CI. Its rules, documented in docs/DOMAINS.md:
//!
//! - a name is taken when the sandbox holds it (registered by anyone on the platform) or
//!   when it is on the operator's reserved list;
//! - a second-level label of at most the TLD's `premium_max_length` characters is premium;
//! - the repository object id (`roid`) is `D` and the first 12 hex digits of the SHA-256 of
//!   the name, then `-SANDBOX`; a new object's status is `ok`, a deleted one's
//!   `redemptionPeriod`;
//! - periods are whole years, added to the calendar date (29 February becomes 28 February).

use sha2::{Digest, Sha256};
use tenantry_store::Db;
use tenantry_store::registry::{self, RegistryObject};
use time::OffsetDateTime;

use super::{Availability, Registry, RegistryDomain, RegistryError, RegistryResult};

pub struct SandboxRegistry {
    db: Db,
}

impl SandboxRegistry {
    pub fn new(db: Db) -> Self {
        SandboxRegistry { db }
    }
}

/// `years` whole years after `t`, on the same calendar day (28 February for 29 February).
pub fn add_years(t: OffsetDateTime, years: i64) -> OffsetDateTime {
    let year = t.year() + i32::try_from(years).unwrap_or(i32::MAX / 2);
    t.replace_year(year)
        .or_else(|_| {
            t.replace_day(28)
                .and_then(|shifted| shifted.replace_year(year))
        })
        .unwrap_or(t)
}

fn roid(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let hex: String = digest[..6].iter().map(|b| format!("{b:02X}")).collect();
    format!("D{hex}-SANDBOX")
}

fn unreachable(err: impl std::fmt::Display) -> RegistryError {
    RegistryError::Unreachable(err.to_string())
}

fn domain(object: RegistryObject) -> RegistryDomain {
    RegistryDomain {
        roid: object.roid,
        statuses: serde_json::from_str(&object.statuses).unwrap_or_default(),
        expires_on: object.expires_on,
        last_operation: object.last_operation,
        pending_transfer: object.transfer_operation,
    }
}

fn code_digest(auth_code: &str) -> Vec<u8> {
    Sha256::digest(auth_code.as_bytes()).to_vec()
}

/// A pending transfer adds `pendingTransfer` to the statuses; settled, it goes.
fn with_pending_transfer(object: &mut RegistryObject, pending: bool) {
    let mut list: Vec<String> = serde_json::from_str(&object.statuses).unwrap_or_default();
    list.retain(|s| s != "pendingTransfer" && (s != "ok" || !pending));
    if pending {
        list.push("pendingTransfer".into());
    } else if list.is_empty() {
        list.push("ok".into());
    }
    object.statuses = serde_json::to_string(&list).expect("statuses serialize");
}

fn statuses(list: &[&str]) -> String {
    serde_json::to_string(list).expect("statuses serialize")
}

/// The catalogue's TLD of `name` (its longest suffix the catalogue lists) and the label
/// before it.
async fn tld_of(
    tx: &mut tenantry_store::Tx,
    name: &str,
) -> Result<Option<(String, registry::TldRules)>, RegistryError> {
    let mut rest = name;
    while let Some((label, suffix)) = rest.split_once('.') {
        if let Some(rules) = registry::tld(tx, suffix).await.map_err(unreachable)? {
            let sld = name
                .strip_suffix(suffix)
                .and_then(|s| s.strip_suffix('.'))
                .unwrap_or(label);
            return Ok(Some((sld.to_owned(), rules)));
        }
        rest = suffix;
    }
    Ok(None)
}

impl SandboxRegistry {
    /// Changes an object the sandbox holds, in one transaction, as of `now`.
    async fn change(
        &self,
        name: &str,
        now: OffsetDateTime,
        change: impl FnOnce(RegistryObject) -> Result<RegistryObject, RegistryError> + Send,
    ) -> Result<RegistryDomain, RegistryError> {
        let mut tx = self.db.begin().await.map_err(unreachable)?;
        let object = registry::object(&mut tx, name)
            .await
            .map_err(unreachable)?
            .ok_or_else(|| RegistryError::Refused("Object does not exist".into()))?;
        let mut changed = change(object)?;
        changed.updated_on = now;
        registry::update_object(&mut tx, &changed)
            .await
            .map_err(unreachable)?;
        tx.commit().await.map_err(unreachable)?;
        Ok(domain(changed))
    }

    /// Carries out the client's `operation` on an object: a change that the registry then
    /// answers `info` with as its last operation (what the reconciler reads).
    async fn operate(
        &self,
        name: &str,
        operation: &str,
        now: OffsetDateTime,
        change: impl FnOnce(RegistryObject) -> Result<RegistryObject, RegistryError> + Send,
    ) -> Result<RegistryDomain, RegistryError> {
        self.change(name, now, move |object| {
            let mut changed = change(object)?;
            changed.last_operation = operation.to_owned();
            Ok(changed)
        })
        .await
    }
}

impl Registry for SandboxRegistry {
    fn check<'a>(&'a self, names: &'a [String]) -> RegistryResult<'a, Vec<Availability>> {
        Box::pin(async move {
            let mut tx = self.db.read().await.map_err(unreachable)?;
            let mut out = Vec::with_capacity(names.len());
            for name in names {
                let reserved = registry::is_reserved(&mut tx, name)
                    .await
                    .map_err(unreachable)?;
                let held = registry::object(&mut tx, name)
                    .await
                    .map_err(unreachable)?
                    .is_some();
                let premium = match tld_of(&mut tx, name).await? {
                    Some((sld, rules)) => {
                        i64::try_from(sld.chars().count()).unwrap_or(i64::MAX)
                            <= rules.premium_max_length
                    }
                    None => false,
                };
                out.push(if reserved {
                    Availability::Taken { reason: "Reserved" }
                } else if held {
                    Availability::Taken {
                        reason: "Domain exists",
                    }
                } else {
                    Availability::Available { premium }
                });
            }
            Ok(out)
        })
    }

    fn create<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        years: i64,
        auth_code: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        Box::pin(async move {
            let mut tx = self.db.begin().await.map_err(unreachable)?;
            if registry::is_reserved(&mut tx, name)
                .await
                .map_err(unreachable)?
            {
                return Err(RegistryError::Refused("Reserved".into()));
            }
            let object = RegistryObject {
                name: name.to_owned(),
                roid: roid(name),
                statuses: statuses(&["ok"]),
                expires_on: add_years(now, years),
                last_operation: operation.to_owned(),
                auth_code_digest: Some(code_digest(auth_code)),
                transfer_operation: None,
                transfer_years: None,
                transfer_requested_on: None,
                created_on: now,
                updated_on: now,
            };
            if !registry::insert_object(&mut tx, &object)
                .await
                .map_err(unreachable)?
            {
                return Err(RegistryError::Refused("Domain exists".into()));
            }
            tx.commit().await.map_err(unreachable)?;
            Ok(domain(object))
        })
    }

    fn renew<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        current_expiry: OffsetDateTime,
        years: i64,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        Box::pin(self.operate(name, operation, now, move |mut object| {
            if object.expires_on.unix_timestamp() != current_expiry.unix_timestamp() {
                return Err(RegistryError::Refused(
                    "The current expiry date is not the registry's".into(),
                ));
            }
            object.expires_on = add_years(object.expires_on, years);
            Ok(object)
        }))
    }

    fn delete<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        Box::pin(self.operate(name, operation, now, move |mut object| {
            object.statuses = statuses(&["redemptionPeriod"]);
            Ok(object)
        }))
    }

    fn restore<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        Box::pin(self.operate(name, operation, now, move |mut object| {
            if !object.statuses.contains("redemptionPeriod") {
                return Err(RegistryError::Refused(
                    "The object is not in its redemption period".into(),
                ));
            }
            object.statuses = statuses(&["ok"]);
            Ok(object)
        }))
    }

    fn set_auth_code<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        auth_code: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        Box::pin(self.operate(name, operation, now, move |mut object| {
            object.auth_code_digest = Some(code_digest(auth_code));
            Ok(object)
        }))
    }

    fn transfer_request<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        auth_code: &'a str,
        years: i64,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        Box::pin(self.change(name, now, move |mut object| {
            let matches = object
                .auth_code_digest
                .as_deref()
                .is_some_and(|d| d == code_digest(auth_code).as_slice());
            if !matches {
                return Err(RegistryError::Refused(
                    "The authorization code does not match".into(),
                ));
            }
            if object.transfer_operation.is_some() {
                return Err(RegistryError::Refused(
                    "A transfer is pending already".into(),
                ));
            }
            if object.statuses.contains("redemptionPeriod") {
                return Err(RegistryError::Refused(
                    "The object is in its redemption period".into(),
                ));
            }
            object.transfer_operation = Some(operation.to_owned());
            object.transfer_years = Some(years);
            object.transfer_requested_on = Some(now);
            with_pending_transfer(&mut object, true);
            Ok(object)
        }))
    }

    fn transfer_resolve<'a>(
        &'a self,
        name: &'a str,
        approve: bool,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        Box::pin(self.change(name, now, move |mut object| {
            let Some(operation) = object.transfer_operation.take() else {
                return Err(RegistryError::Refused("No transfer is pending".into()));
            };
            let years = object.transfer_years.take().unwrap_or(1);
            object.transfer_requested_on = None;
            if approve {
                object.expires_on = add_years(object.expires_on, years);
                object.last_operation = operation;
                // The gaining side sets its own code.
                object.auth_code_digest = None;
            }
            with_pending_transfer(&mut object, false);
            Ok(object)
        }))
    }

    fn purge<'a>(&'a self, name: &'a str) -> RegistryResult<'a, ()> {
        Box::pin(async move {
            let mut tx = self.db.begin().await.map_err(unreachable)?;
            registry::delete_object(&mut tx, name)
                .await
                .map_err(unreachable)?;
            tx.commit().await.map_err(unreachable)?;
            Ok(())
        })
    }

    fn info<'a>(&'a self, name: &'a str) -> RegistryResult<'a, Option<RegistryDomain>> {
        Box::pin(async move {
            let mut tx = self.db.read().await.map_err(unreachable)?;
            let object = registry::object(&mut tx, name).await.map_err(unreachable)?;
            Ok(object.map(domain))
        })
    }
}
