//! Authenticating a person's access token: the session must be live, the user and their home
//! organization must exist, and the actor holds the user's role at home (reaching its
//! suborganizations) and the role of each organization the user joined as a member.
//!
//! The result is kept for at most a second (`FreshCache`), like a credential's: logging out,
//! changing a password, deleting a user or changing a role applies at once in this process,
//! and within a second in every other process sharing the database.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use tenantry_core::values::IpNetwork;
use tenantry_core::{Grant, Principal};
use tenantry_store::sessions::{self, AccessToken};
use tenantry_store::{ip_restrictions, memberships, organizations, users};

use crate::actor::{Actor, ActorKind, RequestMeta};
use crate::app::App;
use crate::error::{AppError, Code, Result};
use crate::fresh_cache::FreshCache;
use crate::ns1::holder_access;
use crate::roles::role_permissions;
use crate::secrets::sha256;
use crate::users::UserProfile;
use tenantry_core::zone_lists::ZoneLists;

/// What a person's access token stands for.
#[derive(Clone)]
pub(crate) struct PersonAuthentication {
    token: AccessToken,
    principal: Principal,
    profile: Arc<UserProfile>,
    /// The NS1 IP allow list of the user (empty: anywhere).
    networks: Arc<[IpNetwork]>,
    /// The home organization's IP restrictions (id, network); empty when it has none.
    home_rules: Arc<[(i64, IpNetwork)]>,
    /// The zone and record lists of the person's NS1 map, when they have one.
    zone_lists: Option<Arc<ZoneLists>>,
}

pub(crate) type PersonCache = FreshCache<Vec<u8>, PersonAuthentication>;

pub(crate) const ACCESS_TOKEN_PREFIX: &str = "opu_";

/// A personal API key's secret starts with this.
pub(crate) const PERSONAL_KEY_PREFIX: &str = "tpk_";

pub(crate) fn is_person_token(value: &str) -> bool {
    value.starts_with(ACCESS_TOKEN_PREFIX) || value.starts_with(PERSONAL_KEY_PREFIX)
}

fn refused() -> AppError {
    AppError::Unauthenticated(
        Code::Authentication,
        "Invalid or expired access token".into(),
    )
}

impl App {
    async fn load_person(&self, digest: &[u8]) -> Result<Option<PersonAuthentication>> {
        let mut tx = self.db.read().await?;
        let Some(token) = sessions::access_token(&mut tx, digest).await? else {
            return Ok(None);
        };
        let Some((user, organization_currency, parent_organization_id)) =
            users::get_with_org(&mut tx, token.user).await?
        else {
            return Ok(None);
        };
        let Some(home) = organizations::get(&mut tx, user.organization_id).await? else {
            return Ok(None);
        };
        let access =
            holder_access(&mut tx, user.organization_id, &user.role, user.id.uuid()).await?;
        let home_rules = ip_restrictions::rules_for_authentication(&mut tx, user.organization_id)
            .await?
            .into_iter()
            .map(|rule| (rule.id, rule.ip_network))
            .collect();
        let mut joined = Vec::new();
        for membership in memberships::of_user(&mut tx, user.id).await? {
            let permissions =
                role_permissions(&mut tx, membership.organization.id, &membership.role).await?;
            joined.push(Grant {
                organization: membership.organization,
                role: membership.role,
                permissions,
            });
        }
        let principal = Principal {
            home: Grant {
                organization: home.scope(),
                role: user.role.clone(),
                permissions: access.permissions.clone(),
            },
            memberships: joined,
        };
        Ok(Some(PersonAuthentication {
            token,
            principal,
            profile: Arc::new(UserProfile {
                user,
                organization_currency,
                parent_organization_id,
                permissions: access.permissions,
            }),
            networks: access.networks.into(),
            zone_lists: access.zone_lists,
            home_rules,
        }))
    }

    /// The actor of a person's access token (`opu_…`) or personal API key (`tpk_…`).
    pub(crate) async fn actor_for_person(&self, token: &str, meta: RequestMeta) -> Result<Actor> {
        Ok(self.person_and_expiry(token, meta).await?.0)
    }

    /// The person a token of theirs signs in, and when the token expires.
    pub(crate) async fn person_and_expiry(
        &self,
        token: &str,
        meta: RequestMeta,
    ) -> Result<(Actor, time::OffsetDateTime)> {
        let digest = sha256(token);
        let authentication = match self.person_cache.get(&digest) {
            Some(hit) => hit,
            None => {
                let generation = self.person_cache.generation();
                let loaded = self.load_person(&digest).await?.ok_or_else(refused)?;
                self.person_cache.put(generation, digest, loaded.clone());
                loaded
            }
        };
        let now = self.clock.now();
        if authentication.token.expires_at <= now {
            return Err(refused());
        }
        self.check_network(&authentication.home_rules, meta.client_ip, now)?;
        if !authentication.networks.is_empty() {
            let address = meta.client_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            if !authentication.networks.iter().any(|n| n.contains(address)) {
                return Err(AppError::IpNotAllowed(address.to_canonical()));
            }
        }
        let expires_at = authentication.token.expires_at;
        let actor = Actor {
            role: authentication.principal.home.role.clone(),
            principal: authentication.principal,
            kind: ActorKind::User {
                id: authentication.token.user,
                session: authentication.token.session,
                // The prefix is part of the secret whose digest was found, so it cannot be
                // swapped.
                personal_key: token.starts_with(PERSONAL_KEY_PREFIX),
            },
            creator: Some(authentication.profile),
            zone_lists: authentication.zone_lists,
            meta,
        };
        Ok((actor, expires_at))
    }
}
