//! Single-use links mailed to a person, one of each kind per user at a time, stored as SHA-256
//! digests: to set a forgotten password, and to verify an email address. Part of a person
//! proving who they are (there may be no actor yet), so no proof applies.

use tenantry_core::UserId;
use time::OffsetDateTime;

use crate::db::{Tx, on_tx};
use crate::error::Result;

/// What a link does; each kind has its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserLink {
    PasswordReset,
    EmailVerification,
}

struct Statements {
    delete_of_user: &'static str,
    insert: &'static str,
    take: &'static str,
    purge: &'static str,
}

/// The statements of one table (`$table` names it).
macro_rules! statements {
    ($table:literal) => {
        Statements {
            delete_of_user: concat!("DELETE FROM ", $table, " WHERE user_id = $1"),
            insert: concat!(
                "INSERT INTO ",
                $table,
                " (token_digest, user_id, expires_at, created_on) VALUES ($1, $2, $3, $4)"
            ),
            take: concat!(
                "DELETE FROM ",
                $table,
                " WHERE token_digest = $1 AND expires_at > $2 RETURNING user_id"
            ),
            purge: concat!("DELETE FROM ", $table, " WHERE expires_at <= $1"),
        }
    };
}

const PASSWORD_RESET: Statements = statements!("password_reset_tokens");
const EMAIL_VERIFICATION: Statements = statements!("email_verification_tokens");

impl UserLink {
    pub const ALL: [UserLink; 2] = [UserLink::PasswordReset, UserLink::EmailVerification];

    fn statements(self) -> &'static Statements {
        match self {
            UserLink::PasswordReset => &PASSWORD_RESET,
            UserLink::EmailVerification => &EMAIL_VERIFICATION,
        }
    }
}

/// Stores a new link of this kind for `user`; an earlier one stops working.
pub async fn replace(
    tx: &mut Tx,
    link: UserLink,
    user: UserId,
    token_digest: &[u8],
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<()> {
    let sql = link.statements();
    on_tx!(tx, conn => sqlx::query(sql.delete_of_user)
        .bind(user.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    on_tx!(tx, conn => sqlx::query(sql.insert)
        .bind(token_digest)
        .bind(user.uuid())
        .bind(expires_at)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Redeems a link: removes it and names its user, unless it is unknown, used or expired.
pub async fn take(
    tx: &mut Tx,
    link: UserLink,
    token_digest: &[u8],
    now: OffsetDateTime,
) -> Result<Option<UserId>> {
    crate::single_use::take(tx, link.statements().take, token_digest, now).await
}

/// Removes expired links of this kind (housekeeping).
pub async fn purge(tx: &mut Tx, link: UserLink, now: OffsetDateTime) -> Result<u64> {
    crate::single_use::purge(tx, link.statements().purge, now).await
}
