//! OAuth2 access tokens: opaque bearer values stored only as SHA-256 digests, each tied to the
//! API credential whose client secret obtained it.

use tenantry_core::{ApiKeyId, OrganizationId};
use time::OffsetDateTime;
use uuid::Uuid;

use sea_query::{Alias, Query};

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::list::execute_built;

// One row when the organization is live; its key columns are NULL when no credential of it
// has this client secret.
const SELECT_FOR_GRANT: &str = "SELECT k.id, k.expires_at, k.revoked_on FROM organizations o \
    LEFT JOIN api_keys k ON k.organization_id = o.id AND k.client_secret_digest = $2 \
    WHERE o.id = $1 AND o.deleted_on IS NULL";

const SELECT_BY_DIGEST: &str =
    "SELECT api_key_id, expires_at FROM access_tokens WHERE token_digest = $1";

const DELETE_EXPIRED: &str = "DELETE FROM access_tokens WHERE expires_at <= $1";

/// What a token grant needs to know, read in one statement.
#[derive(Debug, Clone, PartialEq)]
pub enum GrantLookup {
    /// No live organization has this id.
    NoOrganization,
    /// The organization is live, but none of its credentials has this client secret.
    NoCredential,
    Credential {
        id: ApiKeyId,
        expires_at: Option<OffsetDateTime>,
        revoked_on: Option<OffsetDateTime>,
    },
}

type GrantRow = (Option<Uuid>, Option<OffsetDateTime>, Option<OffsetDateTime>);

/// The credential of `organization` whose client secret has this digest.
pub async fn lookup_for_grant(
    tx: &mut Tx,
    organization: OrganizationId,
    secret_digest: &[u8],
) -> Result<GrantLookup> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, GrantRow>(SELECT_FOR_GRANT)
        .bind(organization.uuid())
        .bind(secret_digest)
        .fetch_optional(conn)
        .await)?;
    Ok(match row {
        None => GrantLookup::NoOrganization,
        Some((None, ..)) => GrantLookup::NoCredential,
        Some((Some(id), expires_at, revoked_on)) => GrantLookup::Credential {
            id: ApiKeyId::from_uuid(id),
            expires_at,
            revoked_on,
        },
    })
}

/// A token to store: its digest, the credential whose client secret obtained it, and times.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub digest: Vec<u8>,
    pub credential: ApiKeyId,
    pub expires_at: OffsetDateTime,
    pub created_on: OffsetDateTime,
}

/// Stores tokens in one statement. Issuing a token is authentication, not a change to an
/// organization's data, so no proof (`Proof`) applies: the caller has verified the client
/// secret of each token's credential.
pub async fn insert_all(tx: &mut Tx, tokens: &[NewToken]) -> Result<()> {
    if tokens.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new("access_tokens"))
        .columns(["token_digest", "api_key_id", "expires_at", "created_on"].map(Alias::new));
    for token in tokens {
        insert.values_panic([
            token.digest.clone().into(),
            token.credential.uuid().into(),
            token.expires_at.into(),
            token.created_on.into(),
        ]);
    }
    execute_built!(tx, insert)?;
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
