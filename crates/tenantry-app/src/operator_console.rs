//! The platform operator's console in the dashboard: a sign-in with the operator's key and a
//! current code of its TOTP seed (both given by `tenantry bootstrap`), each code used once,
//! failures limited like people's sign-ins; then a session whose one token travels as the
//! console's cookie (`tos_…`, stored as a digest), ending when idle, at an absolute expiry or
//! on signing out, as people's dashboard sessions do. What the console does is the operator's
//! own use cases (`wallet_credit`), with the `OperatorActor` this authentication makes.

use std::net::{IpAddr, Ipv4Addr};

use tenantry_core::OrganizationId;
use tenantry_core::billing::Minor;
use tenantry_core::values::Currency;
use tenantry_store::operator_sessions::{self, OperatorSession};
use tenantry_store::operators;
use tenantry_store::organizations::{self, Organization};
use uuid::Uuid;

use crate::actor::RequestMeta;
use crate::app::App;
use crate::error::{AppError, Code, Limit, NotFoundKind, Result};
use crate::operators::OperatorActor;
use crate::secrets::sha256;
use crate::sign_in::new_token;
use crate::totp::totp_step;
use crate::web_sessions::{ABSOLUTE, IDLE, SLIDE_EVERY, WebSession};

const CONSOLE_TOKEN_PREFIX: &str = "tos_";
/// What the failure limits count an operator's console sign-ins under, with the address.
const CONSOLE_LOGIN: &str = "operator-console";

fn refused() -> AppError {
    AppError::Unauthenticated(
        Code::Authentication,
        "The operator key or the code is wrong, or the code was used already".into(),
    )
}

fn signed_out() -> AppError {
    AppError::Unauthenticated(Code::Authentication, "Not signed in".into())
}

/// An organization as the console shows it: its account's balance, when it has its own.
#[derive(Debug, Clone)]
pub struct ConsoleOrganization {
    pub organization: Organization,
    pub balance: Option<(Minor, Currency)>,
}

impl App {
    /// Signs an operator in to the console with its key and a current TOTP code.
    pub async fn operator_console_sign_in(
        &self,
        key: &str,
        code: &str,
        meta: RequestMeta,
    ) -> Result<WebSession> {
        let address = meta.client_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        if let Some(wait) = self
            .sign_in_failures
            .wait(&format!("{CONSOLE_LOGIN}@{address}"), address)
        {
            return Err(AppError::RateLimited(
                wait.as_secs().max(1),
                Limit::FailedSignIns,
            ));
        }
        // Counted per address: a stranger's failures must not lock the operator out.
        let login = format!("{CONSOLE_LOGIN}@{address}");
        let failed = |app: &App| app.failed_sign_in(&[login.as_str()], address, refused());
        let operator = match self.authenticate_operator(key.trim(), meta).await {
            Ok(operator) => operator,
            Err(AppError::Unauthenticated(..)) => return Err(failed(self)),
            Err(err) => return Err(err),
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let stored = operators::get(&mut tx, operator.id())
            .await?
            .ok_or_else(|| failed(self))?;
        let secret = self
            .secret_box
            .open(&stored.totp_secret_sealed)
            .and_then(|s| String::from_utf8(s).ok())
            .ok_or_else(|| AppError::Internal("an operator's TOTP seed cannot be opened".into()))?;
        let step = totp_step(&secret, code.trim(), now).ok_or_else(|| failed(self))?;
        if !operators::claim_totp_step(&mut tx, operator.id(), step).await? {
            return Err(failed(self));
        }
        let token = new_token(CONSOLE_TOKEN_PREFIX);
        let session = OperatorSession {
            id: Uuid::now_v7(),
            operator_id: operator.id(),
            created_on: now,
            idle_until: now + IDLE,
            expires_on: now + ABSOLUTE,
        };
        operator_sessions::insert(&mut tx, &session, &sha256(&token)).await?;
        tx.commit().await?;
        tracing::info!(operator = %operator.id(), "an operator signed in to the console");
        Ok(WebSession { token })
    }

    /// The operator a console cookie signs in, while its session lives; each use pushes the
    /// idle expiry back (at most once a minute, never past the absolute one).
    pub async fn authenticate_operator_console(
        &self,
        token: &str,
        meta: RequestMeta,
    ) -> Result<OperatorActor> {
        if !token.starts_with(CONSOLE_TOKEN_PREFIX) {
            return Err(signed_out());
        }
        let now = self.clock.now();
        let digest = sha256(token);
        let mut read = self.db.read().await?;
        let session = operator_sessions::open_by_digest(&mut read, &digest)
            .await?
            .filter(|s| now < s.idle_until && now < s.expires_on)
            .ok_or_else(signed_out)?;
        drop(read);
        if session.idle_until - now < IDLE - SLIDE_EVERY {
            let mut tx = self.db.begin().await?;
            let idle_until = (now + IDLE).min(session.expires_on);
            operator_sessions::slide(&mut tx, session.id, idle_until).await?;
            tx.commit().await?;
        }
        Ok(OperatorActor::new(session.operator_id, meta))
    }

    /// Ends the console session of `token`, if it is open.
    pub async fn operator_console_sign_out(&self, token: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if let Some(session) = operator_sessions::open_by_digest(&mut tx, &sha256(token)).await? {
            operator_sessions::end(&mut tx, session.id, self.clock.now()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets console sessions that ended or expired (housekeeping).
    pub async fn operator_sessions_purge(&self) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let purged = operator_sessions::purge(&mut tx, self.clock.now()).await?;
        tx.commit().await?;
        Ok(purged)
    }

    /// An organization for the operator, who reaches them all, with its own account's balance.
    pub async fn operator_console_organization(
        &self,
        _operator: &OperatorActor,
        id: OrganizationId,
    ) -> Result<ConsoleOrganization> {
        let mut tx = self.db.read().await?;
        let organization = organizations::get(&mut tx, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Organization, id))?;
        let balance = tenantry_store::billing::accounts::get(&mut tx, id)
            .await?
            .map(|account| (account.balance, account.currency));
        Ok(ConsoleOrganization {
            organization,
            balance,
        })
    }
}
