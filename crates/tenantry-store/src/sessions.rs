//! Sessions of people who signed in with a password. A session is one refresh-token family:
//! its access and refresh tokens are stored only as SHA-256 digests, each refresh token is
//! exchanged once, and revoking the session ends every token of it.
//!
//! This is identity bookkeeping, not an organization's data: the use cases reach it by a
//! token digest or by the signed-in user, so no proof (`Proof`) applies.

use std::net::IpAddr;

use sea_query::{Alias, Query};
use tenantry_core::{OrganizationId, SessionId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::list::execute_built;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
    /// A personal API key's one token (`personal_keys`).
    PersonalKey,
    /// A dashboard sign-in's one token, sent as its cookie; its expiry slides with use.
    Web,
}

impl TokenKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
            TokenKind::PersonalKey => "personal_key",
            TokenKind::Web => "web",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewSessionToken {
    pub digest: Vec<u8>,
    pub kind: TokenKind,
    pub expires_at: OffsetDateTime,
}

/// A live access token: its session, the signed-in user and their home organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessToken {
    pub session: SessionId,
    pub user: UserId,
    pub organization: OrganizationId,
    pub expires_at: OffsetDateTime,
}

/// A refresh token as found, whatever its state; the use case decides what the state means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshToken {
    pub session: SessionId,
    pub user: UserId,
    pub expires_at: OffsetDateTime,
    pub used_on: Option<OffsetDateTime>,
    /// The session was revoked, its user deleted or deactivated, or the user's organization
    /// deleted.
    pub session_ended: bool,
}

/// A session as the person who owns it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub client_ip: Option<String>,
    pub created_on: OffsetDateTime,
    /// When its current refresh token stops working.
    pub expires_at: Option<OffsetDateTime>,
}

const INSERT_SESSION: &str =
    "INSERT INTO user_sessions (id, user_id, client_ip, created_on) VALUES ($1, $2, $3, $4)";

const SELECT_ACCESS: &str = "SELECT s.id, s.user_id, u.organization_id, t.expires_at \
    FROM session_tokens t JOIN user_sessions s ON s.id = t.session_id \
    JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id \
    WHERE t.token_digest = $1 AND t.kind IN ('access', 'personal_key', 'web') AND s.revoked_on IS NULL \
    AND u.deleted_on IS NULL AND u.deactivated_on IS NULL AND o.deleted_on IS NULL";

const SELECT_REFRESH: &str = "SELECT s.id, s.user_id, t.expires_at, t.used_on, \
    (s.revoked_on IS NOT NULL OR u.deleted_on IS NOT NULL OR u.deactivated_on IS NOT NULL \
     OR o.deleted_on IS NOT NULL) \
    FROM session_tokens t JOIN user_sessions s ON s.id = t.session_id \
    JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id \
    WHERE t.token_digest = $1 AND t.kind = 'refresh'";

// Conditional, so of two concurrent exchanges of one refresh token exactly one wins.
const MARK_USED: &str = "UPDATE session_tokens SET used_on = $2 \
    WHERE token_digest = $1 AND kind = 'refresh' AND used_on IS NULL";

const REVOKE: &str = "UPDATE user_sessions SET revoked_on = $2 WHERE id = $1 AND user_id = $3 AND revoked_on IS NULL";

// Personal API keys are sessions with a key name: `$4` false leaves them.
const REVOKE_ALL_OF_USER: &str = "UPDATE user_sessions SET revoked_on = $2 \
    WHERE user_id = $1 AND revoked_on IS NULL AND id <> $3 AND ($4 OR key_name IS NULL)";

// A sign-in is live while its unused refresh token, or its dashboard token, is.
const SELECT_LIVE_OF_USER: &str = "SELECT s.id, s.client_ip, s.created_on, \
    (SELECT MAX(t.expires_at) FROM session_tokens t WHERE t.session_id = s.id \
     AND t.kind IN ('refresh', 'web') AND t.used_on IS NULL) \
    FROM user_sessions s WHERE s.user_id = $1 AND s.revoked_on IS NULL \
    AND EXISTS (SELECT 1 FROM session_tokens t WHERE t.session_id = s.id \
     AND t.kind IN ('refresh', 'web') AND t.used_on IS NULL AND t.expires_at > $2) \
    ORDER BY s.created_on DESC";

// Extends a dashboard token's idle expiry, never past `$3` after the token was made (the
// absolute expiry): the condition reads `created_on > $2 - absolute`.
const SLIDE_WEB: &str = "UPDATE session_tokens SET expires_at = $2 \
    WHERE token_digest = $1 AND kind = 'web' AND created_on > $3 AND expires_at < $2";

const DELETE_EXPIRED_TOKENS: &str = "DELETE FROM session_tokens WHERE expires_at <= $1";

/// Opens a session for a user who just proved who they are.
pub async fn insert_session(
    tx: &mut Tx,
    id: SessionId,
    user: UserId,
    client_ip: Option<IpAddr>,
    now: OffsetDateTime,
) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT_SESSION)
        .bind(id.uuid())
        .bind(user.uuid())
        .bind(client_ip.map(|ip| ip.to_canonical().to_string()))
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Stores tokens of a session in one statement.
pub async fn insert_tokens(
    tx: &mut Tx,
    session: SessionId,
    tokens: &[NewSessionToken],
    now: OffsetDateTime,
) -> Result<()> {
    if tokens.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(Alias::new("session_tokens")).columns(
        [
            "token_digest",
            "session_id",
            "kind",
            "expires_at",
            "created_on",
        ]
        .map(Alias::new),
    );
    for token in tokens {
        insert.values_panic([
            token.digest.clone().into(),
            session.uuid().into(),
            token.kind.as_str().into(),
            token.expires_at.into(),
            now.into(),
        ]);
    }
    execute_built!(tx, insert)?;
    Ok(())
}

/// Moves the idle expiry of the dashboard token with this digest to `until`, unless that is
/// past `absolute` after the token was made. Answers whether it moved.
pub async fn slide_web_token(
    tx: &mut Tx,
    digest: &[u8],
    until: OffsetDateTime,
    absolute: time::Duration,
) -> Result<bool> {
    let moved = on_tx!(tx, conn => sqlx::query(SLIDE_WEB)
        .bind(digest)
        .bind(until)
        .bind(until - absolute)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(moved == 1)
}

/// The access token with this digest, if its session is live and its user and organization
/// exist. Expiry is left to the caller, who knows the time.
pub async fn access_token(tx: &mut Tx, digest: &[u8]) -> Result<Option<AccessToken>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, (Uuid, Uuid, Uuid, OffsetDateTime)>(SELECT_ACCESS)
        .bind(digest)
        .fetch_optional(conn)
        .await)?;
    Ok(
        row.map(|(session, user, organization, expires_at)| AccessToken {
            session: SessionId::from_uuid(session),
            user: UserId::from_uuid(user),
            organization: OrganizationId::from_uuid(organization),
            expires_at,
        }),
    )
}

type RefreshRow = (Uuid, Uuid, OffsetDateTime, Option<OffsetDateTime>, bool);

pub async fn refresh_token(tx: &mut Tx, digest: &[u8]) -> Result<Option<RefreshToken>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, RefreshRow>(SELECT_REFRESH)
        .bind(digest)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(
        |(session, user, expires_at, used_on, session_ended)| RefreshToken {
            session: SessionId::from_uuid(session),
            user: UserId::from_uuid(user),
            expires_at,
            used_on,
            session_ended,
        },
    ))
}

/// Marks a refresh token exchanged; false when it already was (by a concurrent request too).
pub async fn mark_refresh_used(tx: &mut Tx, digest: &[u8], now: OffsetDateTime) -> Result<bool> {
    let marked = on_tx!(tx, conn => sqlx::query(MARK_USED)
        .bind(digest)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(marked > 0)
}

/// Ends one session of `user`; false when it was not theirs or had ended already.
pub async fn revoke(
    tx: &mut Tx,
    user: UserId,
    session: SessionId,
    now: OffsetDateTime,
) -> Result<bool> {
    let revoked = on_tx!(tx, conn => sqlx::query(REVOKE)
        .bind(session.uuid())
        .bind(now)
        .bind(user.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(revoked > 0)
}

/// Which of a person's sessions end at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Their sign-ins: the person changed their own password or second factor.
    SignIns,
    /// Their sign-ins and their personal keys: a reset, a deactivation, a password someone
    /// else set, after which nothing made before may act for them.
    Everything,
}

/// Ends the sessions of `user` that `ending` names, but `keep` (when given); returns how many.
pub async fn revoke_all_of_user(
    tx: &mut Tx,
    user: UserId,
    keep: Option<SessionId>,
    ending: Ending,
    now: OffsetDateTime,
) -> Result<u64> {
    Ok(on_tx!(tx, conn => sqlx::query(REVOKE_ALL_OF_USER)
        .bind(user.uuid())
        .bind(now)
        .bind(keep.map_or(Uuid::nil(), |s| s.uuid()))
        .bind(ending == Ending::Everything)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}

type SessionRow = (Uuid, Option<String>, OffsetDateTime, Option<OffsetDateTime>);

/// The sessions of `user` that can still be refreshed, newest first.
pub async fn live_of_user(tx: &mut Tx, user: UserId, now: OffsetDateTime) -> Result<Vec<Session>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, SessionRow>(SELECT_LIVE_OF_USER)
        .bind(user.uuid())
        .bind(now)
        .fetch_all(conn)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, client_ip, created_on, expires_at)| Session {
            id: SessionId::from_uuid(id),
            client_ip,
            created_on,
            expires_at,
        })
        .collect())
}

/// Removes expired tokens; they cannot be used anyway, and a reused refresh token older than
/// its expiry no longer needs to be recognised.
pub async fn delete_expired_tokens(tx: &mut Tx, now: OffsetDateTime) -> Result<u64> {
    Ok(on_tx!(tx, conn => sqlx::query(DELETE_EXPIRED_TOKENS)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}
