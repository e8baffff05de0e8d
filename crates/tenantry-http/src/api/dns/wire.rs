//! The wire shapes of zones, rrsets and change reports.

use serde::Serialize;
use serde_json::{Value, json};
use tenantry_app::dns::{RrsetView, ZoneChanges, ZoneView};
use tenantry_core::dns::ZoneName;
use utoipa::ToSchema;

use crate::wire::time;

#[derive(ToSchema, Serialize)]
pub(crate) struct RecordWire {
    rdata: String,
    protected: bool,
    protected_reason: Option<&'static str>,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct RrsetWire {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    ttl: u32,
    protected: bool,
    protected_reason: Option<&'static str>,
    records: Vec<RecordWire>,
}

impl From<RrsetView> for RrsetWire {
    fn from(view: RrsetView) -> Self {
        let reason = view.protected.map(|r| r.as_str());
        RrsetWire {
            records: view
                .records
                .into_iter()
                .map(|rdata| RecordWire {
                    rdata,
                    protected: reason.is_some(),
                    protected_reason: reason,
                })
                .collect(),
            name: view.name,
            rtype: view.rtype,
            ttl: view.ttl,
            protected: reason.is_some(),
            protected_reason: reason,
        }
    }
}

#[derive(ToSchema, Serialize)]
pub(crate) struct ZoneWire {
    dns_zone_id: tenantry_core::ZoneId,
    name: String,
    dnssec_status: String,
    domain_parts: Value,
    rrsets: Vec<RrsetWire>,
    tags: Option<Vec<Value>>,
    vanity_nameserver_set_id: Option<String>,
    created_on: String,
    updated_on: String,
}

impl From<ZoneView> for ZoneWire {
    fn from(view: ZoneView) -> Self {
        let zone = view.zone;
        let (subdomain, domain, suffix) = ZoneName::parse(&zone.name)
            .map(|n| n.parts())
            .unwrap_or_default();
        ZoneWire {
            dns_zone_id: zone.id,
            domain_parts: json!({"subdomain": subdomain, "domain": domain, "suffix": suffix}),
            name: zone.name,
            dnssec_status: zone.dnssec_status,
            rrsets: view.rrsets.into_iter().map(Into::into).collect(),
            tags: None,
            vanity_nameserver_set_id: None,
            created_on: time(zone.created_on),
            updated_on: time(zone.updated_on),
        }
    }
}

#[derive(ToSchema, Serialize)]
pub(crate) struct ChangeWire {
    action: &'static str,
    rrset_name: Option<String>,
    rrset_type: Option<String>,
    record_data: Option<String>,
    ttl: Option<u32>,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct ChangesWire {
    zone_name: String,
    changeset_id: String,
    num_changes: usize,
    changes: Vec<ChangeWire>,
    dnssec_registry_publish: Option<&'static str>,
}

impl From<ZoneChanges> for ChangesWire {
    fn from(changes: ZoneChanges) -> Self {
        ChangesWire {
            zone_name: changes.zone_name,
            changeset_id: changes.changeset_id.to_string(),
            num_changes: changes.changes.len(),
            changes: changes
                .changes
                .into_iter()
                .map(|c| ChangeWire {
                    action: c.action,
                    rrset_name: c.rrset_name,
                    rrset_type: c.rrset_type,
                    record_data: c.record_data,
                    ttl: c.ttl,
                })
                .collect(),
            dnssec_registry_publish: None,
        }
    }
}
