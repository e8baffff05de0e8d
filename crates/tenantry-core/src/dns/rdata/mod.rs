//! Record data in canonical presentation format: what a client sends is validated field by
//! field and written back the one way, so it reads back exactly as every later write of the
//! same value. Names become absolute, lower case and ASCII (relative ones are completed with
//! the zone); character-strings are quoted and escaped; hex is lower case.
//!
//! Names are parsed by hickory-proto, and the types it reads reliably from text (MX, SRV,
//! NAPTR, SSHFP, TLSA, SMIMEA) are checked once more by parsing the canonical text with it and
//! encoding the result to wire format. The printing is ours: hickory's presentation output
//! is not canonical for TXT, CAA, SVCB/HTTPS or CERT, and it has no URI type.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use hickory_proto::rr::{Name, RData, RecordType as WireType};
use hickory_proto::serialize::binary::BinEncodable;

use super::names::ZoneName;
use super::record_type::RecordType;
use super::svcb::svc_params;
use super::tokens::{Token, quote, tokenize};

/// A character-string holds at most this many bytes; longer TXT values are split.
const MAX_STRING: usize = 255;

/// Validates `raw` as the data of one `rtype` record in `zone` and returns its canonical
/// form; the error says what is wrong, in words a client can act on.
pub fn canonical_rdata(rtype: RecordType, raw: &str, zone: &ZoneName) -> Result<String, String> {
    let tokens = tokenize(raw)?;
    if tokens.is_empty() {
        return Err("is empty".into());
    }
    let fields = Fields { tokens, zone };
    let canonical = match rtype {
        RecordType::A => fields.exactly(1)?.ipv4(0)?,
        RecordType::Aaaa => fields.exactly(1)?.ipv6(0)?,
        RecordType::Cname | RecordType::Ns | RecordType::Ptr | RecordType::Alias => {
            fields.exactly(1)?.name(0, false)?
        }
        RecordType::Mx => {
            let f = fields.exactly(2)?;
            format!("{} {}", f.number::<u16>(0, "preference")?, f.name(1, true)?)
        }
        RecordType::Srv => {
            let f = fields.exactly(4)?;
            format!(
                "{} {} {} {}",
                f.number::<u16>(0, "priority")?,
                f.number::<u16>(1, "weight")?,
                f.number::<u16>(2, "port")?,
                f.name(3, true)?
            )
        }
        RecordType::Txt => fields.txt()?,
        RecordType::Caa => fields.caa()?,
        RecordType::Sshfp => {
            let f = fields.at_least(3)?;
            format!(
                "{} {} {}",
                f.number::<u8>(0, "algorithm")?,
                f.number::<u8>(1, "fingerprint type")?,
                f.hex_from(2)?
            )
        }
        RecordType::Tlsa | RecordType::Smimea => {
            let f = fields.at_least(4)?;
            format!(
                "{} {} {} {}",
                f.number::<u8>(0, "usage")?,
                f.number::<u8>(1, "selector")?,
                f.number::<u8>(2, "matching type")?,
                f.hex_from(3)?
            )
        }
        RecordType::Naptr => {
            let f = fields.exactly(6)?;
            format!(
                "{} {} {} {} {} {}",
                f.number::<u16>(0, "order")?,
                f.number::<u16>(1, "preference")?,
                quote(&f.tokens[2].bytes),
                quote(&f.tokens[3].bytes),
                quote(&f.tokens[4].bytes),
                f.name(5, true)?
            )
        }
        RecordType::Uri => {
            let f = fields.exactly(3)?;
            if f.tokens[2].bytes.is_empty() {
                return Err("the target URI is empty".into());
            }
            format!(
                "{} {} {}",
                f.number::<u16>(0, "priority")?,
                f.number::<u16>(1, "weight")?,
                quote(&f.tokens[2].bytes)
            )
        }
        RecordType::Https | RecordType::Svcb => {
            let f = fields.at_least(2)?;
            let priority = f.number::<u16>(0, "priority")?;
            let target = f.name(1, true)?;
            let params = svc_params(&f.tokens[2..])?;
            if priority == 0 && !params.is_empty() {
                return Err("alias form (priority 0) takes no parameters".into());
            }
            let mut out = format!("{priority} {target}");
            for param in params {
                out.push(' ');
                out.push_str(&param);
            }
            out
        }
        RecordType::Cert => fields.cert()?,
        RecordType::Soa | RecordType::Dnskey | RecordType::Ds => {
            return Err(format!("{rtype} records are managed by the server"));
        }
    };
    cross_check(rtype, &canonical)?;
    Ok(canonical)
}

/// Parses the canonical text with hickory-proto and encodes it, for the types it reads
/// reliably: a value that survives both is well formed on the wire too.
fn cross_check(rtype: RecordType, canonical: &str) -> Result<(), String> {
    let wire = match rtype {
        RecordType::Mx => WireType::MX,
        RecordType::Srv => WireType::SRV,
        RecordType::Naptr => WireType::NAPTR,
        RecordType::Sshfp => WireType::SSHFP,
        RecordType::Tlsa => WireType::TLSA,
        RecordType::Smimea => WireType::SMIMEA,
        _ => return Ok(()),
    };
    let rdata = RData::try_from_str(wire, canonical).map_err(|e| format!("is not valid: {e}"))?;
    rdata
        .to_bytes()
        .map(|_| ())
        .map_err(|e| format!("cannot be encoded: {e}"))
}

struct Fields<'a> {
    tokens: Vec<Token>,
    zone: &'a ZoneName,
}

impl Fields<'_> {
    fn exactly(self, n: usize) -> Result<Self, String> {
        if self.tokens.len() != n {
            return Err(format!(
                "needs exactly {n} field{}, got {}",
                if n == 1 { "" } else { "s" },
                self.tokens.len()
            ));
        }
        Ok(self)
    }

    fn at_least(self, n: usize) -> Result<Self, String> {
        if self.tokens.len() < n {
            return Err(format!(
                "needs at least {n} fields, got {}",
                self.tokens.len()
            ));
        }
        Ok(self)
    }

    fn bare(&self, i: usize, what: &str) -> Result<&str, String> {
        let token = &self.tokens[i];
        if token.quoted {
            return Err(format!("the {what} must not be quoted"));
        }
        token.text()
    }

    fn number<N: FromStr>(&self, i: usize, what: &str) -> Result<N, String> {
        let text = self.bare(i, what)?;
        text.parse()
            .map_err(|_| format!("the {what} {text:?} is not a number in range"))
    }

    fn ipv4(&self, i: usize) -> Result<String, String> {
        let text = self.bare(i, "address")?;
        Ipv4Addr::from_str(text)
            .map(|a| a.to_string())
            .map_err(|_| format!("{text:?} is not an IPv4 address"))
    }

    fn ipv6(&self, i: usize) -> Result<String, String> {
        let text = self.bare(i, "address")?;
        Ipv6Addr::from_str(text)
            .map(|a| a.to_string())
            .map_err(|_| format!("{text:?} is not an IPv6 address"))
    }

    /// A domain name: `@` is the zone, a relative name is completed with it; `root_ok`
    /// allows `.` (no target, as in a null MX or an SRV "no service").
    fn name(&self, i: usize, root_ok: bool) -> Result<String, String> {
        let text = self.bare(i, "name")?;
        target_name(text, self.zone, root_ok)
    }

    fn hex_from(&self, start: usize) -> Result<String, String> {
        let mut hex = String::new();
        for token in &self.tokens[start..] {
            hex.push_str(token.text()?);
        }
        if hex.is_empty()
            || !hex.len().is_multiple_of(2)
            || !hex.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Err(format!("{hex:?} is not an even number of hex digits"));
        }
        Ok(hex.to_ascii_lowercase())
    }

    /// TXT: one or more character-strings; one longer than 255 bytes is split, as the
    /// wire format requires.
    fn txt(&self) -> Result<String, String> {
        let mut parts = Vec::new();
        for token in &self.tokens {
            if token.bytes.is_empty() {
                parts.push(quote(b""));
            }
            for chunk in token.bytes.chunks(MAX_STRING) {
                parts.push(quote(chunk));
            }
        }
        Ok(parts.join(" "))
    }

    fn caa(self) -> Result<String, String> {
        let f = self.exactly(3)?;
        let flags = f.number::<u8>(0, "flags")?;
        if flags != 0 && flags != 128 {
            return Err(format!("the flags must be 0 or 128, got {flags}"));
        }
        let tag = f.tokens[1].text()?;
        if tag.is_empty() || tag.len() > 15 || !tag.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("the tag {tag:?} must be 1 to 15 letters or digits"));
        }
        Ok(format!("{flags} {tag} {}", quote(&f.tokens[2].bytes)))
    }

    /// CERT (RFC 4398): type and algorithm as numbers or mnemonics, key tag, base64 data.
    fn cert(self) -> Result<String, String> {
        let f = self.at_least(4)?;
        let cert_type = match f.bare(0, "certificate type")?.to_ascii_uppercase().as_str() {
            "PKIX" => 1,
            "SPKI" => 2,
            "PGP" => 3,
            "IPKIX" => 4,
            "ISPKI" => 5,
            "IPGP" => 6,
            "ACPKIX" => 7,
            "IACPKIX" => 8,
            "URI" => 253,
            "OID" => 254,
            _ => f.number::<u16>(0, "certificate type")?,
        };
        let key_tag = f.number::<u16>(1, "key tag")?;
        let algorithm = f.number::<u8>(2, "algorithm")?;
        let mut data = String::new();
        for token in &f.tokens[3..] {
            data.push_str(token.text()?);
        }
        data_encoding::BASE64
            .decode(data.as_bytes())
            .map_err(|_| "the certificate is not valid base64".to_owned())?;
        Ok(format!("{cert_type} {key_tag} {algorithm} {data}"))
    }
}

/// A target name in canonical form (see `Fields::name`).
pub(crate) fn target_name(text: &str, zone: &ZoneName, root_ok: bool) -> Result<String, String> {
    if text == "." {
        return if root_ok {
            Ok(".".into())
        } else {
            Err("the name cannot be the root (\".\")".into())
        };
    }
    if text == "@" {
        return Ok(zone.as_str().to_owned());
    }
    let parsed = if text.is_ascii() {
        Name::from_ascii(text)
    } else {
        Name::from_utf8(text)
    }
    .map_err(|e| format!("{text:?} is not a valid name: {e}"))?;
    let absolute = if parsed.is_fqdn() {
        parsed
    } else {
        let origin = Name::from_ascii(zone.as_str()).map_err(|e| e.to_string())?;
        parsed
            .append_domain(&origin)
            .map_err(|e| format!("{text:?} is too long once completed with the zone: {e}"))?
    };
    Ok(absolute.to_ascii().to_ascii_lowercase())
}

#[cfg(test)]
mod tests;
