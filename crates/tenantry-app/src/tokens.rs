//! OAuth2 client credentials: a credential's client secret buys an opaque bearer token valid
//! for an hour. Secrets and tokens are high-entropy values, so a digest check is enough and a
//! grant costs no password hash.

use std::collections::HashMap;
use std::sync::Mutex;

use tenantry_core::{ApiKeyId, OrganizationId};
use tenantry_store::{credentials, organizations, tokens};
use time::{Duration, OffsetDateTime};

use crate::app::App;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::secrets::{random_base62, sha256};

pub const TOKEN_LIFETIME: Duration = Duration::seconds(3600);
const TOKEN_PREFIX: &str = "opt_";
const TOKEN_SECRET_LEN: usize = 43;
/// Past this many entries the token cache is cleared rather than grown.
const MAX_CACHED_TOKENS: usize = 100_000;

#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub access_token: String,
    pub expires_in: i64,
}

/// Which credential each token digest belongs to. The mapping never changes, so entries live
/// until the token expires; whether the credential still works is checked on every use.
#[derive(Default)]
pub(crate) struct TokenCache {
    entries: Mutex<HashMap<Vec<u8>, (ApiKeyId, OffsetDateTime)>>,
}

impl TokenCache {
    fn get(&self, digest: &[u8]) -> Option<(ApiKeyId, OffsetDateTime)> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(digest)
            .copied()
    }

    fn put(&self, digest: Vec<u8>, entry: (ApiKeyId, OffsetDateTime)) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_CACHED_TOKENS {
            entries.clear();
        }
        entries.insert(digest, entry);
    }
}

fn invalid_secret() -> AppError {
    AppError::Unauthenticated(
        Code::InvalidOrganizationCredentials,
        "Invalid client secret".into(),
    )
}

pub(crate) fn is_access_token(value: &str) -> bool {
    value.starts_with(TOKEN_PREFIX)
}

impl App {
    /// `grant_type=client_credentials`: `client_id` is the organization, `client_secret` one of
    /// its credentials' secrets. An unknown organization is 404, a wrong secret 401.
    pub async fn token_grant(
        &self,
        client_id: OrganizationId,
        client_secret: &str,
    ) -> Result<TokenGrant> {
        let mut tx = self.db.begin().await?;
        organizations::get(&mut tx, client_id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Organization, client_id))?;
        let id = tokens::credential_by_client_secret(&mut tx, client_id, &sha256(client_secret))
            .await?
            .ok_or_else(invalid_secret)?;
        let credential = credentials::get(&mut tx, id)
            .await?
            .ok_or_else(invalid_secret)?;
        let now = self.clock.now();
        if credential.revoked_on.is_some() || credential.expires_at.is_some_and(|at| at <= now) {
            return Err(invalid_secret());
        }
        let access_token = format!("{TOKEN_PREFIX}{}", random_base62(TOKEN_SECRET_LEN));
        let expires_at = now + TOKEN_LIFETIME;
        tokens::insert(
            &mut tx,
            &credential,
            &sha256(&access_token),
            expires_at,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(TokenGrant {
            access_token,
            expires_in: TOKEN_LIFETIME.whole_seconds(),
        })
    }

    /// The credential behind a live access token.
    pub(crate) async fn token_credential(&self, token: &str) -> Result<ApiKeyId> {
        let refused = || {
            AppError::Unauthenticated(
                Code::Authentication,
                "Invalid or expired access token".into(),
            )
        };
        let digest = sha256(token);
        let (id, expires_at) = match self.token_cache.get(&digest) {
            Some(hit) => hit,
            None => {
                let mut tx = self.db.single_read().await?;
                let found = tokens::get(&mut tx, &digest).await?.ok_or_else(refused)?;
                self.token_cache.put(digest, found);
                found
            }
        };
        if expires_at <= self.clock.now() {
            return Err(refused());
        }
        Ok(id)
    }

    /// Deletes expired access tokens; returns how many.
    pub async fn token_cleanup(&self) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let removed = tokens::delete_expired(&mut tx, self.clock.now()).await?;
        tx.commit().await?;
        Ok(removed)
    }
}
