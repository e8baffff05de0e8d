//! The JSON NS1 clients read: users, API keys, teams, operators and organizations.

use serde_json::{Value, json};
use tenantry_app::ns1::{IssuedOperator, Ns1Access, Ns1Key, Ns1User, Operator, Team, display_name};
use tenantry_app::organizations::Organization;
use tenantry_core::ns1::short_id;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::body::Ns1Body;
use super::error::Ns1Error;
use tenantry_app::ns1::AccessChange;

/// Seconds since the epoch as a JSON number.
fn epoch(at: OffsetDateTime) -> Value {
    json!(at.unix_timestamp())
}

/// ISO 8601 with milliseconds and `Z`, as NS1 writes times.
fn iso(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let at = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

fn access_fields(out: &mut Value, access: &Ns1Access) {
    out["teams"] = json!(
        access
            .teams
            .iter()
            .map(|t| short_id(*t))
            .collect::<Vec<_>>()
    );
    out["permissions"] = access.permissions.to_json();
    out["ip_whitelist"] = json!(access.ip_whitelist);
    out["ip_whitelist_strict"] = json!(access.ip_whitelist_strict);
}

pub(crate) fn user_json(user: &Ns1User) -> Value {
    let u = &user.user;
    let mut out = json!({
        "username": u.username,
        "name": display_name(u),
        "email": u.email,
        // Users do not sign in yet (the dashboard is planned), so none has a last access.
        "last_access": null,
        "created": epoch(u.created_on),
        "2fa_enabled": false,
    });
    access_fields(&mut out, &user.access);
    out
}

pub(crate) fn key_json(key: &Ns1Key) -> Value {
    let c = &key.credential;
    let mut out = json!({
        "id": short_id(c.id.uuid()),
        "name": c.name,
    });
    if let Some(at) = c.last_used_on {
        out["last_access"] = epoch(at);
    }
    if let Some((key, client_secret)) = &key.secrets {
        out["key"] = json!(key);
        // The key is a Tenantry credential too: this secret trades for OAuth access tokens.
        out["client_secret"] = json!(client_secret);
    }
    access_fields(&mut out, &key.access);
    out
}

pub(crate) fn team_json(team: &Team) -> Value {
    json!({
        "id": short_id(team.id),
        "name": team.name,
        "permissions": team.permissions,
        "ip_whitelist": team.ip_whitelist,
    })
}

pub(crate) fn operator_json(operator: &Operator) -> Value {
    json!({
        "id": short_id(operator.id.uuid()),
        "user": operator.username,
        "name": operator.name,
        "email": operator.email,
        "last_access": operator.last_access_on.map(epoch),
        "created": epoch(operator.created_on),
    })
}

/// A new operator, with its key and TOTP secret shown this once.
pub(crate) fn issued_operator_json(issued: &IssuedOperator) -> Value {
    let mut out = operator_json(&issued.operator);
    out["key"] = json!(issued.key);
    out["two_factor_auth"] = json!({"type": "totp", "secret": issued.totp_secret});
    out
}

pub(crate) fn org_json(org: &Organization) -> Value {
    json!({
        "org_id": org.org_id,
        "id": org.id.to_string(),
        "name": org.profile.name,
        "ts_create": iso(org.created_on),
        "ts_update": iso(org.updated_on),
    })
}

/// The access fields of a user or key body.
pub(crate) fn access_change(body: &Ns1Body) -> Result<AccessChange, Ns1Error> {
    Ok(AccessChange {
        permissions: body.permissions()?,
        teams: body.strings("teams")?,
        ip_whitelist: body.networks("ip_whitelist")?,
        ip_whitelist_strict: body.flag("ip_whitelist_strict")?,
    })
}
