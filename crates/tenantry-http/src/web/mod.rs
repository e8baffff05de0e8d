//! The dashboard: server-rendered pages for people, at `/`, on the same use cases and
//! authorization as the API. Pages are askama templates (`templates/`); every asset ships
//! inside the binary (`assets/`); forms work without script, and the little script there is
//! only enhances them.
//!
//! Security lives in one file each: the session cookie (`cookies.rs`), the CSRF token of every
//! state-changing form (`csrf.rs`), the signed-in person (`session.rs`) and the response
//! headers below (a Content-Security-Policy without inline script, no framing).

mod account;
mod account_links;
mod api_reference;
mod assets;
mod audit;
mod billing;
mod contacts;
mod cookies;
mod credentials;
mod csrf;
mod danger_zone;
mod days;
mod dns;
mod domain_registration;
mod domain_settings;
mod domains;
mod forms;
mod invitations;
mod ip_restrictions;
mod operator_console;
mod overview;
mod ownership_offer;
mod pager;
mod pages;
mod people;
mod render;
mod roles;
mod session;
mod settings;
mod sign_in;
mod sign_up;
mod suborganizations;
mod totp_enrolment;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::AppState;

pub(crate) use cookies::OverTls;

/// Every dashboard route.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::home))
        .route("/docs", get(api_reference::page))
        .route("/orgs/{organization}", get(overview::page))
        .route("/orgs/{organization}/audit", get(audit::page))
        .route("/orgs/{organization}/billing", get(billing::page))
        .route(
            "/orgs/{organization}/billing/statement",
            get(billing::statement),
        )
        .route(
            "/orgs/{organization}/credentials",
            get(credentials::page).post(credentials::create),
        )
        .route(
            "/orgs/{organization}/credentials/{credential}/rotate",
            post(credentials::rotate),
        )
        .route(
            "/orgs/{organization}/credentials/{credential}/revoke",
            post(credentials::revoke),
        )
        .route("/orgs/{organization}/danger-zone", get(danger_zone::page))
        .route(
            "/orgs/{organization}/danger-zone/ownership",
            post(danger_zone::offer),
        )
        .route(
            "/orgs/{organization}/danger-zone/ownership/withdraw",
            post(danger_zone::withdraw),
        )
        .route(
            "/orgs/{organization}/danger-zone/delete",
            post(danger_zone::delete),
        )
        .route("/orgs/{organization}/dns", get(dns::page).post(dns::create))
        .route("/orgs/{organization}/dns/{zone}", get(dns::zone))
        .route(
            "/orgs/{organization}/dns/{zone}/rrsets",
            post(dns::save_rrset),
        )
        .route(
            "/orgs/{organization}/dns/{zone}/rrsets/remove",
            post(dns::remove_rrset),
        )
        .route("/orgs/{organization}/dns/{zone}/delete", post(dns::delete))
        .route(
            "/orgs/{organization}/dns/{zone}/dnssec",
            post(dns::set_dnssec),
        )
        .route("/orgs/{organization}/dns/{zone}/export", get(dns::export))
        .route(
            "/orgs/{organization}/contacts",
            get(contacts::page).post(contacts::create),
        )
        .route(
            "/orgs/{organization}/contacts/{contact}/delete",
            post(contacts::delete),
        )
        .route("/orgs/{organization}/domains", get(domains::page))
        .route(
            "/orgs/{organization}/domains/register",
            get(domain_registration::form).post(domain_registration::register),
        )
        .route(
            "/orgs/{organization}/domains/{domain}",
            get(domains::domain),
        )
        .route(
            "/orgs/{organization}/domains/{domain}/renew",
            post(domains::renew),
        )
        .route(
            "/orgs/{organization}/domains/{domain}/auto-renew",
            post(domain_settings::auto_renew),
        )
        .route(
            "/orgs/{organization}/domains/{domain}/settings",
            post(domain_settings::settings),
        )
        .route(
            "/orgs/{organization}/ip-restrictions",
            get(ip_restrictions::page).post(ip_restrictions::create),
        )
        .route(
            "/orgs/{organization}/ip-restrictions/{rule}/delete",
            post(ip_restrictions::delete),
        )
        .route(
            "/orgs/{organization}/people",
            get(people::page).post(people::create),
        )
        .route("/orgs/{organization}/people/invite", post(people::invite))
        .route(
            "/orgs/{organization}/people/{user}/role",
            post(people::set_role),
        )
        .route(
            "/orgs/{organization}/people/{user}/remove",
            post(people::remove),
        )
        .route(
            "/orgs/{organization}/invitations/{invitation}/revoke",
            post(people::revoke_invitation),
        )
        .route(
            "/orgs/{organization}/roles",
            get(roles::page).post(roles::create),
        )
        .route("/orgs/{organization}/roles/{label}", post(roles::update))
        .route(
            "/orgs/{organization}/roles/{label}/delete",
            post(roles::delete),
        )
        .route(
            "/orgs/{organization}/settings",
            get(settings::page).post(settings::save),
        )
        .route(
            "/orgs/{organization}/suborganizations",
            get(suborganizations::page).post(suborganizations::create),
        )
        .route(
            "/orgs/{organization}/suborganizations/{child}/status",
            post(suborganizations::set_status),
        )
        .route(
            "/dashboard/settings/danger-zone",
            get(danger_zone::documented_address),
        )
        .route("/account", get(account::page))
        .route("/account/password", post(account::password))
        .route("/account/totp", post(totp_enrolment::enrol))
        .route("/account/totp/confirm", post(totp_enrolment::confirm))
        .route("/account/totp/disable", post(totp_enrolment::disable))
        .route("/account/sessions/{session}/revoke", post(account::revoke))
        .route(
            "/invitations/{token}",
            get(invitations::page).post(invitations::accept),
        )
        .route(
            "/ownership-transfers/{token}",
            get(ownership_offer::page).post(ownership_offer::accept),
        )
        .route(
            "/forgot-password",
            get(account_links::forgot).post(account_links::ask_for_reset),
        )
        .route(
            "/reset-password/{token}",
            get(account_links::reset_form).post(account_links::reset),
        )
        .route(
            "/verify-email/{token}",
            get(account_links::verify_form).post(account_links::verify),
        )
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-in/code", post(sign_in::second_factor))
        .route("/sign-up", get(sign_up::form).post(sign_up::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/operator", get(operator_console::page))
        .route(
            "/operator/sign-in",
            get(operator_console::sign_in_form).post(operator_console::sign_in),
        )
        .route("/operator/sign-out", post(operator_console::sign_out))
        .route(
            "/operator/orgs/{organization}/credits",
            post(operator_console::credit),
        )
        .route("/assets/{file}", get(assets::serve))
        .layer(middleware::from_fn(secure_headers))
}

/// Scripts, styles and images only from this server, no inline script, no framing, no
/// forms posting elsewhere, and nothing cached that belongs to a person.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

async fn secure_headers(request: Request, next: Next) -> Response {
    let is_asset = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        CONTENT_SECURITY_POLICY,
    );
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    if !is_asset {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}
