//! Authentication results kept in memory for at most one second, so a request does not read
//! its credential from the database every time.
//!
//! Bounds: a change made through this process (revocation, rotation, organization deletion or
//! status change, a change to a user, a role or an IP restriction) applies at once, because it bumps the generation and every older entry is ignored;
//! a change made through another process sharing the database applies within `TTL`.

use std::sync::Arc;

use tenantry_core::values::IpNetwork;
use tenantry_core::{ApiKeyId, OrgScope};
use tenantry_store::credentials::Credential;

use crate::fresh_cache::FreshCache;
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
    /// The NS1 IP allow lists of the credential and of the user who made it; each list that
    /// is not empty must hold the caller's address.
    pub allow_lists: Arc<[Vec<IpNetwork>]>,
    /// The zone and record lists of the credential's NS1 map, when it has one.
    pub zone_lists: Option<Arc<tenantry_core::zone_lists::ZoneLists>>,
}

pub(crate) type CredentialCache = FreshCache<ApiKeyId, Authentication>;
