//! OAuth2 access tokens: opaque bearer values stored only as SHA-256 digests, each tied to the
//! API credential whose client secret obtained it.

use tenantry_core::{ApiKeyId, OrganizationId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::credentials::Credential;
use crate::db::{Tx, on_tx};
use crate::error::Result;

const INSERT: &str = "INSERT INTO access_tokens (token_digest, api_key_id, expires_at, created_on) \
    VALUES ($1, $2, $3, $4)";

const SELECT_CREDENTIAL_BY_SECRET: &str = "SELECT id FROM api_keys \
    WHERE organization_id = $1 AND client_secret_digest = $2";

const SELECT_BY_DIGEST: &str =
    "SELECT api_key_id, expires_at FROM access_tokens WHERE token_digest = $1";

const DELETE_EXPIRED: &str = "DELETE FROM access_tokens WHERE expires_at <= $1";

/// The credential of `organization` whose client secret has this digest, if any.
pub async fn credential_by_client_secret(
    tx: &mut Tx,
    organization: OrganizationId,
    secret_digest: &[u8],
) -> Result<Option<ApiKeyId>> {
    let id = on_tx!(tx, conn => sqlx::query_scalar::<_, Uuid>(SELECT_CREDENTIAL_BY_SECRET)
        .bind(organization.uuid())
        .bind(secret_digest)
        .fetch_optional(conn)
        .await)?;
    Ok(id.map(ApiKeyId::from_uuid))
}

/// Stores a new token for a credential. Issuing a token is authentication, not a change to an
/// organization's data, so no `Authorized` value applies: the caller has verified the client
/// secret of `credential`.
pub async fn insert(
    tx: &mut Tx,
    credential: &Credential,
    token_digest: &[u8],
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(token_digest)
        .bind(credential.id.uuid())
        .bind(expires_at)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The credential a token belongs to and when the token expires.
pub async fn get(tx: &mut Tx, token_digest: &[u8]) -> Result<Option<(ApiKeyId, OffsetDateTime)>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, (Uuid, OffsetDateTime)>(SELECT_BY_DIGEST)
        .bind(token_digest)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(|(id, expires_at)| (ApiKeyId::from_uuid(id), expires_at)))
}

/// Removes expired tokens; they can no longer authenticate anyway.
pub async fn delete_expired(tx: &mut Tx, now: OffsetDateTime) -> Result<u64> {
    Ok(on_tx!(tx, conn => sqlx::query(DELETE_EXPIRED)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}
