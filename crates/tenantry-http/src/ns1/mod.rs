//! The NS1-compatible dialect: operator (`/v1/ops/…`), account (`/v1/account/…`) and zone
//! (`/v1/zones…`) endpoints with NS1's bodies and `{"message": …}` errors, over the same
//! organizations, users, credentials and zones as the Tenantry API. Rows join the one
//! endpoint table, so the guard, the OpenAPI document and the isolation sweep cover them.

mod account;
mod body;
pub(crate) mod error;
mod ops;
mod wire;
mod zone_wire;
mod zones;

use axum::http::Method;

// NS1's `manage_users`, `manage_teams`, `manage_apikeys`, `view_zones` and `manage_zones`
// are these Tenantry permissions underneath (`tenantry_core::ns1::FLAG_MAPPINGS`).
use crate::endpoint::needs::{
    DNS_DELETE, DNS_MANAGE, DNS_READ, KEYS_DELETE, KEYS_MANAGE, KEYS_READ, OPERATOR, TEAMS_DELETE,
    TEAMS_MANAGE, TEAMS_READ, USERS_DELETE, USERS_MANAGE, USERS_READ,
};
use crate::endpoint::{Access, Bound, row};

#[rustfmt::skip]
pub(crate) fn endpoints() -> Vec<Bound> {
    use Method as M;
    let (get, post, put, delete) = (M::GET, M::POST, M::PUT, M::DELETE);
    const OPS: &str = "ns1-ops";
    const ACCOUNT: &str = "ns1-account";
    const ZONES: &str = "ns1-zones";
    const OPERATOR_ONE: &str = "/v1/ops/operators/{operator_id}";
    const ORG_ONE: &str = "/v1/ops/orgs/{org_id}";
    const USER_ONE: &str = "/v1/account/users/{username}";
    const TEAM_ONE: &str = "/v1/account/teams/{team_id}";
    const KEY_ONE: &str = "/v1/account/apikeys/{apikey_id}";
    const ZONE_ONE: &str = "/v1/zones/{zone}";
    const RECORD: &str = "/v1/zones/{zone}/{domain}/{type}";
    vec![
        row(post.clone(), "/v1/ops/bootstrap", "ns1_bootstrap", OPS, "The first operator (only while there is none)", Access::Public, 200, ops::bootstrap).answers::<wire::Ns1IssuedOperatorWire>(),
        row(get.clone(), "/v1/ops/operators", "ns1_list_operators", OPS, "List operators", OPERATOR, 200, ops::operators_list).answers::<Vec<wire::Ns1OperatorWire>>(),
        row(put.clone(), "/v1/ops/operators", "ns1_create_operator", OPS, "Add an operator", OPERATOR, 200, ops::operator_create_handler).answers::<wire::Ns1IssuedOperatorWire>(),
        row(get.clone(), OPERATOR_ONE, "ns1_get_operator", OPS, "An operator", OPERATOR, 200, ops::operator_get).answers::<wire::Ns1OperatorWire>(),
        row(post.clone(), OPERATOR_ONE, "ns1_update_operator", OPS, "Change an operator's name or email", OPERATOR, 200, ops::operator_update).answers::<wire::Ns1OperatorWire>(),
        row(delete.clone(), OPERATOR_ONE, "ns1_delete_operator", OPS, "Remove another operator (never the last)", OPERATOR, 200, ops::operator_delete).answers::<wire::Ns1Empty>(),
        row(get.clone(), "/v1/ops/orgs", "ns1_list_orgs", OPS, "List organizations", OPERATOR, 200, ops::orgs_list).answers::<Vec<wire::Ns1OrgWire>>(),
        row(put.clone(), "/v1/ops/orgs", "ns1_create_org", OPS, "Create a top-level organization", OPERATOR, 200, ops::org_create).answers::<wire::Ns1OrgWire>(),
        row(get.clone(), ORG_ONE, "ns1_get_org", OPS, "An organization by org_id", OPERATOR, 200, ops::org_get).answers::<wire::Ns1OrgWire>(),
        row(post.clone(), ORG_ONE, "ns1_update_org", OPS, "Rename an organization", OPERATOR, 200, ops::org_update).answers::<wire::Ns1OrgWire>(),
        row(delete.clone(), ORG_ONE, "ns1_delete_org", OPS, "Delete an organization and its data (?token=TOTP)", OPERATOR, 200, ops::org_delete).also(&[403]).answers::<wire::Ns1Empty>(),
        row(post.clone(), "/v1/ops/account/{org_id}/user/{username}/password/reset", "ns1_password_reset", OPS, "A new invite token for a user", OPERATOR, 200, ops::password_reset).answers::<wire::Ns1InviteTokenWire>(),
        row(post.clone(), "/v1/account/invite", "ns1_redeem_invite", ACCOUNT, "Set a password with an invite token", Access::Public, 200, ops::invite_redeem).answers::<wire::Ns1Empty>(),
        row(get.clone(), "/v1/account/users", "ns1_list_users", ACCOUNT, "List users", USERS_READ, 200, account::users_list).answers::<Vec<wire::Ns1UserWire>>(),
        row(put.clone(), "/v1/account/users", "ns1_create_user", ACCOUNT, "Create a user", USERS_MANAGE, 200, account::user_create).answers::<wire::Ns1UserWire>(),
        row(get.clone(), USER_ONE, "ns1_get_user", ACCOUNT, "A user", USERS_READ, 200, account::user_get).answers::<wire::Ns1UserWire>(),
        row(post.clone(), USER_ONE, "ns1_update_user", ACCOUNT, "Change a user", USERS_MANAGE, 200, account::user_update).answers::<wire::Ns1UserWire>(),
        row(delete.clone(), USER_ONE, "ns1_delete_user", ACCOUNT, "Delete a user", USERS_DELETE, 200, account::user_delete).answers::<wire::Ns1Empty>(),
        row(get.clone(), "/v1/account/teams", "ns1_list_teams", ACCOUNT, "List teams", TEAMS_READ, 200, account::teams_list).answers::<Vec<wire::Ns1TeamWire>>(),
        row(put.clone(), "/v1/account/teams", "ns1_create_team", ACCOUNT, "Create a team", TEAMS_MANAGE, 200, account::team_create).answers::<wire::Ns1TeamWire>(),
        row(get.clone(), TEAM_ONE, "ns1_get_team", ACCOUNT, "A team", TEAMS_READ, 200, account::team_get).answers::<wire::Ns1TeamWire>(),
        row(post.clone(), TEAM_ONE, "ns1_update_team", ACCOUNT, "Change a team (its members follow)", TEAMS_MANAGE, 200, account::team_update).answers::<wire::Ns1TeamWire>(),
        row(delete.clone(), TEAM_ONE, "ns1_delete_team", ACCOUNT, "Delete a team", TEAMS_DELETE, 200, account::team_delete).answers::<wire::Ns1Empty>(),
        row(get.clone(), "/v1/account/apikeys", "ns1_list_apikeys", ACCOUNT, "List API keys", KEYS_READ, 200, account::keys_list).answers::<Vec<wire::Ns1KeyWire>>(),
        row(put.clone(), "/v1/account/apikeys", "ns1_create_apikey", ACCOUNT, "Create an API key", KEYS_MANAGE, 200, account::key_create).answers::<wire::Ns1KeyWire>(),
        row(get.clone(), KEY_ONE, "ns1_get_apikey", ACCOUNT, "An API key", KEYS_READ, 200, account::key_get).answers::<wire::Ns1KeyWire>(),
        row(post.clone(), KEY_ONE, "ns1_update_apikey", ACCOUNT, "Change an API key", KEYS_MANAGE, 200, account::key_update).answers::<wire::Ns1KeyWire>(),
        row(delete.clone(), KEY_ONE, "ns1_delete_apikey", ACCOUNT, "Revoke an API key", KEYS_DELETE, 200, account::key_delete).answers::<wire::Ns1Empty>(),
        row(get.clone(), "/v1/zones", "ns1_list_zones", ZONES, "List zones", DNS_READ, 200, zones::list).answers::<Vec<zone_wire::Ns1ZoneWire>>(),
        row(put.clone(), ZONE_ONE, "ns1_create_zone", ZONES, "Create a zone (charged when zones are priced)", DNS_MANAGE, 200, zones::create).also(&[402]).answers::<zone_wire::Ns1ZoneWire>(),
        row(get.clone(), ZONE_ONE, "ns1_get_zone", ZONES, "A zone with its records", DNS_READ, 200, zones::get_one).answers::<zone_wire::Ns1ZoneWire>(),
        row(post.clone(), ZONE_ONE, "ns1_update_zone", ZONES, "Zone settings (the server's)", DNS_MANAGE, 200, zones::update).answers::<zone_wire::Ns1ZoneWire>(),
        row(delete.clone(), ZONE_ONE, "ns1_delete_zone", ZONES, "Delete a zone and its records", DNS_DELETE, 200, zones::remove).answers::<wire::Ns1Empty>(),
        row(put.clone(), RECORD, "ns1_create_record", ZONES, "Create a record", DNS_MANAGE, 200, zones::record_create).answers::<zone_wire::Ns1RecordWire>(),
        row(get.clone(), RECORD, "ns1_get_record", ZONES, "A record", DNS_READ, 200, zones::record_get).answers::<zone_wire::Ns1RecordWire>(),
        row(post.clone(), RECORD, "ns1_update_record", ZONES, "Change a record's TTL or answers", DNS_MANAGE, 200, zones::record_update).answers::<zone_wire::Ns1RecordWire>(),
        row(delete.clone(), RECORD, "ns1_delete_record", ZONES, "Delete a record", DNS_MANAGE, 200, zones::record_delete).answers::<wire::Ns1Empty>(),
    ]
    .into_iter()
    .map(Bound::ns1)
    .collect()
}
