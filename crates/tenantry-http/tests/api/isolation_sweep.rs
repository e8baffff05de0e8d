//! The isolation sweep: every row of the endpoint table, called by every kind of caller, must
//! answer what the access rules say — 401 for a credential that does not work, 403 for a
//! missing permission, an inactive organization's change or a disallowed address, 404 for
//! anything outside the caller's reach, and the row's success status otherwise. The routes
//! come from the router's own table, so a new route without a case here fails the test.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tenantry_core::BuiltinRole;
use tenantry_http::{Access, Dialect, Endpoint};
use time::Duration;

use crate::sign_in::{grant, sign_in_with};
use crate::support::{Api, apis, other_tenant, suborg};

async fn fresh_session(api: &Api, username: &str) -> String {
    grant(
        api,
        json!({"grant_type": "password", "username": username, "password": SWEEP_PASSWORD}),
    )
    .expect(StatusCode::OK)
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    NoCredential,
    MalformedKey,
    RevokedKey,
    ExpiredKey,
    ExpiredToken,
    Viewer,
    DnsManager,
    BillingManager,
    SubAdminOnParent,
    SubAdminOnSibling,
    ParentAdminOnChild,
    OtherTenantAdmin,
    InactiveOrgAdmin,
    DisallowedIp,
    /// A person signed in with a password, role `member` in the child (its home).
    ChildMember,
    /// A person whose home is another tenant, role `member` in the child by membership.
    JoinedMember,
    /// The joined member of the child, aiming at the child's parent.
    JoinedMemberOnParent,
    /// The joined member of the child, aiming at the child's sibling.
    JoinedMemberOnSibling,
    /// A person at home in another tenant with an invitation to the child not yet accepted,
    /// aiming at the child.
    PendingInvitee,
    /// A person at home in another tenant whose membership of the child was removed, aiming
    /// at the child.
    RemovedMember,
    /// A person who is `dns_manager` at home (another tenant) and `member` in the child: the
    /// home role must not leak into the child.
    DnsManagerJoined,
    /// A person's refresh token presented as an access token.
    RefreshAsAccess,
    /// The access token of a person deleted since.
    DeletedPersonToken,
    /// A key of the child made through NS1, managing DNS but only in a zone its
    /// `zones_allow` list names: every other zone of the child is out of its reach.
    ZoneListedKey,
}

const EVERYONE: [Who; 24] = [
    Who::NoCredential,
    Who::MalformedKey,
    Who::RevokedKey,
    Who::ExpiredKey,
    Who::ExpiredToken,
    Who::Viewer,
    Who::DnsManager,
    Who::BillingManager,
    Who::SubAdminOnParent,
    Who::SubAdminOnSibling,
    Who::ParentAdminOnChild,
    Who::OtherTenantAdmin,
    Who::InactiveOrgAdmin,
    Who::DisallowedIp,
    Who::ChildMember,
    Who::JoinedMember,
    Who::JoinedMemberOnParent,
    Who::JoinedMemberOnSibling,
    Who::PendingInvitee,
    Who::RemovedMember,
    Who::DnsManagerJoined,
    Who::RefreshAsAccess,
    Who::DeletedPersonToken,
    Who::ZoneListedKey,
];

/// Routes about the signed-in person's own account: an API credential has no session there.
const PERSON_ONLY: [&str; 14] = [
    "dg_create_org",
    "dg_resend_verification",
    "dg_create_key",
    "dg_list_keys",
    "dg_revoke_key",
    "dg_accept_ownership",
    "change_my_password",
    "get_my_totp",
    "enrol_my_totp",
    "confirm_my_totp",
    "disable_my_totp",
    "list_my_sessions",
    "revoke_my_session",
    "logout",
];

/// What a person gets from the person-only routes with the sweep's bodies.
fn person_answer(operation_id: &str) -> (StatusCode, Option<&'static str>) {
    match operation_id {
        "change_my_password" => (StatusCode::FORBIDDEN, Some("ERROR_PASSWORD_INCORRECT")),
        "confirm_my_totp" => (StatusCode::FORBIDDEN, Some("ERROR_TOTP_INVALID")),
        "disable_my_totp" => (StatusCode::CONFLICT, Some("ERROR_TOTP_NOT_ENROLLED")),
        "enrol_my_totp" | "dg_create_org" | "dg_create_key" => (StatusCode::CREATED, None),
        // The sweep's people were made by an administrator, who vouched for their addresses.
        "dg_resend_verification" => (StatusCode::CONFLICT, Some("ERROR_EMAIL_ALREADY_VERIFIED")),
        "dg_revoke_key" => (StatusCode::NOT_FOUND, Some("ERROR_PERSONAL_KEY_NOT_FOUND")),
        "dg_accept_ownership" => (
            StatusCode::NOT_FOUND,
            Some("ERROR_OWNERSHIP_TRANSFER_NOT_FOUND"),
        ),
        "revoke_my_session" => (StatusCode::NOT_FOUND, Some("ERROR_SESSION_NOT_FOUND")),
        "logout" => (StatusCode::NO_CONTENT, None),
        _ => (StatusCode::OK, None),
    }
}

const SWEEP_PASSWORD: &str = "sweeping-lantern-7";

/// An organization and what identifies its people: the ids and email addresses of its
/// users, which no answer may show a caller outside its reach.
struct Marked {
    organization: String,
    parent: Option<String>,
    private: Vec<String>,
}

/// The organizations `who` reaches: its home, those it joined, and for the parent's admin
/// the suborganizations.
fn reach(world: &World, who: Who) -> Vec<&str> {
    let child = world.child.as_str();
    let home_elsewhere = world.other_tenant.as_str();
    match who {
        Who::NoCredential
        | Who::MalformedKey
        | Who::RevokedKey
        | Who::ExpiredKey
        | Who::ExpiredToken
        | Who::RefreshAsAccess
        | Who::DeletedPersonToken => vec![],
        Who::Viewer
        | Who::DnsManager
        | Who::BillingManager
        | Who::ChildMember
        | Who::ZoneListedKey
        | Who::SubAdminOnParent
        | Who::SubAdminOnSibling => vec![child],
        Who::JoinedMember
        | Who::JoinedMemberOnParent
        | Who::JoinedMemberOnSibling
        | Who::DnsManagerJoined => vec![child, home_elsewhere],
        Who::ParentAdminOnChild => world
            .marked
            .iter()
            .map(|m| m.organization.as_str())
            .filter(|org| *org != home_elsewhere)
            .collect(),
        Who::OtherTenantAdmin | Who::PendingInvitee | Who::RemovedMember => vec![home_elsewhere],
        Who::InactiveOrgAdmin => vec![world.inactive.as_str()],
        Who::DisallowedIp => vec![world.fenced.as_str()],
    }
}

/// What an answer to `who` shows of organizations outside its reach, the request's own words
/// aside: their users' ids and addresses, and their ids (a parent's id is a reached
/// suborganization's reference to it, and not a leak).
fn leaks(world: &World, who: Who, request: &str, answer: &str) -> Vec<String> {
    let reached = reach(world, who);
    let parents: Vec<&str> = world
        .marked
        .iter()
        .filter(|m| reached.contains(&m.organization.as_str()))
        .filter_map(|m| m.parent.as_deref())
        .collect();
    world
        .marked
        .iter()
        .filter(|m| !reached.contains(&m.organization.as_str()))
        .flat_map(|m| {
            let id = (!parents.contains(&m.organization.as_str())).then_some(&m.organization);
            m.private.iter().chain(id)
        })
        .filter(|marker| answer.contains(marker.as_str()) && !request.contains(marker.as_str()))
        .filter(|marker| {
            !(reached.contains(&world.child.as_str()) && world.known_to_child.contains(marker))
        })
        .cloned()
        .collect()
}

/// The organization's users (ids and email addresses), as its parent's admin or its own
/// admin lists them.
async fn mark(api: &Api, organization: &str, parent: Option<&str>, key: &str) -> Marked {
    let users = api
        .get("/v1/organizations/users")
        .key(key)
        .header("x-organization-context", organization)
        .expect(StatusCode::OK)
        .await;
    let private = users["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| [u["user_id"].as_str(), u["email"].as_str()])
        .flatten()
        .map(str::to_owned)
        .collect();
    Marked {
        organization: organization.to_owned(),
        parent: parent.map(str::to_owned),
        private,
    }
}

/// The one zone the zone-listed key may touch; the sweep's zones are all others.
const LISTED_ZONE: &str = "listed.sweep.example";

/// How a route picks the organization it acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Targeting {
    /// The caller's own organization or the caller itself.
    Own,
    /// `X-Organization-Context`.
    Context,
    /// Ids in the path, or `organization_id` in the query.
    Named,
}

/// How the sweep calls one route: how it targets, the query it adds, the body it sends.
struct Case {
    targeting: Targeting,
    query: &'static str,
    body: fn(u32) -> Value,
    /// What a caller allowed to use the route gets instead of its success status, where the
    /// sweep's organizations cannot succeed (a consolidated suborganization has no plan).
    allowed: Option<(StatusCode, &'static str)>,
}

fn contact_body(email: &str) -> Value {
    json!({"first_name": "Ada", "last_name": "Lovelace", "email": email,
           "phone": "+44.2071234567", "street": "12 St James's Square", "city": "London",
           "postal_code": "SW1Y 4JH", "country": "GB", "disclose": false})
}

fn no_body(_: u32) -> Value {
    Value::Null
}

fn case(operation_id: &str) -> Option<Case> {
    use Targeting::*;
    let (targeting, body): (Targeting, fn(u32) -> Value) = match operation_id {
        "healthz" | "readyz" | "openapi" | "issue_token" => (Own, no_body),
        "list_my_organizations" | "get_my_totp" | "list_my_sessions" | "logout" => (Own, no_body),
        "enrol_my_totp" => (Own, |_| json!({"password": SWEEP_PASSWORD})),
        "change_my_password" => (
            Own,
            |_| json!({"current_password": "not-the-password", "new_password": "a-brand-new-phrase"}),
        ),
        "confirm_my_totp" => (Own, |_| json!({"code": "abcdef"})),
        "disable_my_totp" => (
            Own,
            |_| json!({"password": SWEEP_PASSWORD, "code": "abcdef"}),
        ),
        "revoke_my_session" => (Own, no_body),
        "list_organizations"
        | "list_own_attributes"
        | "list_role_permissions"
        | "get_current_user"
        | "introspect_credential" => (Own, no_body),
        "create_organization" => (Own, |n| json!({"name": format!("Swept {n}")})),
        "update_own_attributes" => (Own, |n| json!([{"key": "swept", "value": n}])),
        "list_organization_users"
        | "list_roles"
        | "list_ip_restrictions"
        | "list_credentials"
        | "get_role"
        | "get_ip_restriction" => (Context, no_body),
        "delete_role" | "delete_ip_restriction" => (Context, no_body),
        "create_role" => (
            Context,
            |n| json!({"name": format!("Swept {n}"), "permissions": ["dns:read"]}),
        ),
        "update_role" => (Context, |_| json!({"description": "swept"})),
        "create_ip_restriction" | "update_ip_restriction" => {
            (Context, |n| json!({"ip_network": network(n)}))
        }
        "create_user" => (Context, |n| json!({"username": format!("swept-{n}")})),
        "create_credential" => (Context, |_| json!({"api_key_name": "swept"})),
        "get_organization"
        | "delete_organization"
        | "list_attributes"
        | "list_attributes_legacy"
        | "get_user"
        | "delete_user"
        | "get_user_role"
        | "get_user_permissions"
        | "revoke_credential"
        | "list_audit_events" => (Named, no_body),
        "update_organization" => (Named, |n| json!({"name": format!("Renamed {n}")})),
        "update_attributes" | "update_attributes_legacy" => {
            (Named, |n| json!([{"key": "swept", "value": n}]))
        }
        "update_user" => (Named, |_| json!({"first_name": "Swept"})),
        "set_user_role" => (Named, |_| json!({"role": "viewer"})),
        "rotate_credential" => (Named, |_| json!({"overlap_seconds": 0})),
        "list_zones" | "get_zones_summary" => (Context, no_body),
        "list_contacts" => (Context, no_body),
        "dg_create_org" => (Own, |n| json!({"name": format!("Founded {n}")})),
        "dg_list_orgs" | "dg_check_slug" => (Own, no_body),
        "dg_request_password_reset" => (Own, |_| json!({"email": "nobody@example.com"})),
        "dg_reset_password" => (Own, |_| json!({"password": "a-brand-new-phrase-9"})),
        "dg_list_members" | "dg_remove_member" => (Named, no_body),
        "dg_list_invitations" | "dg_revoke_invitation" | "dg_list_audit_events" => (Named, no_body),
        "dg_resend_invitation" => (Named, |_| json!({})),
        "dg_invite_member" => (
            Named,
            |n| json!({"email": format!("invitee-{n}@example.com"), "role": "viewer"}),
        ),
        "dg_accept_invitation" => (
            Own,
            |_| json!({"name": "Swept Person", "password": "a-brand-new-phrase-9"}),
        ),
        "dg_set_member_role" => (Named, |_| json!({"role": "viewer"})),
        "dg_get_org" => (Named, no_body),
        "dg_sign_up" => (
            Own,
            |n| json!({"email": format!("swept-{n}@example.com"), "password": SWEEP_PASSWORD, "name": "Swept"}),
        ),
        "dg_verify_email" | "dg_resend_verification" | "dg_list_keys" | "dg_revoke_key" => {
            (Own, no_body)
        }
        "dg_accept_ownership" => (Own, no_body),
        "dg_create_key" => (Own, |_| json!({"name": "swept"})),
        "dg_delete_org" | "dg_get_ownership_offer" | "dg_cancel_ownership_offer" => {
            (Named, no_body)
        }
        "dg_offer_ownership" => (Named, |_| json!({"email": "nobody-here@example.com"})),
        "check_domains" | "domain_summary" | "list_domains" => (Context, no_body),
        "create_domain" => (Context, |n| {
            json!({"name": format!("swept-{n}.nowhere"), "renewal_mode": "renew",
                       "period": {"value": 1, "unit": "y"}, "contacts": {"registrant": SOME_CONTACT}})
        }),
        "get_domain" | "delete_domain" | "restore_domain" | "dg_list_domains" => (Named, no_body),
        "update_domain" => (Named, |_| json!({"renewal_mode": "expire"})),
        "renew_domain" => (
            Named,
            |_| json!({"period": {"value": 1, "unit": "y"}, "current_expiry_date": "2000-01-01"}),
        ),
        "dg_move_domain" => (Named, |_| json!({"to": "nowhere-at-all"})),
        "transfer_domain" => (
            Context,
            |n| json!({"name": format!("swept-{n}.nowhere"), "auth_code": "sweeping", "renewal_mode": "renew"}),
        ),
        "cancel_domain_transfer" => (Named, no_body),
        "resolve_outbound_transfer" => (Named, |_| json!({"action": "approve"})),
        "list_tlds" => (Own, no_body),
        "list_events" => (Context, no_body),
        "get_event" | "acknowledge_event" => (Named, no_body),
        "put_tld" | "delete_tld" | "list_reserved_names" | "reserve_name" | "unreserve_name" => {
            (Named, |_| json!({"periods": [1]}))
        }
        "dg_update_org" => (Named, |n| json!({"name": format!("Renamed {n}")})),
        "create_contact" => (Context, |n| contact_body(&format!("swept-{n}@example.com"))),
        "get_contact" | "delete_contact" => (Named, no_body),
        "create_zone" => (Context, |n| json!({"name": format!("sweep-{n}.example")})),
        "get_zone" | "delete_zone" | "export_zone" | "get_zone_dnssec" | "enable_dnssec"
        | "disable_dnssec" => (Named, no_body),
        "patch_zone_rrsets" => (
            Named,
            |_| json!({"ops": [{"op": "upsert", "rrset": {"name": "www", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.1"}]}}]}),
        ),
        "replace_zone_rrsets" => (
            Named,
            |_| json!({"rrsets": [{"name": "@", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.1"}]}]}),
        ),
        "patch_zone_records" => (
            Named,
            |_| json!({"ops": [{"op": "upsert", "record": {"name": "_acme-challenge", "type": "TXT", "ttl": 60, "rdata": "\"token\""}}]}),
        ),
        "list_transactions"
        | "get_transaction"
        | "get_statement"
        | "get_organization_pricing"
        | "list_organization_plans" => (Named, no_body),
        "change_organization_plan" => (Named, |_| json!({"plan_id": SOME_PLAN})),
        // Operator routes: no organization credential gets past them.
        "set_organization_pricing"
        | "get_price_list"
        | "set_price_list"
        | "list_plans"
        | "create_plan"
        | "get_plan"
        | "update_plan"
        | "set_billing_terms"
        | "credit_wallet"
        | "refund_transaction"
        | "adjust_wallet"
        | "operator_list_audit_events"
        | "list_dns_secondaries"
        | "create_dns_secondary"
        | "delete_dns_secondary"
        | "list_dns_tsig_keys"
        | "create_dns_tsig_key"
        | "delete_dns_tsig_key" => (Named, |_| json!({})),
        // NS1 operator routes: no organization credential gets past them either.
        "ns1_list_operators"
        | "ns1_create_operator"
        | "ns1_get_operator"
        | "ns1_update_operator"
        | "ns1_delete_operator"
        | "ns1_list_orgs"
        | "ns1_create_org"
        | "ns1_get_org"
        | "ns1_update_org"
        | "ns1_delete_org"
        | "ns1_password_reset" => (Named, |_| json!({})),
        "ns1_bootstrap" => (Own, |n| json!({"user": format!("late-{n}")})),
        "ns1_redeem_invite" => (
            Own,
            |_| json!({"invite_token": "unknown", "password": "long enough"}),
        ),
        // NS1 account and zone routes act in the caller's own organization (NS1 has no
        // organization context), so objects are named by path.
        "ns1_list_users" | "ns1_list_teams" | "ns1_list_apikeys" | "ns1_list_zones" => {
            (Own, no_body)
        }
        "ns1_create_user" => (
            Own,
            |n| json!({"name": "Swept", "username": format!("ns1-swept-{n}"), "email": format!("ns1-swept-{n}@example.com")}),
        ),
        "ns1_create_team" | "ns1_create_apikey" => (Own, |n| json!({"name": format!("swept-{n}")})),
        "ns1_create_zone" => (Own, no_body),
        "ns1_get_user" | "ns1_delete_user" | "ns1_get_team" | "ns1_delete_team"
        | "ns1_get_apikey" | "ns1_delete_apikey" | "ns1_get_zone" | "ns1_delete_zone"
        | "ns1_get_record" | "ns1_delete_record" => (Named, no_body),
        "ns1_update_user" => (Named, |_| json!({"name": "Swept Name"})),
        "ns1_update_team" | "ns1_update_apikey" => {
            (Named, |n| json!({"name": format!("renamed-{n}")}))
        }
        "ns1_update_zone" => (Named, |_| json!({})),
        "ns1_create_record" => (Named, |_| json!({"answers": [{"answer": ["2001:db8::9"]}]})),
        "ns1_update_record" => (Named, |_| json!({"ttl": 120})),
        _ => return None,
    };
    let query = match operation_id {
        "list_audit_events" => "?organization_id={organization_id}",
        "get_statement" => "?start_date=2000-01-01&end_date=2999-12-31",
        "dg_check_slug" => "?slug=acme",
        "check_domains" => "?domains=sweep.test",
        _ => "",
    };
    let allowed = match operation_id {
        "list_organization_plans" | "change_organization_plan" => {
            Some((StatusCode::CONFLICT, "ERROR_BILLED_THROUGH_PARENT"))
        }
        // The sweep's platform has its operator, and no invite token is "unknown".
        "ns1_bootstrap" => Some((StatusCode::BAD_REQUEST, "already bootstrapped")),
        "ns1_redeem_invite" => Some((StatusCode::BAD_REQUEST, "invite token")),
        // The sweep's user of the target organization is at home there, so is removed with
        // the users API rather than as a member.
        "dg_remove_member" => Some((StatusCode::CONFLICT, "ERROR_HOME_ORGANIZATION")),
        // No link the sweep could know is valid.
        "dg_accept_invitation" => Some((StatusCode::NOT_FOUND, "ERROR_INVITATION_NOT_FOUND")),
        "dg_reset_password" => Some((StatusCode::UNPROCESSABLE_ENTITY, "ERROR_RESET_LINK_INVALID")),
        "dg_verify_email" => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "ERROR_VERIFICATION_LINK_INVALID",
        )),
        // The sweep's zones are unsigned.
        "disable_dnssec" => Some((StatusCode::BAD_REQUEST, "ERROR_DNS")),
        // No catalogued TLD is `.nowhere`.
        "create_domain" => Some((StatusCode::BAD_REQUEST, "ERROR_TLD_NOT_AVAILABLE")),
        // The expiry named is never a domain's.
        "renew_domain" => Some((StatusCode::CONFLICT, "ERROR_DOMAIN_EXPIRY_MISMATCH")),
        "restore_domain" => Some((StatusCode::CONFLICT, "ERROR_DOMAIN_NOT_RESTORABLE")),
        "transfer_domain" => Some((StatusCode::BAD_REQUEST, "ERROR_TLD_NOT_AVAILABLE")),
        // No transfer of the sweep's domains is pending.
        "cancel_domain_transfer" | "resolve_outbound_transfer" => {
            Some((StatusCode::CONFLICT, "ERROR_DOMAIN_TRANSFER_NOT_POSSIBLE"))
        }
        // Moving to an organization that does not exist.
        "dg_move_domain" => Some((StatusCode::NOT_FOUND, "ERROR_ORGANIZATION_NOT_FOUND")),
        // The server's default policy lets sign-ups in only through invitations.
        "dg_sign_up" => Some((StatusCode::FORBIDDEN, "ERROR_SIGNUP_DISABLED")),
        "dg_offer_ownership" => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "ERROR_TRANSFER_RECIPIENT_NOT_MEMBER",
        )),
        // No organization of the sweep has an open offer.
        "dg_get_ownership_offer" | "dg_cancel_ownership_offer" => {
            Some((StatusCode::NOT_FOUND, "ERROR_OWNERSHIP_TRANSFER_NOT_FOUND"))
        }
        _ => None,
    };
    Some(Case {
        targeting,
        query,
        body,
        allowed,
    })
}

/// A well-formed contact id that names no contact.
const SOME_CONTACT: &str = "contact_01h45ytscbebyvny4gc8cr8ma2";

/// A well-formed plan id that names no plan.
const SOME_PLAN: &str = "plan_01h45ytscbebyvny4gc8cr8ma2";

/// A network per counter value, never one that matters to a caller of the sweep.
fn network(n: u32) -> String {
    format!("10.{}.{}.0/24", n / 250 % 250, n % 250)
}

/// Everything the sweep calls with and on.
struct World {
    other_tenant: String,
    parent: String,
    child: String,
    sibling: String,
    inactive: String,
    fenced: String,
    parent_secret: String,
    child_admin: String,
    viewer: String,
    dns_manager: String,
    billing_manager: String,
    other_tenant_admin: String,
    inactive_admin: String,
    fenced_admin: String,
    revoked: String,
    expired: String,
    expired_token: String,
    /// A spent refresh token's successor, and a deleted person's access token.
    refresh_token: String,
    deleted_person_token: String,
    zone_listed_key: String,
    /// What each organization's answers may show only to those who reach it.
    marked: Vec<Marked>,
    /// Markers of another organization that the child knows of its own: the address its
    /// admin invited (the pending invitee's).
    known_to_child: Vec<String>,
    /// Objects made in the inactive organization before it was deactivated (nothing new can
    /// be made in it).
    inactive_objects: Objects,
}

#[derive(Default, Clone)]
struct Objects {
    user_id: String,
    label: String,
    api_key_id: String,
    ip_restriction_id: String,
    zone_name: String,
    transaction_id: String,
    username: String,
    team_id: String,
    apikey_short_id: String,
    ns1_zone: String,
    contact_id: String,
    invitation_id: String,
    domain_name: String,
    event_id: String,
}

/// The first half of the addresses disallowed callers come from.
const DISALLOWED_NET: &str = "198.18";

/// A credential of `org` made by the parent's admin.
async fn credential(api: &Api, org: &str, body: Value) -> Value {
    api.post("/v1/auth/client_credentials", body)
        .header("x-organization-context", org)
        .expect(StatusCode::OK)
        .await
}

async fn key_of(api: &Api, org: &str, role: &str) -> String {
    credential(api, org, json!({"role": role})).await["api_key"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Lets every IPv4 caller in, so the sweep's own IP rules never lock anyone out.
async fn allow_everyone(api: &Api, org: &str) {
    api.post(
        "/v1/organizations/ip-restrictions",
        json!({"ip_network": "0.0.0.0/0"}),
    )
    .header("x-organization-context", org)
    .expect(StatusCode::OK)
    .await;
}

/// Fresh objects of `org` for the placeholders of `path`, made by the parent's admin.
async fn objects(api: &Api, org: &str, path: &str, n: u32) -> Objects {
    let make = |path: &'static str, body: Value| async move {
        api.post(path, body)
            .header("x-organization-context", org)
            .send()
            .await
    };
    let mut objects = Objects::default();
    if path.contains("{user_id}") || path.contains("{user_oid}") {
        let (_, user) = make("/v1/users", json!({"username": format!("target-{n}")})).await;
        objects.user_id = user["user_id"].as_str().unwrap().to_owned();
    }
    if path.contains("{label}") {
        let body = json!({"name": format!("Target {n}"), "permissions": ["dns:read"]});
        let (_, role) = make("/v1/organizations/roles", body).await;
        objects.label = role["label"].as_str().unwrap().to_owned();
    }
    if path.contains("{api_key_id}") {
        let (_, key) = make("/v1/auth/client_credentials", json!({})).await;
        objects.api_key_id = key["api_key_id"].as_str().unwrap().to_owned();
    }
    if path.contains("{zone_name}") {
        let name = format!("target-{n}.example");
        let (status, _) = make("/v1/dns", json!({"name": name})).await;
        assert_eq!(status, StatusCode::CREATED);
        objects.zone_name = name;
    }
    if path.contains("{transaction_id}") {
        // A priced zone creation leaves a transaction of the organization.
        let name = format!("charged-{n}.example");
        let (status, _) = make("/v1/dns", json!({"name": name})).await;
        assert_eq!(status, StatusCode::CREATED);
        let list = api
            .get(&format!(
                "/v1/organizations/{org}/transactions?product_reference={name}."
            ))
            .expect(StatusCode::OK)
            .await;
        objects.transaction_id = list["results"][0]["billing_transaction_id"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    if path.contains("{username}") && path.contains("/v1/account/") {
        let username = format!("ns1-target-{n}");
        let (status, _) = make("/v1/users", json!({"username": username})).await;
        assert_eq!(status, StatusCode::OK);
        objects.username = username;
    }
    if path.contains("{apikey_id}") {
        let (_, key) = make("/v1/auth/client_credentials", json!({})).await;
        let id: tenantry_core::ApiKeyId = key["api_key_id"].as_str().unwrap().parse().unwrap();
        objects.apikey_short_id = tenantry_core::ns1::short_id(id.uuid());
    }
    if path.contains("{team_id}") {
        let org_id = api
            .get(&format!("/v1/organizations/{org}"))
            .expect(StatusCode::OK)
            .await["org_id"]
            .clone();
        let on_behalf = format!("{}!{org_id}", api.t.boot.operator_api_key);
        let team = api
            .call(Method::PUT, "/v1/account/teams")
            .anonymous()
            .header("x-nsone-key", &on_behalf)
            .json(json!({"name": format!("target-{n}")}))
            .expect(StatusCode::OK)
            .await;
        objects.team_id = team["id"].as_str().unwrap().to_owned();
    }
    if path.contains("/v1/zones/{zone}") {
        let name = format!("ns1-target-{n}.example");
        let (status, _) = make("/v1/dns", json!({"name": name})).await;
        assert_eq!(status, StatusCode::CREATED);
        let upsert = json!({"ops": [{"op": "upsert", "rrset": {"name": "www", "type": "A", "ttl": 300, "records": [{"rdata": "192.0.2.1"}]}}]});
        let (status, _) = api
            .patch(&format!("/v1/dns/{name}/rrsets"), upsert)
            .header("x-organization-context", org)
            .send()
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        objects.ns1_zone = name;
    }
    if path.contains("{invitation_oid}") {
        let body = json!({"email": format!("target-{n}@example.com"), "role": "viewer"});
        let invited = api
            .post(&format!("/api/v1/orgs/{org}/members"), body)
            .send()
            .await
            .1;
        objects.invitation_id = invited["invitation_oid"].as_str().unwrap().to_owned();
    }
    if path.contains("{contact_id}") {
        let (_, contact) = make("/v1/contacts", contact_body("target@example.com")).await;
        objects.contact_id = contact["contact_id"].as_str().unwrap().to_owned();
    }
    if path.contains("{domain_reference}") {
        let (_, contact) = make("/v1/contacts", contact_body("holder@example.com")).await;
        let name = format!("target-{n}.test");
        let body = json!({"name": name, "renewal_mode": "renew", "period": {"value": 1, "unit": "y"},
                          "contacts": {"registrant": contact["contact_id"]}});
        let (status, answer) = make("/v1/domains", body).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        objects.domain_name = name;
    }
    if path.contains("{event_id}") {
        let (_, contact) = make("/v1/contacts", contact_body("evented@example.com")).await;
        let events = api
            .get(&format!(
                "/v1/events?object_id={}",
                contact["contact_id"].as_str().unwrap()
            ))
            .header("x-organization-context", org)
            .expect(StatusCode::OK)
            .await;
        objects.event_id = events["results"][0]["event_id"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    if path.contains("{ip_restriction_id}") {
        let body = json!({"ip_network": network(n + 30_000)});
        let (_, rule) = make("/v1/organizations/ip-restrictions", body).await;
        objects.ip_restriction_id = rule["ip_restriction_id"].to_string();
    }
    objects
}

async fn world(api: &Api) -> World {
    let parent = api.t.boot.organization_id.to_string();
    // Zones cost a cent, paid from a credited parent account, so routes that need a
    // transaction have one.
    let operator = api.t.boot.operator_api_key.clone();
    api.call(Method::PUT, "/v1/pricing/product-type/zones")
        .key(&operator)
        .json(json!({"prices": [{"product_action": "create", "price": "0.01", "currency": "EUR"}]}))
        .expect(StatusCode::OK)
        .await;
    api.post(
        &format!("/v1/organizations/{parent}/billing/wallet/credits"),
        json!({"amount": "100000.00"}),
    )
    .key(&operator)
    .expect(StatusCode::OK)
    .await;
    // Domains register under the sandbox's `.test`, unpriced.
    api.call(Method::PUT, "/v1/tlds/test")
        .key(&operator)
        .json(json!({"periods": [1]}))
        .expect(StatusCode::OK)
        .await;
    let (child, child_admin) = suborg(api, "Child").await;
    let (sibling, _) = suborg(api, "Sibling").await;
    let (inactive, inactive_admin) = suborg(api, "Dormant").await;
    let (fenced, fenced_admin) = suborg(api, "Fenced").await;
    for org in [&parent, &child, &sibling, &inactive] {
        allow_everyone(api, org).await;
    }
    api.post(
        "/v1/organizations/ip-restrictions",
        json!({"ip_network": "10.0.0.0/8"}),
    )
    .header("x-organization-context", &fenced)
    .expect(StatusCode::OK)
    .await;
    let (other_tenant, other_tenant_admin) = other_tenant(api, "Elsewhere").await;
    // The other tenant creates zones on its own account, which pays for them.
    api.post(
        &format!("/v1/organizations/{other_tenant}/billing/wallet/credits"),
        json!({"amount": "100.00"}),
    )
    .key(&operator)
    .expect(StatusCode::OK)
    .await;

    let viewer = credential(api, &child, json!({"role": "viewer"})).await;
    let dns_manager = key_of(api, &child, "dns_manager").await;
    let billing_manager = key_of(api, &child, "billing_manager").await;
    let revoked = credential(api, &child, json!({})).await;
    api.delete(&format!(
        "/v1/auth/client_credentials/{}",
        revoked["api_key_id"].as_str().unwrap()
    ))
    .expect(StatusCode::NO_CONTENT)
    .await;
    let soon = (api.t.app.now() + Duration::minutes(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let expired = credential(api, &child, json!({"expires_at": soon})).await;
    let expired_token = api
        .post("/v1/auth/token", json!({"grant_type": "client_credentials", "client_id": child, "client_secret": viewer["client_secret"]}))
        .anonymous()
        .expect(StatusCode::OK)
        .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let everything = "/{user_id}/{label}/{api_key_id}/{ip_restriction_id}/{zone_name}/{transaction_id}\
        /v1/account/{username}/{apikey_id}/{team_id}/v1/zones/{zone}/{contact_id}/{invitation_oid}\
        /{domain_reference}/{event_id}";
    let inactive_objects = objects(api, &inactive, everything, 0).await;
    api.patch(
        &format!("/v1/organizations/{inactive}"),
        json!({"status": "inactive"}),
    )
    .expect(StatusCode::OK)
    .await;
    // People: a member of the child (its home), a member of the child from another tenant,
    // and one deleted since signing in.
    let person = |username: &'static str, org: String| async move {
        api.post(
            "/v1/users",
            json!({"username": username, "password": SWEEP_PASSWORD, "role": "member"}),
        )
        .header("x-organization-context", &org)
        .expect(StatusCode::OK)
        .await["user_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    person("sweep-member", child.clone()).await;
    let doomed = person("sweep-doomed", child.clone()).await;
    let joined = api
        .post(
            "/v1/users",
            json!({"username": "sweep-joined", "password": SWEEP_PASSWORD, "role": "member"}),
        )
        .key(&other_tenant_admin)
        .expect(StatusCode::OK)
        .await["user_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let parent_admin = api
        .t
        .app
        .authenticate(api.key(), tenantry_app::RequestMeta::default())
        .await
        .unwrap();
    api.t
        .app
        .membership_put(&parent_admin, child.parse().unwrap(), joined, "member")
        .await
        .unwrap();
    let dns_joined = api
        .post("/v1/users", json!({"username": "sweep-dns-joined", "password": SWEEP_PASSWORD, "role": "dns_manager"}))
        .key(&other_tenant_admin)
        .expect(StatusCode::OK)
        .await["user_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    api.t
        .app
        .membership_put(&parent_admin, child.parse().unwrap(), dns_joined, "member")
        .await
        .unwrap();
    // At home in the other tenant: one invited to the child (not accepted), one who was a
    // member of the child and was removed.
    for username in ["sweep-invitee", "sweep-removed"] {
        api.post(
            "/v1/users",
            json!({"username": username, "email": format!("{username}@sweep.example"),
                   "password": SWEEP_PASSWORD, "role": "member"}),
        )
        .key(&other_tenant_admin)
        .expect(StatusCode::OK)
        .await;
    }
    let child_id: tenantry_core::OrganizationId = child.parse().unwrap();
    let invitee_email = tenantry_core::values::Email::parse("sweep-invitee@sweep.example").unwrap();
    api.t
        .app
        .invitation_create(&parent_admin, child_id, invitee_email, "member")
        .await
        .unwrap();
    let removed_session = sign_in_with(api, "sweep-removed", SWEEP_PASSWORD).await;
    let removed = api
        .get("/v1/users/me")
        .bearer(removed_session["access_token"].as_str().unwrap())
        .expect(StatusCode::OK)
        .await["user_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    api.t
        .app
        .membership_put(&parent_admin, child_id, removed, "member")
        .await
        .unwrap();
    api.t
        .app
        .membership_remove(&parent_admin, child_id, removed)
        .await
        .unwrap();
    api.t.clock.advance(Duration::seconds(3700));
    let tokens = sign_in_with(api, "sweep-member", SWEEP_PASSWORD).await;
    let deleted_person_token =
        sign_in_with(api, "sweep-doomed", SWEEP_PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
    api.delete(&format!("/v1/users/{doomed}"))
        .expect(StatusCode::NO_CONTENT)
        .await;
    // Past the key's expiry and the token's hour.
    api.t.clock.advance(Duration::seconds(60));

    let text = |v: &Value| v["api_key"].as_str().unwrap().to_owned();
    let child_org_id = api
        .get(&format!("/v1/organizations/{child}"))
        .expect(StatusCode::OK)
        .await["org_id"]
        .clone();
    let zone_listed_key = api
        .call(Method::PUT, "/v1/account/apikeys")
        .anonymous()
        .header("x-nsone-key", &format!("{operator}!{child_org_id}"))
        .json(json!({"name": "zone-listed", "permissions": {"dns": {
            "view_zones": true, "manage_zones": true, "zones_allow": [LISTED_ZONE]}}}))
        .expect(StatusCode::OK)
        .await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = api.key();
    let mut marked = vec![mark(api, &parent, None, admin).await];
    for org in [&child, &sibling, &inactive, &fenced] {
        marked.push(mark(api, org, Some(&parent), admin).await);
    }
    marked.push(mark(api, &other_tenant, None, &other_tenant_admin).await);
    // The child's members from elsewhere are the child's to show.
    let members = api
        .get("/v1/organizations/users")
        .header("x-organization-context", &child)
        .expect(StatusCode::OK)
        .await;
    let member_ids: Vec<&str> = members["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["membership"] == true)
        .filter_map(|u| u["user_id"].as_str())
        .collect();
    for marked in &mut marked {
        marked
            .private
            .retain(|id| !member_ids.contains(&id.as_str()));
    }
    World {
        known_to_child: vec!["sweep-invitee@sweep.example".to_owned()],
        other_tenant,
        marked,
        parent,
        child,
        sibling,
        inactive,
        fenced,
        parent_secret: api.t.boot.client_secret.clone(),
        child_admin,
        viewer: text(&viewer),
        dns_manager,
        billing_manager,
        other_tenant_admin,
        inactive_admin,
        fenced_admin,
        revoked: text(&revoked),
        expired: text(&expired),
        expired_token,
        refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
        deleted_person_token,
        zone_listed_key,
        inactive_objects,
    }
}

/// The status (and `code`, where it is fixed) `who` must get from `endpoint`. NS1 rows answer
/// `{"message": …}`: for them the text is the problem code's stand-in only where a case
/// names one (`allowed`), and a parent has no way into its child's objects (NS1 has no
/// organization context).
fn expected(endpoint: &Endpoint, case: &Case, who: Who) -> (StatusCode, Option<&'static str>) {
    // Accepting a link needs no credential, but one that comes is checked like anywhere.
    if endpoint.operation_id == "dg_accept_invitation" {
        match who {
            Who::NoCredential => {}
            Who::MalformedKey
            | Who::RevokedKey
            | Who::ExpiredKey
            | Who::ExpiredToken
            | Who::RefreshAsAccess
            | Who::DeletedPersonToken => {
                return (StatusCode::UNAUTHORIZED, Some("ERROR_AUTHENTICATION"));
            }
            Who::DisallowedIp => return (StatusCode::FORBIDDEN, Some("ERROR_IP_NOT_ALLOWED")),
            _ => {}
        }
    }
    // Only an owner deletes an organization or passes its ownership; the parent's key acting
    // in the child holds every permission there but is not an owner of it.
    let owner_only = matches!(
        endpoint.operation_id,
        "dg_delete_org" | "dg_offer_ownership" | "dg_cancel_ownership_offer"
    );
    if owner_only && who == Who::ParentAdminOnChild {
        return (StatusCode::FORBIDDEN, Some("ERROR_OWNER_ONLY"));
    }
    let (status, code) = expected_tenantry(endpoint, case, who);
    if endpoint.dialect != Dialect::Ns1 {
        return (status, code);
    }
    // NS1's account routes act in the caller's home organization, where this person is a DNS
    // manager: what that role lacks is refused there before anything is looked up.
    if who == Who::DnsManagerJoined
        && endpoint.path.starts_with("/v1/account/")
        && matches!(endpoint.access, Access::Requires(p) if !BuiltinRole::DnsManager.permissions().contains(&p))
    {
        return (StatusCode::FORBIDDEN, None);
    }
    // Zones are reached by name, as through `/v1/dns`; users, teams and keys only in the
    // caller's own organization.
    if matches!(
        who,
        Who::ParentAdminOnChild | Who::JoinedMember | Who::DnsManagerJoined
    ) && endpoint.path.starts_with("/v1/account/")
        && case.targeting == Targeting::Named
        && status.is_success()
    {
        return (StatusCode::NOT_FOUND, None);
    }
    let allowed = case.allowed.filter(|(allowed, _)| *allowed == status);
    (status, allowed.map(|(_, text)| text))
}

fn expected_tenantry(
    endpoint: &Endpoint,
    case: &Case,
    who: Who,
) -> (StatusCode, Option<&'static str>) {
    let success = (endpoint.success, None);
    let success = case
        .allowed
        .map_or(success, |(status, code)| (status, Some(code)));
    let permission = match endpoint.access {
        Access::Public => return success,
        Access::Operator => return (StatusCode::UNAUTHORIZED, Some("ERROR_AUTHENTICATION")),
        Access::Authenticated => None,
        Access::Requires(permission) => Some(permission),
    };
    // A member may leave on their own (the route needs no permission); removing anyone else
    // needs `users:delete`, which the use case checks.
    let permission = match endpoint.operation_id {
        "dg_remove_member" => Some(tenantry_core::perms::USERS_DELETE),
        _ => permission,
    };
    let role_lacks =
        |role: BuiltinRole| permission.is_some_and(|p| !role.permissions().contains(&p));
    let denied = (StatusCode::FORBIDDEN, Some("ERROR_PERMISSION_DENIED"));
    let person = matches!(
        who,
        Who::ChildMember
            | Who::JoinedMember
            | Who::JoinedMemberOnParent
            | Who::JoinedMemberOnSibling
            | Who::PendingInvitee
            | Who::RemovedMember
            | Who::DnsManagerJoined
    );
    let refused = matches!(
        who,
        Who::NoCredential
            | Who::MalformedKey
            | Who::RevokedKey
            | Who::ExpiredKey
            | Who::ExpiredToken
            | Who::RefreshAsAccess
            | Who::DeletedPersonToken
    );
    if PERSON_ONLY.contains(&endpoint.operation_id) && !refused && who != Who::DisallowedIp {
        return if person {
            person_answer(endpoint.operation_id)
        } else {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("ERROR_NOT_A_SESSION"),
            )
        };
    }
    // The sweep's suborganization keys were made by the parent's admin, who is outside
    // their reach: `me` shows nobody to them.
    let made_by_parent = matches!(
        who,
        Who::Viewer | Who::SubAdminOnParent | Who::SubAdminOnSibling | Who::InactiveOrgAdmin
    );
    if endpoint.operation_id == "get_current_user" && made_by_parent {
        return (StatusCode::NOT_FOUND, Some("ERROR_USER_NOT_FOUND"));
    }
    // Introspection describes an API credential; a person's token is refused (as the
    // reference says of user tokens).
    if endpoint.operation_id == "introspect_credential" && person {
        return (StatusCode::UNAUTHORIZED, Some("ERROR_AUTHENTICATION"));
    }
    // The DomainGenius rows come last, after `dg_create_org`: by then each person owns the
    // organization it founded there, so the route guard (some organization grants the
    // permission) lets them through and the target decides: out of reach, not found.
    if endpoint.dialect == Dialect::DomainGenius
        && matches!(
            who,
            Who::JoinedMemberOnParent
                | Who::JoinedMemberOnSibling
                | Who::PendingInvitee
                | Who::RemovedMember
        )
        && case.targeting == Targeting::Named
    {
        return (StatusCode::NOT_FOUND, None);
    }
    match who {
        Who::ZoneListedKey => zone_listed_answer(endpoint, permission, success),
        Who::NoCredential
        | Who::MalformedKey
        | Who::RevokedKey
        | Who::ExpiredKey
        | Who::ExpiredToken
        | Who::RefreshAsAccess
        | Who::DeletedPersonToken => (StatusCode::UNAUTHORIZED, Some("ERROR_AUTHENTICATION")),
        Who::DisallowedIp => (StatusCode::FORBIDDEN, Some("ERROR_IP_NOT_ALLOWED")),
        Who::ChildMember
        | Who::JoinedMember
        | Who::JoinedMemberOnParent
        | Who::JoinedMemberOnSibling
        | Who::PendingInvitee
        | Who::RemovedMember
        | Who::DnsManagerJoined
            if role_lacks(BuiltinRole::Member)
                && !(who == Who::DnsManagerJoined
                    && case.targeting == Targeting::Own
                    && !role_lacks(BuiltinRole::DnsManager)) =>
        {
            denied
        }
        Who::JoinedMemberOnParent
        | Who::JoinedMemberOnSibling
        | Who::PendingInvitee
        | Who::RemovedMember
            if case.targeting != Targeting::Own =>
        {
            (StatusCode::NOT_FOUND, None)
        }
        // At home (another tenant) this person is a DNS manager; in the child a member. The
        // route guard lets through what either role holds; the use case then decides with the
        // home role, except `me`, which shows the person whatever the organization.
        Who::DnsManagerJoined
            if case.targeting == Targeting::Own
                && endpoint.operation_id != "get_current_user"
                && role_lacks(BuiltinRole::DnsManager) =>
        {
            denied
        }
        // The joined member's home is another tenant, where its role is `member` too; a
        // route acting on the home organization succeeds there as it does for the child's.
        Who::ChildMember
        | Who::JoinedMember
        | Who::JoinedMemberOnParent
        | Who::JoinedMemberOnSibling
        | Who::PendingInvitee
        | Who::RemovedMember
        | Who::DnsManagerJoined => success,
        Who::Viewer if role_lacks(BuiltinRole::Viewer) => denied,
        Who::DnsManager if role_lacks(BuiltinRole::DnsManager) => denied,
        Who::BillingManager if role_lacks(BuiltinRole::BillingManager) => denied,
        Who::Viewer | Who::DnsManager | Who::BillingManager | Who::ParentAdminOnChild => success,
        Who::SubAdminOnParent | Who::SubAdminOnSibling | Who::OtherTenantAdmin => {
            match case.targeting {
                Targeting::Own => {
                    // Acting on its own organization; a suborganization has no children.
                    let nested = endpoint.operation_id == "create_organization"
                        && who != Who::OtherTenantAdmin;
                    if nested {
                        (
                            StatusCode::UNPROCESSABLE_ENTITY,
                            Some("ERROR_ORGANIZATION_NESTING_NOT_ALLOWED"),
                        )
                    } else {
                        success
                    }
                }
                Targeting::Context | Targeting::Named => (StatusCode::NOT_FOUND, None),
            }
        }
        Who::InactiveOrgAdmin if endpoint.method != Method::GET => {
            (StatusCode::FORBIDDEN, Some("ERROR_ORGANIZATION_INACTIVE"))
        }
        Who::InactiveOrgAdmin => success,
    }
}

/// What the zone-listed key gets: what its map's permissions allow (`organization:read` and
/// `dns:*`), except that every zone the sweep names is hidden by its list, and a zone it
/// creates is not on it.
fn zone_listed_answer(
    endpoint: &Endpoint,
    permission: Option<tenantry_core::Permission>,
    success: (StatusCode, Option<&'static str>),
) -> (StatusCode, Option<&'static str>) {
    use tenantry_core::perms::{DNS_DELETE, DNS_MANAGE, DNS_READ, ORG_READ};
    let held = [ORG_READ, DNS_READ, DNS_MANAGE, DNS_DELETE];
    let denied = (StatusCode::FORBIDDEN, Some("ERROR_PERMISSION_DENIED"));
    if permission.is_some_and(|p| !held.contains(&p)) {
        return denied;
    }
    match endpoint.operation_id {
        "create_zone" | "ns1_create_zone" => denied,
        // Made by the operator for the organization, the key has no maker to show.
        "get_current_user" => (StatusCode::NOT_FOUND, Some("ERROR_USER_NOT_FOUND")),
        _ if endpoint.path.contains("{zone_name}") || endpoint.path.contains("{zone}") => {
            (StatusCode::NOT_FOUND, None)
        }
        _ => success,
    }
}

/// Who calls with what, on which organization, from where.
fn caller(world: &World, who: Who, n: u32) -> (Option<String>, String, String) {
    // Failing credentials each come from their own address, so the brute-force limiter
    // (which is tested on its own) does not turn the sweep's 401s into 429s.
    let fresh_ip = format!("172.16.{}.{}", n / 250 % 250, n % 250 + 1);
    let (credential, org, ip) = match who {
        Who::NoCredential => (None, &world.child, fresh_ip),
        Who::MalformedKey => (Some("opk_not-a-key".to_owned()), &world.child, fresh_ip),
        Who::RevokedKey => (Some(world.revoked.clone()), &world.child, fresh_ip),
        Who::ExpiredKey => (Some(world.expired.clone()), &world.child, fresh_ip),
        Who::ExpiredToken => (Some(world.expired_token.clone()), &world.child, fresh_ip),
        Who::RefreshAsAccess => (Some(world.refresh_token.clone()), &world.child, fresh_ip),
        Who::DeletedPersonToken => (
            Some(world.deleted_person_token.clone()),
            &world.child,
            fresh_ip,
        ),
        // Signed in afresh for each call (a call may end its session).
        Who::ChildMember | Who::JoinedMember | Who::DnsManagerJoined => {
            (None, &world.child, fresh_ip)
        }
        Who::JoinedMemberOnParent => (None, &world.parent, fresh_ip),
        Who::JoinedMemberOnSibling => (None, &world.sibling, fresh_ip),
        Who::PendingInvitee | Who::RemovedMember => (None, &world.child, fresh_ip),
        Who::Viewer => (Some(world.viewer.clone()), &world.child, fresh_ip),
        Who::DnsManager => (Some(world.dns_manager.clone()), &world.child, fresh_ip),
        Who::BillingManager => (Some(world.billing_manager.clone()), &world.child, fresh_ip),
        Who::SubAdminOnParent => (Some(world.child_admin.clone()), &world.parent, fresh_ip),
        Who::SubAdminOnSibling => (Some(world.child_admin.clone()), &world.sibling, fresh_ip),
        Who::ParentAdminOnChild => (None, &world.child, fresh_ip),
        Who::OtherTenantAdmin => (
            Some(world.other_tenant_admin.clone()),
            &world.child,
            fresh_ip,
        ),
        Who::InactiveOrgAdmin => (
            Some(world.inactive_admin.clone()),
            &world.inactive,
            fresh_ip,
        ),
        // Outside the fenced organization's network, and new each time, so the refusals of
        // operator routes do not add up in the brute-force limiter.
        Who::ZoneListedKey => (Some(world.zone_listed_key.clone()), &world.child, fresh_ip),
        Who::DisallowedIp => (
            Some(world.fenced_admin.clone()),
            &world.fenced,
            format!("{DISALLOWED_NET}.{}.{}", n / 250 % 250, n % 250 + 1),
        ),
    };
    (credential, org.clone(), ip)
}

fn fill(path: &str, org: &str, objects: &Objects) -> String {
    path.replace("{organization_id}", org)
        .replace("{user_id}", &objects.user_id)
        .replace("{label}", &objects.label)
        .replace("{api_key_id}", &objects.api_key_id)
        .replace("{ip_restriction_id}", &objects.ip_restriction_id)
        .replace("{zone_name}", &objects.zone_name)
        .replace("{transaction_id}", &objects.transaction_id)
        .replace("{product_type}", "zones")
        .replace("{plan_id}", SOME_PLAN)
        .replace("{username}", &objects.username)
        .replace("{team_id}", &objects.team_id)
        .replace("{apikey_id}", &objects.apikey_short_id)
        .replace("{zone}", &objects.ns1_zone)
        .replace("{contact_id}", &objects.contact_id)
        .replace("{org_oid}", org)
        .replace("{user_oid}", &objects.user_id)
        .replace("{token}", "an-unknown-link")
        .replace("{invitation_oid}", &objects.invitation_id)
        .replace("{domain}", &format!("www.{}", objects.ns1_zone))
        .replace("{type}", "A")
        .replace("{operator_id}", "000000000000000000000000")
        .replace("{org_id}", "2000")
        .replace("{session_id}", "session_01h45ytscbebyvny4gc8cr8ma2")
        .replace("{key_oid}", "session_01h45ytscbebyvny4gc8cr8ma2")
        .replace("{domain_reference}", &objects.domain_name)
        .replace("{event_id}", &objects.event_id)
        .replace("{tld}", "sweep")
        .replace("{name}", "kept.sweep")
}

#[tokio::test]
async fn every_route_answers_every_kind_of_caller_as_the_rules_say() {
    let endpoints = tenantry_http::endpoints();
    let uncovered: Vec<_> = endpoints
        .iter()
        .filter(|e| case(e.operation_id).is_none())
        .map(|e| format!("{} {} ({})", e.method, e.path, e.operation_id))
        .collect();
    assert!(
        uncovered.is_empty(),
        "routes the sweep does not cover: {uncovered:?}"
    );
    let distinct: BTreeSet<_> = endpoints
        .iter()
        .map(|e| (e.method.as_str(), e.path))
        .collect();
    assert_eq!(distinct.len(), endpoints.len(), "a route is declared twice");

    for api in apis().await {
        let world = world(&api).await;
        let mut failures = Vec::new();
        let mut n = 0;
        for endpoint in &endpoints {
            let case = case(endpoint.operation_id).unwrap();
            for who in EVERYONE {
                n += 1;
                let (credential, target, ip) = caller(&world, who, n);
                let mut template = format!("{}{}", endpoint.path, case.query);
                // Creations through NS1 name their new object in the path.
                match endpoint.operation_id {
                    "ns1_create_zone" => {
                        template = template.replace("{zone}", &format!("ns1-fresh-{n}.example"))
                    }
                    "ns1_create_record" => template = template.replace("{type}", "AAAA"),
                    _ => {}
                }
                let mut target_org = target.clone();
                let objects = if target == world.inactive {
                    world.inactive_objects.clone()
                } else {
                    if who == Who::ParentAdminOnChild
                        && matches!(
                            endpoint.operation_id,
                            "delete_organization" | "dg_delete_org"
                        )
                    {
                        // The one call that removes an organization gets its own.
                        target_org = suborg(&api, &format!("Doomed {n}")).await.0;
                    }
                    objects(&api, &target_org, &template, n).await
                };
                let mut call = api
                    .call(
                        endpoint.method.clone(),
                        &fill(&template, &target_org, &objects),
                    )
                    .client_ip(&ip);
                call = match (&credential, who) {
                    (_, Who::ParentAdminOnChild) => call,
                    (_, Who::ChildMember) => {
                        call.bearer(&fresh_session(&api, "sweep-member").await)
                    }
                    (
                        _,
                        Who::JoinedMember | Who::JoinedMemberOnParent | Who::JoinedMemberOnSibling,
                    ) => call.bearer(&fresh_session(&api, "sweep-joined").await),
                    (_, Who::PendingInvitee) => {
                        call.bearer(&fresh_session(&api, "sweep-invitee").await)
                    }
                    (_, Who::RemovedMember) => {
                        call.bearer(&fresh_session(&api, "sweep-removed").await)
                    }
                    (_, Who::DnsManagerJoined) => {
                        call.bearer(&fresh_session(&api, "sweep-dns-joined").await)
                    }
                    (
                        Some(secret),
                        Who::ExpiredToken | Who::RefreshAsAccess | Who::DeletedPersonToken,
                    ) => call.bearer(secret),
                    (Some(key), _) => call.key(key),
                    (None, _) => call.anonymous(),
                };
                // An outsider naming another organization's object by id does so from its
                // own organization; aiming the context at the other organization is the
                // other way in, tried where there is no id to name.
                let outsider = matches!(
                    who,
                    Who::SubAdminOnParent | Who::SubAdminOnSibling | Who::OtherTenantAdmin
                );
                if case.targeting == Targeting::Context && !(outsider && template.contains('{')) {
                    call = call.header("x-organization-context", &target_org);
                }
                let body = match endpoint.operation_id {
                    "issue_token" => {
                        json!({"grant_type": "client_credentials", "client_id": world.parent, "client_secret": world.parent_secret})
                    }
                    _ => (case.body)(n),
                };
                let request = format!(
                    "{} {body} {target_org}",
                    fill(&template, &target_org, &objects)
                );
                if !body.is_null() {
                    call = call.json(body);
                }
                let (status, answer) = call.send().await;
                let leaked = leaks(&world, who, &request, &answer.to_string());
                if !leaked.is_empty() {
                    failures.push(format!(
                        "{} {} as {who:?}: the answer shows {leaked:?} from outside its reach: {answer}",
                        endpoint.method, endpoint.path
                    ));
                }
                let (want, code) = expected(endpoint, &case, who);
                let (code_ok, not_found_ok) = if endpoint.dialect == Dialect::Ns1 {
                    let message = answer["message"].as_str().unwrap_or_default();
                    (
                        code.is_none_or(|text| message.contains(text)),
                        want != StatusCode::NOT_FOUND
                            || message.contains("not found")
                            || message == "Unknown user",
                    )
                } else {
                    // DomainGenius nests the same code in its `error` object.
                    let answered = if endpoint.dialect == Dialect::DomainGenius {
                        &answer["error"]["code"]
                    } else {
                        &answer["code"]
                    };
                    (
                        code.is_none_or(|code| answered == code),
                        want != StatusCode::NOT_FOUND
                            || answered.as_str().is_some_and(|c| c.ends_with("_NOT_FOUND")),
                    )
                };
                if status != want || !code_ok || !not_found_ok {
                    failures.push(format!(
                        "{} {} as {who:?}: got {status} {answer}, want {want} {code:?}",
                        endpoint.method, endpoint.path
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {n} calls on {:?} broke a rule:\n{}",
            failures.len(),
            api.engine(),
            failures.join("\n")
        );
    }
}
