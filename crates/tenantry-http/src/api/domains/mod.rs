//! `/v1/domains…`: registering and managing domains (the reference's paths and shapes), and
//! `/v1/tlds…`: the TLD catalogue, which the operator keeps and everyone reads.

pub(crate) mod changes;
mod reads;
mod tlds;
pub(crate) mod wire;

use axum::http::Method;

use crate::endpoint::needs::{DOMAINS_DELETE, DOMAINS_MANAGE, DOMAINS_READ, OPERATOR};
use crate::endpoint::{Access, Bound, row};
use crate::openapi::SORTED_PAGES;
use crate::pagination::Paginated;

#[rustfmt::skip]
pub(crate) fn endpoints() -> Vec<Bound> {
    use Method as M;
    const DOMAINS: &str = "domains";
    const TLDS: &str = "tlds";
    const ONE: &str = "/v1/domains/{domain_reference}";
    vec![
        row(M::GET, "/v1/domains/check", "check_domains", DOMAINS, "Whether names can be registered, premium or not, with the premium price", DOMAINS_READ, 200, reads::check).query(reads::AVAILABILITY_QUERY).also(&[502]).answers::<reads::CheckWire>(),
        row(M::GET, "/v1/domains/summary", "domain_summary", DOMAINS, "Counts of the organization's domains by state and TLD, and how many expire soon", DOMAINS_READ, 200, reads::summary).answers::<serde_json::Value>(),
        row(M::POST, "/v1/domains", "create_domain", DOMAINS, "Register a domain (charged; 402 when the account cannot cover it)", DOMAINS_MANAGE, 201, changes::create).also(&[400, 402, 409, 422, 502]).body::<serde_json::Value>().answers::<wire::DomainWire>(),
        row(M::GET, "/v1/domains", "list_domains", DOMAINS, "List the organization's domains", DOMAINS_READ, 200, reads::list).query(SORTED_PAGES).query(reads::LIST_QUERY).answers::<Paginated<wire::DomainWire>>(),
        row(M::GET, ONE, "get_domain", DOMAINS, "A domain, by id or name", DOMAINS_READ, 200, reads::get_one).answers::<wire::DomainWire>(),
        row(M::PATCH, ONE, "update_domain", DOMAINS, "Change contacts, name servers, renewal mode or client statuses", DOMAINS_MANAGE, 200, changes::update).also(&[409, 422]).body::<serde_json::Value>().answers::<wire::DomainWire>(),
        row(M::DELETE, ONE, "delete_domain", DOMAINS, "Delete a domain: it enters its redemption period", DOMAINS_DELETE, 204, changes::remove).also(&[409, 502]),
        row(M::POST, "/v1/domains/{domain_reference}/renew", "renew_domain", DOMAINS, "Renew (charged), guarded by current_expiry_date", DOMAINS_MANAGE, 200, changes::renew).also(&[402, 409, 422, 502]).body::<serde_json::Value>().answers::<serde_json::Value>(),
        row(M::POST, "/v1/domains/{domain_reference}/restore", "restore_domain", DOMAINS, "Restore a domain in its redemption period (charged)", DOMAINS_MANAGE, 200, changes::restore).also(&[402, 409, 502]).body::<serde_json::Value>().answers::<serde_json::Value>(),
        row(M::POST, "/v1/domains/transfer", "transfer_domain", DOMAINS, "Transfer a domain in from another organization, with its authorization code (charged)", DOMAINS_MANAGE, 201, changes::transfer_in).also(&[400, 402, 409, 422, 502]).body::<serde_json::Value>().answers::<wire::DomainWire>(),
        row(M::DELETE, "/v1/domains/{domain_reference}/transfer", "cancel_domain_transfer", DOMAINS, "Withdraw a pending transfer in", DOMAINS_MANAGE, 204, changes::transfer_cancel).also(&[409, 502]),
        row(M::POST, "/v1/domains/{domain_reference}/transfer/outbound", "resolve_outbound_transfer", DOMAINS, "Approve or reject a pending transfer of your domain", DOMAINS_MANAGE, 200, changes::transfer_outbound).also(&[409, 422, 502]).body::<serde_json::Value>().answers::<serde_json::Value>(),
        row(M::GET, "/v1/tlds", "list_tlds", TLDS, "The TLDs offered, with their periods", Access::Authenticated, 200, tlds::list).answers::<Vec<tlds::TldWire>>(),
        row(M::PUT, "/v1/tlds/{tld}", "put_tld", TLDS, "Offer a TLD or change its rules (operator)", OPERATOR, 200, tlds::put).body::<tlds::TldBody>().answers::<tlds::TldWire>(),
        row(M::DELETE, "/v1/tlds/{tld}", "delete_tld", TLDS, "Stop offering a TLD (operator)", OPERATOR, 204, tlds::remove),
        row(M::GET, "/v1/registry/reserved-names", "list_reserved_names", TLDS, "The names nobody may register (operator)", OPERATOR, 200, tlds::reserved).answers::<Vec<String>>(),
        row(M::PUT, "/v1/registry/reserved-names/{name}", "reserve_name", TLDS, "Reserve a name (operator)", OPERATOR, 200, tlds::reserve).answers::<serde_json::Value>(),
        row(M::DELETE, "/v1/registry/reserved-names/{name}", "unreserve_name", TLDS, "Release a reserved name (operator)", OPERATOR, 204, tlds::unreserve),
    ]
}
