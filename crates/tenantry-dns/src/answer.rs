//! The answer to one question (RFC 1034 §4.3.2, with RFC 4592's wildcards and RFC 2308's
//! negative answers): the records, the response code, and whether the answer is the zone's
//! own (`AA`), which a referral into a delegated child is not.

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{LowerName, Name, RData, Record, RecordType as WireType};

use crate::catalog::Catalog;
use crate::proof;
use crate::zone::{Node, ServedZone};

/// How many CNAMEs one answer follows inside its zone before it stops (a loop ends there).
const MAX_CHAIN: usize = 8;

#[derive(Debug)]
pub struct Answer {
    pub code: ResponseCode,
    pub authoritative: bool,
    pub answers: Vec<Record>,
    pub authorities: Vec<Record>,
    pub additionals: Vec<Record>,
}

impl Answer {
    /// An answer with no records: a refusal or an error.
    pub fn empty(code: ResponseCode) -> Self {
        Answer::new(code, false)
    }

    fn new(code: ResponseCode, authoritative: bool) -> Self {
        Answer {
            code,
            authoritative,
            answers: Vec::new(),
            authorities: Vec::new(),
            additionals: Vec::new(),
        }
    }
}

/// What one name holds for the question.
enum Step {
    /// Records that answer, and the target of a CNAME among them, which the answer follows.
    Records(Vec<Record>, Option<LowerName>),
    NoData,
    NxDomain,
    /// The name is at or under the delegation `.0`: its NS records and their addresses
    /// (glue).
    Referral(LowerName, Vec<Record>, Vec<Record>),
}

/// The answer to `qname`/`qtype`; `REFUSED` for a name in no served zone. `dnssec_ok` (the
/// asker's DO bit) adds, for a signed zone, the signatures and the NSEC records that prove
/// a name or a type absent.
pub fn answer(catalog: &Catalog, qname: &LowerName, qtype: WireType, dnssec_ok: bool) -> Answer {
    let Some(zone) = catalog.zone_for(qname) else {
        return Answer::new(ResponseCode::Refused, false);
    };
    let signed = dnssec_ok && zone.is_signed();
    let mut answer = Answer::new(ResponseCode::NoError, true);
    let mut name = qname.clone();
    let mut visited = vec![name.clone()];
    loop {
        match step(catalog, zone, &name, qtype, signed) {
            Step::Records(records, next) => {
                // Made from a wildcard: the proof that the name itself does not exist.
                if signed && !zone.nodes.contains_key(&name) {
                    answer.authorities.extend(proof::covering(zone, &name));
                }
                answer.answers.extend(records);
                // Followed while it stays in this zone (not a child zone served apart), at
                // most MAX_CHAIN times, and never to a name already answered (a loop).
                let follow = next.filter(|target| {
                    catalog.zone_for(target).is_some_and(|z| z.id == zone.id)
                        && visited.len() <= MAX_CHAIN
                        && !visited.contains(target)
                });
                match follow {
                    Some(target) => {
                        visited.push(target.clone());
                        name = target;
                        continue;
                    }
                    None => break,
                }
            }
            Step::NoData => {
                answer.authorities.push(zone.negative_soa.clone());
                if signed {
                    answer
                        .authorities
                        .extend(proof::negative_soa_signatures(zone));
                    answer.authorities.extend(proof::no_data(zone, &name));
                }
            }
            Step::NxDomain => {
                answer.code = ResponseCode::NXDomain;
                answer.authorities.push(zone.negative_soa.clone());
                if signed {
                    answer
                        .authorities
                        .extend(proof::negative_soa_signatures(zone));
                    answer.authorities.extend(proof::no_name(zone, &name));
                }
            }
            Step::Referral(cut, ns, glue) => {
                // Only the CNAMEs that led here are this zone's to vouch for.
                answer.authoritative = !answer.answers.is_empty();
                answer.authorities.extend(ns);
                if signed {
                    answer.authorities.extend(proof::delegation(zone, &cut));
                }
                answer.additionals.extend(glue);
            }
        }
        break;
    }
    // The addresses of what NS, MX and SRV answers name (a CNAME's target is answered).
    let targets = answer
        .answers
        .iter()
        .filter(|record| !matches!(record.data, RData::CNAME(_)))
        .filter_map(target_of);
    answer.additionals.extend(addresses(zone, targets));
    answer
}

fn step(
    catalog: &Catalog,
    zone: &ServedZone,
    name: &LowerName,
    qtype: WireType,
    signed: bool,
) -> Step {
    if let Some(cut) = delegation(zone, name) {
        // The parent side of a cut answers for the DS records it does not hold.
        if !(cut == *name && qtype == WireType::DS) {
            let ns: Vec<Record> = zone.nodes[&cut]
                .records(WireType::NS)
                .unwrap_or_default()
                .to_vec();
            let glue = addresses(zone, ns.iter().filter_map(target_of));
            return Step::Referral(cut, ns, glue);
        }
    }
    if let Some(node) = zone.nodes.get(name) {
        return at_node(catalog, node, name, qtype, false, signed);
    }
    // No such name: a wildcard at its closest encloser answers for it (RFC 4592 §3.3.1).
    let mut child = name.clone();
    let mut encloser = name.base_name();
    while !zone.nodes.contains_key(&encloser) {
        child = encloser;
        encloser = child.base_name();
    }
    match zone.nodes.get(&child.into_wildcard()) {
        Some(wildcard) => at_node(catalog, wildcard, name, qtype, true, signed),
        None => Step::NxDomain,
    }
}

/// The highest delegation point at or above `name`, below the apex.
fn delegation(zone: &ServedZone, name: &LowerName) -> Option<LowerName> {
    if zone.cuts.is_empty() {
        return None;
    }
    let mut found = None;
    let mut candidate = name.clone();
    while candidate != zone.apex {
        if zone.cuts.contains(&candidate) {
            found = Some(candidate.clone());
        }
        candidate = candidate.base_name();
    }
    found
}

/// What a node holds for the question, its records owned by `name` (the node's own name, or
/// the name a wildcard answers for), with their signatures when `signed`.
fn at_node(
    catalog: &Catalog,
    node: &Node,
    name: &LowerName,
    qtype: WireType,
    synthesized: bool,
    signed: bool,
) -> Step {
    let owned = |records: &[Record], ttl: Option<u32>| -> Vec<Record> {
        records
            .iter()
            .map(|record| {
                let mut record = record.clone();
                if synthesized || ttl.is_some() {
                    record.name = Name::from(name.clone());
                }
                if let Some(ttl) = ttl {
                    record.ttl = ttl;
                }
                record
            })
            .collect()
    };
    let with_signatures = |rtype: WireType, records: &[Record]| -> Vec<Record> {
        let mut out = owned(records, None);
        if signed {
            out.extend(owned(node.signatures(rtype), None));
        }
        out
    };
    if qtype == WireType::ANY {
        let all: Vec<Record> = node
            .rrsets
            .iter()
            .flat_map(|(rtype, records)| with_signatures(*rtype, records))
            .collect();
        return if all.is_empty() {
            Step::NoData
        } else {
            Step::Records(all, None)
        };
    }
    if let Some(records) = node.records(qtype) {
        return Step::Records(with_signatures(qtype, records), None);
    }
    if let Some(alias) = &node.alias
        && matches!(qtype, WireType::A | WireType::AAAA)
    {
        let addresses = catalog
            .node(&alias.target)
            .and_then(|target| target.records(qtype))
            .unwrap_or_default();
        return if addresses.is_empty() {
            Step::NoData
        } else {
            Step::Records(owned(addresses, Some(alias.ttl)), None)
        };
    }
    if let Some(cname) = node.records(WireType::CNAME) {
        let next = cname.first().and_then(target_of);
        return Step::Records(with_signatures(WireType::CNAME, cname), next);
    }
    Step::NoData
}

/// The name a record points at, for following a CNAME and for additional addresses.
fn target_of(record: &Record) -> Option<LowerName> {
    let target = match &record.data {
        RData::CNAME(cname) => &cname.0,
        RData::NS(ns) => &ns.0,
        RData::MX(mx) => &mx.exchange,
        RData::SRV(srv) => &srv.target,
        _ => return None,
    };
    Some(LowerName::new(target))
}

/// The A and AAAA records this zone holds for `targets` (glue, and the additional section of
/// an NS, MX or SRV answer).
fn addresses(zone: &ServedZone, targets: impl Iterator<Item = LowerName>) -> Vec<Record> {
    let mut out = Vec::new();
    for target in targets {
        if let Some(node) = zone.nodes.get(&target) {
            for rtype in [WireType::A, WireType::AAAA] {
                out.extend(node.records(rtype).unwrap_or_default().iter().cloned());
            }
        }
    }
    out
}
