//! Online signing (RFC 4034, RFC 4035): when a signed zone is loaded, every authoritative
//! rrset is signed (the DNSKEY rrset by the key signing keys, the others by the zone signing
//! keys) and the zone's names are chained by NSEC records, so an answer carries its
//! signatures and a negative answer its proof without any work per query. Signatures are
//! valid for `VALIDITY`; the refresher signs a zone again when half of that has passed.

use hickory_proto::dnssec::crypto::EcdsaSigningKey;
use hickory_proto::dnssec::rdata::sig::SigInput;
use hickory_proto::dnssec::rdata::{DNSSECRData, NSEC, RRSIG};
use hickory_proto::dnssec::{SigningKey, TBS};
use hickory_proto::rr::SerialNumber;
use hickory_proto::rr::{DNSClass, LowerName, Name, RData, Record, RecordType as WireType};
use tenantry_app::dns::SigningKeyMaterial;
use tenantry_core::dns::dnssec::{ALGORITHM, signing_key};

use crate::zone::ServedZone;

/// How long a signature is valid, in seconds.
pub(crate) const VALIDITY: u32 = 14 * 86_400;
/// A signature's validity starts this long before it is made, for askers whose clock lags.
const INCEPTION_SKEW: u32 = 3_600;

/// One key, ready to sign.
struct Signer {
    key: EcdsaSigningKey,
    tag: u16,
}

impl Signer {
    /// The RRSIG over `records` (one rrset of `rtype` owned by `owner`), made at `now`.
    fn sign(
        &self,
        apex: &Name,
        owner: &Name,
        rtype: WireType,
        records: &[Record],
        now: u32,
    ) -> Result<Record, String> {
        let ttl = records.first().map_or(0, |record| record.ttl);
        let input = SigInput {
            type_covered: rtype,
            algorithm: ALGORITHM,
            // A wildcard's signature counts the labels without the `*` (RFC 4034 §3.1.3),
            // which `num_labels` already leaves out.
            num_labels: owner.num_labels(),
            original_ttl: ttl,
            sig_expiration: SerialNumber::new(now.wrapping_add(VALIDITY)),
            sig_inception: SerialNumber::new(now.wrapping_sub(INCEPTION_SKEW)),
            key_tag: self.tag,
            signer_name: apex.clone(),
        };
        let tbs = TBS::from_input(owner, DNSClass::IN, &input, records.iter())
            .map_err(|e| e.to_string())?;
        let signature = self.key.sign(&tbs).map_err(|e| e.to_string())?;
        Ok(Record::from_rdata(
            owner.clone(),
            ttl,
            RData::DNSSEC(DNSSECRData::RRSIG(RRSIG::from_sig(input, signature))),
        ))
    }
}

/// Whether `name` lies below a delegation of the zone (glue, or names the child holds):
/// such names are not the zone's to sign or to chain.
fn occluded(zone: &ServedZone, name: &LowerName) -> bool {
    let mut up = name.base_name();
    while up != zone.apex && zone.apex.zone_of(&up) {
        if zone.cuts.contains(&up) {
            return true;
        }
        up = up.base_name();
    }
    false
}

/// Chains and signs `zone` with `keys` at `now` (seconds since the epoch).
pub(crate) fn sign(
    zone: &mut ServedZone,
    keys: &[SigningKeyMaterial],
    now: u32,
) -> Result<(), String> {
    let mut key_signing = Vec::new();
    let mut zone_signing = Vec::new();
    for material in keys {
        let signer = Signer {
            key: signing_key(&material.pkcs8)?,
            tag: material.key.key_tag,
        };
        if material.key.is_key_signing() {
            key_signing.push(signer);
        } else {
            zone_signing.push(signer);
        }
    }
    if key_signing.is_empty() && zone_signing.is_empty() {
        return Ok(());
    }
    // With one kind of key only, it signs everything.
    if zone_signing.is_empty() {
        std::mem::swap(&mut zone_signing, &mut key_signing);
    }
    let mut names: Vec<LowerName> = zone
        .nodes
        .iter()
        .filter(|(name, node)| !node.rrsets.is_empty() && !occluded(zone, name))
        .map(|(name, _)| name.clone())
        .collect();
    names.sort();
    let ttl = zone.negative_soa.ttl;
    for (index, name) in names.iter().enumerate() {
        let next = Name::from(names[(index + 1) % names.len()].clone());
        let at_cut = zone.cuts.contains(name);
        let node = zone.nodes.get_mut(name).expect("a chained name has a node");
        // At a delegation only the NS and the DS are the zone's (RFC 4035 §2.3).
        let mut types: Vec<WireType> = node
            .rrsets
            .iter()
            .map(|(rtype, _)| *rtype)
            .filter(|rtype| !at_cut || matches!(rtype, WireType::NS | WireType::DS))
            .collect();
        types.extend([WireType::RRSIG, WireType::NSEC]);
        let nsec = RData::DNSSEC(DNSSECRData::NSEC(NSEC::new(next, types)));
        let record = Record::from_rdata(Name::from(name.clone()), ttl, nsec);
        node.rrsets.push((WireType::NSEC, vec![record]));
    }
    let apex = Name::from(zone.apex.clone());
    for name in &names {
        let at_cut = zone.cuts.contains(name);
        let owner = Name::from(name.clone());
        let node = zone.nodes.get_mut(name).expect("a chained name has a node");
        let mut signatures = Vec::new();
        for (rtype, records) in &node.rrsets {
            // A delegation's NS belongs to the child: unsigned here.
            if records.is_empty() || (at_cut && !matches!(rtype, WireType::DS | WireType::NSEC)) {
                continue;
            }
            let by = if *rtype == WireType::DNSKEY && !key_signing.is_empty() {
                &key_signing
            } else {
                &zone_signing
            };
            let mut made = Vec::new();
            for signer in by {
                made.push(signer.sign(&apex, &owner, *rtype, records, now)?);
            }
            signatures.push((*rtype, made));
        }
        node.signatures = signatures;
    }
    zone.nsec_chain = names;
    zone.signed_at = Some(now);
    Ok(())
}
