//! `POST /orgs/{organization}/domains/{domain}/settings`: a domain's contacts by role and its
//! name servers, read as the API's `PATCH /v1/domains/{domain}` body, so a refusal comes in the
//! API's words next to the form.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value, json};
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
        let update = domain_update_of(&update_body(sent)).map_err(|e| e.0)?;
        let found = state.app.domain_of(&person.actor, id, &domain).await?;
        state
            .app
            .domain_update(&person.actor, &found.id.to_string(), update)
            .await?;
        Ok(render::see(&format!(
            "/orgs/{id}/domains/{}?done=settings",
            found.name
        )))
    };
    let again = async |id, shown| domain_page(&state, &person, id, &domain, None, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}
