//! What the name server reads: the serial of every zone on the platform, and the zones it must
//! load again, each as the API shows it (the SOA built from the serial, then the stored
//! rrsets). A served zone is public, since any resolver may ask a name server for it, so these
//! reads are the platform's and carry no caller.

use std::collections::BTreeMap;

use tenantry_core::{OrganizationId, ZoneId};
use tenantry_store::dns::{self, Rrset};

use super::{SigningKeyMaterial, ZoneView};
use crate::app::App;
use crate::error::Result;

/// A zone as the name server loads it, with its tenant (the top-level organization it belongs
/// to): a zone answers only for names no other tenant's zone above it holds.
pub struct ZoneToServe {
    pub view: ZoneView,
    pub tenant: OrganizationId,
    /// The keys a signed zone is signed with (none: served unsigned).
    pub keys: Vec<SigningKeyMaterial>,
}

impl App {
    /// Every zone's id and serial: a zone whose serial moved, or that came or went, is
    /// loaded again.
    pub async fn zone_serials(&self) -> Result<Vec<(ZoneId, i64)>> {
        let mut tx = self.db.read().await?;
        Ok(dns::zone_serials(&mut tx).await?)
    }

    /// A value that changes when any zone is created, changed or deleted (its count, the sum
    /// of the serials, the latest change time): read every quarter second instead of every
    /// serial. Only a deletion and a creation of equal serials in one interval, written by a
    /// process whose clock lags, leave it unchanged; the full comparison every few seconds
    /// catches that.
    pub async fn zones_fingerprint(&self) -> Result<(i64, String, String)> {
        let mut tx = self.db.read().await?;
        Ok(dns::zones_fingerprint(&mut tx).await?)
    }

    /// These zones (those still there) with all their rrsets, the SOA first. The zones are
    /// read before their rrsets: rrsets changed in between come with an older serial, which
    /// the next comparison finds moved, so the zone is loaded again (never the reverse, new
    /// serial over old rrsets, which no later comparison would notice).
    pub async fn zones_to_serve(&self, ids: &[ZoneId]) -> Result<Vec<ZoneToServe>> {
        let mut tx = self.db.read().await?;
        let zones = dns::zones_by_ids(&mut tx, ids).await?;
        let found: Vec<ZoneId> = zones.iter().map(|(z, _)| z.id).collect();
        let mut by_zone: BTreeMap<ZoneId, Vec<Rrset>> = BTreeMap::new();
        for (zone, rrset) in dns::rrsets_of_zones(&mut tx, &found).await? {
            by_zone.entry(zone).or_default().push(rrset);
        }
        let mut keys: BTreeMap<ZoneId, Vec<SigningKeyMaterial>> = BTreeMap::new();
        for (zone, key) in self.signing_keys(&mut tx, &found).await? {
            keys.entry(zone).or_default().push(key);
        }
        Ok(zones
            .into_iter()
            .map(|(zone, tenant)| {
                let rrsets = by_zone.remove(&zone.id).unwrap_or_default();
                ZoneToServe {
                    keys: keys.remove(&zone.id).unwrap_or_default(),
                    view: self.view(zone, rrsets),
                    tenant,
                }
            })
            .collect())
    }
}
