//! What signing in reads and writes about a person: the look-up by username or email, the
//! password hash, the sealed TOTP seed with the last accepted time step, and recovery codes
//! (stored as SHA-256 digests, each used once).
//!
//! Signing in happens before any actor exists, and the other writes here change only the
//! signed-in user's own secrets, so no proof (`Proof`) applies: the use cases reach these
//! rows by the login name being proven or by the authenticated user's own id.

use tenantry_core::{OrganizationId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;

/// A live, active user (of a live organization) as signing in needs it; a deactivated user is
/// not found, exactly like an unknown login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInRecord {
    pub id: UserId,
    /// The home organization, whose audit trail records the person's sign-ins.
    pub organization_id: OrganizationId,
    pub username: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    /// The sealed seed, confirmed or pending.
    pub totp_secret_sealed: Option<Vec<u8>>,
    pub totp_enabled: bool,
}

type SignInRow = (
    Uuid,
    Uuid,
    String,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
    Option<OffsetDateTime>,
);

const SELECT_BY_LOGIN: &str = "SELECT u.id, u.organization_id, u.username, u.email, u.password_hash, \
    u.totp_secret_sealed, u.totp_enabled_on \
    FROM users u JOIN organizations o ON o.id = u.organization_id \
    WHERE (lower(u.username) = lower($1) OR lower(u.email) = lower($1)) \
    AND u.deleted_on IS NULL AND u.deactivated_on IS NULL AND o.deleted_on IS NULL \
    ORDER BY CASE WHEN lower(u.email) = lower($1) THEN 0 ELSE 1 END LIMIT 1";

const SELECT_BY_ID: &str = "SELECT u.id, u.organization_id, u.username, u.email, u.password_hash, \
    u.totp_secret_sealed, u.totp_enabled_on \
    FROM users u JOIN organizations o ON o.id = u.organization_id \
    WHERE u.id = $1 AND u.deleted_on IS NULL AND o.deleted_on IS NULL";

const SET_PASSWORD: &str =
    "UPDATE users SET password_hash = $2, updated_on = $3 WHERE id = $1 AND deleted_on IS NULL";

const SET_TOTP: &str = "UPDATE users SET totp_secret_sealed = $2, totp_enabled_on = $3, \
    totp_last_step = NULL, updated_on = $4 WHERE id = $1 AND deleted_on IS NULL";

const ENABLE_TOTP: &str = "UPDATE users SET totp_enabled_on = $2, updated_on = $2 \
    WHERE id = $1 AND deleted_on IS NULL AND totp_secret_sealed IS NOT NULL \
    AND totp_enabled_on IS NULL";

// Raised only forward, so of two requests with one code exactly one is accepted.
const CLAIM_STEP: &str = "UPDATE users SET totp_last_step = $2 \
    WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)";

// Only once: a later verification of the same address changes nothing.
const SET_EMAIL_VERIFIED: &str = "UPDATE users SET email_verified_on = $2, updated_on = $2 \
    WHERE id = $1 AND deleted_on IS NULL AND email_verified_on IS NULL";

const TOUCH_SIGN_IN: &str = "UPDATE users SET last_sign_in_on = $2 WHERE id = $1";

const DELETE_CODES: &str = "DELETE FROM user_recovery_codes WHERE user_id = $1";
const INSERT_CODE: &str = "INSERT INTO user_recovery_codes (user_id, code_digest) VALUES ($1, $2)";
const USE_CODE: &str = "UPDATE user_recovery_codes SET used_on = $3 \
    WHERE user_id = $1 AND code_digest = $2 AND used_on IS NULL";
const COUNT_UNUSED_CODES: &str =
    "SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = $1 AND used_on IS NULL";

fn record(row: SignInRow) -> SignInRecord {
    let (id, organization, username, email, password_hash, totp_secret_sealed, totp_enabled_on) =
        row;
    SignInRecord {
        id: UserId::from_uuid(id),
        organization_id: OrganizationId::from_uuid(organization),
        username,
        email,
        password_hash,
        totp_secret_sealed,
        totp_enabled: totp_enabled_on.is_some(),
    }
}

/// The live user whose username or email is `login`, ignoring case. Usernames may look like
/// email addresses, so one login can name two people (one's username, another's email): the
/// email wins, so nobody can take over another person's sign-in by email with a username.
pub async fn by_login(tx: &mut Tx, login: &str) -> Result<Option<SignInRecord>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, SignInRow>(SELECT_BY_LOGIN)
        .bind(login)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(record))
}

/// The signed-in user's own record.
pub async fn by_id(tx: &mut Tx, id: UserId) -> Result<Option<SignInRecord>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, SignInRow>(SELECT_BY_ID)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(record))
}

/// Sets a password the user proved the right to set (the current one, or a redeemed token).
pub async fn set_password(
    tx: &mut Tx,
    id: UserId,
    password_hash: &str,
    now: OffsetDateTime,
) -> Result<bool> {
    let changed = on_tx!(tx, conn => sqlx::query(SET_PASSWORD)
        .bind(id.uuid())
        .bind(password_hash)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed > 0)
}

/// Replaces the user's TOTP seed: a new pending one (`enabled_on` None), or none at all.
pub async fn set_totp(
    tx: &mut Tx,
    id: UserId,
    sealed: Option<&[u8]>,
    now: OffsetDateTime,
) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(SET_TOTP)
        .bind(id.uuid())
        .bind(sealed)
        .bind(None::<OffsetDateTime>)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Confirms a pending enrolment; false when there was none.
pub async fn enable_totp(tx: &mut Tx, id: UserId, now: OffsetDateTime) -> Result<bool> {
    let changed = on_tx!(tx, conn => sqlx::query(ENABLE_TOTP)
        .bind(id.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed > 0)
}

/// Accepts TOTP time step `step` once: false when it (or a later one) was used already.
pub async fn claim_totp_step(tx: &mut Tx, id: UserId, step: i64) -> Result<bool> {
    let claimed = on_tx!(tx, conn => sqlx::query(CLAIM_STEP)
        .bind(id.uuid())
        .bind(step)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(claimed > 0)
}

/// Records that the user proved their address theirs (a link followed); answers whether it
/// was unverified until now.
pub async fn set_email_verified(tx: &mut Tx, id: UserId, now: OffsetDateTime) -> Result<bool> {
    Ok(on_tx!(tx, conn => sqlx::query(SET_EMAIL_VERIFIED)
        .bind(id.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}

pub async fn touch_sign_in(tx: &mut Tx, id: UserId, now: OffsetDateTime) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(TOUCH_SIGN_IN)
        .bind(id.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Replaces the user's recovery codes with these digests (none to remove them).
pub async fn replace_recovery_codes(tx: &mut Tx, id: UserId, digests: &[Vec<u8>]) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(DELETE_CODES)
        .bind(id.uuid())
        .execute(conn)
        .await
        .map(|_| ()))?;
    for digest in digests {
        on_tx!(tx, conn => sqlx::query(INSERT_CODE)
            .bind(id.uuid())
            .bind(digest.as_slice())
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// Uses a recovery code once: false when it is not the user's or was used already.
pub async fn use_recovery_code(
    tx: &mut Tx,
    id: UserId,
    digest: &[u8],
    now: OffsetDateTime,
) -> Result<bool> {
    let used = on_tx!(tx, conn => sqlx::query(USE_CODE)
        .bind(id.uuid())
        .bind(digest)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(used > 0)
}

pub async fn unused_recovery_codes(tx: &mut Tx, id: UserId) -> Result<i64> {
    Ok(
        on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(COUNT_UNUSED_CODES)
        .bind(id.uuid())
        .fetch_one(conn)
        .await)?,
    )
}
