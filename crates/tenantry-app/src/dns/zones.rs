//! The zone use cases: create, read, list, summarize, change, delete.

use std::collections::BTreeMap;

use crate::authz::Authorized;
use serde_json::{Value, json};
use tenantry_core::billing::{Action, ProductType};
use tenantry_core::dns::{ProtectedReason, RecordType, SoaTimers, ZoneName};
use tenantry_core::{OrganizationId, Permission, ZoneId};
use tenantry_store::dns::{self, Rrset, Zone, ZoneFilter};
use tenantry_store::dns_transfers::{self, JournalEntry};
use tenantry_store::organizations;
use tenantry_store::{Page, PageRequest, StoreError, Tx, Unique};
use time::Date;
use uuid::Uuid;

use super::working::{Working, ZoneChange, refuse_protected};
use super::{RrsetInput, RrsetView, ZoneCreate, ZoneView};
use crate::actor::Actor;
use crate::app::App;
use crate::audit::{Target, record};
use crate::billing;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::reach::{acting_org, authorize_org};
pub(super) use tenantry_core::perms::DNS_MANAGE;
use tenantry_core::perms::{DNS_DELETE, DNS_READ};

/// One change as `POST /v1/dns` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub action: &'static str,
    pub rrset_name: Option<String>,
    pub rrset_type: Option<String>,
    pub record_data: Option<String>,
    pub ttl: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct ZoneChanges {
    pub zone_name: String,
    pub changeset_id: Uuid,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneSummary {
    pub total_zones: i64,
    pub by_dnssec: Vec<(String, i64)>,
}

pub(super) fn target(zone: &Zone) -> Target {
    Target {
        kind: "dns_zone",
        id: zone.name.clone(),
    }
}

fn not_found(name: &str) -> AppError {
    AppError::not_found(NotFoundKind::Zone, name)
}

impl App {
    /// A new zone of `organization` holding its apex NS (the platform's name servers),
    /// stored in `tx`; the caller adds its records and writes `Working`. A taken name is 409
    /// `ERROR_ZONE_EXISTS`.
    async fn start_zone(
        &self,
        tx: &mut Tx,
        auth: &Authorized,
        organization: OrganizationId,
        name: &ZoneName,
        timers: SoaTimers,
        now: time::OffsetDateTime,
    ) -> Result<(Zone, Working)> {
        // A name made again starts above its last zone's serial, which secondaries may hold.
        let previous = dns::retired_serial(tx, name.as_str()).await?;
        let zone = Zone {
            id: ZoneId::generate(),
            organization_id: organization,
            name: name.as_str().to_owned(),
            dnssec_status: super::dnssec::DISABLED.into(),
            serial: next_serial(previous, now.date()),
            timers,
            created_on: now,
            updated_on: now,
        };
        // A tenant's zones nest as it likes (a customer's below its reseller's); another
        // tenant's zone is never inside one, nor holds one: a zone's names are its holder's.
        let tenant = organizations::get(tx, organization)
            .await?
            .and_then(|org| org.parent_id)
            .unwrap_or(organization);
        let nested = dns::nested_zone_tenants(tx, name.as_str()).await?;
        if nested.iter().any(|other| *other != tenant) {
            return Err(AppError::AlreadyExists(
                Code::ZoneExists,
                format!(
                    "{name} is inside a zone another tenant holds, or holds one of its zones; \
                     a zone's names are its holder's"
                ),
            ));
        }
        match dns::insert_zone(tx, auth, &zone).await {
            Err(StoreError::UniqueViolation(Unique::ZoneName)) => {
                return Err(AppError::AlreadyExists(
                    Code::ZoneExists,
                    format!("A zone named {name} already exists"),
                ));
            }
            other => other?,
        }
        let mut working = Working::new(zone.clone());
        working.put(Rrset {
            name: zone.name.clone(),
            rtype: RecordType::Ns.as_str().to_owned(),
            ttl: self.dns.ttl,
            records: self.dns.nameservers.clone(),
        });
        Ok((zone, working))
    }

    /// A new zone of `organization` with its apex records only, written and audited in `tx`
    /// as done by `by` (a registration that makes the domain's zone).
    pub(crate) async fn zone_create_bare(
        &self,
        tx: &mut Tx,
        auth: &Authorized,
        by: &Actor,
        organization: OrganizationId,
        name: &ZoneName,
        now: time::OffsetDateTime,
    ) -> Result<Zone> {
        let (zone, working) = self
            .start_zone(tx, auth, organization, name, SoaTimers::default(), now)
            .await?;
        working.check()?;
        let change = working.write(tx, auth).await?;
        record(
            tx,
            auth,
            by,
            now,
            "dns_zone.created",
            target(&zone),
            change.audit,
        )
        .await?;
        Ok(zone)
    }
}

/// `YYYYMMDDnn`: today's first serial, or one more than the last, whichever is larger.
pub(super) fn next_serial(previous: Option<i64>, today: Date) -> i64 {
    let first_of_today = (i64::from(today.year()) * 10_000
        + i64::from(u8::from(today.month())) * 100
        + i64::from(today.day()))
        * 100
        + 1;
    previous.map_or(first_of_today, |p| (p + 1).max(first_of_today))
}

pub(super) fn stored(input: RrsetInput) -> Rrset {
    Rrset {
        name: input.name,
        rtype: input.rtype.as_str().to_owned(),
        ttl: input.ttl,
        records: input.records,
    }
}

/// Loads a zone by name and authorizes `permission` on its organization; a zone out of
/// reach is not found, exactly like one that does not exist.
pub(super) async fn zone_in_reach(
    tx: &mut Tx,
    actor: &Actor,
    name: &ZoneName,
    permission: Permission,
) -> Result<(Zone, Authorized)> {
    let zone = dns::zone_by_name(tx, name.as_str())
        .await?
        .ok_or_else(|| not_found(name.as_str()))?;
    let (_, auth) = authorize_org(tx, actor, zone.organization_id, permission)
        .await
        .map_err(|err| match err {
            AppError::NotFound { .. } => not_found(name.as_str()),
            other => other,
        })?;
    // A zone the caller's NS1 zone lists hide is not found, like one out of reach.
    if !actor.sees_zone(&zone.name) {
        return Err(not_found(name.as_str()));
    }
    Ok((zone, auth))
}

impl App {
    /// Ends a change of a zone: raises its serial, stores it, journals the change for IXFR
    /// and audits it.
    pub(super) async fn zone_changed(
        &self,
        tx: &mut Tx,
        auth: &Authorized,
        actor: &Actor,
        zone: &mut Zone,
        change: ZoneChange,
        now: time::OffsetDateTime,
    ) -> Result<()> {
        let serial_from = zone.serial;
        let soa_from = self.dns.soa(serial_from, &change.timers_before);
        zone.serial = next_serial(Some(zone.serial), now.date());
        zone.updated_on = now;
        if !dns::update_zone(tx, auth, zone, serial_from).await? {
            return Err(AppError::Conflict(
                Code::ZoneChanged,
                format!(
                    "The zone {} changed while this change was made; send it again",
                    zone.name
                ),
            ));
        }
        let entry = JournalEntry {
            serial_from,
            serial_to: zone.serial,
            soa_from,
            soa_to: self.dns.soa(zone.serial, &zone.timers),
            removed: change.removed,
            added: change.added,
        };
        dns_transfers::append_journal(tx, auth, zone, &entry, self.dns.journal_depth).await?;
        record(
            tx,
            auth,
            actor,
            now,
            change.action,
            target(zone),
            change.audit,
        )
        .await
    }
}

/// Refuses a change of the zone itself (its creation, settings or deletion) that the
/// caller's NS1 zone lists do not admit.
pub(crate) fn zone_admitted(actor: &Actor, name: &str) -> Result<()> {
    if actor.admits_zone(name) {
        return Ok(());
    }
    Err(AppError::Forbidden(
        Code::PermissionDenied,
        format!("The zone {name} is not in the zones this caller may manage"),
    ))
}

impl App {
    /// The zone as the caller may see it: without the rrsets its NS1 record lists hide.
    fn view_for(&self, actor: &Actor, zone: Zone, rrsets: Vec<Rrset>) -> ZoneView {
        let mut view = self.view(zone, rrsets);
        let zone = view.zone.name.clone();
        view.rrsets
            .retain(|rrset| actor.admits_record(&zone, &rrset.name, &rrset.rtype));
        view
    }

    /// The rrsets as shown: the SOA (built from the serial), then the stored ones, each
    /// marked when the server owns it.
    pub(super) fn view(&self, zone: Zone, rrsets: Vec<Rrset>) -> ZoneView {
        let mut views = vec![RrsetView {
            name: zone.name.clone(),
            rtype: RecordType::Soa.as_str().to_owned(),
            ttl: self.dns.ttl,
            protected: Some(ProtectedReason::SystemManagedSoa),
            records: vec![self.dns.soa(zone.serial, &zone.timers)],
        }];
        views.extend(rrsets.into_iter().map(|r| {
            RrsetView {
                protected: r
                    .rtype
                    .parse::<RecordType>()
                    .ok()
                    .and_then(|t| ProtectedReason::of(&zone.name, &r.name, t)),
                name: r.name,
                rtype: r.rtype,
                ttl: r.ttl,
                records: r.records,
            }
        }));
        ZoneView {
            zone,
            rrsets: views,
        }
    }

    /// Creates a zone in the acting organization with the server's SOA and apex NS and the
    /// given rrsets.
    pub async fn zone_create(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        create: ZoneCreate,
    ) -> Result<ZoneChanges> {
        let ZoneCreate {
            name,
            rrsets,
            dnssec,
            vanity_nameserver_set_id,
            timers,
        } = create;
        if vanity_nameserver_set_id.is_some() {
            return Err(AppError::BadRequest(
                Code::Dns,
                "Vanity name server sets are not offered by this server".into(),
            ));
        }
        let now = self.clock.now();
        let acting = acting_org(actor, context);
        // The price is looked up beside the writer (or remembered); the charge in the
        // transaction re-checks the balance. An organization out of reach is refused below,
        // before anything else.
        let quote = self
            .quote(
                acting,
                ProductType::Zones,
                Action::Create,
                name.as_str().to_owned(),
            )
            .await?;
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, acting, DNS_MANAGE).await?;
        zone_admitted(actor, name.as_str())?;
        let (mut zone, mut working) = self
            .start_zone(&mut tx, &auth, org.id, &name, timers, now)
            .await?;
        for input in rrsets {
            refuse_protected(&zone, &input.name, input.rtype)?;
            working.put(stored(input));
        }
        let signed = if dnssec {
            Some(
                self.sign_new_zone(&mut tx, &auth, &mut zone, &mut working, now)
                    .await?,
            )
        } else {
            None
        };
        working.check()?;
        let change = working.write(&mut tx, &auth).await?;
        let mut changes = vec![
            Change {
                action: "create_zone",
                rrset_name: None,
                rrset_type: None,
                record_data: None,
                ttl: None,
            },
            Change {
                action: "create_record",
                rrset_name: Some(zone.name.clone()),
                rrset_type: Some(RecordType::Soa.as_str().to_owned()),
                record_data: Some(self.dns.soa(zone.serial, &zone.timers)),
                ttl: Some(self.dns.ttl),
            },
        ];
        for rrset in working
            .created()
            .filter(|rrset| rrset.rtype != RecordType::Dnskey.as_str())
        {
            for rdata in &rrset.records {
                changes.push(Change {
                    action: "create_record",
                    rrset_name: Some(rrset.name.clone()),
                    rrset_type: Some(rrset.rtype.clone()),
                    record_data: Some(rdata.clone()),
                    ttl: Some(rrset.ttl),
                });
            }
        }
        if let Some(keys) = signed {
            changes.extend(self.key_changes("create_record", &zone, &keys)?);
        }
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "dns_zone.created",
            target(&zone),
            change.audit,
        )
        .await?;
        // Last before the commit: on PostgreSQL the charge holds the paying account's row.
        if let Some(quote) = quote {
            billing::charge_quoted(&mut tx, &auth, org.id, quote, now).await?;
        }
        tx.commit().await?;
        Ok(ZoneChanges {
            zone_name: zone.name,
            changeset_id: Uuid::now_v7(),
            changes,
        })
    }

    /// Sets the SOA timers `changes` names (the others stay), raising the serial when the
    /// SOA changes, and signs the zone or stops signing it when `dnssec` says so (NS1's zone
    /// settings, which clients send back as they read them); authorized like any change of
    /// the zone (`dns:manage`, not in an inactive organization) even when nothing changes.
    pub async fn zone_set_timers(
        &self,
        actor: &Actor,
        name: &ZoneName,
        changes: SoaTimers,
        dnssec: Option<bool>,
    ) -> Result<ZoneView> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (mut zone, auth) = zone_in_reach(&mut tx, actor, name, DNS_MANAGE).await?;
        zone_admitted(actor, &zone.name)?;
        let timers = zone.timers.with(changes);
        // A client echoing the values it read changes nothing.
        if self.dns.soa(zone.serial, &timers) != self.dns.soa(zone.serial, &zone.timers) {
            let show = |t: &SoaTimers| {
                json!({"refresh": t.refresh, "retry": t.retry, "expire": t.expire,
                       "negative_ttl": t.negative_ttl})
            };
            let audit = crate::audit::diff(&show(&zone.timers), &show(&timers));
            let change = ZoneChange::of_settings(audit, zone.timers);
            zone.timers = timers;
            self.zone_changed(&mut tx, &auth, actor, &mut zone, change, now)
                .await?;
        }
        if let Some(on) = dnssec {
            self.switch_dnssec(&mut tx, &auth, actor, &mut zone, on, now)
                .await?;
        }
        let rrsets = dns::rrsets(&mut tx, zone.id).await?;
        tx.commit().await?;
        Ok(self.view_for(actor, zone, rrsets))
    }

    pub async fn zone_get(&self, actor: &Actor, name: &ZoneName) -> Result<ZoneView> {
        let mut tx = self.db.read().await?;
        let (zone, _) = zone_in_reach(&mut tx, actor, name, DNS_READ).await?;
        let rrsets = dns::rrsets(&mut tx, zone.id).await?;
        Ok(self.view_for(actor, zone, rrsets))
    }

    /// A page of the acting organization's zones, each with all its rrsets.
    pub async fn zone_list(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        filter: ZoneFilter,
        page: PageRequest,
    ) -> Result<Page<ZoneView>> {
        let mut tx = self.db.read().await?;
        let (_, auth) = authorize_org(&mut tx, actor, acting_org(actor, context), DNS_READ).await?;
        let filter = ZoneFilter {
            scope: actor.zone_scope(),
            ..filter
        };
        let zones = dns::list_zones(&mut tx, &auth, &filter, page).await?;
        let ids: Vec<ZoneId> = zones.items.iter().map(|z| z.id).collect();
        let mut by_zone: BTreeMap<ZoneId, Vec<Rrset>> = BTreeMap::new();
        for (zone, rrset) in dns::rrsets_of_zones(&mut tx, &ids).await? {
            by_zone.entry(zone).or_default().push(rrset);
        }
        Ok(zones.map(|zone| {
            let rrsets = by_zone.remove(&zone.id).unwrap_or_default();
            self.view_for(actor, zone, rrsets)
        }))
    }

    pub async fn zone_summary(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
    ) -> Result<ZoneSummary> {
        let mut tx = self.db.read().await?;
        let (_, auth) = authorize_org(&mut tx, actor, acting_org(actor, context), DNS_READ).await?;
        let by_dnssec = dns::count_by_dnssec(&mut tx, &auth, actor.zone_scope().as_ref()).await?;
        Ok(ZoneSummary {
            total_zones: by_dnssec.iter().map(|(_, n)| n).sum(),
            by_dnssec,
        })
    }

    pub async fn zone_delete(&self, actor: &Actor, name: &ZoneName) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (zone, auth) = zone_in_reach(&mut tx, actor, name, DNS_DELETE).await?;
        zone_admitted(actor, &zone.name)?;
        dns::delete_zone(&mut tx, &auth, &zone).await?;
        let change = json!({"name": {"before": zone.name, "after": Value::Null}});
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "dns_zone.deleted",
            target(&zone),
            change,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn serials_are_dated_and_always_grow() {
        assert_eq!(next_serial(None, date!(2026 - 11 - 23)), 2026112301);
        assert_eq!(
            next_serial(Some(2026112301), date!(2026 - 11 - 23)),
            2026112302
        );
        assert_eq!(
            next_serial(Some(2026112399), date!(2026 - 11 - 23)),
            2026112400
        );
        assert_eq!(
            next_serial(Some(2026112305), date!(2026 - 11 - 24)),
            2026112401
        );
    }
}
