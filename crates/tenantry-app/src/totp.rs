//! TOTP (RFC 6238) as operators and users use it: SHA-1, 6 digits, 30-second steps, a code
//! accepted one step early or late. Which step a code belongs to is returned so the caller
//! can store it and accept each code only once.

use time::OffsetDateTime;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::secrets::random_bytes;

const TOTP_STEP: u64 = 30;
const DIGITS: usize = 6;

/// A fresh 160-bit seed, base32 as authenticator apps take it.
pub(crate) fn new_totp_secret() -> String {
    Secret::Raw(random_bytes::<20>().to_vec())
        .to_encoded()
        .to_string()
}

/// The time step whose code `code` is, among the previous, current and next steps.
pub(crate) fn totp_step(secret: &str, code: &str, now: OffsetDateTime) -> Option<i64> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    let totp = TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        1,
        TOTP_STEP,
        bytes,
        None,
        String::new(),
    );
    let current = u64::try_from(now.unix_timestamp()).ok()? / TOTP_STEP;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| {
            let expected = totp.generate(step * TOTP_STEP);
            subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes()).into()
        })
        .and_then(|step| i64::try_from(step).ok())
}

/// The `otpauth://` URI an authenticator app reads (usually from a QR code).
pub(crate) fn provisioning_uri(secret: &str, account: &str) -> Option<String> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    let totp = TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        1,
        TOTP_STEP,
        bytes,
        Some("Tenantry".into()),
        account.to_owned(),
    );
    Some(totp.get_url())
}
