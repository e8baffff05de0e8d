//! One zone as the name server holds it: its records in wire form by owner name, every empty
//! non-terminal between an owner and the apex (a name that exists because names below it do,
//! so a query for it is NODATA, not NXDOMAIN: RFC 8020), and its delegation points.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use hickory_proto::rr::{LowerName, Name, RData, Record, RecordType as WireType};
use tenantry_app::dns::{RrsetView, ZoneToServe, ZoneView};
use tenantry_core::dns::{RecordType, wire_rdata, wire_type};
use tenantry_core::{OrganizationId, ZoneId};

/// The records of one owner name.
#[derive(Debug, Default)]
pub(crate) struct Node {
    pub rrsets: Vec<(WireType, Vec<Record>)>,
    /// An ALIAS: A and AAAA queries are answered with its target's addresses.
    pub alias: Option<Alias>,
    /// In a signed zone, the RRSIGs of each rrset, by the type they cover.
    pub signatures: Vec<(WireType, Vec<Record>)>,
}

#[derive(Debug)]
pub(crate) struct Alias {
    pub target: LowerName,
    pub ttl: u32,
}

impl Node {
    pub fn records(&self, rtype: WireType) -> Option<&[Record]> {
        self.rrsets
            .iter()
            .find(|(t, _)| *t == rtype)
            .map(|(_, records)| records.as_slice())
    }

    /// The RRSIGs covering the rrset of `rtype` (none in an unsigned zone).
    pub fn signatures(&self, rtype: WireType) -> &[Record] {
        self.signatures
            .iter()
            .find(|(t, _)| *t == rtype)
            .map_or(&[], |(_, records)| records.as_slice())
    }
}

#[derive(Debug)]
pub struct ServedZone {
    pub id: ZoneId,
    pub organization_id: OrganizationId,
    /// The top-level organization it belongs to: a zone of another tenant below it takes
    /// none of its names.
    pub tenant: OrganizationId,
    pub apex: LowerName,
    pub serial: i64,
    /// The SOA as the zone holds it (a transfer's first and last record).
    pub(crate) soa: Record,
    /// The SOA as a negative answer carries it: its TTL is the lesser of its own and its
    /// minimum field (RFC 2308 §3).
    pub(crate) negative_soa: Record,
    pub(crate) nodes: HashMap<LowerName, Node>,
    /// Names below the apex that hold NS records: the zone is not authoritative under them.
    pub(crate) cuts: HashSet<LowerName>,
    /// In a signed zone, the names of its NSEC chain in canonical order (empty: unsigned).
    pub(crate) nsec_chain: Vec<LowerName>,
    /// When a signed zone was signed (seconds since the epoch).
    pub(crate) signed_at: Option<u32>,
}

impl ServedZone {
    /// The zone as the API shows it, in wire form, of `tenant`.
    pub fn build(view: &ZoneView, tenant: OrganizationId) -> Result<Self, String> {
        let apex = LowerName::from_str(&view.zone.name).map_err(|e| e.to_string())?;
        let mut zone = Layout {
            apex: apex.clone(),
            nodes: HashMap::from([(apex.clone(), Node::default())]),
            cuts: HashSet::new(),
            soa: None,
        };
        for rrset in &view.rrsets {
            zone.add(&view.zone.name, rrset)?;
        }
        let soa = zone
            .soa
            .ok_or_else(|| format!("{} has no SOA", view.zone.name))?;
        let mut negative_soa = soa.clone();
        if let RData::SOA(data) = &soa.data {
            negative_soa.ttl = soa.ttl.min(data.minimum);
        }
        Ok(ServedZone {
            id: view.zone.id,
            organization_id: view.zone.organization_id,
            tenant,
            apex,
            serial: view.zone.serial,
            soa,
            negative_soa,
            nodes: zone.nodes,
            cuts: zone.cuts,
            nsec_chain: Vec::new(),
            signed_at: None,
        })
    }

    /// The zone as the store gives it, signed at `now` (seconds since the epoch) when it
    /// has keys.
    pub fn load(zone: &ZoneToServe, now: u32) -> Result<Self, String> {
        let mut served = ServedZone::build(&zone.view, zone.tenant)?;
        crate::signing::sign(&mut served, &zone.keys, now)?;
        Ok(served)
    }

    pub fn is_signed(&self) -> bool {
        self.signed_at.is_some()
    }
}

impl ServedZone {
    /// Every record but the SOA, with the signatures of a signed zone, for a full transfer
    /// (ALIAS, no DNS type, is not sent).
    pub(crate) fn records(&self) -> impl Iterator<Item = &Record> {
        self.nodes.values().flat_map(|node| {
            node.rrsets
                .iter()
                .filter(|(rtype, _)| *rtype != WireType::SOA)
                .chain(node.signatures.iter())
                .flat_map(|(_, records)| records.iter())
        })
    }
}

/// One stored rrset in wire form.
pub(crate) enum Wire {
    Records(WireType, Vec<Record>),
    /// ALIAS is no DNS type: its target, whose addresses answer for it.
    Alias(LowerName),
}

/// The wire form of one stored rrset. A stored value the wire form cannot take (the API
/// validated it, so this is a defect) is left out and logged.
pub(crate) fn wire_records(
    zone: &str,
    name: &str,
    rtype: &str,
    ttl: u32,
    records: &[String],
) -> Result<Wire, String> {
    let rtype = RecordType::from_str(rtype).map_err(|e| e.to_string())?;
    let owner = Name::from_str(name).map_err(|e| e.to_string())?;
    let Some(wire) = wire_type(rtype) else {
        let target = records.first().ok_or("an ALIAS without a target")?;
        return LowerName::from_str(target)
            .map(Wire::Alias)
            .map_err(|e| e.to_string());
    };
    let records = records
        .iter()
        .filter_map(|data| match wire_rdata(rtype, data) {
            Ok(rdata) => Some(Record::from_rdata(owner.clone(), ttl, rdata)),
            Err(why) => {
                tracing::error!(zone, %why, "a stored record cannot be served");
                None
            }
        })
        .collect();
    Ok(Wire::Records(wire, records))
}

/// A zone while its rrsets are laid out.
struct Layout {
    apex: LowerName,
    nodes: HashMap<LowerName, Node>,
    cuts: HashSet<LowerName>,
    soa: Option<Record>,
}

impl Layout {
    fn add(&mut self, zone: &str, rrset: &RrsetView) -> Result<(), String> {
        let owner = Name::from_str(&rrset.name).map_err(|e| e.to_string())?;
        let lower = LowerName::new(&owner);
        self.add_ancestors(&lower);
        let node = self.nodes.entry(lower.clone()).or_default();
        match wire_records(zone, &rrset.name, &rrset.rtype, rrset.ttl, &rrset.records)? {
            Wire::Alias(target) => {
                node.alias = Some(Alias {
                    target,
                    ttl: rrset.ttl,
                });
            }
            Wire::Records(wire, records) => {
                if wire == WireType::SOA {
                    self.soa = records.first().cloned();
                }
                if wire == WireType::NS && lower != self.apex {
                    self.cuts.insert(lower);
                }
                node.rrsets.push((wire, records));
            }
        }
        Ok(())
    }

    /// Makes the names between `name` and the apex exist (empty until records come).
    fn add_ancestors(&mut self, name: &LowerName) {
        let mut up = name.base_name();
        while up != self.apex && self.apex.zone_of(&up) {
            self.nodes.entry(up.clone()).or_default();
            up = up.base_name();
        }
    }
}
