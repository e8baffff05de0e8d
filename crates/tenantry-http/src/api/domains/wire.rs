//! The reference's domain shapes: `DomainResponse` out, `DomainCreate`/`DomainUpdate`
//! pieces in (contacts by role, name servers, periods, money).

use serde::Serialize;
use serde_json::Value;
use tenantry_app::domains::{CONTACT_ROLES, Domain, DomainState, Nameserver};
use tenantry_core::billing::Minor;
use tenantry_core::{ContactId, DomainId, OrganizationId};
use utoipa::ToSchema;

use crate::wire::{Check, time};

#[derive(ToSchema, Serialize)]
pub(crate) struct DomainContactWire {
    contact_id: ContactId,
    contact_type: String,
}

/// The reference's `DomainResponse` (its optional parts this platform has no use for are
/// `null` or empty), plus `state`, where the domain is in its life here.
#[derive(ToSchema, Serialize)]
pub(crate) struct DomainWire {
    domain_id: DomainId,
    name: String,
    sld: String,
    tld: String,
    roid: String,
    owner_id: OrganizationId,
    state: &'static str,
    renewal_mode: String,
    renewal_period: Option<&'static str>,
    transfer_lock: bool,
    is_premium: bool,
    read_only: bool,
    registry_statuses: Vec<String>,
    statuses: Vec<String>,
    contacts: Vec<DomainContactWire>,
    #[schema(value_type = Vec<Object>, max_items = 0)]
    hosts: [(); 0],
    nameservers: Value,
    auth_code: Option<String>,
    auth_code_expires_on: Option<String>,
    registered_on: Option<String>,
    expires_on: Option<String>,
    transferred_on: Option<String>,
    canceled_on: Option<String>,
    deleted_on: Option<String>,
    created_on: String,
    updated_on: String,
}

impl From<Domain> for DomainWire {
    fn from(d: Domain) -> Self {
        let renews = d.renewal_mode == "renew";
        DomainWire {
            domain_id: d.id,
            sld: d.sld,
            tld: d.tld,
            roid: d.roid.unwrap_or_default(),
            owner_id: d.organization_id,
            state: d.state.as_str(),
            renewal_period: renews.then_some("P1Y"),
            renewal_mode: d.renewal_mode,
            transfer_lock: d
                .client_statuses
                .iter()
                .any(|s| s == "clientTransferProhibited"),
            is_premium: d.is_premium,
            read_only: d.state != DomainState::Active,
            registry_statuses: d.registry_statuses,
            statuses: d.client_statuses,
            contacts: d
                .contacts
                .into_iter()
                .map(|(role, id)| DomainContactWire {
                    contact_id: id,
                    contact_type: role,
                })
                .collect(),
            hosts: [],
            nameservers: d.nameservers,
            auth_code: None,
            auth_code_expires_on: None,
            registered_on: d.registered_on.map(time),
            expires_on: d.expires_on.map(time),
            transferred_on: None,
            canceled_on: None,
            deleted_on: d.deleted_on.map(time),
            created_on: time(d.created_on),
            updated_on: time(d.updated_on),
            name: d.name,
        }
    }
}

impl DomainWire {
    pub(crate) fn with_auth_code(mut self, code: Option<String>) -> Self {
        self.auth_code = code;
        self
    }
}

/// Contacts by role, in either of the reference's forms: `{"registrant": "contact_…"}` or
/// `{"registrant": [{"contact_id": "contact_…", "attributes": {…}}]}`; one contact per role.
pub(crate) fn contacts(check: &mut Check, raw: &Value) -> Vec<(String, ContactId)> {
    let Some(object) = raw.as_object() else {
        check.fail(
            "contacts",
            "an object of contacts by role (registrant, admin, tech, billing)",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (role, value) in object {
        if !CONTACT_ROLES.contains(&role.as_str()) {
            check.fail(
                "contacts",
                format!(
                    "{role:?} is not a contact role: {}",
                    CONTACT_ROLES.join(", ")
                ),
            );
            continue;
        }
        let id = match value {
            Value::String(id) => Some(id.as_str()),
            Value::Array(handles) if handles.len() == 1 => handles[0]["contact_id"].as_str(),
            _ => None,
        };
        match id.and_then(|id| id.parse::<ContactId>().ok()) {
            Some(id) => out.push((role.clone(), id)),
            None => check.fail(
                "contacts",
                format!("{role}: one contact id (contact_…), or a list of one contact handle"),
            ),
        }
    }
    out
}

/// Name servers: `[{"hostname", "ip_addresses"}]`, host names checked, at most 13.
pub(crate) fn nameservers(check: &mut Check, raw: &Value) -> Vec<Nameserver> {
    let parsed: Option<Vec<Nameserver>> = serde_json::from_value(raw.clone()).ok();
    let Some(list) = parsed.filter(|l| l.len() <= 13) else {
        check.fail(
            "nameservers",
            "a list of at most 13 {\"hostname\", \"ip_addresses\"}",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for ns in list {
        match tenantry_core::dns::ZoneName::parse(&ns.hostname) {
            Ok(host) => {
                let bad_ip = ns
                    .ip_addresses
                    .iter()
                    .find(|ip| ip.parse::<std::net::IpAddr>().is_err());
                if let Some(ip) = bad_ip {
                    check.fail("nameservers", format!("{ip:?} is not an IP address"));
                }
                out.push(Nameserver {
                    hostname: host.bare().to_owned(),
                    ip_addresses: ns.ip_addresses,
                });
            }
            Err(e) => check.fail("nameservers", e.0),
        }
    }
    out
}

/// A period: `{"value": n, "unit": "y"}` (whole years; 12 months is a year).
pub(crate) fn period_years(check: &mut Check, raw: &Value) -> Option<i64> {
    let value = raw["value"].as_i64();
    let years = match (value, raw["unit"].as_str()) {
        (Some(v), Some("y")) => Some(v),
        (Some(v), Some("m")) if v % 12 == 0 => Some(v / 12),
        _ => None,
    };
    if years.is_none() {
        check.fail(
            "period",
            "{\"value\": n, \"unit\": \"y\"}: a whole number of years",
        );
    }
    years
}

/// `renew` or `expire`.
pub(crate) fn renewal_mode(check: &mut Check, raw: &str) -> Option<String> {
    if matches!(raw, "renew" | "expire") {
        Some(raw.to_owned())
    } else {
        check.fail("renewal_mode", "renew or expire");
        None
    }
}

/// A price as the reference writes it: `"12.50"` (two decimals); absent or null is none, and
/// anything else (a number among them) is refused rather than ignored.
pub(crate) fn money(check: &mut Check, field: &str, raw: Option<&Value>) -> Option<Minor> {
    let raw = match raw? {
        Value::Null => return None,
        Value::String(text) => text.as_str(),
        _ => {
            check.fail(field, "a price with two decimals, like \"12.50\"");
            return None;
        }
    };
    let strict = raw
        .split_once('.')
        .is_some_and(|(int, dec)| !int.is_empty() && dec.len() == 2);
    match Minor::parse(raw, false).ok().filter(|_| strict) {
        Some(m) => Some(m),
        None => {
            check.fail(field, "a price with two decimals, like \"12.50\"");
            None
        }
    }
}
