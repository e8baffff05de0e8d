//! Every served zone, by apex: the name server's whole state, replaced (never changed in
//! place) when zones change, so a query reads one consistent version.

use std::collections::HashMap;
use std::sync::Arc;

use std::net::{IpAddr, SocketAddr};

use hickory_proto::rr::{LowerName, Name, TSigner};
use tenantry_app::dns::{Secondary, TsigSecret};
use tenantry_core::ZoneId;

use crate::zone::{Node, ServedZone};

/// No `Debug`: it holds the TSIG secrets.
#[derive(Default, Clone)]
pub struct Catalog {
    by_apex: HashMap<LowerName, Arc<ServedZone>>,
    apex_of: HashMap<ZoneId, LowerName>,
    secondaries: Arc<Vec<Secondary>>,
    /// The TSIG keys, ready to verify and sign, and what they were made from.
    signers: Arc<Vec<TSigner>>,
    keys: Arc<Vec<(String, String, Vec<u8>)>>,
}

impl Catalog {
    /// The zone `name` falls in: its closest enclosing apex, among the zones of the tenant
    /// that holds the topmost enclosing zone. A tenant's zones nest (a customer's below its
    /// reseller's); were another tenant's zone below one (the API refuses it), it would never
    /// answer for names of the zone above it, which that zone's tenant keeps.
    pub fn zone_for(&self, name: &LowerName) -> Option<&ServedZone> {
        let closest = self.enclosing(name).next()?;
        let topmost = self.enclosing(name).last()?;
        if closest.tenant == topmost.tenant {
            return Some(closest);
        }
        self.enclosing(name)
            .find(|zone| zone.tenant == topmost.tenant)
    }

    /// The zones enclosing `name`, the closest first.
    fn enclosing<'a>(&'a self, name: &LowerName) -> impl Iterator<Item = &'a ServedZone> {
        let mut candidate = Some(name.clone());
        std::iter::from_fn(move || {
            let current = candidate.take()?;
            if !current.is_root() {
                candidate = Some(current.base_name());
            }
            Some(current)
        })
        .filter_map(|apex| self.by_apex.get(&apex).map(Arc::as_ref))
    }

    /// The records held at exactly `name`, in whichever zone.
    pub(crate) fn node(&self, name: &LowerName) -> Option<&Node> {
        self.zone_for(name)?.nodes.get(name)
    }

    pub fn zone_by_id(&self, id: &ZoneId) -> Option<&ServedZone> {
        self.by_apex.get(self.apex_of.get(id)?).map(Arc::as_ref)
    }

    /// The secondaries whose configuration covers `zone`: those of its organization and those
    /// of every organization.
    fn secondaries_of<'a>(&'a self, zone: &'a ServedZone) -> impl Iterator<Item = &'a Secondary> {
        self.secondaries.iter().filter(move |secondary| {
            secondary
                .organization_id
                .is_none_or(|organization| organization == zone.organization_id)
        })
    }

    /// Whether `from`, whose request was signed with `key` (or not signed), may transfer
    /// `zone`: a secondary of the zone allows its network, and the key when it names one.
    pub fn transfer_allowed(&self, zone: &ServedZone, from: IpAddr, key: Option<&Name>) -> bool {
        let signed_with = key.map(|name| name.to_ascii().to_ascii_lowercase());
        self.secondaries_of(zone).any(|secondary| {
            secondary.network.contains(from)
                && secondary
                    .tsig_key
                    .as_ref()
                    .is_none_or(|required| signed_with.as_ref() == Some(required))
        })
    }

    pub(crate) fn signers(&self) -> &[TSigner] {
        &self.signers
    }

    /// Whether `secondaries` or `keys` differ from those this catalog was given.
    pub fn configured_otherwise(&self, secondaries: &[Secondary], keys: &[TsigSecret]) -> bool {
        self.secondaries.as_slice() != secondaries || self.keys_differ(keys)
    }

    fn keys_differ(&self, keys: &[TsigSecret]) -> bool {
        self.keys.len() != keys.len()
            || self
                .keys
                .iter()
                .zip(keys)
                .any(|((name, algorithm, secret), key)| {
                    *name != key.name
                        || algorithm != key.algorithm.as_str()
                        || *secret != key.secret
                })
    }

    /// This catalog with `keys` in place of its own.
    pub fn with_keys(&self, keys: &[TsigSecret]) -> Catalog {
        Catalog {
            signers: Arc::new(keys.iter().filter_map(crate::tsig::signer).collect()),
            keys: Arc::new(
                keys.iter()
                    .map(|k| {
                        (
                            k.name.clone(),
                            k.algorithm.as_str().to_owned(),
                            k.secret.clone(),
                        )
                    })
                    .collect(),
            ),
            ..self.clone()
        }
    }

    /// Where NOTIFY goes after `zone` changes.
    pub fn notify_targets(&self, zone: &ServedZone) -> Vec<SocketAddr> {
        let mut targets: Vec<SocketAddr> = self
            .secondaries_of(zone)
            .filter_map(|secondary| secondary.notify)
            .collect();
        targets.sort();
        targets.dedup();
        targets
    }

    /// This catalog with `secondaries` in place of its own.
    pub fn with_secondaries(&self, secondaries: Vec<Secondary>) -> Catalog {
        Catalog {
            secondaries: Arc::new(secondaries),
            ..self.clone()
        }
    }

    /// The serial served for each zone.
    pub fn serial_of(&self, id: &ZoneId) -> Option<i64> {
        let apex = self.apex_of.get(id)?;
        self.by_apex.get(apex).map(|zone| zone.serial)
    }

    /// Whether the signatures of the zone `id` have passed half their validity: it is
    /// signed again.
    pub fn signatures_due(&self, id: &ZoneId, now: u32) -> bool {
        self.zone_by_id(id)
            .and_then(|zone| zone.signed_at)
            .is_some_and(|at| now.saturating_sub(at) >= crate::signing::VALIDITY / 2)
    }

    pub fn zone_ids(&self) -> impl Iterator<Item = &ZoneId> {
        self.apex_of.keys()
    }

    /// This catalog without the zones `gone` and with `loaded` in place of what it held for
    /// them. Zones are removed first: a name deleted and created again comes back as a new
    /// zone (a new id) under the same apex.
    pub fn with_changes(&self, loaded: Vec<ServedZone>, gone: &[ZoneId]) -> Catalog {
        let mut next = self.clone();
        for id in gone.iter().chain(loaded.iter().map(|zone| &zone.id)) {
            if let Some(apex) = next.apex_of.remove(id)
                && next.by_apex.get(&apex).is_some_and(|zone| zone.id == *id)
            {
                next.by_apex.remove(&apex);
            }
        }
        for zone in loaded {
            if let Some(previous) = next.by_apex.get(&zone.apex) {
                next.apex_of.remove(&previous.id);
            }
            next.apex_of.insert(zone.id, zone.apex.clone());
            next.by_apex.insert(zone.apex.clone(), Arc::new(zone));
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use tenantry_app::dns::{RrsetView, ZoneRecord, ZoneView};
    use tenantry_core::{OrganizationId, ZoneId};

    use super::*;

    fn zone(name: &str, organization_id: OrganizationId, tenant: OrganizationId) -> ServedZone {
        let now = time::OffsetDateTime::now_utc();
        let view = ZoneView {
            zone: ZoneRecord {
                id: ZoneId::generate(),
                organization_id,
                name: name.into(),
                dnssec_status: "disabled".into(),
                serial: 1,
                timers: Default::default(),
                created_on: now,
                updated_on: now,
            },
            rrsets: vec![RrsetView {
                name: name.into(),
                rtype: "SOA".into(),
                ttl: 3600,
                protected: None,
                records: vec!["ns1.example. hostmaster.example. 1 2 3 4 5".into()],
            }],
        };
        ServedZone::build(&view, tenant).unwrap()
    }

    /// Made outside the API (which refuses such a zone), a zone of another tenant below one
    /// still answers none of its names; the tenant's own zones nest.
    #[test]
    fn a_zone_below_another_tenant_s_answers_none_of_its_names() {
        let (one, two) = (OrganizationId::generate(), OrganizationId::generate());
        // A customer of tenant one: its own organization, tenant one's tenant.
        let customer = OrganizationId::generate();
        let parent = zone("example.com.", one, one);
        let squat = zone("shop.example.com.", two, two);
        let own = zone("own.example.com.", customer, one);
        let ids = (parent.id, own.id);
        let catalog = Catalog::default().with_changes(vec![parent, squat, own], &[]);
        let name = |text: &str| LowerName::from(Name::from_ascii(text).unwrap());
        assert_eq!(
            catalog.zone_for(&name("www.shop.example.com.")).unwrap().id,
            ids.0
        );
        assert_eq!(
            catalog.zone_for(&name("www.own.example.com.")).unwrap().id,
            ids.1
        );
        assert!(catalog.zone_for(&name("example.org.")).is_none());
    }
}
