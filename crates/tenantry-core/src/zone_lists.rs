//! Which zones and records a holder of an NS1 permission map may touch: its `dns` section's
//! `zones_allow_by_default`, `zones_allow`, `zones_deny`, `records_allow` and `records_deny`.
//!
//! - `zones_allow_by_default: true`: every zone except those in `zones_deny`; `false`: only
//!   the zones in `zones_allow`.
//! - A record (`{"domain", "include_subdomains", "zone", "type"}`) in `records_deny` is out of
//!   reach even in a zone the zone lists admit; one in `records_allow` is in reach even in a
//!   zone they do not, which then shows only such records.
//!
//! Holders whose permissions come from a Tenantry role have no lists: they reach every zone.

use serde_json::Value;

use crate::ns1::DnsSection;

/// A name as the lists compare it: lower case, without the final dot.
fn bare(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// One entry of `records_allow` or `records_deny`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRule {
    pub zone: String,
    pub domain: String,
    pub include_subdomains: bool,
    /// `None`: every type.
    pub rtype: Option<String>,
}

impl RecordRule {
    fn parse(value: &Value) -> Option<Self> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(bare);
        Some(Self {
            zone: text("zone").unwrap_or_default(),
            domain: text("domain")?,
            include_subdomains: value
                .get("include_subdomains")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            rtype: text("type")
                .filter(|t| !t.is_empty())
                .map(|t| t.to_ascii_uppercase()),
        })
    }

    /// Whether the rule names a record of `zone`; one without a zone names its zone only
    /// through its domain.
    fn in_zone(&self, zone: &str) -> bool {
        if self.zone.is_empty() {
            self.domain == zone || self.domain.ends_with(&format!(".{zone}"))
        } else {
            self.zone == zone
        }
    }

    /// The zones the rule may name: its zone, or every name its domain ends with.
    fn zones(&self) -> Vec<String> {
        if !self.zone.is_empty() {
            return vec![self.zone.clone()];
        }
        let mut names = Vec::new();
        let mut rest = self.domain.as_str();
        loop {
            names.push(rest.to_owned());
            match rest.split_once('.') {
                Some((_, parent)) => rest = parent,
                None => return names,
            }
        }
    }

    fn matches(&self, zone: &str, domain: &str, rtype: &str) -> bool {
        (self.zone.is_empty() || self.zone == zone)
            && (self.domain == domain
                || (self.include_subdomains && domain.ends_with(&format!(".{}", self.domain))))
            && self.rtype.as_deref().is_none_or(|t| t == rtype)
    }
}

/// The zone and record lists of one holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneLists {
    allow_by_default: bool,
    zones_allow: Vec<String>,
    zones_deny: Vec<String>,
    records_allow: Vec<RecordRule>,
    records_deny: Vec<RecordRule>,
}

/// The zones a holder can see, as a list query filters them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneScope {
    /// Only these zones (bare names).
    Only(Vec<String>),
    /// Every zone but these.
    Except(Vec<String>),
}

impl ZoneLists {
    pub fn from_dns(dns: &DnsSection) -> Self {
        let names = |list: &[Value]| {
            list.iter()
                .filter_map(Value::as_str)
                .map(bare)
                .collect::<Vec<_>>()
        };
        let rules = |list: &[Value]| list.iter().filter_map(RecordRule::parse).collect();
        Self {
            allow_by_default: dns.zones_allow_by_default,
            zones_allow: names(&dns.zones_allow),
            zones_deny: names(&dns.zones_deny),
            records_allow: rules(&dns.records_allow),
            records_deny: rules(&dns.records_deny),
        }
    }

    /// Whether the zone lists admit the zone itself: its settings, its deletion, and every
    /// record not denied.
    pub fn admits_zone(&self, zone: &str) -> bool {
        let zone = bare(zone);
        if self.allow_by_default {
            !self.zones_deny.contains(&zone)
        } else {
            self.zones_allow.contains(&zone)
        }
    }

    /// Whether the holder sees the zone at all: the zone lists admit it, or a record of it
    /// is allowed.
    pub fn sees_zone(&self, zone: &str) -> bool {
        self.admits_zone(zone) || {
            let zone = bare(zone);
            self.records_allow.iter().any(|rule| rule.in_zone(&zone))
        }
    }

    /// Whether the holder may read or change the rrset `domain`/`rtype` of `zone`.
    pub fn admits_record(&self, zone: &str, domain: &str, rtype: &str) -> bool {
        let (zone_bare, domain) = (bare(zone), bare(domain));
        let rtype = rtype.to_ascii_uppercase();
        let named = |rules: &[RecordRule]| {
            rules
                .iter()
                .any(|rule| rule.matches(&zone_bare, &domain, &rtype))
        };
        !named(&self.records_deny) && (self.admits_zone(zone) || named(&self.records_allow))
    }

    /// The zones the holder sees, for a list query.
    pub fn scope(&self) -> ZoneScope {
        let through_records: Vec<String> = self
            .records_allow
            .iter()
            .flat_map(RecordRule::zones)
            .collect();
        if self.allow_by_default {
            ZoneScope::Except(
                self.zones_deny
                    .iter()
                    .filter(|zone| !self.sees_zone(zone))
                    .cloned()
                    .collect(),
            )
        } else {
            let mut only = self.zones_allow.clone();
            only.extend(through_records);
            only.sort();
            only.dedup();
            ZoneScope::Only(only)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ns1::Ns1Permissions;

    fn lists(dns: Value) -> ZoneLists {
        let map = Ns1Permissions::from_json(&json!({ "dns": dns })).unwrap();
        ZoneLists::from_dns(&map.dns)
    }

    #[test]
    fn allow_by_default_admits_every_zone_but_the_denied_ones() {
        let l = lists(json!({"zones_allow_by_default": true, "zones_deny": ["secret.test"]}));
        assert!(l.admits_zone("open.test."));
        assert!(!l.admits_zone("Secret.TEST."));
        assert_eq!(l.scope(), ZoneScope::Except(vec!["secret.test".into()]));
    }

    #[test]
    fn without_allow_by_default_only_the_allowed_zones_are_admitted() {
        let l = lists(json!({"zones_allow": ["a.test"]}));
        assert!(l.admits_zone("a.test."));
        assert!(!l.admits_zone("b.test."));
        assert_eq!(l.scope(), ZoneScope::Only(vec!["a.test".into()]));
        assert!(!lists(json!({})).sees_zone("a.test."));
    }

    #[test]
    fn record_rules_refine_the_zone_lists() {
        let l = lists(json!({
            "zones_allow": ["a.test"],
            "records_deny": [{"zone": "a.test", "domain": "admin.a.test", "type": "A"}],
            "records_allow": [{"zone": "b.test", "domain": "www.b.test",
                               "include_subdomains": true, "type": ""}],
        }));
        assert!(l.admits_record("a.test.", "www.a.test.", "A"));
        assert!(!l.admits_record("a.test.", "admin.a.test.", "a"));
        assert!(l.admits_record("a.test.", "admin.a.test.", "TXT"));
        // b.test is seen through its allowed record, which alone is in reach.
        assert!(l.sees_zone("b.test."));
        assert!(!l.admits_zone("b.test."));
        assert!(l.admits_record("b.test.", "www.b.test.", "CNAME"));
        assert!(l.admits_record("b.test.", "x.www.b.test.", "A"));
        assert!(!l.admits_record("b.test.", "mail.b.test.", "A"));
        assert_eq!(
            l.scope(),
            ZoneScope::Only(vec!["a.test".into(), "b.test".into()])
        );
    }
}
