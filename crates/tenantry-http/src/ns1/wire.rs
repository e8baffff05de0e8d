//! The JSON NS1 clients read: users, API keys, teams, operators and organizations.

use serde::Serialize;
use serde_json::Value;
use tenantry_app::ns1::{IssuedOperator, Ns1Access, Ns1Key, Ns1User, Operator, Team, display_name};
use tenantry_app::organizations::Organization;
use tenantry_core::ns1::{Ns1Permissions, short_id};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use super::body::Ns1Body;
use super::error::Ns1Error;
use tenantry_app::ns1::AccessChange;

/// Seconds since the epoch.
fn epoch(at: OffsetDateTime) -> i64 {
    at.unix_timestamp()
}

/// ISO 8601 with milliseconds and `Z`, as NS1 writes times.
fn iso(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let at = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// What a user or key may do: teams, the permission map, allowed networks.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1AccessWire {
    teams: Vec<String>,
    /// NS1's permission map (`dns`, `data`, `account`, `monitoring`, `security`, each a map of
    /// flags; `dns` also `zones_allow`, `zones_deny`, `zones_allow_by_default`, …).
    #[schema(value_type = Object)]
    permissions: Ns1Permissions,
    ip_whitelist: Vec<String>,
    ip_whitelist_strict: bool,
}

impl From<&Ns1Access> for Ns1AccessWire {
    fn from(access: &Ns1Access) -> Self {
        Ns1AccessWire {
            teams: access.teams.iter().map(|t| short_id(*t)).collect(),
            permissions: access.permissions.clone(),
            ip_whitelist: access.ip_whitelist.clone(),
            ip_whitelist_strict: access.ip_whitelist_strict,
        }
    }
}

/// A user as NS1 shows one.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1UserWire {
    username: String,
    name: String,
    email: Option<String>,
    /// Users sign in to the dashboard, not through NS1's API, so none has a last access here.
    last_access: Option<i64>,
    created: i64,
    #[serde(rename = "2fa_enabled")]
    two_factor_enabled: bool,
    #[serde(flatten)]
    access: Ns1AccessWire,
}

pub(crate) fn user_json(user: &Ns1User) -> Ns1UserWire {
    let u = &user.user;
    Ns1UserWire {
        username: u.username.clone(),
        name: display_name(u),
        email: u.email.clone(),
        last_access: None,
        created: epoch(u.created_on),
        two_factor_enabled: false,
        access: (&user.access).into(),
    }
}

/// An API key as NS1 shows one; `key` and `client_secret` only in the answer that made them.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1KeyWire {
    id: String,
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_access: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    /// The key is a Tenantry credential too: this secret trades for OAuth access tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    #[serde(flatten)]
    access: Ns1AccessWire,
}

pub(crate) fn key_json(key: &Ns1Key) -> Ns1KeyWire {
    let c = &key.credential;
    let (secret, client_secret) = match &key.secrets {
        Some((secret, client_secret)) => (Some(secret.clone()), Some(client_secret.clone())),
        None => (None, None),
    };
    Ns1KeyWire {
        id: short_id(c.id.uuid()),
        name: c.name.clone(),
        last_access: c.last_used_on.map(epoch),
        key: secret,
        client_secret,
        access: (&key.access).into(),
    }
}

/// A team: its permission map and allowed networks, which its members follow.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1TeamWire {
    id: String,
    name: String,
    #[schema(value_type = Object)]
    permissions: Value,
    #[schema(value_type = Vec<String>)]
    ip_whitelist: Value,
}

pub(crate) fn team_json(team: &Team) -> Ns1TeamWire {
    Ns1TeamWire {
        id: short_id(team.id),
        name: team.name.clone(),
        permissions: team.permissions.clone(),
        ip_whitelist: team.ip_whitelist.clone(),
    }
}

/// A platform operator.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1OperatorWire {
    id: String,
    user: String,
    name: String,
    email: Option<String>,
    last_access: Option<i64>,
    created: i64,
}

pub(crate) fn operator_json(operator: &Operator) -> Ns1OperatorWire {
    Ns1OperatorWire {
        id: short_id(operator.id.uuid()),
        user: operator.username.clone(),
        name: operator.name.clone(),
        email: operator.email.clone(),
        last_access: operator.last_access_on.map(epoch),
        created: epoch(operator.created_on),
    }
}

/// A new operator, with its key and TOTP secret shown this once.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1IssuedOperatorWire {
    #[serde(flatten)]
    operator: Ns1OperatorWire,
    key: String,
    two_factor_auth: Ns1TwoFactorWire,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1TwoFactorWire {
    /// Always `totp`.
    #[serde(rename = "type")]
    kind: &'static str,
    secret: String,
}

pub(crate) fn issued_operator_json(issued: &IssuedOperator) -> Ns1IssuedOperatorWire {
    Ns1IssuedOperatorWire {
        operator: operator_json(&issued.operator),
        key: issued.key.clone(),
        two_factor_auth: Ns1TwoFactorWire {
            kind: "totp",
            secret: issued.totp_secret.clone(),
        },
    }
}

/// An organization as NS1's operator API shows one.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1OrgWire {
    org_id: i64,
    id: String,
    name: String,
    ts_create: String,
    ts_update: String,
}

pub(crate) fn org_json(org: &Organization) -> Ns1OrgWire {
    Ns1OrgWire {
        org_id: org.org_id,
        id: org.id.to_string(),
        name: org.profile.name.clone(),
        ts_create: iso(org.created_on),
        ts_update: iso(org.updated_on),
    }
}

/// The answer of a deletion and of other calls that return nothing: `{}`.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1Empty {}

/// A new invite token for a user, shown this once.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1InviteTokenWire {
    pub invite_token: String,
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
