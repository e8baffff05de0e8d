//! Signing a zone (DNSSEC): enabling makes its key signing and zone signing keys, publishes
//! them as the apex DNSKEY rrset (the server's, like the SOA) and shows the DS records the
//! parent must publish; disabling removes both. Either raises the serial, so secondaries
//! transfer the change. The name server signs the zone from these keys (`tenantry-dns`).

use serde_json::json;
use tenantry_core::dns::dnssec::{self, KSK_FLAGS, ZSK_FLAGS, ZoneKey};
use tenantry_core::dns::{RecordType, ZoneName};
use tenantry_store::dns::{self, Rrset, Zone};
use tenantry_store::dns_keys::{self, StoredZoneKey};
use tenantry_store::{Tx, organizations};
use uuid::Uuid;

use super::working::{Working, ZoneChange};
use super::zones::{Change, DNS_MANAGE, ZoneChanges, zone_in_reach};
use crate::actor::Actor;
use crate::app::App;
use crate::authz::{Authorized, platform_proof};
use crate::error::{AppError, Code, Result};
use tenantry_core::perms::DNS_READ;

pub(crate) const ENABLED: &str = "enabled";
pub(crate) const DISABLED: &str = "disabled";

/// A signed zone's keys as the API shows them, with the DS records for its parent.
#[derive(Debug, Clone)]
pub struct ZoneDnssec {
    pub zone_name: String,
    pub dnssec_status: String,
    pub keys: Vec<ZoneKey>,
    /// `<key tag> <algorithm> <digest type> <digest>` of each key signing key.
    pub ds_records: Vec<String>,
}

impl ZoneDnssec {
    pub fn is_signed(&self) -> bool {
        self.dnssec_status == ENABLED
    }
}

/// A key the name server signs with: the private key opened from its seal.
pub struct SigningKeyMaterial {
    pub key: ZoneKey,
    /// PKCS#8. Never logged, never written anywhere.
    pub pkcs8: Vec<u8>,
}

impl std::fmt::Debug for SigningKeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyMaterial")
            .field("key_tag", &self.key.key_tag)
            .finish_non_exhaustive()
    }
}

/// How long a signed zone goes unchanged before the platform raises its serial, so that its
/// secondaries transfer signatures made again (the name server's last 14 days).
const RENEW_AFTER: time::Duration = time::Duration::days(7);

/// The DS records of `keys`' key signing keys for the zone `apex`.
fn ds_records(apex: &str, keys: &[ZoneKey]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for key in keys.iter().filter(|k| k.is_key_signing()) {
        out.extend(key.ds_texts(apex).map_err(AppError::Internal)?);
    }
    Ok(out)
}

impl App {
    /// New keys for `zone` (a key signing and a zone signing key), sealed, and the DNSKEY
    /// rrset that publishes them.
    pub(super) fn new_zone_keys(
        &self,
        zone: &Zone,
        now: time::OffsetDateTime,
    ) -> Result<(Vec<StoredZoneKey>, Rrset)> {
        let stored = [KSK_FLAGS, ZSK_FLAGS]
            .into_iter()
            .map(|flags| self.sealed_key(flags, now))
            .collect::<Result<Vec<_>>>()?;
        let rrset = self.dnskey_rrset(zone, &stored);
        Ok((stored, rrset))
    }

    /// A new key of `flags`, its private half sealed with the master key.
    pub(super) fn sealed_key(
        &self,
        flags: u16,
        now: time::OffsetDateTime,
    ) -> Result<StoredZoneKey> {
        let (key, pkcs8) = dnssec::generate(flags).map_err(AppError::Internal)?;
        Ok(StoredZoneKey {
            key,
            private_sealed: self.secret_box.seal(&pkcs8),
            created_on: now,
        })
    }

    /// The apex DNSKEY rrset that publishes `keys`.
    pub(super) fn dnskey_rrset(&self, zone: &Zone, keys: &[StoredZoneKey]) -> Rrset {
        Rrset {
            name: zone.name.clone(),
            rtype: RecordType::Dnskey.as_str().to_owned(),
            ttl: self.dns.ttl,
            records: keys.iter().map(|k| k.key.dnskey_text()).collect(),
        }
    }

    /// Signs a zone being created: its row says so, its keys are stored, and its DNSKEY
    /// rrset joins `working`. Returns the keys' public halves.
    pub(super) async fn sign_new_zone(
        &self,
        tx: &mut Tx,
        auth: &Authorized,
        zone: &mut Zone,
        working: &mut Working,
        now: time::OffsetDateTime,
    ) -> Result<Vec<ZoneKey>> {
        zone.dnssec_status = ENABLED.to_owned();
        working.zone.dnssec_status = ENABLED.to_owned();
        dns::update_zone(tx, auth, zone, zone.serial).await?;
        let (keys, dnskey) = self.new_zone_keys(zone, now)?;
        working.put(dnskey);
        for key in &keys {
            dns_keys::insert_zone_key(tx, auth, zone, key).await?;
        }
        Ok(keys.into_iter().map(|k| k.key).collect())
    }

    /// The changes that publishing (`action` `create_record`) or withdrawing
    /// (`delete_record`) `keys` makes: their DNSKEY records and the DS records of the parent.
    pub(super) fn key_changes(
        &self,
        action: &'static str,
        zone: &Zone,
        keys: &[ZoneKey],
    ) -> Result<Vec<Change>> {
        let record = |rtype: RecordType, data: String| Change {
            action,
            rrset_name: Some(zone.name.clone()),
            rrset_type: Some(rtype.as_str().to_owned()),
            record_data: Some(data),
            ttl: Some(self.dns.ttl),
        };
        let mut changes: Vec<Change> = keys
            .iter()
            .map(|key| record(RecordType::Dnskey, key.dnskey_text()))
            .collect();
        for ds in ds_records(&zone.name, keys)? {
            changes.push(record(RecordType::Ds, ds));
        }
        Ok(changes)
    }

    /// Signs the zone (`on`) or stops signing it (OpusDNS's calls, which refuse a zone
    /// already so). An ALIAS anywhere in the zone refuses signing: its answers are made at
    /// query time and cannot be signed ahead.
    pub async fn zone_set_dnssec(
        &self,
        actor: &Actor,
        name: &ZoneName,
        on: bool,
    ) -> Result<ZoneChanges> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (mut zone, auth) = zone_in_reach(&mut tx, actor, name, DNS_MANAGE).await?;
        super::zone_admitted(actor, &zone.name)?;
        if (zone.dnssec_status == ENABLED) == on {
            return Err(AppError::BadRequest(
                Code::Dns,
                format!(
                    "DNSSEC is already {} for the zone {}",
                    zone.dnssec_status, zone.name
                ),
            ));
        }
        let changes = self
            .switch_dnssec(&mut tx, &auth, actor, &mut zone, on, now)
            .await?;
        tx.commit().await?;
        Ok(self.changes_of(&zone, changes))
    }

    /// Signs `zone` or stops signing it in `tx`, raising its serial; the changes it made
    /// (none when the zone already was so).
    pub(super) async fn switch_dnssec(
        &self,
        tx: &mut Tx,
        auth: &Authorized,
        actor: &Actor,
        zone: &mut Zone,
        on: bool,
        now: time::OffsetDateTime,
    ) -> Result<Vec<Change>> {
        let wanted = if on { ENABLED } else { DISABLED };
        if zone.dnssec_status == wanted {
            return Ok(Vec::new());
        }
        let soa_before = self.dns.soa(zone.serial, &zone.timers);
        zone.dnssec_status = wanted.to_owned();
        let mut working = Working::new(zone.clone());
        working.load_all(tx).await?;
        let keys = if on {
            let (keys, dnskey) = self.new_zone_keys(zone, now)?;
            working.put(dnskey);
            working.check()?;
            for key in &keys {
                dns_keys::insert_zone_key(tx, auth, zone, key).await?;
            }
            keys.into_iter().map(|k| k.key).collect()
        } else {
            let public = zone_keys(tx, zone).await?;
            working.remove(&zone.name, RecordType::Dnskey);
            dns_keys::delete_zone_keys(tx, auth, zone).await?;
            public
        };
        let mut change = working.write(tx, auth).await?;
        change.action = if on {
            "dns_zone.dnssec_enabled"
        } else {
            "dns_zone.dnssec_disabled"
        };
        self.zone_changed(tx, auth, actor, zone, change, now)
            .await?;
        let soa = |action, data| Change {
            action,
            rrset_name: Some(zone.name.clone()),
            rrset_type: Some(RecordType::Soa.as_str().to_owned()),
            record_data: Some(data),
            ttl: Some(self.dns.ttl),
        };
        let mut changes = vec![
            soa("delete_record", soa_before),
            soa("create_record", self.dns.soa(zone.serial, &zone.timers)),
        ];
        let action = if on { "create_record" } else { "delete_record" };
        changes.extend(self.key_changes(action, zone, &keys)?);
        changes.push(Change {
            action: if on {
                "enable_dnssec"
            } else {
                "disable_dnssec"
            },
            rrset_name: None,
            rrset_type: None,
            record_data: None,
            ttl: None,
        });
        Ok(changes)
    }

    /// The platform's job: raises the serial of every signed zone unchanged for `RENEW_AFTER`,
    /// so secondaries transfer the zone with the signatures the name server made again
    /// (theirs would expire). Answers how many zones it renewed; a zone another process
    /// renewed or changed meanwhile is left to it.
    pub async fn dnssec_renew_signatures(&self) -> Result<u64> {
        let now = self.clock.now();
        let cutoff = now - RENEW_AFTER;
        let due = {
            let mut tx = self.db.read().await?;
            dns::signed_zones_unchanged_since(&mut tx, cutoff).await?
        };
        let mut renewed = 0;
        for name in due {
            let mut tx = self.db.begin().await?;
            let Some(mut zone) = dns::zone_by_name(&mut tx, &name).await? else {
                continue;
            };
            if zone.dnssec_status != ENABLED || zone.updated_on >= cutoff {
                continue;
            }
            let Some(org) = organizations::get(&mut tx, zone.organization_id).await? else {
                continue;
            };
            let actor = Actor::platform(org.scope());
            let auth = platform_proof(org.id, DNS_MANAGE);
            let mut change = ZoneChange::of_settings(
                json!({"reason": "signatures renewed for the secondaries"}),
                zone.timers,
            );
            change.action = "dns_zone.signatures_renewed";
            match self
                .zone_changed(&mut tx, &auth, &actor, &mut zone, change, now)
                .await
            {
                Err(AppError::Conflict(Code::ZoneChanged, _)) => continue,
                other => other?,
            }
            tx.commit().await?;
            renewed += 1;
        }
        Ok(renewed)
    }

    fn changes_of(&self, zone: &Zone, changes: Vec<Change>) -> ZoneChanges {
        ZoneChanges {
            zone_name: zone.name.clone(),
            changeset_id: Uuid::now_v7(),
            changes,
        }
    }

    /// The zone's signing state, its keys, and the DS records its parent must publish.
    pub async fn zone_dnssec(&self, actor: &Actor, name: &ZoneName) -> Result<ZoneDnssec> {
        let mut tx = self.db.read().await?;
        let (zone, _) = zone_in_reach(&mut tx, actor, name, DNS_READ).await?;
        let keys = zone_keys(&mut tx, &zone).await?;
        Ok(ZoneDnssec {
            ds_records: ds_records(&zone.name, &keys)?,
            zone_name: zone.name,
            dnssec_status: zone.dnssec_status,
            keys,
        })
    }

    /// The keys the name server signs `zones` with, opened. A key whose seal does not open
    /// (another master key) is left out and logged: its zone is served unsigned.
    pub(super) async fn signing_keys(
        &self,
        tx: &mut Tx,
        zones: &[tenantry_core::ZoneId],
    ) -> Result<Vec<(tenantry_core::ZoneId, SigningKeyMaterial)>> {
        let mut out = Vec::new();
        for (zone, stored) in dns_keys::keys_of_zones(tx, zones).await? {
            match self.secret_box.open(&stored.private_sealed) {
                Some(pkcs8) => out.push((
                    zone,
                    SigningKeyMaterial {
                        key: stored.key,
                        pkcs8,
                    },
                )),
                None => tracing::error!(
                    %zone, key_tag = stored.key.key_tag,
                    "a DNSSEC key does not open with this master key; the zone is served unsigned"
                ),
            }
        }
        Ok(out)
    }
}

/// The public keys of a zone in the caller's reach.
async fn zone_keys(tx: &mut Tx, zone: &Zone) -> Result<Vec<ZoneKey>> {
    Ok(dns_keys::keys_of_zones(tx, &[zone.id])
        .await?
        .into_iter()
        .map(|(_, stored)| stored.key)
        .collect())
}
