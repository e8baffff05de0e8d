//! Authentication results kept in memory for at most one second, so a request does not read
//! its credential from the database every time.
//!
//! Bounds: a change made through this process (revocation, rotation, organization deletion or
//! status change, a change to a user, a role or an IP restriction) applies at once, because it bumps the generation and every older entry is ignored;
//! a change made through another process sharing the database applies within `TTL`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use std::sync::Arc;

use tenantry_core::values::IpNetwork;
use tenantry_core::{ApiKeyId, OrgScope};
use tenantry_store::credentials::Credential;

use crate::users::UserProfile;

/// What authenticating a credential yields: the credential, where its organization sits, and
/// the profile of the user who made it (if that user still exists).
#[derive(Clone)]
pub(crate) struct Authentication {
    pub credential: Credential,
    pub organization: OrgScope,
    /// What the credential's role grants in its organization.
    pub permissions: std::collections::BTreeSet<tenantry_core::Permission>,
    pub creator: Option<Arc<UserProfile>>,
    /// The organization's IP restrictions (id, network); empty when it has none.
    pub networks: Arc<[(i64, IpNetwork)]>,
}

const TTL: Duration = Duration::from_secs(1);
/// Past this many entries the cache is cleared rather than grown.
const MAX_ENTRIES: usize = 100_000;

struct Entry {
    authentication: Authentication,
    loaded: Instant,
    generation: u64,
}

#[derive(Default)]
pub(crate) struct CredentialCache {
    entries: Mutex<HashMap<ApiKeyId, Entry>>,
    generation: AtomicU64,
}

impl CredentialCache {
    /// The generation to pass to `put` for a value about to be read from the database.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub(crate) fn get(&self, id: ApiKeyId) -> Option<Authentication> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(&id)?;
        let fresh = entry.generation == self.generation() && entry.loaded.elapsed() < TTL;
        fresh.then(|| entry.authentication.clone())
    }

    /// Keeps a value read while `generation` was current; a value read before an
    /// invalidation is dropped.
    pub(crate) fn put(&self, generation: u64, authentication: Authentication) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if generation != self.generation() {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        let id = authentication.credential.id;
        entries.insert(
            id,
            Entry {
                authentication,
                loaded: Instant::now(),
                generation,
            },
        );
    }

    /// Forgets everything: called after a committed change that can affect authentication.
    pub(crate) fn invalidate(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}
