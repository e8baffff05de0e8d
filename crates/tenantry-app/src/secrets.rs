//! Secrets: generation from the OS RNG, digests for lookup, Argon2id for passwords, and the
//! sealed box that keeps TOTP seeds unreadable at rest.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tenantry_core::{ApiKeyId, Id, IdKind};

use crate::error::{AppError, Result};

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the OS random number generator is available");
    buf
}

/// `len` characters of base62 drawn without bias (rejection sampling).
pub(crate) fn random_base62(len: usize) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for byte in random_bytes::<64>() {
            // 248 = 4 × 62: bytes above it would favour the first characters.
            if byte < 248 && out.len() < len {
                out.push(BASE62[(byte % 62) as usize] as char);
            }
        }
    }
    out
}

pub(crate) fn sha256(value: &str) -> Vec<u8> {
    Sha256::digest(value.as_bytes()).to_vec()
}

pub(crate) fn digest_matches(value: &str, digest: &[u8]) -> bool {
    sha256(value).ct_eq(digest).into()
}

/// A key of the form `PREFIX_<26-char id>_<30-char secret>_<6-char checksum>`; the checksum
/// lets a typo be refused without a database look-up.
pub(crate) struct IssuedKey<K> {
    pub id: Id<K>,
    pub key: String,
}

const KEY_SECRET_LEN: usize = 30;

fn checksum(body: &str) -> String {
    hex::encode(&Sha256::digest(body.as_bytes())[..3])
}

pub(crate) fn issue_key<K: IdKind>(prefix: &str) -> IssuedKey<K> {
    let id = Id::<K>::generate();
    let body = format!("{prefix}_{}_{}", id.suffix(), random_base62(KEY_SECRET_LEN));
    let key = format!("{body}_{}", checksum(&body));
    IssuedKey { id, key }
}

/// Parses a key issued with `prefix` into its id, or `None` if it is not well formed.
pub(crate) fn parse_key<K: IdKind>(key: &str, prefix: &str) -> Option<Id<K>> {
    let (body, sum) = key.rsplit_once('_')?;
    let mut parts = body.split('_');
    let (found, id, secret) = (parts.next()?, parts.next()?, parts.next()?);
    if found != prefix || parts.next().is_some() || secret.len() != KEY_SECRET_LEN {
        return None;
    }
    if !bool::from(checksum(body).as_bytes().ct_eq(sum.as_bytes())) {
        return None;
    }
    Id::<K>::from_suffix(id).ok()
}

/// Parses an `opk_…` API key into its id, or `None` if it is not well formed.
pub(crate) fn parse_api_key(key: &str) -> Option<ApiKeyId> {
    parse_key(key, "opk")
}

pub(crate) fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>())
        .map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(format!("password hash: {e}")))
}

#[allow(dead_code)] // used by password sign-in, which arrives with the dashboard
pub(crate) fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// Seals small secrets that must be read back (TOTP seeds) with the server's master key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl SecretBox {
    pub fn new(master_key: &[u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(master_key.into()),
        }
    }

    /// A fresh random master key.
    pub fn generate_key() -> [u8; 32] {
        random_bytes::<32>()
    }

    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let nonce = random_bytes::<24>();
        let mut out = nonce.to_vec();
        out.extend(
            self.cipher
                .encrypt(XNonce::from_slice(&nonce), plaintext)
                .expect("encryption with a valid key does not fail"),
        );
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, ciphertext) = sealed.split_at_checked(24)?;
        self.cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantry_core::ids::ApiKeyKind;

    #[test]
    fn api_keys_have_the_documented_shape_and_parse_back() {
        let issued = issue_key::<ApiKeyKind>("opk");
        let parts: Vec<&str> = issued.key.split('_').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [3, 26, 30, 6]
        );
        assert_eq!(parse_api_key(&issued.key), Some(issued.id));
        let mut typo = issued.key.clone();
        typo.replace_range(40..41, if &typo[40..41] == "a" { "b" } else { "a" });
        assert_eq!(parse_api_key(&typo), None);
    }

    #[test]
    fn sealed_secrets_open_only_with_the_same_key() {
        let sealed = SecretBox::new(&[7; 32]).seal(b"seed");
        assert_eq!(SecretBox::new(&[7; 32]).open(&sealed).unwrap(), b"seed");
        assert!(SecretBox::new(&[8; 32]).open(&sealed).is_none());
    }

    #[test]
    fn passwords_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
    }
}
