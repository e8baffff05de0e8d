//! Registering a domain from the dashboard: a page that shows the price (net, tax, total)
//! beside the balance and asks for the period, the contacts by role and automatic renewal;
//! its form is read as the API's `DomainCreate` body with the shown net as `expected_price`,
//! so a price that changed meanwhile is refused instead of charged. A refusal (the account
//! cannot cover it, the name was taken meanwhile) is the page again, in the API's words.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tenantry_app::AppError;
use tenantry_app::domains::CONTACT_ROLES;
use tenantry_core::OrganizationId;

use super::domains::{PriceShown, contact_names, expected_of, price_shown};
use super::forms::Submitted;
use super::overview::{Frame, balance};
use super::pages::{Feedback, ShownAt, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::domains::changes::domain_create_of;

/// The roles a registration names contacts for; the registrant is required.
const ROLES: &[&str] = &CONTACT_ROLES;

#[derive(Template)]
#[template(path = "domain_register.html")]
struct RegisterPage {
    frame: Frame,
    name: String,
    years: i64,
    periods: Vec<i64>,
    premium: bool,
    /// The price and the net sent back as `expected_price`, or why the name cannot be had.
    price: Result<(PriceShown, String), String>,
    balance: Option<String>,
    roles: &'static [&'static str],
    contacts: Vec<(String, String)>,
    shown: Feedback,
}

#[derive(Deserialize, Default)]
pub(crate) struct RegisterParams {
    #[serde(default)]
    name: String,
    years: Option<i64>,
}

async fn register_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    name: &str,
    years: i64,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let read = async {
        let contacts = contact_names(state, person, id).await?;
        let details = app.organization_get(&person.actor, id).await?;
        Ok::<_, AppError>((contacts, details, Frame::load(app, person, id).await?))
    };
    let (contacts, details, frame) = match read.await {
        Ok(read) => read,
        Err(err) => return render::refusal(&err, true),
    };
    let priced = app
        .domain_registration_price(&person.actor, id, name, years)
        .await;
    render::page_with(
        shown.status,
        &RegisterPage {
            frame,
            name: priced
                .as_ref()
                .map_or_else(|_| name.to_owned(), |p| p.name.clone()),
            years,
            periods: priced
                .as_ref()
                .map(|p| p.periods.clone())
                .unwrap_or_default(),
            premium: priced.as_ref().is_ok_and(|p| p.premium),
            price: priced
                .map(|p| (price_shown(&p), expected_of(&p)))
                .map_err(|err| render::words(&err).1),
            balance: details.billing.as_ref().map(balance),
            roles: ROLES,
            contacts,
            shown,
        },
    )
}

/// `GET /orgs/{organization}/domains/register?name=…&years=…`: the price, and the form.
pub(crate) async fn form(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<RegisterParams>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let years = params.years.unwrap_or(1);
        let name = params.name.trim();
        register_page(&state, &person, id, name, years, Feedback::default()).await
    })
    .await
}

/// The API's `DomainCreate` body the form stands for.
fn create_body(sent: &Submitted) -> Value {
    let contacts: Map<String, Value> = ROLES
        .iter()
        .filter(|role| !sent.get(role).is_empty())
        .map(|role| ((*role).to_owned(), Value::String(sent.get(role).to_owned())))
        .collect();
    json!({
        "name": sent.get("name"),
        "period": {"value": sent.get("years").parse::<i64>().unwrap_or_default(), "unit": "y"},
        "renewal_mode": if sent.get("auto_renew").is_empty() { "expire" } else { "renew" },
        "contacts": contacts,
        "create_zone": !sent.get("create_zone").is_empty(),
        "expected_price": sent.get("expected_price"),
    })
}

/// `POST /orgs/{organization}/domains/register`: registers at the price shown.
pub(crate) async fn register(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "register",
        fields: &["contacts", "registrant", "period", "name"],
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let create = domain_create_of(&create_body(sent)).map_err(|e| e.0)?;
        let domain = state
            .app
            .domain_register(&person.actor, Some(id), create)
            .await?;
        Ok(render::see(&format!(
            "/orgs/{id}/domains/{}?done=registered",
            domain.name
        )))
    };
    let name = sent.get("name").to_owned();
    let years = sent.get("years").parse().unwrap_or(1);
    let again = async |id, shown| register_page(&state, &person, id, &name, years, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}
