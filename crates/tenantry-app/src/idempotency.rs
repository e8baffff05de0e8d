//! `Idempotency-Key`: the first response to a keyed request is kept (sealed, since it may
//! carry secrets shown once) for 24 hours, and a retry with the same key and the same
//! request gets it back instead of running again.

use time::Duration;

use tenantry_store::idempotency::{self, Claim, ClaimLimits};

use crate::app::App;
use crate::error::{AppError, Code, Result};

/// How long a key is remembered.
pub const IDEMPOTENCY_KEY_LIFETIME: Duration = Duration::hours(24);

/// How long a claim may wait for its answer: twice the 30-second request timeout, after which
/// its request is certainly gone (its process died, or the timeout dropped it) and a retry
/// runs again instead of hearing "in use" for a day.
pub const IDEMPOTENCY_CLAIM_ABANDONED: Duration = Duration::seconds(60);

/// What to do with a keyed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyOutcome {
    /// Run it, then `idempotency_finish` (or `idempotency_release`).
    Run,
    /// Answer this instead: the status, content type and body of the first response.
    Replay {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
}

impl App {
    /// Claims `key` for a request whose fingerprint (a digest of method, target and body) is
    /// given. A key held by a different request is 422; one whose first request is still
    /// running is 409.
    pub async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &[u8],
    ) -> Result<IdempotencyOutcome> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let claim = idempotency::claim(
            &mut tx,
            scope,
            key,
            fingerprint,
            now,
            ClaimLimits {
                expired: now - IDEMPOTENCY_KEY_LIFETIME,
                abandoned: now - IDEMPOTENCY_CLAIM_ABANDONED,
            },
        )
        .await?;
        tx.commit().await?;
        match claim {
            Claim::Claimed => Ok(IdempotencyOutcome::Run),
            Claim::Taken {
                fingerprint: first, ..
            } if first != fingerprint => Err(AppError::Unprocessable(
                Code::IdempotencyKeyReused,
                "This Idempotency-Key was used with a different request in the last 24 hours; \
                 use a new key for a new request"
                    .into(),
            )),
            Claim::Taken { response: None, .. } => Err(AppError::Conflict(
                Code::IdempotencyKeyInUse,
                "The first request with this Idempotency-Key is still being processed; retry \
                 shortly (a request that never finished frees its key after a minute)"
                    .into(),
            )),
            Claim::Taken {
                response: Some((status, sealed)),
                ..
            } => {
                let opened = self
                    .secret_box
                    .open(&sealed)
                    .ok_or_else(|| AppError::Internal("a stored response does not open".into()))?;
                let (content_type, body) = split_response(&opened)
                    .ok_or_else(|| AppError::Internal("a stored response is malformed".into()))?;
                Ok(IdempotencyOutcome::Replay {
                    status,
                    content_type,
                    body,
                })
            }
        }
    }

    /// Keeps the response of the request that claimed `key`.
    pub async fn idempotency_finish(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        content_type: &str,
        body: &[u8],
    ) -> Result<()> {
        let mut stored = Vec::with_capacity(content_type.len() + 1 + body.len());
        stored.extend_from_slice(content_type.as_bytes());
        stored.push(b'\n');
        stored.extend_from_slice(body);
        let sealed = self.secret_box.seal(&stored);
        let mut tx = self.db.begin().await?;
        idempotency::finish(&mut tx, scope, key, status, &sealed).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Frees `key` after a request that did not finish with an answer worth replaying (a
    /// server error), so a retry runs again.
    pub async fn idempotency_release(&self, scope: &str, key: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        idempotency::release(&mut tx, scope, key).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets keys older than their lifetime; returns how many.
    pub async fn idempotency_purge(&self) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let purged =
            idempotency::purge(&mut tx, self.clock.now() - IDEMPOTENCY_KEY_LIFETIME).await?;
        tx.commit().await?;
        Ok(purged)
    }
}

fn split_response(stored: &[u8]) -> Option<(String, Vec<u8>)> {
    let newline = stored.iter().position(|b| *b == b'\n')?;
    let content_type = String::from_utf8(stored[..newline].to_vec()).ok()?;
    Some((content_type, stored[newline + 1..].to_vec()))
}
