//! DNSSEC key rollover by the platform's operator, from the command line (`tenantry dnssec`):
//! a new key is published beside the old ones (and signs with them at once), and an old key
//! is retired once caches and the parent have moved on. The operator decides the timing:
//! for a zone signing key, retire the old one after the DNSKEY TTL plus the largest TTL of
//! the zone; for a key signing key, after the parent publishes the new DS and the old DS's
//! TTL has passed. Each step raises the serial, so secondaries transfer it.

use tenantry_core::dns::ZoneName;
use tenantry_core::dns::dnssec::{KSK_FLAGS, ZSK_FLAGS};
use tenantry_store::dns::{self, Zone};
use tenantry_store::dns_keys::{self, StoredZoneKey};
use tenantry_store::{Tx, operators, organizations};

use super::ZoneDnssec;
use super::working::Working;
use super::zones::{DNS_MANAGE, zone_in_reach};
use crate::actor::{Actor, RequestMeta};
use crate::app::App;
use crate::authz::Authorized;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::operators::OperatorActor;

/// Which kind of key a rollover adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// Signs the DNSKEY rrset; its digest is the parent's DS.
    KeySigning,
    /// Signs everything else.
    ZoneSigning,
}

/// What a rollover step did to the key list.
enum KeyEdit {
    Added(StoredZoneKey),
    Retired(tenantry_core::dns::dnssec::ZoneKey),
}

impl KeyRole {
    fn flags(self) -> u16 {
        match self {
            KeyRole::KeySigning => KSK_FLAGS,
            KeyRole::ZoneSigning => ZSK_FLAGS,
        }
    }
}

impl App {
    /// The platform's operator acting inside the organization that holds the zone `name`:
    /// whoever runs the command line holds the database and the master key.
    async fn operator_of_zone(&self, name: &ZoneName) -> Result<Actor> {
        let mut tx = self.db.read().await?;
        let operator = operators::list(&mut tx)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::not_found(NotFoundKind::Operator, "any"))?;
        let zone = dns::zone_by_name(&mut tx, name.as_str())
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Zone, name.as_str()))?;
        let org = organizations::get(&mut tx, zone.organization_id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Zone, name.as_str()))?;
        Ok(OperatorActor::new(operator.id, RequestMeta::default()).in_org(&org))
    }

    /// The zone's keys and DS records, for the operator.
    pub async fn dnssec_keys(&self, name: &ZoneName) -> Result<ZoneDnssec> {
        let actor = self.operator_of_zone(name).await?;
        self.zone_dnssec(&actor, name).await
    }

    /// Publishes a new key of `role` in the signed zone `name`; it signs at once.
    pub async fn dnssec_add_key(&self, name: &ZoneName, role: KeyRole) -> Result<ZoneDnssec> {
        let add = |_: &Zone, keys: &mut Vec<StoredZoneKey>| {
            let stored = self.sealed_key(role.flags(), self.clock.now())?;
            keys.push(stored.clone());
            Ok(KeyEdit::Added(stored))
        };
        self.edit_keys(name, "dns_zone.dnssec_key_added", add).await
    }

    /// Retires the key tagged `key_tag` from the signed zone `name`. The last key signing
    /// key and the last zone signing key stay: retiring either would leave the zone unsigned
    /// (disabling DNSSEC does that).
    pub async fn dnssec_retire_key(&self, name: &ZoneName, key_tag: u16) -> Result<ZoneDnssec> {
        let retire = |zone: &Zone, keys: &mut Vec<StoredZoneKey>| {
            let position = keys
                .iter()
                .position(|k| k.key.key_tag == key_tag)
                .ok_or_else(|| {
                    AppError::BadRequest(
                        Code::Dns,
                        format!("The zone {} has no key tagged {key_tag}", zone.name),
                    )
                })?;
            let retired = keys.remove(position);
            if !keys.iter().any(|k| k.key.flags == retired.key.flags) {
                return Err(AppError::BadRequest(
                    Code::Dns,
                    format!(
                        "The key {key_tag} is the zone's last of its kind; add its successor \
                         first"
                    ),
                ));
            }
            Ok(KeyEdit::Retired(retired.key))
        };
        self.edit_keys(name, "dns_zone.dnssec_key_retired", retire)
            .await
    }

    /// One rollover step on the signed zone `name`, as the operator: `edit` changes the key
    /// list, which is stored and published in one transaction, audited as `action`.
    async fn edit_keys(
        &self,
        name: &ZoneName,
        action: &'static str,
        edit: impl FnOnce(&Zone, &mut Vec<StoredZoneKey>) -> Result<KeyEdit>,
    ) -> Result<ZoneDnssec> {
        let actor = self.operator_of_zone(name).await?;
        let mut tx = self.db.begin().await?;
        let (mut zone, auth) = zone_in_reach(&mut tx, &actor, name, DNS_MANAGE).await?;
        let mut keys = signed_keys(&mut tx, &zone).await?;
        match edit(&zone, &mut keys)? {
            KeyEdit::Added(key) => dns_keys::insert_zone_key(&mut tx, &auth, &zone, &key).await?,
            KeyEdit::Retired(key) => dns_keys::delete_zone_key(&mut tx, &auth, &zone, &key).await?,
        }
        self.publish_keys(&mut tx, &auth, &actor, &mut zone, &keys, action)
            .await?;
        tx.commit().await?;
        self.zone_dnssec(&actor, name).await
    }

    /// Writes the DNSKEY rrset of `keys` and raises the serial.
    async fn publish_keys(
        &self,
        tx: &mut Tx,
        auth: &Authorized,
        actor: &Actor,
        zone: &mut Zone,
        keys: &[StoredZoneKey],
        action: &'static str,
    ) -> Result<()> {
        let mut working = Working::new(zone.clone());
        working.load(tx, &zone.name).await?;
        working.put(self.dnskey_rrset(zone, keys));
        let mut change = working.write(tx, auth).await?;
        change.action = action;
        self.zone_changed(tx, auth, actor, zone, change, self.clock.now())
            .await
    }
}

/// The keys of a signed zone; an unsigned zone has none to roll.
async fn signed_keys(tx: &mut Tx, zone: &Zone) -> Result<Vec<StoredZoneKey>> {
    if zone.dnssec_status != super::dnssec::ENABLED {
        return Err(AppError::BadRequest(
            Code::Dns,
            format!("DNSSEC is not enabled for the zone {}", zone.name),
        ));
    }
    Ok(dns_keys::keys_of_zones(tx, &[zone.id])
        .await?
        .into_iter()
        .map(|(_, stored)| stored)
        .collect())
}
