//! The application handle shared by every request, and authentication of credentials.

use std::sync::Arc;

use time::Duration;

use tenantry_core::Principal;
use tenantry_store::{Db, credentials, organizations};

use crate::actor::{Actor, ActorKind, RequestMeta, role_permissions};
use crate::clock::Clock;
use crate::error::{AppError, Result};
use crate::secrets::{SecretBox, digest_matches, parse_api_key};

/// `last_used_on` is written at most this often per credential, so authentication does not
/// cost a database write on every request.
const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

#[derive(Clone)]
pub struct App {
    pub(crate) db: Db,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) secret_box: SecretBox,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, secret_box: SecretBox) -> Self {
        Self {
            db,
            clock,
            secret_box,
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Answers once the database does.
    pub async fn ready(&self) -> Result<()> {
        self.db
            .ping()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// Resolves an `opk_…` key into an actor. Malformed, unknown, revoked and expired keys, and
    /// keys of deleted organizations, all answer the same 401.
    pub async fn authenticate_api_key(&self, key: &str, meta: RequestMeta) -> Result<Actor> {
        let refused = || AppError::Unauthenticated("Invalid or expired API key".into());
        let id = parse_api_key(key).ok_or_else(refused)?;
        let mut tx = self.db.begin_read().await?;
        let credential = credentials::get(&mut tx, id).await?.ok_or_else(refused)?;
        let now = self.clock.now();
        if !digest_matches(key, &credential.key_digest)
            || credential.revoked_on.is_some()
            || credential.expires_at.is_some_and(|at| at <= now)
        {
            return Err(refused());
        }
        let org = organizations::get(&mut tx, credential.organization_id)
            .await?
            .ok_or_else(refused)?;
        drop(tx);
        if credential
            .last_used_on
            .is_none_or(|at| now - at >= LAST_USED_GRANULARITY)
        {
            let db = self.db.clone();
            tokio::spawn(async move {
                if let Err(err) = credentials::touch_last_used(&db, id, now).await {
                    tracing::warn!(%err, "could not record credential use");
                }
            });
        }
        Ok(Actor {
            principal: Principal {
                organization: org.scope(),
                permissions: role_permissions(&credential.role),
            },
            kind: ActorKind::ApiKey {
                id,
                user_id: credential.created_by,
            },
            role: credential.role,
            meta,
        })
    }
}
