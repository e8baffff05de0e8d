//! A change to a zone, worked out in memory: the rrsets of every name it touches are loaded,
//! the operations applied, the result checked, and only the rrsets that differ are written.
//! So a change costs in proportion to what it touches, not to the zone's size.

use std::collections::{BTreeMap, BTreeSet};

use crate::authz::Authorized;
use serde_json::{Map, Value, json};
use tenantry_core::dns::{ProtectedReason, RecordType, SoaTimers};
use tenantry_store::Tx;
use tenantry_store::dns::{self, Rrset, Zone};

use crate::error::{AppError, Result};

type Key = (String, String);

/// A change of a zone as its audit event and its journal entry tell it.
pub(super) struct ZoneChange {
    pub audit: Value,
    /// The rrsets as they were, and as they became (whole: IXFR removes and adds records).
    pub removed: Vec<Rrset>,
    pub added: Vec<Rrset>,
    /// The SOA timers before the change.
    pub timers_before: SoaTimers,
    /// The audit event's action.
    pub action: &'static str,
}

impl ZoneChange {
    /// A change of the zone's settings (its SOA), no rrset touched.
    pub fn of_settings(audit: Value, timers_before: SoaTimers) -> Self {
        ZoneChange {
            audit,
            removed: Vec::new(),
            added: Vec::new(),
            timers_before,
            action: "dns_zone.updated",
        }
    }
}

pub(super) struct Working {
    pub zone: Zone,
    before: BTreeMap<Key, Rrset>,
    after: BTreeMap<Key, Rrset>,
    names: BTreeSet<String>,
}

fn key(name: &str, rtype: RecordType) -> Key {
    (name.to_owned(), rtype.as_str().to_owned())
}

/// Refuses an operation on an rrset the server owns.
pub(super) fn refuse_protected(zone: &Zone, name: &str, rtype: RecordType) -> Result<()> {
    match ProtectedReason::of(&zone.name, name, rtype) {
        Some(reason) => Err(AppError::DnsProtected {
            zone_name: zone.name.clone(),
            rrset_name: name.to_owned(),
            rrset_type: rtype.as_str().to_owned(),
            reason: reason.as_str(),
        }),
        None => Ok(()),
    }
}

impl Working {
    pub fn new(zone: Zone) -> Self {
        Working {
            zone,
            before: BTreeMap::new(),
            after: BTreeMap::new(),
            names: BTreeSet::new(),
        }
    }

    /// Loads the rrsets of `name` unless already loaded.
    pub async fn load(&mut self, tx: &mut Tx, name: &str) -> Result<()> {
        if self.names.insert(name.to_owned()) {
            for rrset in dns::rrsets_at(tx, self.zone.id, name).await? {
                let k = (rrset.name.clone(), rrset.rtype.clone());
                self.before.insert(k.clone(), rrset.clone());
                self.after.insert(k, rrset);
            }
        }
        Ok(())
    }

    /// Loads the whole zone (for a replacement of all its rrsets).
    pub async fn load_all(&mut self, tx: &mut Tx) -> Result<()> {
        for rrset in dns::rrsets(tx, self.zone.id).await? {
            self.names.insert(rrset.name.clone());
            let k = (rrset.name.clone(), rrset.rtype.clone());
            self.before.insert(k.clone(), rrset.clone());
            self.after.insert(k, rrset);
        }
        Ok(())
    }

    pub fn put(&mut self, rrset: Rrset) {
        self.names.insert(rrset.name.clone());
        self.after
            .insert((rrset.name.clone(), rrset.rtype.clone()), rrset);
    }

    pub fn remove(&mut self, name: &str, rtype: RecordType) {
        self.after.remove(&key(name, rtype));
    }

    pub fn get(&self, name: &str, rtype: RecordType) -> Option<&Rrset> {
        self.after.get(&key(name, rtype))
    }

    /// Removes every rrset the server does not own (before a replacement set is put in).
    pub fn clear_modifiable(&mut self) {
        let apex = self.zone.name.clone();
        self.after.retain(|(name, rtype), _| {
            rtype
                .parse::<RecordType>()
                .is_ok_and(|t| ProtectedReason::of(&apex, name, t).is_some())
        });
    }

    /// The rules a zone keeps after any change, for every name it touched: a CNAME stands
    /// alone at its name, a CNAME or ALIAS rrset holds one record, and a signed zone holds
    /// no ALIAS.
    pub fn check(&self) -> Result<()> {
        let mut problems: BTreeMap<&'static str, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        for name in &self.names {
            let here: Vec<&Rrset> = self
                .after
                .range((name.clone(), String::new())..)
                .take_while(|((n, _), _)| n == name)
                .map(|(_, r)| r)
                .collect();
            let has = |t: RecordType| here.iter().any(|r| r.rtype == t.as_str());
            if has(RecordType::Alias) && self.zone.dnssec_status == super::dnssec::ENABLED {
                problems.entry("alias_conflicts").or_default().insert(
                    name.clone(),
                    vec![
                        "ALIAS records cannot be used in DNSSEC-enabled zones: their answers \
                         are made at query time and cannot be signed"
                            .into(),
                    ],
                );
            }
            if has(RecordType::Cname) && here.len() > 1 {
                problems.entry("cname_conflicts").or_default().insert(
                    name.clone(),
                    vec!["A CNAME cannot share its name with other records".into()],
                );
            }
            for rrset in &here {
                let singleton = rrset
                    .rtype
                    .parse::<RecordType>()
                    .is_ok_and(RecordType::is_singleton);
                if singleton && rrset.records.len() > 1 {
                    problems
                        .entry("single_record_types")
                        .or_default()
                        .entry(name.clone())
                        .or_default()
                        .push(format!("A {} rrset holds exactly one record", rrset.rtype));
                }
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(AppError::ZoneInvalid {
            zone_name: self.zone.name.clone(),
            errors: serde_json::to_value(problems).unwrap_or_default(),
        })
    }

    /// Whether anything differs from what was loaded.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }

    /// The name and type of every rrset that differs from what was loaded.
    pub fn changed_rrsets(&self) -> impl Iterator<Item = &(String, String)> {
        let removed = self.before.keys().filter(|k| !self.after.contains_key(*k));
        let written = self
            .after
            .iter()
            .filter(|(k, new)| self.before.get(*k) != Some(*new))
            .map(|(k, _)| k);
        removed.chain(written)
    }

    /// Writes the rrsets that differ; returns the change: its audit diff (`"NAME TYPE":
    /// {before, after}`, records and TTL) and, for the zone's journal, the rrsets as they were
    /// and as they became.
    pub async fn write(&self, tx: &mut Tx, auth: &Authorized) -> Result<ZoneChange> {
        let mut before = Map::new();
        let mut after = Map::new();
        let mut change = ZoneChange::of_settings(Value::Null, self.zone.timers);
        let show = |r: &Rrset| json!({"ttl": r.ttl, "records": r.records});
        for (k, old) in &self.before {
            if !self.after.contains_key(k) {
                dns::delete_rrset(tx, auth, &self.zone, &k.0, &k.1).await?;
                before.insert(format!("{} {}", k.0, k.1), show(old));
                change.removed.push(old.clone());
            }
        }
        for (k, new) in &self.after {
            let old = self.before.get(k);
            if old != Some(new) {
                dns::upsert_rrset(tx, auth, &self.zone, new).await?;
                if let Some(old) = old {
                    before.insert(format!("{} {}", k.0, k.1), show(old));
                    change.removed.push(old.clone());
                }
                after.insert(format!("{} {}", k.0, k.1), show(new));
                change.added.push(new.clone());
            }
        }
        change.audit = crate::audit::diff(&Value::Object(before), &Value::Object(after));
        Ok(change)
    }

    /// The records created, for a zone that was empty before.
    pub fn created(&self) -> impl Iterator<Item = &Rrset> {
        self.after.values()
    }
}
