//! The NS1 permission map (users, teams and API keys share it) and how it maps onto
//! Tenantry's `resource:scope` permissions, which are what every check uses underneath.
//!
//! A map read from a client is merged with the defaults (every flag false, every list empty;
//! `null` reads as the default), and a map is always written out whole.

use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::permission::{Permission, Resource, Scope};

fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Declares one section of the map: its flags, then its lists.
macro_rules! section {
    ($name:ident { $($flag:ident),* $(; $($list:ident),*)? }) => {
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(default)]
        pub struct $name {
            $(#[serde(deserialize_with = "null_as_default")] pub $flag: bool,)*
            $($(#[serde(deserialize_with = "null_as_default")] pub $list: Vec<Value>,)*)?
        }
    };
}

section!(DnsSection { view_zones, manage_zones, zones_allow_by_default;
    zones_allow, zones_deny, records_allow, records_deny });
section!(DataSection {
    push_to_datafeeds,
    manage_datasources,
    manage_datafeeds
});
section!(AccountSection {
    manage_users,
    manage_teams,
    manage_apikeys,
    manage_account_settings,
    view_activity_log,
    manage_ip_whitelist,
    manage_payment_methods,
    manage_plan,
    view_invoices
});
section!(MonitoringSection {
    view_jobs,
    manage_jobs,
    create_jobs,
    update_jobs,
    delete_jobs,
    manage_lists
});
section!(SecuritySection {
    manage_global_2fa,
    manage_active_directory
});
section!(RedirectsSection { manage_redirects });
section!(InsightsSection {
    view_insights,
    manage_insights
});
section!(DhcpSection { manage_dhcp, view_dhcp; tags_allow, tags_deny });
section!(IpamSection { manage_ipam, view_ipam; tags_allow, tags_deny });

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ns1Permissions {
    #[serde(deserialize_with = "null_as_default")]
    pub dns: DnsSection,
    #[serde(deserialize_with = "null_as_default")]
    pub data: DataSection,
    #[serde(deserialize_with = "null_as_default")]
    pub account: AccountSection,
    #[serde(deserialize_with = "null_as_default")]
    pub monitoring: MonitoringSection,
    #[serde(deserialize_with = "null_as_default")]
    pub security: SecuritySection,
    #[serde(deserialize_with = "null_as_default")]
    pub redirects: RedirectsSection,
    #[serde(deserialize_with = "null_as_default")]
    pub insights: InsightsSection,
    #[serde(deserialize_with = "null_as_default")]
    pub dhcp: DhcpSection,
    #[serde(deserialize_with = "null_as_default")]
    pub ipam: IpamSection,
}

const fn p(resource: Resource, scope: Scope) -> Permission {
    Permission::new(resource, scope)
}

const fn all_scopes(resource: Resource) -> [Permission; 3] {
    [
        p(resource, Scope::Read),
        p(resource, Scope::Manage),
        p(resource, Scope::Delete),
    ]
}

/// One NS1 flag: the Tenantry permissions it grants, and the permission whose holder it is
/// shown set for when the permissions come from a Tenantry role.
pub struct FlagMapping {
    pub section: &'static str,
    pub flag: &'static str,
    pub grants: &'static [Permission],
    pub shown_for: Option<Permission>,
}

const fn flag(
    section: &'static str,
    flag: &'static str,
    grants: &'static [Permission],
    shown_for: Option<Permission>,
) -> FlagMapping {
    FlagMapping {
        section,
        flag,
        grants,
        shown_for,
    }
}

use Resource::*;

use crate::perms::{BILLING_MANAGE, BILLING_READ, DNS_READ, ORG_MANAGE};

/// Every NS1 flag with a Tenantry meaning. Flags not listed (data feeds, monitoring, 2FA,
/// insights, DHCP, IPAM) concern services Tenantry does not run: they are kept and returned
/// as set, and grant nothing. `docs/NS1.md` shows this table.
pub const FLAG_MAPPINGS: &[FlagMapping] = &[
    flag("dns", "view_zones", &[DNS_READ], Some(DNS_READ)),
    flag(
        "dns",
        "manage_zones",
        &[p(Dns, Scope::Manage), p(Dns, Scope::Delete)],
        Some(p(Dns, Scope::Manage)),
    ),
    flag("dns", "zones_allow_by_default", &[], Some(DNS_READ)),
    flag(
        "account",
        "manage_users",
        &all_scopes(Users),
        Some(p(Users, Scope::Manage)),
    ),
    flag(
        "account",
        "manage_teams",
        &all_scopes(Teams),
        Some(p(Teams, Scope::Manage)),
    ),
    flag(
        "account",
        "manage_apikeys",
        &all_scopes(ApiKeys),
        Some(p(ApiKeys, Scope::Manage)),
    ),
    flag(
        "account",
        "manage_account_settings",
        &[p(Organization, Scope::Read), ORG_MANAGE],
        Some(ORG_MANAGE),
    ),
    flag(
        "account",
        "view_activity_log",
        &[p(AuditLogs, Scope::Read), p(Events, Scope::Read)],
        Some(p(AuditLogs, Scope::Read)),
    ),
    flag("account", "manage_ip_whitelist", &[], Some(ORG_MANAGE)),
    flag(
        "account",
        "manage_payment_methods",
        &[BILLING_READ, BILLING_MANAGE],
        Some(BILLING_MANAGE),
    ),
    flag(
        "account",
        "manage_plan",
        &[BILLING_READ, BILLING_MANAGE],
        Some(BILLING_MANAGE),
    ),
    flag(
        "account",
        "view_invoices",
        &[BILLING_READ],
        Some(BILLING_READ),
    ),
    flag(
        "redirects",
        "manage_redirects",
        &all_scopes(DomainForwards),
        Some(p(DomainForwards, Scope::Manage)),
    ),
];

/// What every user or key whose permissions come from an NS1 map holds whatever its flags:
/// reading its own organization's profile, as every NS1 user sees its account.
pub const BASELINE: Permission = p(Organization, Scope::Read);

/// The flags of a map as `(section, flag, value)`.
fn flags(map: &Value) -> impl Iterator<Item = (&str, &str, bool)> {
    map.as_object()
        .into_iter()
        .flatten()
        .flat_map(|(section, fields)| {
            fields
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(move |(name, value)| {
                    value
                        .as_bool()
                        .map(|set| (section.as_str(), name.as_str(), set))
                })
        })
}

impl Ns1Permissions {
    /// Reads a client's (possibly partial) map; unknown sections and flags are ignored.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        serde_json::from_value(value.clone()).map_err(|e| e.to_string())
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("the map serializes")
    }

    /// The map a Tenantry role's permissions amount to.
    pub fn shown_for(permissions: &BTreeSet<Permission>) -> Self {
        let mut map = Self::default().to_json();
        set_all(&mut map, &mut |section, name| {
            FLAG_MAPPINGS
                .iter()
                .find(|m| m.section == section && m.flag == name)
                .and_then(|m| m.shown_for)
                .is_some_and(|needed| permissions.contains(&needed))
        });
        Self::from_json(&map).expect("a full map")
    }

    /// What members of several teams hold: every flag any of them sets, every list entry any
    /// of them names.
    pub fn union<'a>(maps: impl IntoIterator<Item = &'a Ns1Permissions>) -> Self {
        let mut out = Self::default().to_json();
        for map in maps {
            merge_union(&mut out, &map.to_json());
        }
        Self::from_json(&out).expect("a union of maps")
    }

    /// The Tenantry permissions this map grants.
    pub fn tenantry_permissions(&self) -> BTreeSet<Permission> {
        let map = self.to_json();
        let mut out = BTreeSet::from([BASELINE]);
        for (section, name, set) in flags(&map) {
            if !set {
                continue;
            }
            if let Some(mapping) = FLAG_MAPPINGS
                .iter()
                .find(|m| m.section == section && m.flag == name)
            {
                out.extend(mapping.grants.iter().copied());
            }
        }
        out
    }
}

fn set_all(map: &mut Value, decide: &mut impl FnMut(&str, &str) -> bool) {
    for (section, fields) in map.as_object_mut().into_iter().flatten() {
        for (name, value) in fields.as_object_mut().into_iter().flatten() {
            if value.is_boolean() {
                *value = Value::Bool(decide(section, name));
            }
        }
    }
}

fn merge_union(into: &mut Value, from: &Value) {
    let (Some(into), Some(from)) = (into.as_object_mut(), from.as_object()) else {
        return;
    };
    for (key, value) in from {
        match (into.get_mut(key), value) {
            (Some(Value::Bool(a)), Value::Bool(b)) => *a |= *b,
            (Some(Value::Array(a)), Value::Array(b)) => {
                for item in b {
                    if !a.contains(item) {
                        a.push(item.clone());
                    }
                }
            }
            (Some(nested @ Value::Object(_)), Value::Object(_)) => merge_union(nested, value),
            _ => {}
        }
    }
}

/// An NS1 object id: 24 hex digits, the first 12 bytes of the object's UUIDv7 (its 48-bit
/// time, version and 30 random bits), so it needs no column of its own.
pub fn short_id(uuid: uuid::Uuid) -> String {
    hex::encode(&uuid.as_bytes()[..12])
}

/// The range of UUIDs a short id can stand for, for a range look-up on the primary key.
pub fn short_id_range(id: &str) -> Option<(uuid::Uuid, uuid::Uuid)> {
    if id.len() != 24 {
        return None;
    }
    let prefix = hex::decode(id).ok()?;
    let mut low = [0u8; 16];
    let mut high = [0xffu8; 16];
    low[..12].copy_from_slice(&prefix);
    high[..12].copy_from_slice(&prefix);
    Some((uuid::Uuid::from_bytes(low), uuid::Uuid::from_bytes(high)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_maps_are_completed_and_nulls_read_as_defaults() {
        let map = Ns1Permissions::from_json(&json!({
            "dns": {"view_zones": true, "zones_allow": null},
            "account": null,
            "unknown": {"x": true}
        }))
        .unwrap();
        assert!(map.dns.view_zones);
        assert!(map.dns.zones_allow.is_empty());
        let out = map.to_json();
        assert_eq!(out["account"]["manage_users"], json!(false));
        assert_eq!(out["ipam"]["tags_deny"], json!([]));
        assert!(out.get("unknown").is_none());
    }

    #[test]
    fn a_union_sets_what_any_team_sets() {
        let a = Ns1Permissions::from_json(&json!({"account": {"manage_account_settings": true}}))
            .unwrap();
        let b = Ns1Permissions::from_json(&json!({"account": {"manage_apikeys": true},
            "dns": {"zones_allow": ["a.test"]}}))
        .unwrap();
        let both = Ns1Permissions::union([&a, &b]);
        assert!(both.account.manage_account_settings && both.account.manage_apikeys);
        assert!(!both.account.manage_users);
        assert_eq!(both.dns.zones_allow, vec![json!("a.test")]);
    }

    #[test]
    fn flags_map_to_tenantry_permissions_and_back() {
        let map =
            Ns1Permissions::from_json(&json!({"dns": {"view_zones": true, "manage_zones": true},
            "account": {"manage_users": true}}))
            .unwrap();
        let granted = map.tenantry_permissions();
        assert!(granted.contains(&p(Dns, Scope::Delete)));
        assert!(granted.contains(&p(Users, Scope::Manage)));
        assert!(!granted.contains(&p(ApiKeys, Scope::Read)));
        let shown = Ns1Permissions::shown_for(&granted);
        assert!(shown.dns.view_zones && shown.dns.manage_zones && shown.account.manage_users);
        assert!(!shown.account.manage_apikeys);
    }

    #[test]
    fn short_ids_round_trip_through_their_range() {
        let id = uuid::Uuid::now_v7();
        let (low, high) = short_id_range(&short_id(id)).unwrap();
        assert!(low <= id && id <= high);
        assert!(short_id_range("zz").is_none());
    }
}
