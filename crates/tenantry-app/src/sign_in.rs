//! People signing in: the password grant (with a TOTP or recovery code once enrolled), the
//! refresh grant that rotates refresh tokens and ends the whole session when a used one comes
//! back, logging out, changing one's password, and one's sessions.
//!
//! Tokens are opaque random values stored as SHA-256 digests: an access token (`opu_…`, one
//! hour) and a refresh token (`opr_…`, 24 hours, exchanged once). A session is the family of
//! tokens rotated from one sign-in.

use std::net::{IpAddr, Ipv4Addr};

use serde_json::{Value, json};
use tenantry_core::{AuditEventId, OrganizationId, SessionId, UserId};
use tenantry_store::audit::{self, AuditEvent};
use tenantry_store::sessions::{self, NewSessionToken, TokenKind};

pub use tenantry_store::sessions::Session as SessionRecord;
use tenantry_store::sign_in::{self, SignInRecord};
use tenantry_store::{Tx, ip_restrictions, users};
use time::{Duration, OffsetDateTime};

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, Code, Limit, Result};
use crate::passwords::password_matches;
use crate::people_auth::ACCESS_TOKEN_PREFIX;
use crate::secrets::{random_base62, sha256};
use crate::totp::totp_step;

pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::hours(1);
pub const REFRESH_TOKEN_LIFETIME: Duration = Duration::hours(24);
const REFRESH_TOKEN_PREFIX: &str = "opr_";
const TOKEN_SECRET_LEN: usize = 43;
/// Longer than any username (128) or email address (254) can be.
const MAX_LOGIN_LEN: usize = 320;

/// What `POST /v1/auth/token` answers a person (`UserTokenResponse`).
#[derive(Debug, Clone)]
pub struct UserTokens {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
    pub refresh_expires_in: i64,
}

#[derive(Debug, Clone)]
pub struct PasswordGrant {
    /// A username or an email address.
    pub login: String,
    pub password: String,
    /// A TOTP code, or one of the recovery codes, once the user enrolled TOTP.
    pub totp: Option<String>,
}

fn wrong_login() -> AppError {
    AppError::Unauthenticated(Code::Authentication, "Invalid username or password".into())
}

fn refresh_refused() -> AppError {
    AppError::Unauthenticated(
        Code::Authentication,
        "Invalid, expired or already used refresh token".into(),
    )
}

pub(crate) fn not_a_session() -> AppError {
    AppError::Unprocessable(
        Code::NotASession,
        "Only a person signed in with a password has a session; API credentials are revoked \
         through /v1/auth/client_credentials"
            .into(),
    )
}

/// An event about a person proving who they are, in their home organization's trail. The
/// person is the authority here (there is no actor yet, or the actor is the person), so the
/// event is appended without an `Authorized` value.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_sign_in_event(
    tx: &mut Tx,
    organization: OrganizationId,
    user: UserId,
    action: &str,
    changes: Value,
    client_ip: Option<IpAddr>,
    request_id: Option<String>,
    now: OffsetDateTime,
) -> Result<()> {
    let event = AuditEvent {
        id: AuditEventId::generate(),
        organization_id: Some(organization),
        actor_kind: "user".into(),
        actor_id: user.to_string(),
        action: action.into(),
        target_kind: "user".into(),
        target_id: user.to_string(),
        changes,
        request_id,
        client_ip: client_ip.map(|ip| ip.to_canonical().to_string()),
        created_on: now,
    };
    audit::append_sign_in_event(tx, &event).await?;
    Ok(())
}

pub(crate) fn new_token(prefix: &str) -> String {
    format!("{prefix}{}", random_base62(TOKEN_SECRET_LEN))
}

/// A fresh access and refresh token for `session`, stored in `tx`.
async fn issue_tokens(tx: &mut Tx, session: SessionId, now: OffsetDateTime) -> Result<UserTokens> {
    let access_token = new_token(ACCESS_TOKEN_PREFIX);
    let refresh_token = new_token(REFRESH_TOKEN_PREFIX);
    let tokens = [
        NewSessionToken {
            digest: sha256(&access_token),
            kind: TokenKind::Access,
            expires_at: now + ACCESS_TOKEN_LIFETIME,
        },
        NewSessionToken {
            digest: sha256(&refresh_token),
            kind: TokenKind::Refresh,
            expires_at: now + REFRESH_TOKEN_LIFETIME,
        },
    ];
    sessions::insert_tokens(tx, session, &tokens, now).await?;
    Ok(UserTokens {
        access_token,
        expires_in: ACCESS_TOKEN_LIFETIME.whole_seconds(),
        refresh_token,
        refresh_expires_in: REFRESH_TOKEN_LIFETIME.whole_seconds(),
    })
}

impl App {
    /// The second factor of a user who enrolled TOTP: a current code (each works once) or an
    /// unused recovery code. `Ok(false)` when it is wrong.
    pub(crate) async fn second_factor_matches(
        &self,
        tx: &mut Tx,
        person: &SignInRecord,
        code: &str,
        now: OffsetDateTime,
    ) -> Result<bool> {
        let code = code.trim();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            let sealed = person.totp_secret_sealed.as_deref().unwrap_or_default();
            let secret = self
                .secret_box
                .open(sealed)
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| AppError::Internal("a user's TOTP seed cannot be opened".into()))?;
            return match totp_step(&secret, code, now) {
                Some(step) => Ok(sign_in::claim_totp_step(tx, person.id, step).await?),
                None => Ok(false),
            };
        }
        let digest = sha256(&normalize_recovery_code(code));
        Ok(sign_in::use_recovery_code(tx, person.id, &digest, now).await?)
    }

    /// `grant_type=password`. An unknown login and a wrong password answer alike and cost the
    /// same (one Argon2id verification). A refused attempt of a known user is audited.
    pub async fn password_grant(
        &self,
        grant: PasswordGrant,
        client_ip: Option<IpAddr>,
        request_id: Option<String>,
    ) -> Result<UserTokens> {
        let (person, mut tx) = self
            .password_checked(&grant.login, &grant.password, client_ip, request_id.clone())
            .await?;
        if person.totp_enabled {
            let Some(code) = grant.totp.as_deref().filter(|c| !c.trim().is_empty()) else {
                return Err(AppError::Unauthenticated(
                    Code::TotpRequired,
                    "This account uses two-factor authentication: send the current TOTP code \
                     (or a recovery code) as `totp`"
                        .into(),
                ));
            };
            self.second_factor_checked(
                &mut tx,
                &person,
                &grant.login,
                code,
                client_ip,
                request_id.clone(),
            )
            .await?;
        }
        let now = self.clock.now();
        let session = self
            .open_session(&mut tx, &person, client_ip, request_id, now)
            .await?;
        let tokens = issue_tokens(&mut tx, session, now).await?;
        tx.commit().await?;
        Ok(tokens)
    }

    /// The person `login` names, once `password` is theirs and the sign-in limits and their
    /// organization's IP restrictions let them in; with the transaction the sign-in goes on
    /// in.
    pub(crate) async fn password_checked(
        &self,
        login: &str,
        password: &str,
        client_ip: Option<IpAddr>,
        request_id: Option<String>,
    ) -> Result<(SignInRecord, Tx)> {
        let address = client_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        // No username or email is this long; such a login is refused unread, and its key
        // never enters the limits.
        if login.len() > MAX_LOGIN_LEN {
            return Err(wrong_login());
        }
        if let Some(wait) = self.sign_in_failures.wait(login, address) {
            return Err(AppError::RateLimited(
                wait.as_secs().max(1),
                Limit::FailedSignIns,
            ));
        }
        let person = {
            let mut read = self.db.read().await?;
            sign_in::by_login(&mut read, login.trim()).await?
        };
        // A known person is limited as one account whichever login (username or email) the
        // attempts use.
        if let Some(known) = &person
            && let Some(wait) = self.sign_in_failures.wait(&known.id.to_string(), address)
        {
            return Err(AppError::RateLimited(
                wait.as_secs().max(1),
                Limit::FailedSignIns,
            ));
        }
        let stored = person.as_ref().and_then(|p| p.password_hash.as_deref());
        let password_ok = password_matches(password, stored).await?;
        let person = match person {
            Some(person) if password_ok => person,
            Some(person) => {
                self.record_refused_sign_in(&person, "password", client_ip, request_id);
                let logins = [person.id.to_string(), login.to_owned()];
                return Err(self.failed_sign_in(&logins, address, wrong_login()));
            }
            None => return Err(self.failed_sign_in(&[login], address, wrong_login())),
        };
        let tx = self.network_checked(&person, client_ip).await?;
        Ok((person, tx))
    }

    /// A transaction for `person`'s sign-in, once their organization's IP restrictions let
    /// `client_ip` in: they bind its people's sign-ins like its token grants, checked once
    /// the password proved who is asking, so they reveal nothing to others.
    pub(crate) async fn network_checked(
        &self,
        person: &SignInRecord,
        client_ip: Option<IpAddr>,
    ) -> Result<Tx> {
        let mut tx = self.db.begin().await?;
        let rules: Vec<_> =
            ip_restrictions::rules_for_authentication(&mut tx, person.organization_id)
                .await?
                .into_iter()
                .map(|rule| (rule.id, rule.ip_network))
                .collect();
        self.check_network(&rules, client_ip, self.clock.now())?;
        Ok(tx)
    }

    /// Refuses a wrong second factor of `person` (who signs in as `login`), counted and
    /// audited like a wrong password.
    pub(crate) async fn second_factor_checked(
        &self,
        tx: &mut Tx,
        person: &SignInRecord,
        login: &str,
        code: &str,
        client_ip: Option<IpAddr>,
        request_id: Option<String>,
    ) -> Result<()> {
        let address = client_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        // Checked here, not only with the password: the dashboard's second step comes on its
        // own, and a blocked account must not keep guessing codes.
        for limited in [login, person.id.to_string().as_str()] {
            if let Some(wait) = self.sign_in_failures.wait(limited, address) {
                return Err(AppError::RateLimited(
                    wait.as_secs().max(1),
                    Limit::FailedSignIns,
                ));
            }
        }
        let now = self.clock.now();
        if self.second_factor_matches(tx, person, code, now).await? {
            return Ok(());
        }
        self.record_refused_sign_in(person, "totp", client_ip, request_id);
        let refused = AppError::Unauthenticated(
            Code::TotpInvalid,
            "The TOTP code is wrong, expired or used already".into(),
        );
        let logins = [person.id.to_string(), login.to_owned()];
        Err(self.failed_sign_in(&logins, address, refused))
    }

    /// Opens a session for `person`, who proved who they are, and audits the sign-in.
    pub(crate) async fn open_session(
        &self,
        tx: &mut Tx,
        person: &SignInRecord,
        client_ip: Option<IpAddr>,
        request_id: Option<String>,
        now: OffsetDateTime,
    ) -> Result<SessionId> {
        let session = SessionId::generate();
        sessions::insert_session(tx, session, person.id, client_ip, now).await?;
        sign_in::touch_sign_in(tx, person.id, now).await?;
        record_sign_in_event(
            tx,
            person.organization_id,
            person.id,
            "user.signed_in",
            json!({"session_id": session.to_string()}),
            client_ip,
            request_id,
            now,
        )
        .await?;
        Ok(session)
    }

    /// Checks a signed-in person's current password (to change it, or their second factor)
    /// under the same per-account limits as signing in, so a stolen access token cannot be
    /// used to guess it.
    pub(crate) async fn current_password_matches(
        &self,
        actor: &Actor,
        person: &SignInRecord,
        password: &str,
    ) -> Result<()> {
        let address = actor
            .meta
            .client_ip
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        if let Some(wait) = self.sign_in_failures.wait(&person.id.to_string(), address) {
            return Err(AppError::RateLimited(
                wait.as_secs().max(1),
                Limit::FailedSignIns,
            ));
        }
        if password_matches(password, person.password_hash.as_deref()).await? {
            return Ok(());
        }
        let refused = AppError::Forbidden(
            Code::PasswordIncorrect,
            "The current password is not correct".into(),
        );
        Err(self.failed_sign_in(&[person.id.to_string()], address, refused))
    }

    /// Counts one failed sign-in under each of `logins` (the login as typed, and the person
    /// it names when known); the attempt that uses up an allowance is answered 429.
    pub(crate) fn failed_sign_in(
        &self,
        logins: &[impl AsRef<str>],
        address: IpAddr,
        refusal: AppError,
    ) -> AppError {
        metrics::counter!("tenantry_sign_in_failures_total").increment(1);
        let mut answer = refusal;
        for login in logins {
            if let Some(wait) = self.sign_in_failures.record(login.as_ref(), address) {
                tracing::warn!(%address, "failed sign-ins over the limit; the account waits");
                answer = AppError::RateLimited(wait.as_secs().max(1), Limit::FailedSignIns);
            }
        }
        answer
    }

    /// Audits a refused sign-in of a known user in the background, so the refusal takes as
    /// long as one for an unknown login (which has no trail to write to).
    fn record_refused_sign_in(
        &self,
        person: &SignInRecord,
        reason: &'static str,
        client_ip: Option<IpAddr>,
        request_id: Option<String>,
    ) {
        let (db, now) = (self.db.clone(), self.clock.now());
        let (organization, user) = (person.organization_id, person.id);
        tokio::spawn(async move {
            let recorded = async {
                let mut tx = db.begin().await?;
                record_sign_in_event(
                    &mut tx,
                    organization,
                    user,
                    "user.sign_in_refused",
                    json!({"reason": reason}),
                    client_ip,
                    request_id,
                    now,
                )
                .await?;
                tx.commit().await?;
                Ok::<_, AppError>(())
            };
            if let Err(err) = recorded.await {
                tracing::warn!(%err, "could not audit a refused sign-in");
            }
        });
    }

    /// `grant_type=refresh_token`: exchanges a refresh token once for a new pair. A refresh
    /// token presented again (by a thief or by the person, whoever came second) ends the
    /// whole session, so a stolen token works at most until its owner next refreshes.
    pub async fn refresh_grant(
        &self,
        refresh_token: &str,
        client_ip: Option<IpAddr>,
        request_id: Option<String>,
    ) -> Result<UserTokens> {
        let digest = sha256(refresh_token.trim());
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let token = sessions::refresh_token(&mut tx, &digest)
            .await?
            .ok_or_else(refresh_refused)?;
        if token.session_ended || token.expires_at <= now {
            return Err(refresh_refused());
        }
        if token.used_on.is_some() || !sessions::mark_refresh_used(&mut tx, &digest, now).await? {
            sessions::revoke(&mut tx, token.user, token.session, now).await?;
            if let Some(user) = users::get(&mut tx, token.user).await? {
                record_sign_in_event(
                    &mut tx,
                    user.organization_id,
                    token.user,
                    "user.session_revoked",
                    json!({"session_id": token.session.to_string(), "reason": "refresh_token_reused"}),
                    client_ip,
                    request_id,
                    now,
                )
                .await?;
            }
            tx.commit().await?;
            self.forget_authentications();
            return Err(refresh_refused());
        }
        let tokens = issue_tokens(&mut tx, token.session, now).await?;
        tx.commit().await?;
        Ok(tokens)
    }
}

/// Recovery codes are shown as `xxxxx-xxxxx`; they are compared without the dash and case.
pub(crate) fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
