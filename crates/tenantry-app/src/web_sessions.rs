//! Dashboard sign-ins: a password, then the second factor when the person enrolled one, and a
//! session whose one token travels as the dashboard's cookie (`tws_…`, stored as a digest).
//!
//! The session ends after `IDLE` without use or `ABSOLUTE` after the sign-in, whichever comes
//! first, or when it is revoked (signing out, a password change, a deactivation). The same
//! limits as the API's password grant count the failures of both steps.
//!
//! Between the two steps the person holds a ticket: their login and the step's deadline,
//! sealed with the master key, so nothing is kept for a half-finished sign-in and the password
//! is never sent twice.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use tenantry_store::sessions::{self, NewSessionToken, TokenKind};
use tenantry_store::sign_in;
use time::{Duration, OffsetDateTime};

use crate::actor::{Actor, RequestMeta};
use crate::app::App;
use crate::error::{AppError, Code, Result};
use crate::secrets::sha256;
use crate::sign_in::new_token;

/// A dashboard session ends after this long without a request.
pub const IDLE: Duration = Duration::minutes(30);
/// …and this long after its sign-in, however busy.
pub const ABSOLUTE: Duration = Duration::hours(12);
/// How long the second step of a sign-in may wait for its code.
const SECOND_STEP: Duration = Duration::minutes(5);
/// The idle expiry moves at most this often (one write), so a busy page is not a write each.
pub(crate) const SLIDE_EVERY: Duration = Duration::minutes(1);

pub(crate) const WEB_TOKEN_PREFIX: &str = "tws_";

/// What the first step of a dashboard sign-in leads to.
pub enum WebSignIn {
    SignedIn(WebSession),
    /// The person enrolled a second factor: the code comes next, with this ticket.
    SecondFactor {
        ticket: String,
    },
}

/// A dashboard session's token: the cookie's value, shown this once.
pub struct WebSession {
    pub token: String,
}

#[derive(Serialize, Deserialize)]
struct Ticket {
    login: String,
    until: i64,
}

fn ticket_refused() -> AppError {
    AppError::Unauthenticated(
        Code::Authentication,
        "The sign-in took too long or was not started here: sign in again".into(),
    )
}

/// A random secret for a browser that has no session yet: the sign-in form's CSRF token is
/// made from it (64 hex characters).
pub fn pre_session_secret() -> String {
    hex::encode(crate::secrets::random_bytes::<32>())
}

/// Whether `value` has the form of a dashboard session's token (and nothing else does).
pub fn is_web_token(value: &str) -> bool {
    value.starts_with(WEB_TOKEN_PREFIX)
}

impl App {
    /// The first step: login and password.
    pub async fn web_sign_in(
        &self,
        login: &str,
        password: &str,
        client_ip: Option<IpAddr>,
        request_id: Option<String>,
    ) -> Result<WebSignIn> {
        let (person, mut tx) = self
            .password_checked(login, password, client_ip, request_id.clone())
            .await?;
        let now = self.clock.now();
        if person.totp_enabled {
            drop(tx);
            let ticket = Ticket {
                login: login.trim().to_owned(),
                until: (now + SECOND_STEP).unix_timestamp(),
            };
            let plain =
                serde_json::to_vec(&ticket).map_err(|e| AppError::Internal(e.to_string()))?;
            return Ok(WebSignIn::SecondFactor {
                ticket: hex::encode(self.secret_box.seal(&plain)),
            });
        }
        let session = self
            .web_session(&mut tx, &person, client_ip, request_id, now)
            .await?;
        tx.commit().await?;
        Ok(WebSignIn::SignedIn(session))
    }

    /// The second step: the ticket of the first and a TOTP or recovery code.
    pub async fn web_second_factor(
        &self,
        ticket: &str,
        code: &str,
        client_ip: Option<IpAddr>,
        request_id: Option<String>,
    ) -> Result<WebSession> {
        let now = self.clock.now();
        let ticket: Ticket = hex::decode(ticket.trim())
            .ok()
            .and_then(|sealed| self.secret_box.open(&sealed))
            .and_then(|plain| serde_json::from_slice(&plain).ok())
            .filter(|t: &Ticket| t.until > now.unix_timestamp())
            .ok_or_else(ticket_refused)?;
        let person = {
            let mut read = self.db.read().await?;
            sign_in::by_login(&mut read, &ticket.login).await?
        }
        .filter(|p| p.totp_enabled)
        .ok_or_else(ticket_refused)?;
        let mut tx = self.network_checked(&person, client_ip).await?;
        self.second_factor_checked(
            &mut tx,
            &person,
            &ticket.login,
            code,
            client_ip,
            request_id.clone(),
        )
        .await?;
        let session = self
            .web_session(&mut tx, &person, client_ip, request_id, now)
            .await?;
        tx.commit().await?;
        Ok(session)
    }

    async fn web_session(
        &self,
        tx: &mut tenantry_store::Tx,
        person: &sign_in::SignInRecord,
        client_ip: Option<IpAddr>,
        request_id: Option<String>,
        now: OffsetDateTime,
    ) -> Result<WebSession> {
        let session = self
            .open_session(tx, person, client_ip, request_id, now)
            .await?;
        let token = new_token(WEB_TOKEN_PREFIX);
        let issued = NewSessionToken {
            digest: sha256(&token),
            kind: TokenKind::Web,
            expires_at: now + IDLE,
        };
        sessions::insert_tokens(tx, session, &[issued], now).await?;
        Ok(WebSession { token })
    }

    /// The person a dashboard cookie signs in, while its session lives; each use pushes the
    /// idle expiry back (at most once a minute, and never past the absolute one).
    pub async fn authenticate_web(&self, token: &str, meta: RequestMeta) -> Result<Actor> {
        if !is_web_token(token) {
            return Err(AppError::Unauthenticated(
                Code::Authentication,
                "Not signed in".into(),
            ));
        }
        let (actor, expires_at) = self.person_and_expiry(token, meta).await?;
        let now = self.clock.now();
        if expires_at - now < IDLE - SLIDE_EVERY {
            let digest = sha256(token);
            let mut tx = self.db.begin().await?;
            sessions::slide_web_token(&mut tx, &digest, now + IDLE, ABSOLUTE).await?;
            tx.commit().await?;
            self.person_cache.forget(&digest);
        }
        Ok(actor)
    }
}
