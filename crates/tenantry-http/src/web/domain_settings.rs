//! The forms that change a domain, each read as the API's `PATCH /v1/domains/{domain}` body so
//! a refusal comes in the API's words: automatic renewal on or off, and the contacts by role
//! with the name servers.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value, json};
use tenantry_app::AppError;
use tenantry_app::domains::CONTACT_ROLES;
use tenantry_core::OrganizationId;

use super::domains::domain_page;
use super::forms::Submitted;
use super::pages::{ShownAt, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::domains::changes::domain_update_of;

/// The API's update body the form stands for: every role with a contact chosen, and the name
/// servers one per line (none: the domain has none).
fn update_body(sent: &Submitted) -> Value {
    let contacts: Map<String, Value> = CONTACT_ROLES
        .iter()
        .filter(|role| !sent.get(role).is_empty())
        .map(|role| ((*role).to_owned(), Value::String(sent.get(role).to_owned())))
        .collect();
    let nameservers: Vec<Value> = sent
        .get("nameservers")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|hostname| json!({"hostname": hostname, "ip_addresses": []}))
        .collect();
    json!({"contacts": contacts, "nameservers": nameservers})
}

/// Applies the API's update `body` to `domain`, then goes back to its page, told `done`.
async fn updated(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    domain: &str,
    body: &Value,
    done: &str,
) -> Result<Response, AppError> {
    let update = domain_update_of(body).map_err(|e| e.0)?;
    let found = state.app.domain_of(&person.actor, id, domain).await?;
    state
        .app
        .domain_update(&person.actor, &found.id.to_string(), update)
        .await?;
    Ok(render::see(&format!(
        "/orgs/{id}/domains/{}?done={done}",
        found.name
    )))
}

/// `POST /orgs/{organization}/domains/{domain}/auto-renew`: renews automatically, or not.
pub(crate) async fn auto_renew(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, domain)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, sent: &Submitted| {
        let body = json!({"renewal_mode": sent.get("renewal_mode")});
        updated(&state, &person, id, &domain, &body, "auto-renew").await
    };
    let again = async |id, shown| domain_page(&state, &person, id, &domain, None, shown).await;
    post(
        &state,
        &person,
        &reference,
        sent,
        ShownAt::Alert,
        act,
        again,
    )
    .await
}

/// `POST /orgs/{organization}/domains/{domain}/settings`: the contacts and name servers.
pub(crate) async fn settings(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, domain)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "settings",
        fields: &["contacts", "nameservers"],
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        updated(&state, &person, id, &domain, &update_body(sent), "settings").await
    };
    let again = async |id, shown| domain_page(&state, &person, id, &domain, None, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}
