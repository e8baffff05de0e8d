//! The token every state-changing form carries: a digest of the secret in the browser's
//! cookie (the session's token, or before a sign-in the pre-session secret). Another site can
//! make a browser send the cookie, but cannot read it, so it cannot write the token.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The form token made from a cookie's secret.
pub(crate) fn token_for(secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"tenantry-dashboard-csrf:")
        .chain_update(secret.as_bytes())
        .finalize();
    hex::encode(&digest[..16])
}

/// Whether `submitted` is the form token of `secret`, compared in constant time.
pub(crate) fn matches(secret: &str, submitted: &str) -> bool {
    token_for(secret)
        .as_bytes()
        .ct_eq(submitted.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_token_matches_only_its_own_secret() {
        let token = super::token_for("tws_one");
        assert!(super::matches("tws_one", &token));
        assert!(!super::matches("tws_two", &token));
        assert!(!super::matches("tws_one", ""));
        assert_ne!(token, "tws_one");
    }
}
