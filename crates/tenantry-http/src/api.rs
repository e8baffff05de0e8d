//! The Tenantry API (OpusDNS-compatible): one module per resource.

mod audit;
mod credentials;
mod ip_restrictions;
mod organizations;
mod roles;
mod token;
mod users;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    use organizations as org;
    Router::new()
        .route("/v1/organizations", get(org::list).post(org::create))
        .route("/v1/organizations/users", get(users::list))
        .route(
            "/v1/organizations/roles",
            get(roles::list).post(roles::create),
        )
        .route(
            "/v1/organizations/roles/{label}",
            get(roles::get_one)
                .patch(roles::update)
                .delete(roles::remove),
        )
        .route("/v1/organizations/role-permissions", get(roles::grantable))
        .route(
            "/v1/organizations/ip-restrictions",
            get(ip_restrictions::list).post(ip_restrictions::create),
        )
        .route(
            "/v1/organizations/ip-restrictions/{ip_restriction_id}",
            get(ip_restrictions::get_one)
                .patch(ip_restrictions::update)
                .delete(ip_restrictions::remove),
        )
        .route(
            "/v1/organizations/attributes",
            get(org::attributes_own).patch(org::attributes_update_own),
        )
        .route(
            "/v1/organizations/attributes/{organization_id}",
            get(org::attributes_of).patch(org::attributes_update_of),
        )
        .route(
            "/v1/organizations/{organization_id}",
            get(org::get_one).patch(org::update).delete(org::remove),
        )
        .route(
            "/v1/organizations/{organization_id}/attributes",
            get(org::attributes_of).patch(org::attributes_update_of),
        )
        .route("/v1/users", post(users::create))
        .route("/v1/users/me", get(users::me))
        .route(
            "/v1/users/{user_id}/role",
            get(users::role_get).put(users::role_put),
        )
        .route(
            "/v1/users/{user_id}/permissions",
            get(users::permissions_get),
        )
        .route(
            "/v1/users/{user_id}",
            get(users::get_one)
                .patch(users::update)
                .delete(users::remove),
        )
        .route(
            "/v1/auth/client_credentials",
            get(credentials::list).post(credentials::create),
        )
        .route("/v1/auth/token", post(token::grant))
        .route(
            "/v1/auth/client_credentials/introspect",
            get(credentials::introspect),
        )
        .route(
            "/v1/auth/client_credentials/{api_key_id}",
            delete(credentials::remove),
        )
        .route(
            "/v1/auth/client_credentials/{api_key_id}/rotate",
            post(credentials::rotate),
        )
        .route("/v1/audit-logs", get(audit::list))
}
