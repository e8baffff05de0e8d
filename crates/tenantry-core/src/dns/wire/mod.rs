//! Record data on the wire, for the name server: the canonical text is read by hickory-proto
//! into its record types and encoded by it. Two exceptions: TXT strings are read by our own
//! tokenizer (hickory's takes a `\DDD` escape for a character, not a byte) into hickory's TXT
//! type; URI (RFC 7553), which hickory has no type for, is written with hickory's binary
//! encoder as the data of an unknown type (its two numbers, then the target's bytes, as
//! RFC 3597 carries any type).

use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData};
use hickory_proto::dnssec::{Algorithm, PublicKeyBuf};
use hickory_proto::rr::rdata::{NULL, TXT};
use hickory_proto::rr::{RData, RecordType as WireType};
use hickory_proto::serialize::binary::BinEncoder;

use super::record_type::RecordType;
use super::tokens::tokenize;

/// The wire type of a record type the server answers with; `None` for ALIAS, which is no
/// DNS type (the server answers A and AAAA queries with its target's addresses).
pub fn wire_type(rtype: RecordType) -> Option<WireType> {
    Some(match rtype {
        RecordType::A => WireType::A,
        RecordType::Aaaa => WireType::AAAA,
        RecordType::Alias => return None,
        RecordType::Caa => WireType::CAA,
        RecordType::Cname => WireType::CNAME,
        RecordType::Dnskey => WireType::DNSKEY,
        RecordType::Ds => WireType::DS,
        RecordType::Mx => WireType::MX,
        RecordType::Ns => WireType::NS,
        RecordType::Ptr => WireType::PTR,
        RecordType::Txt => WireType::TXT,
        RecordType::Soa => WireType::SOA,
        RecordType::Srv => WireType::SRV,
        RecordType::Tlsa => WireType::TLSA,
        RecordType::Smimea => WireType::SMIMEA,
        RecordType::Uri => WireType::Unknown(URI_CODE),
        RecordType::Https => WireType::HTTPS,
        RecordType::Svcb => WireType::SVCB,
        RecordType::Naptr => WireType::NAPTR,
        RecordType::Sshfp => WireType::SSHFP,
        RecordType::Cert => WireType::CERT,
    })
}

/// URI's type code (RFC 7553).
const URI_CODE: u16 = 256;

/// The wire form of one record's canonical data (as `canonical_rdata` wrote it).
pub fn wire_rdata(rtype: RecordType, canonical: &str) -> Result<RData, String> {
    let wire = wire_type(rtype).ok_or_else(|| format!("{rtype} is not a DNS record type"))?;
    match rtype {
        RecordType::Uri => return uri(canonical),
        // hickory's text reader takes a `\DDD` escape for a character, not a byte.
        RecordType::Txt => return txt(canonical),
        // hickory reads no DNSKEY from text (it expects to make them itself).
        RecordType::Dnskey => return dnskey(canonical),
        _ => {}
    }
    RData::try_from_str(wire, canonical).map_err(|e| format!("{rtype} {canonical:?}: {e}"))
}

/// `flags 3 algorithm base64-key` (RFC 4034 §2.2), as the server writes its own keys.
fn dnskey(canonical: &str) -> Result<RData, String> {
    let bad = || format!("DNSKEY {canonical:?}: expected flags, 3, algorithm and a key");
    let fields: Vec<&str> = canonical.split_whitespace().collect();
    let [flags, "3", algorithm, key @ ..] = fields.as_slice() else {
        return Err(bad());
    };
    let flags: u16 = flags.parse().map_err(|_| bad())?;
    let algorithm: u8 = algorithm.parse().map_err(|_| bad())?;
    let key = data_encoding::BASE64
        .decode(key.concat().as_bytes())
        .map_err(|_| bad())?;
    let public = PublicKeyBuf::new(key, Algorithm::from_u8(algorithm));
    Ok(RData::DNSSEC(DNSSECRData::DNSKEY(DNSKEY::with_flags(
        flags, public,
    ))))
}

/// Each quoted string, its escapes resolved by our reader, one character-string.
fn txt(canonical: &str) -> Result<RData, String> {
    let tokens = tokenize(canonical)?;
    Ok(RData::TXT(TXT::from_bytes(
        tokens.iter().map(|t| t.bytes.as_slice()).collect(),
    )))
}

/// `priority weight "target"` as RFC 7553's wire form.
fn uri(canonical: &str) -> Result<RData, String> {
    let tokens = tokenize(canonical)?;
    let [priority, weight, target] = tokens.as_slice() else {
        return Err(format!("URI {canonical:?} needs three fields"));
    };
    let number = |token: &super::tokens::Token| {
        token
            .text()?
            .parse::<u16>()
            .map_err(|_| format!("URI {canonical:?}: not a number"))
    };
    let mut bytes = Vec::new();
    let mut encoder = BinEncoder::new(&mut bytes);
    let written = encoder
        .emit_u16(number(priority)?)
        .and_then(|()| encoder.emit_u16(number(weight)?))
        .and_then(|()| encoder.emit_vec(&target.bytes));
    written.map_err(|e| format!("URI {canonical:?}: {e}"))?;
    Ok(RData::Unknown {
        code: WireType::Unknown(URI_CODE),
        rdata: NULL::with(bytes),
    })
}

#[cfg(test)]
mod tests;
