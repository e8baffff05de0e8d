//! A zone's DNSSEC keys (RFC 4034): ECDSA P-256 with SHA-256 (algorithm 13, RFC 6605), a key
//! signing key (flags 257) that signs the DNSKEY rrset and whose digest the parent publishes as
//! DS, and a zone signing key (flags 256) that signs everything else.

use data_encoding::{BASE64, HEXLOWER};
use hickory_proto::dnssec::crypto::EcdsaSigningKey;
use hickory_proto::dnssec::rdata::DNSKEY;
use hickory_proto::dnssec::{Algorithm, DigestType, PublicKey, PublicKeyBuf, SigningKey};
use hickory_proto::rr::Name;
use rustls_pki_types::PrivatePkcs8KeyDer;

/// The one algorithm keys are made with: small signatures, and what validators support best.
pub const ALGORITHM: Algorithm = Algorithm::ECDSAP256SHA256;
/// A key signing key: zone key and secure entry point.
pub const KSK_FLAGS: u16 = 257;
/// A zone signing key.
pub const ZSK_FLAGS: u16 = 256;
/// The DS digests shown for the parent: SHA-256 (which every registry takes) and SHA-384.
const DS_DIGESTS: [DigestType; 2] = [DigestType::SHA256, DigestType::SHA384];

/// The public half of a zone key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneKey {
    pub flags: u16,
    pub algorithm: u8,
    /// The key in DNSKEY wire form (for P-256, the 64 bytes of the point).
    pub public_key: Vec<u8>,
    pub key_tag: u16,
}

/// A new key pair: its public half, and the private key as PKCS#8 (to be sealed).
pub fn generate(flags: u16) -> Result<(ZoneKey, Vec<u8>), String> {
    let pkcs8 = EcdsaSigningKey::generate_pkcs8(ALGORITHM).map_err(|e| e.to_string())?;
    let signing = EcdsaSigningKey::from_pkcs8(&pkcs8, ALGORITHM).map_err(|e| e.to_string())?;
    let public = signing.to_public_key().map_err(|e| e.to_string())?;
    let key = ZoneKey::new(flags, public.public_bytes().to_vec())?;
    Ok((key, pkcs8.secret_pkcs8_der().to_vec()))
}

/// The signing key a sealed PKCS#8 document holds.
pub fn signing_key(pkcs8: &[u8]) -> Result<EcdsaSigningKey, String> {
    EcdsaSigningKey::from_pkcs8(&PrivatePkcs8KeyDer::from(pkcs8.to_vec()), ALGORITHM)
        .map_err(|e| e.to_string())
}

impl ZoneKey {
    /// The key of `flags` with this public key, its tag computed.
    pub fn new(flags: u16, public_key: Vec<u8>) -> Result<Self, String> {
        let dnskey = DNSKEY::with_flags(flags, PublicKeyBuf::new(public_key.clone(), ALGORITHM));
        let key_tag = dnskey.calculate_key_tag().map_err(|e| e.to_string())?;
        Ok(ZoneKey {
            flags,
            algorithm: u8::from(ALGORITHM),
            public_key,
            key_tag,
        })
    }

    pub fn is_key_signing(&self) -> bool {
        self.flags == KSK_FLAGS
    }

    pub fn dnskey(&self) -> DNSKEY {
        DNSKEY::with_flags(
            self.flags,
            PublicKeyBuf::new(self.public_key.clone(), ALGORITHM),
        )
    }

    /// The DNSKEY record's data in presentation form: `257 3 13 <base64>`.
    pub fn dnskey_text(&self) -> String {
        format!(
            "{} 3 {} {}",
            self.flags,
            self.algorithm,
            BASE64.encode(&self.public_key)
        )
    }

    /// The DS records' data for the zone `apex` (absolute), in presentation form:
    /// `<key tag> 13 <digest type> <hex digest>`, one per digest type.
    pub fn ds_texts(&self, apex: &str) -> Result<Vec<String>, String> {
        let name = Name::from_ascii(apex).map_err(|e| e.to_string())?;
        let dnskey = self.dnskey();
        DS_DIGESTS
            .iter()
            .map(|digest| {
                let value = dnskey
                    .to_digest(&name, *digest)
                    .map_err(|e| e.to_string())?;
                Ok(format!(
                    "{} {} {} {}",
                    self.key_tag,
                    self.algorithm,
                    u8::from(*digest),
                    HEXLOWER.encode(value.as_ref())
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_reads_back_and_its_ds_digests_its_dnskey() {
        let (key, pkcs8) = generate(KSK_FLAGS).unwrap();
        let reopened = signing_key(&pkcs8).unwrap().to_public_key().unwrap();
        assert_eq!(reopened.public_bytes(), key.public_key.as_slice());
        assert_eq!(
            ZoneKey::new(KSK_FLAGS, key.public_key.clone()).unwrap(),
            key
        );
        assert!(key.dnskey_text().starts_with("257 3 13 "));
        // The name server reads the published text back into the same key.
        let wire = crate::dns::wire_rdata(crate::dns::RecordType::Dnskey, &key.dnskey_text());
        assert_eq!(
            wire.unwrap(),
            hickory_proto::rr::RData::DNSSEC(hickory_proto::dnssec::rdata::DNSSECRData::DNSKEY(
                key.dnskey()
            ))
        );
        let ds = key.ds_texts("example.com.").unwrap();
        assert_eq!(ds.len(), 2);
        assert!(ds[0].starts_with(&format!("{} 13 2 ", key.key_tag)));
        assert_eq!(ds[0].rsplit(' ').next().unwrap().len(), 64);
        assert_eq!(ds[1].rsplit(' ').next().unwrap().len(), 96);
    }
}
