//! The DomainGenius-compatible dialect under `/api/v1`: organizations with slugs, founded and
//! switched between by people signed in with a password. Its error body is one shape,
//! translated from the problem every route answers (`error.rs`). Rows join the one endpoint
//! table, so the guard, the OpenAPI document and the isolation sweep cover them.

mod auth;
pub(crate) mod danger_zone;
mod domains;
pub(crate) mod error;
mod invitations;
mod keys;
mod members;
mod orgs;
pub(crate) mod signup;

use axum::http::Method;

use crate::endpoint::needs::{
    AUDIT_READ, DOMAINS_MANAGE, DOMAINS_READ, ORG_DELETE, ORG_MANAGE, ORG_READ, USERS_MANAGE,
    USERS_READ,
};
use crate::endpoint::{Access, Bound, row};
use crate::openapi::SORTED_PAGES;
use crate::pagination::Paginated;

#[rustfmt::skip]
pub(crate) fn endpoints() -> Vec<Bound> {
    use Method as M;
    const ORGS: &str = "domaingenius-orgs";
    const AUTH: &str = "domaingenius-auth";
    const KEYS: &str = "domaingenius-keys";
    const ORG: &str = "/api/v1/orgs/{org_oid}";
    const TRANSFER: &str = "/api/v1/orgs/{org_oid}/ownership-transfer";
    const MEMBERS: &str = "domaingenius-members";
    const MEMBER: &str = "/api/v1/orgs/{org_oid}/members/{user_oid}";
    vec![
        row(M::POST, "/api/v1/auth/password-reset", "dg_request_password_reset", AUTH, "Mail a link to set a forgotten password (answers alike for any address)", Access::Public, 202, auth::request).body::<auth::ResetRequestBody>().produces(None),
        row(M::POST, "/api/v1/auth/password-reset/{token}", "dg_reset_password", AUTH, "Set a new password with the mailed link", Access::Public, 204, auth::complete).also(&[422]).body::<auth::ResetBody>(),
        row(M::POST, "/api/v1/auth/signup", "dg_sign_up", AUTH, "Sign up (as the server's --signup allows): an account, an organization you own, and a link to confirm the address", Access::Public, 202, signup::sign_up).also(&[403, 422]).body::<signup::SignUpBody>().answers::<signup::SignUpAccepted>(),
        row(M::POST, "/api/v1/auth/verify-email", "dg_resend_verification", AUTH, "Mail a new link to confirm your address", Access::Authenticated, 202, signup::resend).also(&[409]).produces(None),
        row(M::POST, "/api/v1/auth/verify-email/{token}", "dg_verify_email", AUTH, "Confirm your address with the mailed link", Access::Public, 204, signup::verify).also(&[422]),
        row(M::POST, "/api/v1/keys", "dg_create_key", KEYS, "Make a personal API key (shown once): it acts as you wherever you belong", Access::Authenticated, 201, keys::create).also(&[422]).body::<keys::KeyBody>().answers::<keys::NewKeyWire>(),
        row(M::GET, "/api/v1/keys", "dg_list_keys", KEYS, "Your personal API keys", Access::Authenticated, 200, keys::list).answers::<keys::KeyList>(),
        row(M::DELETE, "/api/v1/keys/{key_oid}", "dg_revoke_key", KEYS, "Revoke one of your personal API keys", Access::Authenticated, 204, keys::revoke),
        row(M::POST, "/api/v1/orgs", "dg_create_org", ORGS, "Found an organization you own (name, slug)", Access::Authenticated, 201, orgs::create).also(&[409, 422]).body::<orgs::CreateBody>().answers::<orgs::OrgWire>(),
        row(M::GET, "/api/v1/orgs", "dg_list_orgs", ORGS, "The organizations you can act in (the switcher)", Access::Authenticated, 200, orgs::list).answers::<orgs::OrgList>(),
        row(M::GET, "/api/v1/orgs/check-slug", "dg_check_slug", ORGS, "Whether a slug is free, why not, and a free one", Access::Authenticated, 200, orgs::check_slug).query(orgs::SLUG_QUERY).answers::<orgs::SlugCheckWire>(),
        row(M::GET, ORG, "dg_get_org", ORGS, "An organization by TypeID or slug", ORG_READ, 200, orgs::get_one).answers::<orgs::OrgWire>(),
        row(M::PATCH, ORG, "dg_update_org", ORGS, "Rename an organization or change its slug", ORG_MANAGE, 200, orgs::update).also(&[409]).body::<orgs::UpdateBody>().answers::<orgs::OrgWire>(),
        row(M::DELETE, ORG, "dg_delete_org", ORGS, "Delete an organization (owners only): refunds its unspent balance, removes its zones", ORG_DELETE, 200, danger_zone::delete).also(&[409]).answers::<danger_zone::Deleted>(),
        row(M::POST, TRANSFER, "dg_offer_ownership", ORGS, "Offer the ownership to a member (owners only; mailed, valid seven days)", ORG_MANAGE, 201, danger_zone::offer).also(&[422]).body::<danger_zone::OfferBody>().answers::<danger_zone::TransferWire>(),
        row(M::GET, TRANSFER, "dg_get_ownership_offer", ORGS, "The open ownership offer", ORG_READ, 200, danger_zone::get_offer).answers::<danger_zone::TransferWire>(),
        row(M::DELETE, TRANSFER, "dg_cancel_ownership_offer", ORGS, "Withdraw the open ownership offer (owners only)", ORG_MANAGE, 204, danger_zone::cancel_offer),
        row(M::POST, "/api/v1/ownership-transfers/{token}/accept", "dg_accept_ownership", ORGS, "Accept an ownership offer: you become an owner, the sender an admin", Access::Authenticated, 200, danger_zone::accept).also(&[403, 404, 409]).answers::<danger_zone::Accepted>(),
        row(M::GET, "/api/v1/orgs/{org_oid}/domains", "dg_list_domains", ORGS, "The organization's domains", DOMAINS_READ, 200, domains::list).query(domains::LIST_QUERY).answers::<Paginated<crate::api::domains::wire::DomainWire>>(),
        row(M::POST, "/api/v1/orgs/{org_oid}/domains/{domain_reference}/move", "dg_move_domain", ORGS, "Move a domain to another organization you manage domains in", DOMAINS_MANAGE, 200, domains::move_to).also(&[409]).body::<domains::MoveBody>().answers::<crate::api::domains::wire::DomainWire>(),
        row(M::GET, "/api/v1/orgs/{org_oid}/members", "dg_list_members", MEMBERS, "The organization's people and their roles there", USERS_READ, 200, members::list).query(members::LIST_QUERY).answers::<Paginated<members::MemberWire>>(),
        row(M::PATCH, MEMBER, "dg_set_member_role", MEMBERS, "Change a member's role", USERS_MANAGE, 204, members::set_role).also(&[409, 422]).body::<members::RoleBody>(),
        row(M::POST, "/api/v1/orgs/{org_oid}/members", "dg_invite_member", MEMBERS, "Invite an address with a role (mailed a link valid seven days)", USERS_MANAGE, 201, invitations::invite).also(&[409, 422]).body::<invitations::InviteBody>().answers::<invitations::InvitationWire>(),
        row(M::GET, "/api/v1/orgs/{org_oid}/audit-logs", "dg_list_audit_events", ORGS, "The organization's audit trail", AUDIT_READ, 200, members::audit).query(SORTED_PAGES).query(crate::api::audit::TRAIL_QUERY).answers::<Paginated<crate::api::AuditEventWire>>(),
        row(M::GET, "/api/v1/orgs/{org_oid}/invitations", "dg_list_invitations", MEMBERS, "The organization's invitations (status filter)", USERS_READ, 200, invitations::list).query(invitations::LIST_QUERY).answers::<invitations::InvitationList>(),
        row(M::POST, "/api/v1/orgs/{org_oid}/invitations/{invitation_oid}/resend", "dg_resend_invitation", MEMBERS, "Send an invitation again (a new link, seven more days)", USERS_MANAGE, 200, invitations::resend).also(&[409]).answers::<invitations::InvitationWire>(),
        row(M::DELETE, "/api/v1/orgs/{org_oid}/invitations/{invitation_oid}", "dg_revoke_invitation", MEMBERS, "Revoke a pending invitation", USERS_MANAGE, 204, invitations::revoke).also(&[409]),
        row(M::POST, "/api/v1/invitations/{token}/accept", "dg_accept_invitation", MEMBERS, "Accept an invitation, signed in or by signing up", Access::Public, 200, invitations::accept).also(&[403, 409, 422]).body::<invitations::AcceptBody>().answers::<invitations::Accepted>(),
        row(M::DELETE, MEMBER, "dg_remove_member", MEMBERS, "Remove a member, or leave", Access::Authenticated, 204, members::remove).also(&[409]),
    ]
    .into_iter()
    .map(Bound::domaingenius)
    .collect()
}

/// Whether a path belongs to this dialect.
pub(crate) fn is_dg_path(path: &str) -> bool {
    path.starts_with("/api/")
}
