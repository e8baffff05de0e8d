//! The Tenantry API (OpusDNS-compatible): one module per resource, and the endpoint table
//! that routes to them.

pub(crate) mod audit;
pub(crate) mod billing;
pub(crate) mod contacts;
pub(crate) mod credentials;
pub(crate) mod dns;
mod dns_secondaries;
pub(crate) mod domains;
mod events;
pub(crate) mod ip_restrictions;
mod me;
pub(crate) mod organizations;
pub(crate) mod roles;
mod token;
pub(crate) mod users;

pub(crate) use audit::{AuditEventWire, trail as audit_trail};
use axum::http::Method;
pub(crate) use domains::wire::DomainWire;

use crate::endpoint::needs::{
    AUDIT_READ, BILLING_MANAGE, CONTACTS_DELETE, CONTACTS_MANAGE, CONTACTS_READ, DNS_DELETE,
    DNS_MANAGE, DNS_READ, KEYS_DELETE, KEYS_MANAGE, KEYS_READ, OPERATOR, ORG_DELETE, ORG_MANAGE,
    ORG_READ, USERS_DELETE, USERS_MANAGE, USERS_READ,
};
use crate::endpoint::{Access, Bound, row};
use crate::openapi::SORTED_PAGES;
use crate::pagination::Paginated;
use crate::{health, openapi};

/// Every endpoint, with the access it needs. Where the OpusDNS description names a permission
/// (`x-required-permissions`) the row uses it; where it names none, the row says what the use
/// case needs.
#[rustfmt::skip]
pub(crate) fn endpoints() -> Vec<Bound> {
    use Method as M;
    use organizations as org;
    let (get, post, put, patch, delete) = (M::GET, M::POST, M::PUT, M::PATCH, M::DELETE);
    const ORG: &str = "organizations";
    const ROLES: &str = "roles";
    const IPS: &str = "ip-restrictions";
    const USERS: &str = "users";
    const AUTH: &str = "auth";
    const OPS: &str = "platform";
    const DNS: &str = "dns";
    const CONTACTS: &str = "contacts";
    const CONTACT: &str = "/v1/contacts/{contact_id}";
    const ZONE: &str = "/v1/dns/{zone_name}";
    const BILLING: &str = "billing";
    const PRICING: &str = "pricing";
    const ORG_PRICING: &str = "/v1/organizations/{organization_id}/pricing/product-type/{product_type}";
    const WALLET_CREDITS: &str = "/v1/organizations/{organization_id}/billing/wallet/credits";
    const WALLET_REFUNDS: &str = "/v1/organizations/{organization_id}/billing/wallet/refunds";
    const WALLET_ADJUSTMENTS: &str = "/v1/organizations/{organization_id}/billing/wallet/adjustments";
    vec![
        row(get.clone(), "/healthz", "healthz", OPS, "Liveness", Access::Public, 200, health::healthz).produces(None),
        row(get.clone(), "/readyz", "readyz", OPS, "Readiness (the database answers)", Access::Public, 200, health::readyz).produces(None),
        row(get.clone(), "/v1/openapi.json", "openapi", OPS, "This API's OpenAPI description", Access::Public, 200, openapi::document).answers::<serde_json::Value>(),
        row(get.clone(), "/v1/organizations", "list_organizations", ORG, "List suborganizations", ORG_READ, 200, org::list).query(SORTED_PAGES).query(org::LIST_QUERY).answers::<Paginated<organizations::OrganizationWire>>(),
        row(post.clone(), "/v1/organizations", "create_organization", ORG, "Create a suborganization", ORG_MANAGE, 200, org::create).also(&[409]).body::<organizations::OrganizationCreateBody>().answers::<organizations::OrganizationWire>(),
        row(get.clone(), "/v1/organizations/users", "list_organization_users", USERS, "List the organization's users", ORG_READ, 200, users::list).query(SORTED_PAGES).query(users::LIST_QUERY).answers::<Paginated<users::UserWire>>(),
        row(get.clone(), "/v1/organizations/roles", "list_roles", ROLES, "List built-in and custom roles", ORG_READ, 200, roles::list).answers::<Vec<roles::RoleWire>>(),
        row(post.clone(), "/v1/organizations/roles", "create_role", ROLES, "Create a custom role", ORG_MANAGE, 201, roles::create).also(&[409]).body::<roles::RoleCreateBody>().answers::<roles::RoleWire>(),
        row(get.clone(), "/v1/organizations/roles/{label}", "get_role", ROLES, "Get a role", ORG_READ, 200, roles::get_one).answers::<roles::RoleWire>(),
        row(patch.clone(), "/v1/organizations/roles/{label}", "update_role", ROLES, "Change a custom role", ORG_MANAGE, 200, roles::update).also(&[409]).body::<roles::RoleUpdateBody>().answers::<roles::RoleWire>(),
        row(delete.clone(), "/v1/organizations/roles/{label}", "delete_role", ROLES, "Delete an unused custom role", ORG_MANAGE, 204, roles::remove).also(&[409]),
        row(get.clone(), "/v1/organizations/role-permissions", "list_role_permissions", ROLES, "Permissions a custom role may hold", ORG_READ, 200, roles::grantable).answers::<roles::PermissionsWire>(),
        row(get.clone(), "/v1/organizations/ip-restrictions", "list_ip_restrictions", IPS, "List IP restrictions", ORG_READ, 200, ip_restrictions::list).answers::<Vec<ip_restrictions::IpRestrictionWire>>(),
        row(post.clone(), "/v1/contacts", "create_contact", CONTACTS, "Create a contact (immutable once made)", CONTACTS_MANAGE, 201, contacts::create).body::<contacts::ContactFields>().answers::<contacts::ContactWire>(),
        row(get.clone(), "/v1/contacts", "list_contacts", CONTACTS, "List contacts", CONTACTS_READ, 200, contacts::list).query(SORTED_PAGES).query(contacts::LIST_QUERY).answers::<Paginated<contacts::ContactWire>>(),
        row(get.clone(), CONTACT, "get_contact", CONTACTS, "A contact", CONTACTS_READ, 200, contacts::get_one).answers::<contacts::ContactWire>(),
        row(delete.clone(), CONTACT, "delete_contact", CONTACTS, "Delete a contact no domain uses", CONTACTS_DELETE, 204, contacts::remove).also(&[409]),
        row(post.clone(), "/v1/organizations/ip-restrictions", "create_ip_restriction", IPS, "Allow a network", ORG_MANAGE, 200, ip_restrictions::create).also(&[409]).body::<ip_restrictions::CreateBody>().answers::<ip_restrictions::IpRestrictionWire>(),
        row(get.clone(), "/v1/organizations/ip-restrictions/{ip_restriction_id}", "get_ip_restriction", IPS, "Get an IP restriction", ORG_READ, 200, ip_restrictions::get_one).answers::<ip_restrictions::IpRestrictionWire>(),
        row(patch.clone(), "/v1/organizations/ip-restrictions/{ip_restriction_id}", "update_ip_restriction", IPS, "Change an IP restriction", ORG_MANAGE, 200, ip_restrictions::update).also(&[409]).body::<ip_restrictions::UpdateBody>().answers::<ip_restrictions::IpRestrictionWire>(),
        row(delete.clone(), "/v1/organizations/ip-restrictions/{ip_restriction_id}", "delete_ip_restriction", IPS, "Delete an IP restriction", ORG_MANAGE, 204, ip_restrictions::remove).also(&[409]),
        row(get.clone(), "/v1/organizations/attributes", "list_own_attributes", ORG, "The organization's attributes", ORG_READ, 200, org::attributes_own).query(org::ATTRIBUTES_QUERY).answers::<Vec<organizations::AttributeWire>>(),
        row(patch.clone(), "/v1/organizations/attributes", "update_own_attributes", ORG, "Upsert the organization's attributes", ORG_MANAGE, 200, org::attributes_update_own).also(&[409]).body::<organizations::AttributesBody>().answers::<Vec<organizations::AttributeWire>>(),
        row(get.clone(), "/v1/organizations/attributes/{organization_id}", "list_attributes_legacy", ORG, "An organization's attributes (older path)", ORG_READ, 200, org::attributes_of).query(org::ATTRIBUTES_QUERY).answers::<Vec<organizations::AttributeWire>>(),
        row(patch.clone(), "/v1/organizations/attributes/{organization_id}", "update_attributes_legacy", ORG, "Upsert an organization's attributes (older path)", ORG_MANAGE, 200, org::attributes_update_of).also(&[409]).body::<organizations::AttributesBody>().answers::<Vec<organizations::AttributeWire>>(),
        row(get.clone(), "/v1/organizations/{organization_id}", "get_organization", ORG, "Get an organization", ORG_READ, 200, org::get_one).answers::<organizations::OrganizationWithBillingWire>(),
        row(patch.clone(), "/v1/organizations/{organization_id}", "update_organization", ORG, "Change an organization, or its status", ORG_MANAGE, 200, org::update).body::<organizations::OrganizationPatchBody>().answers::<organizations::OrganizationWire>(),
        row(delete.clone(), "/v1/organizations/{organization_id}", "delete_organization", ORG, "Delete a suborganization", ORG_DELETE, 204, org::remove),
        row(get.clone(), "/v1/organizations/{organization_id}/attributes", "list_attributes", ORG, "An organization's attributes", ORG_READ, 200, org::attributes_of).query(org::ATTRIBUTES_QUERY).answers::<Vec<organizations::AttributeWire>>(),
        row(patch.clone(), "/v1/organizations/{organization_id}/attributes", "update_attributes", ORG, "Upsert an organization's attributes", ORG_MANAGE, 200, org::attributes_update_of).also(&[409]).body::<organizations::AttributesBody>().answers::<Vec<organizations::AttributeWire>>(),
        row(post.clone(), "/v1/users", "create_user", USERS, "Create a user", USERS_MANAGE, 200, users::create).also(&[409]).body::<users::UserCreateBody>().answers::<users::UserWire>(),
        row(get.clone(), "/v1/users/me", "get_current_user", USERS, "The user behind the credential", USERS_READ, 200, users::me).answers::<users::UserProfileWire>(),
        row(get.clone(), "/v1/users/me/organizations", "list_my_organizations", USERS, "Every organization the caller can act in, with its role there", Access::Authenticated, 200, me::organizations).answers::<Vec<me::OrganizationAccessWire>>(),
        row(put.clone(), "/v1/users/me/password", "change_my_password", USERS, "Change one's password (ends one's other sessions)", Access::Authenticated, 204, me::password).also(&[403]).body::<me::PasswordChangeBody>(),
        row(get.clone(), "/v1/users/me/totp", "get_my_totp", USERS, "Whether two-factor sign-in is on", Access::Authenticated, 200, me::totp_status).answers::<me::TotpStatusWire>(),
        row(post.clone(), "/v1/users/me/totp", "enrol_my_totp", USERS, "Start TOTP enrolment", Access::Authenticated, 201, me::totp_enrol).also(&[409]).body::<me::PasswordBody>().answers::<me::TotpEnrolmentWire>(),
        row(post.clone(), "/v1/users/me/totp/confirm", "confirm_my_totp", USERS, "Confirm TOTP with a code; returns recovery codes", Access::Authenticated, 200, me::totp_confirm).also(&[403, 409]).body::<me::TotpCodeBody>().answers::<me::RecoveryCodesWire>(),
        row(delete.clone(), "/v1/users/me/totp", "disable_my_totp", USERS, "Turn two-factor sign-in off", Access::Authenticated, 204, me::totp_disable).also(&[403, 409]).body::<me::TotpDisableBody>(),
        row(get.clone(), "/v1/users/me/sessions", "list_my_sessions", USERS, "One's live sessions", Access::Authenticated, 200, me::sessions).answers::<Vec<me::SessionWire>>(),
        row(delete.clone(), "/v1/users/me/sessions/{session_id}", "revoke_my_session", USERS, "End one of one's sessions", Access::Authenticated, 204, me::session_revoke),
        row(get.clone(), "/v1/users/{user_id}", "get_user", USERS, "Get a user", USERS_READ, 200, users::get_one).query(users::ONE_QUERY).answers::<users::UserWire>(),
        row(patch.clone(), "/v1/users/{user_id}", "update_user", USERS, "Change a user", USERS_MANAGE, 200, users::update).also(&[409]).body::<users::UserPatchBody>().answers::<users::UserWire>(),
        row(delete.clone(), "/v1/users/{user_id}", "delete_user", USERS, "Delete a user", USERS_DELETE, 204, users::remove).also(&[409]),
        row(get.clone(), "/v1/users/{user_id}/role", "get_user_role", USERS, "A user's role", USERS_READ, 200, users::role_get).answers::<users::RoleWire>(),
        row(put.clone(), "/v1/users/{user_id}/role", "set_user_role", USERS, "Give a user a role", USERS_MANAGE, 200, users::role_put).also(&[409]).body::<users::RoleBody>().answers::<users::RoleWire>(),
        row(get.clone(), "/v1/users/{user_id}/permissions", "get_user_permissions", USERS, "What a user's role grants", USERS_READ, 200, users::permissions_get).answers::<users::PermissionsWire>(),
        row(post.clone(), "/v1/auth/token", "issue_token", AUTH, "OAuth2 grants: client credentials, password, refresh token", Access::Public, 200, token::grant).body_as::<token::TokenRequest>(&["application/x-www-form-urlencoded", "application/json"]).answers::<token::GrantedTokens>(),
        row(post.clone(), "/v1/auth/logout", "logout", AUTH, "End the caller's session", Access::Authenticated, 204, me::logout),
        row(get.clone(), "/v1/auth/client_credentials", "list_credentials", AUTH, "List API credentials", KEYS_READ, 200, credentials::list).query(credentials::LIST_QUERY).answers::<Paginated<credentials::CredentialWire>>(),
        row(post.clone(), "/v1/auth/client_credentials", "create_credential", AUTH, "Issue an API credential", KEYS_MANAGE, 200, credentials::create).body::<credentials::CredentialCreateBody>().answers::<credentials::IssuedWire>(),
        row(get.clone(), "/v1/auth/client_credentials/introspect", "introspect_credential", AUTH, "The calling credential", Access::Authenticated, 200, credentials::introspect).answers::<credentials::CredentialWire>(),
        row(delete.clone(), "/v1/auth/client_credentials/{api_key_id}", "revoke_credential", AUTH, "Revoke an API credential", KEYS_DELETE, 204, credentials::remove),
        row(post.clone(), "/v1/auth/client_credentials/{api_key_id}/rotate", "rotate_credential", AUTH, "New secrets; the old ones end at a chosen time", KEYS_MANAGE, 200, credentials::rotate).also(&[409]).body::<credentials::RotateBody>().answers::<credentials::IssuedWire>(),
        row(get.clone(), "/v1/audit-logs", "list_audit_events", "audit", "The audit trail", AUDIT_READ, 200, audit::list).query(SORTED_PAGES).query(audit::TRAIL_QUERY).query(&[audit::ORGANIZATION]).answers::<Paginated<audit::AuditEventWire>>(),
        row(get.clone(), "/v1/organizations/{organization_id}/audit-logs", "operator_list_audit_events", "audit", "Any organization's audit trail, deleted ones included (operators)", OPERATOR, 200, audit::operator_list).query(SORTED_PAGES).query(audit::TRAIL_QUERY).answers::<Paginated<audit::AuditEventWire>>(),
        row(get.clone(), "/v1/dns", "list_zones", DNS, "List zones with their rrsets", DNS_READ, 200, dns::list).query(SORTED_PAGES).query(dns::LIST_QUERY).answers::<Paginated<dns::wire::ZoneWire>>(),
        row(post.clone(), "/v1/dns", "create_zone", DNS, "Create a zone (charged when zones are priced)", DNS_MANAGE, 201, dns::create).also(&[400, 402, 409]).body::<dns::ZoneCreateBody>().answers::<dns::wire::ChangesWire>(),
        row(get.clone(), "/v1/dns/summary", "get_zones_summary", DNS, "Count zones by DNSSEC status", DNS_READ, 200, dns::summary).answers::<serde_json::Value>(),
        row(get.clone(), ZONE, "get_zone", DNS, "A zone with its rrsets", DNS_READ, 200, dns::get_one).answers::<dns::wire::ZoneWire>(),
        row(delete.clone(), ZONE, "delete_zone", DNS, "Delete a zone and its records", DNS_DELETE, 204, dns::remove),
        row(patch.clone(), "/v1/dns/{zone_name}/rrsets", "patch_zone_rrsets", DNS, "Upsert or remove rrsets", DNS_MANAGE, 204, dns::patch_rrsets).also(&[400, 409]).body::<dns::input::RrsetOpsBody>(),
        row(put.clone(), "/v1/dns/{zone_name}/rrsets", "replace_zone_rrsets", DNS, "Replace every rrset the server does not own", DNS_MANAGE, 204, dns::replace_rrsets).also(&[400, 409]).body::<dns::input::ReplaceBody>(),
        row(patch.clone(), "/v1/dns/{zone_name}/records", "patch_zone_records", DNS, "Add or remove single records", DNS_MANAGE, 204, dns::patch_records).also(&[400, 409]).body::<dns::input::RecordOpsBody>(),
        row(get.clone(), "/v1/dns/{zone_name}/export", "export_zone", DNS, "The zone as an RFC 1035 master file", DNS_READ, 200, dns::export).produces(Some("text/plain")),
        row(get.clone(), "/v1/dns/{zone_name}/dnssec", "get_zone_dnssec", DNS, "The zone's DNSSEC keys and the DS records for its parent", DNS_READ, 200, dns::dnssec::get_one).answers::<dns::dnssec::DnssecWire>(),
        row(post.clone(), "/v1/dns/{zone_name}/dnssec/enable", "enable_dnssec", DNS, "Sign the zone: make its keys and publish its DNSKEY rrset", DNS_MANAGE, 200, dns::dnssec::enable).also(&[400, 409]).answers::<dns::wire::ChangesWire>(),
        row(post.clone(), "/v1/dns/{zone_name}/dnssec/disable", "disable_dnssec", DNS, "Stop signing the zone and remove its keys", DNS_MANAGE, 200, dns::dnssec::disable).also(&[400, 409]).answers::<dns::wire::ChangesWire>(),
        row(get.clone(), "/v1/dns-secondaries", "list_dns_secondaries", DNS, "The secondaries allowed zone transfers (operator)", OPERATOR, 200, dns_secondaries::list).answers::<Vec<dns_secondaries::SecondaryWire>>(),
        row(post.clone(), "/v1/dns-secondaries", "create_dns_secondary", DNS, "Allow a secondary zone transfers and send it NOTIFY (operator)", OPERATOR, 201, dns_secondaries::create).body::<dns_secondaries::SecondaryCreateBody>().answers::<dns_secondaries::SecondaryWire>(),
        row(delete.clone(), "/v1/dns-secondaries/{secondary_id}", "delete_dns_secondary", DNS, "Stop allowing a secondary (operator)", OPERATOR, 204, dns_secondaries::remove),
        row(get.clone(), "/v1/dns-tsig-keys", "list_dns_tsig_keys", DNS, "The TSIG keys that sign zone transfers, without secrets (operator)", OPERATOR, 200, dns_secondaries::tsig_key_list).answers::<Vec<dns_secondaries::TsigKeyWire>>(),
        row(post.clone(), "/v1/dns-tsig-keys", "create_dns_tsig_key", DNS, "Make a TSIG key; its secret is shown this once (operator)", OPERATOR, 201, dns_secondaries::tsig_key_create).also(&[409]).body::<dns_secondaries::TsigKeyCreateBody>().answers::<dns_secondaries::TsigKeyWire>(),
        row(delete.clone(), "/v1/dns-tsig-keys/{tsig_key_name}", "delete_dns_tsig_key", DNS, "Remove a TSIG key no secondary uses (operator)", OPERATOR, 204, dns_secondaries::tsig_key_remove).also(&[409]),
        row(get.clone(), "/v1/organizations/{organization_id}/transactions", "list_transactions", BILLING, "Billing transactions", ORG_READ, 200, billing::transaction_list).query(SORTED_PAGES).query(billing::transactions::LIST_QUERY).answers::<Paginated<billing::wire::TransactionWire>>(),
        row(get.clone(), "/v1/organizations/{organization_id}/transactions/{transaction_id}", "get_transaction", BILLING, "A billing transaction", ORG_READ, 200, billing::transaction_get).answers::<billing::wire::TransactionWire>(),
        row(get.clone(), "/v1/organizations/{organization_id}/billing/statement", "get_statement", BILLING, "The transactions of a date range as CSV", ORG_READ, 200, billing::statement).query(billing::transactions::STATEMENT_QUERY).produces(Some("text/csv")),
        row(get.clone(), ORG_PRICING, "get_organization_pricing", PRICING, "The prices the organization pays for a product type", ORG_READ, 200, billing::org_pricing).query(billing::pricing::PRICES_QUERY).answers::<billing::wire::PricesWire>(),
        row(put.clone(), ORG_PRICING, "set_organization_pricing", PRICING, "Replace the organization's price overrides (operator)", OPERATOR, 200, billing::overrides_put).body::<billing::pricing::PricesBody>().answers::<billing::wire::PricesWire>(),
        row(get.clone(), "/v1/pricing/product-type/{product_type}", "get_price_list", PRICING, "The list prices of a product type (operator)", OPERATOR, 200, billing::price_list_get).answers::<billing::wire::PricesWire>(),
        row(put.clone(), "/v1/pricing/product-type/{product_type}", "set_price_list", PRICING, "Replace the list prices of a product type (operator)", OPERATOR, 200, billing::price_list_put).body::<billing::pricing::PricesBody>().answers::<billing::wire::PricesWire>(),
        row(get.clone(), "/v1/plans", "list_plans", BILLING, "The plan catalog (operator)", OPERATOR, 200, billing::plan_list).answers::<Vec<billing::wire::PlanWire>>(),
        row(post.clone(), "/v1/plans", "create_plan", BILLING, "Add a plan (operator)", OPERATOR, 201, billing::plan_create).body::<billing::plans::PlanCreateBody>().answers::<billing::wire::PlanWire>(),
        row(get.clone(), "/v1/plans/{plan_id}", "get_plan", BILLING, "A plan (operator)", OPERATOR, 200, billing::plan_get).answers::<billing::wire::PlanWire>(),
        row(patch.clone(), "/v1/plans/{plan_id}", "update_plan", BILLING, "Change or retire a plan (operator)", OPERATOR, 200, billing::plan_update).body::<billing::plans::PlanPatchBody>().answers::<billing::wire::PlanWire>(),
        row(get.clone(), "/v1/organizations/{organization_id}/plans", "list_organization_plans", BILLING, "The plans the paying account can choose", ORG_READ, 200, billing::plans_of).also(&[409]).answers::<billing::plans::PlanChoiceWire>(),
        row(patch.clone(), "/v1/organizations/{organization_id}/plan", "change_organization_plan", BILLING, "Put the paying account on a plan (charged)", BILLING_MANAGE, 200, billing::plan_change).also(&[402, 409]).body::<billing::plans::PlanChangeBody>().answers::<organizations::OrganizationWithBillingWire>(),
        row(patch.clone(), "/v1/organizations/{organization_id}/billing/account", "set_billing_terms", BILLING, "Prepaid or postpaid, and the credit limit (operator)", OPERATOR, 200, billing::terms_set).also(&[409]).body::<billing::wallet::TermsBody>().answers::<billing::wallet::AccountWire>(),
        row(post.clone(), WALLET_CREDITS, "credit_wallet", BILLING, "Record money received (operator)", OPERATOR, 200, billing::credit).also(&[409]).body::<billing::wallet::CreditBody>().answers::<billing::wallet::MovementWire>(),
        row(post.clone(), WALLET_REFUNDS, "refund_transaction", BILLING, "Refund a charge (operator)", OPERATOR, 200, billing::refund).also(&[409]).body::<billing::wallet::RefundBody>().answers::<billing::wallet::MovementWire>(),
        row(post.clone(), WALLET_ADJUSTMENTS, "adjust_wallet", BILLING, "Correct a balance, with a reason (operator)", OPERATOR, 200, billing::adjust).also(&[409]).body::<billing::wallet::AdjustmentBody>().answers::<billing::wallet::MovementWire>(),
    ]
    .into_iter()
    .chain(domains::endpoints())
    .chain(events::endpoints())
    .chain(crate::ns1::endpoints())
    .chain(crate::dg::endpoints())
    .collect()
}
