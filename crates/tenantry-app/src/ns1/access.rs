//! What a user or key may do, as NS1 shows and sets it: its permission map (its own, or its
//! teams' union), its teams and its IP allow list. Underneath, the map becomes Tenantry
//! permissions (`Ns1Permissions::tenantry_permissions`), which every check uses.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::authz::Authorized;
use tenantry_core::ns1::{Ns1Permissions, short_id_range};
use tenantry_core::values::IpNetwork;
use tenantry_core::zone_lists::ZoneLists;
use tenantry_core::{OrganizationId, Permission};
use tenantry_store::Tx;
use tenantry_store::grants::{self, Grant};
use tenantry_store::teams::{self, Team};
use uuid::Uuid;

use crate::actor::Actor;
use crate::error::{AppError, NotFoundKind, Result};
use crate::grantable::ensure_held;
use crate::roles::role_permissions;

/// The role label of a user or key whose permissions come from its NS1 map.
pub const INDIVIDUAL_ROLE: &str = "individual";

/// A user's or key's access as NS1 shows it.
#[derive(Debug, Clone)]
pub struct Ns1Access {
    /// The effective map: its own, or the union of its teams'.
    pub permissions: Ns1Permissions,
    /// Team ids, in the order given.
    pub teams: Vec<Uuid>,
    pub ip_whitelist: Vec<String>,
    pub ip_whitelist_strict: bool,
}

/// What an NS1 create or update asks to change; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct AccessChange {
    pub permissions: Option<Ns1Permissions>,
    /// Team ids as NS1 shows them (24 hex digits).
    pub teams: Option<Vec<String>>,
    pub ip_whitelist: Option<Vec<IpNetwork>>,
    pub ip_whitelist_strict: Option<bool>,
}

impl AccessChange {
    /// Whether the change concerns permissions (then the map decides from now on).
    fn sets_permissions(&self) -> bool {
        self.permissions.is_some() || self.teams.is_some()
    }
}

/// What authentication needs of a user or key: its permissions, and the networks it may call
/// from (empty: anywhere).
pub(crate) struct HolderAccess {
    pub permissions: BTreeSet<Permission>,
    pub networks: Vec<IpNetwork>,
    /// The zone and record lists of the holder's NS1 map; none for a role's permissions.
    pub zone_lists: Option<Arc<ZoneLists>>,
}

fn parse_map(stored: &serde_json::Value) -> Result<Ns1Permissions> {
    Ns1Permissions::from_json(stored)
        .map_err(|e| AppError::Internal(format!("stored permission map: {e}")))
}

/// The networks of a team's allow lists (`[{"name", "values": [...]}]`).
fn team_networks(team: &Team) -> impl Iterator<Item = IpNetwork> + '_ {
    team.ip_whitelist
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|list| list.get("values")?.as_array())
        .flatten()
        .filter_map(|v| v.as_str()?.parse().ok())
}

/// A user's or key's permissions and allowed networks, for authentication.
pub(crate) async fn holder_access(
    tx: &mut Tx,
    organization: OrganizationId,
    role: &str,
    holder: Uuid,
) -> Result<HolderAccess> {
    let grant = grants::get(tx, holder).await?.unwrap_or_default();
    let (permissions, zone_lists) = match &grant.permissions {
        Some(stored) => {
            let map = parse_map(stored)?;
            let lists = Arc::new(ZoneLists::from_dns(&map.dns));
            (map.tenantry_permissions(), Some(lists))
        }
        None => (role_permissions(tx, organization, role).await?, None),
    };
    let mut networks: Vec<IpNetwork> = grant
        .ip_whitelist
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    if !grant.ip_whitelist_strict {
        for team in teams::of_member(tx, holder).await? {
            networks.extend(team_networks(&team));
        }
    }
    Ok(HolderAccess {
        permissions,
        networks,
        zone_lists,
    })
}

/// A user's or key's access as NS1 shows it.
pub(crate) async fn access_of(
    tx: &mut Tx,
    organization: OrganizationId,
    role: &str,
    holder: Uuid,
) -> Result<Ns1Access> {
    let grant = grants::get(tx, holder).await?.unwrap_or_default();
    access_from(tx, organization, role, holder, grant).await
}

/// The access of a user or key whose grant was read already.
async fn access_from(
    tx: &mut Tx,
    organization: OrganizationId,
    role: &str,
    holder: Uuid,
    grant: Grant,
) -> Result<Ns1Access> {
    let permissions = match &grant.permissions {
        Some(stored) => parse_map(stored)?,
        None => Ns1Permissions::shown_for(&role_permissions(tx, organization, role).await?),
    };
    let teams = teams::of_member(tx, holder).await?;
    Ok(Ns1Access {
        permissions,
        teams: teams.into_iter().map(|t| t.id).collect(),
        ip_whitelist: grant.ip_whitelist,
        ip_whitelist_strict: grant.ip_whitelist_strict,
    })
}

/// An audit snapshot of a user or key with its NS1 access added.
pub(crate) fn with_access(
    mut snapshot: serde_json::Value,
    access: &Ns1Access,
) -> serde_json::Value {
    snapshot["ns1_permissions"] = access.permissions.to_json();
    snapshot["teams"] = serde_json::json!(access.teams);
    snapshot["ip_whitelist"] = serde_json::json!(access.ip_whitelist);
    snapshot["ip_whitelist_strict"] = serde_json::json!(access.ip_whitelist_strict);
    snapshot
}

/// A team of the organization by its NS1 id.
pub(crate) async fn team_by_short_id(
    tx: &mut Tx,
    organization: OrganizationId,
    id: &str,
) -> Result<Team> {
    let not_found = || AppError::not_found(NotFoundKind::Team, id);
    let (low, high) = short_id_range(id).ok_or_else(not_found)?;
    let mut found = teams::in_range(tx, organization, low, high).await?;
    match found.len() {
        1 => Ok(found.remove(0)),
        _ => Err(not_found()),
    }
}

/// A caller may give only permissions it holds itself, or that the user, key or team held
/// already (NS1 acts in the caller's home organization).
pub(crate) fn check_grantable(
    actor: &Actor,
    before: &BTreeSet<Permission>,
    after: &BTreeSet<Permission>,
) -> Result<()> {
    ensure_held(&actor.principal.home.permissions, before, after)
}

/// Applies an NS1 change to a user's or key's access and stores it. Returns the new access
/// and whether its permissions now come from its map (its role becomes `individual`).
///
/// With teams, the map is the union of the teams' maps (team permissions override the ones
/// set on the user or key). Without teams, it is the map sent, or else the last one held:
/// leaving every team keeps the permissions last inherited.
pub(crate) async fn change_access(
    tx: &mut Tx,
    auth: &Authorized,
    actor: &Actor,
    holder: Uuid,
    role: &str,
    change: AccessChange,
) -> Result<(Ns1Access, bool)> {
    let organization = auth.organization_id();
    let stored = grants::get(tx, holder).await?.unwrap_or_default();
    let individual = stored.permissions.is_some() || change.sets_permissions();
    let current = access_from(tx, organization, role, holder, stored).await?;
    let teams = match &change.teams {
        Some(ids) => {
            let mut found = Vec::with_capacity(ids.len());
            for id in ids {
                let team = team_by_short_id(tx, organization, id).await?;
                if !found.iter().any(|t: &Team| t.id == team.id) {
                    found.push(team);
                }
            }
            teams::set_memberships(
                tx,
                auth,
                holder,
                &found.iter().map(|t| t.id).collect::<Vec<_>>(),
            )
            .await?;
            found
        }
        None => teams::of_member(tx, holder).await?,
    };
    let permissions = if !teams.is_empty() {
        let maps = teams
            .iter()
            .map(|t| parse_map(&t.permissions))
            .collect::<Result<Vec<_>>>()?;
        Ns1Permissions::union(&maps)
    } else {
        change.permissions.unwrap_or(current.permissions.clone())
    };
    if individual {
        check_grantable(
            actor,
            &current.permissions.tenantry_permissions(),
            &permissions.tenantry_permissions(),
        )?;
    }
    let grant = Grant {
        permissions: individual.then(|| permissions.to_json()),
        ip_whitelist: match change.ip_whitelist {
            Some(list) => list.iter().map(IpNetwork::to_string).collect(),
            None => current.ip_whitelist,
        },
        ip_whitelist_strict: change
            .ip_whitelist_strict
            .unwrap_or(current.ip_whitelist_strict),
    };
    grants::put(tx, auth, holder, &grant).await?;
    let access = Ns1Access {
        permissions: if individual {
            permissions
        } else {
            current.permissions
        },
        teams: teams.iter().map(|t| t.id).collect(),
        ip_whitelist: grant.ip_whitelist,
        ip_whitelist_strict: grant.ip_whitelist_strict,
    };
    Ok((access, individual))
}

/// Recomputes the map of every member of a team after the team changed or was deleted. A
/// member left without teams keeps what it held.
pub(crate) async fn refresh_members(
    tx: &mut Tx,
    auth: &Authorized,
    members: &[Uuid],
) -> Result<()> {
    for member in members {
        let teams = teams::of_member(tx, *member).await?;
        if teams.is_empty() {
            continue;
        }
        let maps = teams
            .iter()
            .map(|t| parse_map(&t.permissions))
            .collect::<Result<Vec<_>>>()?;
        let mut grant = grants::get(tx, *member).await?.unwrap_or_default();
        grant.permissions = Some(Ns1Permissions::union(&maps).to_json());
        grants::put(tx, auth, *member, &grant).await?;
    }
    Ok(())
}

/// A role set through the Tenantry API decides again: the map and the teams are dropped.
pub(crate) async fn role_assigned(tx: &mut Tx, auth: &Authorized, holder: Uuid) -> Result<()> {
    teams::set_memberships(tx, auth, holder, &[]).await?;
    if let Some(mut grant) = grants::get(tx, holder).await? {
        grant.permissions = None;
        grants::put(tx, auth, holder, &grant).await?;
    }
    Ok(())
}
