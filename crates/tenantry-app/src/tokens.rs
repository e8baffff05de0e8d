//! OAuth2 client credentials: a credential's client secret buys an opaque bearer token valid
//! for an hour. Secrets and tokens are high-entropy values, so a digest check is enough and a
//! grant costs no password hash.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use tenantry_core::{ApiKeyId, OrganizationId};
use tenantry_store::credentials::Credential;
use tenantry_store::tokens::{self, GrantLookup, NewToken};
use time::{Duration, OffsetDateTime};

use crate::app::App;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::secrets::{random_base62, sha256};

pub const TOKEN_LIFETIME: Duration = Duration::seconds(3600);
const TOKEN_PREFIX: &str = "opt_";
const TOKEN_SECRET_LEN: usize = 43;
/// Past this many entries the token cache is cleared rather than grown.
const MAX_CACHED_DIGESTS: usize = 100_000;

#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub access_token: String,
    pub expires_in: i64,
}

/// Values found by the digest of a secret: which credential a token or a client secret
/// belongs to. Such a mapping never changes, so entries need no expiry of their own; whether
/// the credential still works is checked on every use.
pub(crate) struct DigestCache<V> {
    entries: Mutex<HashMap<Vec<u8>, V>>,
}

impl<V> Default for DigestCache<V> {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
        }
    }
}

impl<V: Copy> DigestCache<V> {
    fn get(&self, digest: &[u8]) -> Option<V> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(digest)
            .copied()
    }

    fn put(&self, digest: Vec<u8>, entry: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_CACHED_DIGESTS {
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

pub(crate) fn credential_active(credential: &Credential, now: OffsetDateTime) -> bool {
    credential.revoked_on.is_none() && credential.expires_at.is_none_or(|at| at > now)
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
        client_ip: Option<IpAddr>,
    ) -> Result<TokenGrant> {
        let digest = sha256(client_secret);
        let now = self.clock.now();
        // A secret seen before leads straight to its credential, whose state comes from the
        // credential cache; anything unusual is settled by reading the database.
        let cached = match self.client_secret_cache.get(&digest) {
            Some((id, organization)) if organization == client_id => self
                .authentication(id)
                .await
                .ok()
                .filter(|auth| credential_active(&auth.credential, now)),
            _ => None,
        };
        let authentication = match cached {
            Some(authentication) => authentication,
            None => {
                let id = self.grant_lookup(client_id, digest, now).await?;
                self.authentication(id).await?
            }
        };
        self.check_network(&authentication.networks, client_ip, now)?;
        let credential = authentication.credential.id;
        let access_token = format!("{TOKEN_PREFIX}{}", random_base62(TOKEN_SECRET_LEN));
        let token = NewToken {
            digest: sha256(&access_token),
            credential,
            expires_at: now + TOKEN_LIFETIME,
            created_on: now,
        };
        self.token_writer.store(&self.db, token).await?;
        Ok(TokenGrant {
            access_token,
            expires_in: TOKEN_LIFETIME.whole_seconds(),
        })
    }

    /// Finds the active credential of `organization` with this client secret digest.
    async fn grant_lookup(
        &self,
        organization: OrganizationId,
        digest: Vec<u8>,
        now: OffsetDateTime,
    ) -> Result<ApiKeyId> {
        let mut read = self.db.read().await?;
        match tokens::lookup_for_grant(&mut read, organization, &digest).await? {
            GrantLookup::NoOrganization => Err(AppError::not_found(
                NotFoundKind::Organization,
                organization,
            )),
            GrantLookup::NoCredential => Err(invalid_secret()),
            GrantLookup::Credential {
                id,
                expires_at,
                revoked_on,
            } => {
                if revoked_on.is_some() || expires_at.is_some_and(|at| at <= now) {
                    return Err(invalid_secret());
                }
                self.client_secret_cache.put(digest, (id, organization));
                Ok(id)
            }
        }
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
                let mut tx = self.db.read().await?;
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
