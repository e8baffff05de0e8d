//! The application handle shared by every request, and authentication of credentials.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use time::{Duration, OffsetDateTime};

use tenantry_core::{ApiKeyId, OrganizationId, Principal};
use tenantry_store::{Db, credentials, users};

use crate::actor::{Actor, ActorKind, RequestMeta};
use crate::clock::Clock;
use crate::credential_cache::{Authentication, CredentialCache};
use crate::error::{AppError, Code, Result};
use crate::roles::role_permissions;
use crate::secrets::{SecretBox, digest_matches, parse_api_key};
use crate::token_writer::TokenWriter;
use crate::tokens::{DigestCache, credential_active, is_access_token};
use crate::users::UserProfile;

/// `last_used_on` is written at most this often per credential, so authentication does not
/// cost a database write on every request.
const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

#[derive(Clone)]
pub struct App {
    pub(crate) db: Db,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) secret_box: SecretBox,
    /// When this process last recorded each credential's use, so concurrent requests that
    /// all see a stale `last_used_on` do not all write it.
    last_used_written: Arc<Mutex<HashMap<ApiKeyId, OffsetDateTime>>>,
    pub(crate) credential_cache: Arc<CredentialCache>,
    /// Access token digest → its credential and expiry.
    pub(crate) token_cache: Arc<DigestCache<(ApiKeyId, OffsetDateTime)>>,
    /// Client secret digest → its credential and organization.
    pub(crate) client_secret_cache: Arc<DigestCache<(ApiKeyId, OrganizationId)>>,
    pub(crate) token_writer: Arc<TokenWriter>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, secret_box: SecretBox) -> Self {
        Self {
            db,
            clock,
            secret_box,
            last_used_written: Arc::default(),
            credential_cache: Arc::default(),
            token_cache: Arc::default(),
            client_secret_cache: Arc::default(),
            token_writer: Arc::default(),
        }
    }

    /// Whether this request should record the credential's use: the stored time is older
    /// than the granularity and no other request of this process is already recording it.
    fn claim_last_used_write(
        &self,
        id: ApiKeyId,
        stored: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> bool {
        let stale =
            |at: Option<OffsetDateTime>| at.is_none_or(|at| now - at >= LAST_USED_GRANULARITY);
        if !stale(stored) {
            return false;
        }
        let mut written = self
            .last_used_written
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !stale(written.get(&id).copied()) {
            return false;
        }
        written.insert(id, now);
        true
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

    /// Reads a credential, its organization and its creator's profile.
    async fn load_authentication(&self, id: ApiKeyId) -> Result<Option<Authentication>> {
        let mut tx = self.db.single_read().await?;
        let Some((credential, organization)) = credentials::get_with_org_scope(&mut tx, id).await?
        else {
            return Ok(None);
        };
        let permissions =
            role_permissions(&mut tx, credential.organization_id, &credential.role).await?;
        let creator = match credential.created_by {
            Some(user_id) => match users::get_with_org(&mut tx, user_id).await? {
                Some((user, organization_currency, parent_organization_id)) => {
                    Some(Arc::new(UserProfile {
                        permissions: role_permissions(&mut tx, user.organization_id, &user.role)
                            .await?,
                        organization_currency,
                        parent_organization_id,
                        user,
                    }))
                }
                None => None,
            },
            None => None,
        };
        Ok(Some(Authentication {
            credential,
            organization,
            permissions,
            creator,
        }))
    }

    /// A credential with its organization and permissions, from the cache when fresh.
    pub(crate) async fn authentication(&self, id: ApiKeyId) -> Result<Authentication> {
        if let Some(hit) = self.credential_cache.get(id) {
            return Ok(hit);
        }
        let generation = self.credential_cache.generation();
        let authentication = self.load_authentication(id).await?.ok_or_else(refused)?;
        self.credential_cache
            .put(generation, authentication.clone());
        Ok(authentication)
    }

    /// Resolves a credential into an actor: an `opk_…` API key, or an access token from
    /// `POST /v1/auth/token` (as `Authorization: Bearer`). Malformed, unknown, revoked and
    /// expired credentials, and those of deleted organizations, all answer the same 401.
    pub async fn authenticate(&self, secret: &str, meta: RequestMeta) -> Result<Actor> {
        if is_access_token(secret) {
            let id = self.token_credential(secret).await?;
            return self.actor_for_credential(id, None, meta).await;
        }
        let id = parse_api_key(secret).ok_or_else(refused)?;
        self.actor_for_credential(id, Some(secret), meta).await
    }

    /// The actor of a credential that is active now; `key`, when given, must be its API key.
    async fn actor_for_credential(
        &self,
        id: ApiKeyId,
        key: Option<&str>,
        meta: RequestMeta,
    ) -> Result<Actor> {
        let Authentication {
            credential,
            organization,
            permissions,
            creator,
        } = self.authentication(id).await?;
        let now = self.clock.now();
        if key.is_some_and(|key| !digest_matches(key, &credential.key_digest))
            || !credential_active(&credential, now)
        {
            return Err(refused());
        }
        if self.claim_last_used_write(id, credential.last_used_on, now) {
            let db = self.db.clone();
            tokio::spawn(async move {
                if let Err(err) = credentials::touch_last_used(&db, id, now).await {
                    tracing::warn!(%err, "could not record credential use");
                }
            });
        }
        Ok(Actor {
            principal: Principal {
                organization,
                permissions,
            },
            kind: ActorKind::ApiKey {
                id,
                user_id: credential.created_by,
            },
            role: credential.role,
            creator,
            meta,
        })
    }
}

fn refused() -> AppError {
    AppError::Unauthenticated(
        Code::Authentication,
        "Invalid or expired credentials".into(),
    )
}
