//! Passwords of people: the policy applied to every new password (one rule, in
//! `tenantry_core::values::check_password`), Argon2id hashing and verification off the async
//! workers (each costs tens of milliseconds of CPU), and a stand-in hash so that signing in as
//! an unknown user costs the same time as a wrong password.

use std::sync::LazyLock;

use tenantry_core::values::check_password;

use crate::error::{AppError, Result};
use crate::secrets::{hash_password, verify_password};

/// Verified when the user is unknown or has no password, so every refusal costs one Argon2id
/// verification, like a wrong password.
static STAND_IN_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password("no user has this password; it only spends the time of a check")
        .expect("Argon2id hashes a constant")
});

/// Checks a new password against the policy (`identities`: the username and email it must not
/// repeat) and hashes it, on the calling thread.
pub(crate) fn checked_hash(password: &str, identities: &[&str]) -> Result<String> {
    check_password(password, identities)
        .map_err(|why| AppError::invalid_field("password", why.0))?;
    hash_password(password)
}

/// `checked_hash` on the blocking pool.
pub(crate) async fn hash_new_password(password: &str, identities: &[&str]) -> Result<String> {
    check_password(password, identities)
        .map_err(|why| AppError::invalid_field("password", why.0))?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("password hashing stopped: {e}")))?
}

/// Whether `password` matches `stored`; with no stored hash it still spends a verification.
pub(crate) async fn password_matches(password: &str, stored: Option<&str>) -> Result<bool> {
    let password = password.to_owned();
    let (stored, known) = match stored {
        Some(hash) => (hash.to_owned(), true),
        None => (STAND_IN_HASH.clone(), false),
    };
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|e| AppError::Internal(format!("password check stopped: {e}")))?;
    Ok(known && matches)
}
