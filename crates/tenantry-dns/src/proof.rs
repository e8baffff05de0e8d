//! The NSEC records (with their signatures) that prove, in a signed zone, that a name or a
//! type is absent (RFC 4035 §3.1.3): NODATA shows the name's own NSEC, NXDOMAIN the NSEC
//! covering the name and the one covering the wildcard that could have answered, a referral
//! the delegation's DS or the NSEC proving it has none.

use hickory_proto::rr::{LowerName, Record, RecordType as WireType};

use crate::zone::ServedZone;

/// The NSEC owned by `name`, with its signatures.
fn nsec_at(zone: &ServedZone, name: &LowerName) -> Vec<Record> {
    let Some(node) = zone.nodes.get(name) else {
        return Vec::new();
    };
    let mut out = node.records(WireType::NSEC).unwrap_or_default().to_vec();
    out.extend(node.signatures(WireType::NSEC).iter().cloned());
    out
}

/// The NSEC covering `name`: the one of the last chained name before it in canonical order
/// (the apex comes before every name of the zone).
pub(crate) fn covering(zone: &ServedZone, name: &LowerName) -> Vec<Record> {
    let before = zone.nsec_chain.partition_point(|chained| chained <= name);
    match before.checked_sub(1).and_then(|i| zone.nsec_chain.get(i)) {
        Some(owner) => nsec_at(zone, owner),
        None => Vec::new(),
    }
}

/// The wildcard that would answer for `name`: `*` below the closest name above it that
/// exists in the zone (an empty non-terminal counts), its closest encloser.
fn source_of_synthesis(zone: &ServedZone, name: &LowerName) -> LowerName {
    let mut child = name.clone();
    let mut up = name.base_name();
    while !zone.nodes.contains_key(&up) && up != zone.apex {
        child = up;
        up = child.base_name();
    }
    // `into_wildcard` puts `*` in place of the first label: `*.` and the encloser.
    child.into_wildcard()
}

/// The proof that `name` holds no rrset of the type asked.
pub(crate) fn no_data(zone: &ServedZone, name: &LowerName) -> Vec<Record> {
    match zone.nodes.get(name) {
        Some(node) if !node.rrsets.is_empty() => nsec_at(zone, name),
        // An empty non-terminal: the NSEC before it, whose next name is below it.
        Some(_) => covering(zone, name),
        // Answered by a wildcard that lacks the type: no closer name, and the wildcard's own.
        None => {
            let wildcard = source_of_synthesis(zone, name);
            distinct(covering(zone, name), nsec_at(zone, &wildcard))
        }
    }
}

/// The proof that `name` does not exist: no such name, and no wildcard that could answer.
pub(crate) fn no_name(zone: &ServedZone, name: &LowerName) -> Vec<Record> {
    let wildcard = source_of_synthesis(zone, name);
    distinct(covering(zone, name), covering(zone, &wildcard))
}

/// At the delegation `cut`: its DS with their signatures, or the NSEC proving it has none
/// (an unsigned child).
pub(crate) fn delegation(zone: &ServedZone, cut: &LowerName) -> Vec<Record> {
    let Some(node) = zone.nodes.get(cut) else {
        return Vec::new();
    };
    match node.records(WireType::DS) {
        Some(ds) => {
            let mut out = ds.to_vec();
            out.extend(node.signatures(WireType::DS).iter().cloned());
            out
        }
        None => nsec_at(zone, cut),
    }
}

/// The SOA's signatures, as a negative answer carries them (with the negative SOA's TTL).
pub(crate) fn negative_soa_signatures(zone: &ServedZone) -> Vec<Record> {
    let Some(apex) = zone.nodes.get(&zone.apex) else {
        return Vec::new();
    };
    apex.signatures(WireType::SOA)
        .iter()
        .map(|signature| {
            let mut signature = signature.clone();
            signature.ttl = zone.negative_soa.ttl;
            signature
        })
        .collect()
}

/// `first` and the records of `second` not already in it.
fn distinct(mut first: Vec<Record>, second: Vec<Record>) -> Vec<Record> {
    for record in second {
        if !first.contains(&record) {
            first.push(record);
        }
    }
    first
}
