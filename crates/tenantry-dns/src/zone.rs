//! One zone as the name server holds it: its records in wire form by owner name, every empty
//! non-terminal between an owner and the apex (a name that exists because names below it do,
//! so a query for it is NODATA, not NXDOMAIN: RFC 8020), and its delegation points.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use hickory_proto::rr::{LowerName, Name, RData, Record, RecordType as WireType};
use tenantry_app::dns::{RrsetView, ZoneView};
use tenantry_core::ZoneId;
use tenantry_core::dns::{RecordType, wire_rdata, wire_type};

/// The records of one owner name.
#[derive(Debug, Default)]
pub(crate) struct Node {
    pub rrsets: Vec<(WireType, Vec<Record>)>,
    /// An ALIAS: A and AAAA queries are answered with its target's addresses.
    pub alias: Option<Alias>,
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
}

#[derive(Debug)]
pub struct ServedZone {
    pub id: ZoneId,
    pub apex: LowerName,
    pub serial: i64,
    /// The SOA as a negative answer carries it: its TTL is the lesser of its own and its
    /// minimum field (RFC 2308 §3).
    pub(crate) negative_soa: Record,
    pub(crate) nodes: HashMap<LowerName, Node>,
    /// Names below the apex that hold NS records: the zone is not authoritative under them.
    pub(crate) cuts: HashSet<LowerName>,
}

impl ServedZone {
    /// The zone as the API shows it, in wire form. A stored value the wire form cannot take
    /// (the API validated it, so this is a defect) is left out of the answers and logged.
    pub fn build(view: &ZoneView) -> Result<Self, String> {
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
        let mut negative_soa = zone
            .soa
            .ok_or_else(|| format!("{} has no SOA", view.zone.name))?;
        if let RData::SOA(soa) = &negative_soa.data {
            negative_soa.ttl = negative_soa.ttl.min(soa.minimum);
        }
        Ok(ServedZone {
            id: view.zone.id,
            apex,
            serial: view.zone.serial,
            negative_soa,
            nodes: zone.nodes,
            cuts: zone.cuts,
        })
    }
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
        let rtype = RecordType::from_str(&rrset.rtype).map_err(|e| e.to_string())?;
        let owner = Name::from_str(&rrset.name).map_err(|e| e.to_string())?;
        let lower = LowerName::new(&owner);
        self.add_ancestors(&lower);
        let node = self.nodes.entry(lower.clone()).or_default();
        let Some(wire) = wire_type(rtype) else {
            let target = rrset.records.first().map(|t| LowerName::from_str(t));
            if let Some(Ok(target)) = target {
                node.alias = Some(Alias {
                    target,
                    ttl: rrset.ttl,
                });
            }
            return Ok(());
        };
        let records: Vec<Record> = rrset
            .records
            .iter()
            .filter_map(|data| match wire_rdata(rtype, data) {
                Ok(rdata) => Some(Record::from_rdata(owner.clone(), rrset.ttl, rdata)),
                Err(why) => {
                    tracing::error!(zone, %why, "a stored record cannot be served");
                    None
                }
            })
            .collect();
        if wire == WireType::SOA {
            self.soa = records.first().cloned();
        }
        if wire == WireType::NS && lower != self.apex {
            self.cuts.insert(lower);
        }
        node.rrsets.push((wire, records));
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
