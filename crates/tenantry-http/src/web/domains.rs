//! An organization's domains: the list (searchable, by pages) with an availability search
//! whose available names lead to the registration page (`domain_registration.rs`); a domain's
//! page with its details and a renewal at the price shown (read as the API's renewal body, the shown net as
//! its `expected_price`, so no other price is charged).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use tenantry_app::contacts::{ContactFilter, ContactSort};
use tenantry_app::domains::{CONTACT_ROLES, Domain, DomainFilter, DomainPrice, DomainSort};
use tenantry_app::{AppError, PageRequest, SortOrder};
use tenantry_core::OrganizationId;

use super::forms::Submitted;
use super::overview::{Frame, when};
use super::pager::Pager;
use super::pages::{Feedback, PAGE_SIZE, ShownAt, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::domains::changes::renewal_of;

/// The most contacts a page offers to choose from.
pub(crate) const CONTACT_CHOICES: u64 = 200;

pub(crate) struct DomainRow {
    pub name: String,
    pub state: &'static str,
    pub expires: String,
    pub auto_renew: bool,
}

fn domain_row(domain: Domain) -> DomainRow {
    DomainRow {
        state: domain.state.as_str(),
        expires: domain.expires_on.map(when).unwrap_or_default(),
        auto_renew: domain.renewal_mode == "renew",
        name: domain.name,
    }
}

/// One name of an availability search.
pub(crate) struct CheckRow {
    pub name: String,
    pub available: bool,
    /// Why it cannot be had (taken, reserved, not a name, a TLD not offered).
    pub why: String,
    pub premium_price: Option<String>,
}

#[derive(Template)]
#[template(path = "domains.html")]
struct DomainsPage {
    frame: Frame,
    search: String,
    rows: Vec<DomainRow>,
    pager: Pager,
    check: String,
    results: Vec<CheckRow>,
    check_error: Option<String>,
    shown: Feedback,
}

#[derive(Deserialize, Default)]
pub(crate) struct ListParams {
    #[serde(default)]
    search: String,
    page: Option<u64>,
    /// Names to check, separated by spaces or commas.
    #[serde(default)]
    check: String,
}

/// The names of an availability search: separated by spaces, commas or new lines.
fn names_of(check: &str) -> Vec<String> {
    check
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn checked(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    check: &str,
) -> Result<Vec<CheckRow>, AppError> {
    let names = names_of(check);
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let results = state
        .app
        .domain_check(&person.actor, Some(id), names)
        .await?;
    Ok(results
        .into_iter()
        .map(|result| CheckRow {
            available: result.available,
            why: match (&result.error, result.reason) {
                (Some((_, message)), _) => message.clone(),
                (None, Some(reason)) => reason.to_owned(),
                (None, None) => String::new(),
            },
            premium_price: result
                .premium_pricing
                .first()
                .map(|p| format!("{} {}", p.price, p.currency)),
            name: result.domain,
        })
        .collect())
}

/// `GET /orgs/{organization}/domains`: the domains, and an availability search.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let app = &state.app;
        let page = params.page.unwrap_or(1).max(1);
        let search = params.search.trim().to_owned();
        let filter = DomainFilter {
            search: Some(search.clone()).filter(|s| !s.is_empty()),
            ..DomainFilter::every(DomainSort::Name, SortOrder::Asc)
        };
        let request = PageRequest {
            page,
            page_size: PAGE_SIZE,
        };
        let listed = async {
            let domains = app
                .domain_list(&person.actor, id, filter, None, request)
                .await?;
            Ok::<_, AppError>((domains, Frame::load(app, &person, id).await?))
        };
        let (domains, frame) = match listed.await {
            Ok(read) => read,
            Err(err) => return render::refusal(&err, true),
        };
        let (results, check_error) = match checked(&state, &person, id, &params.check).await {
            Ok(results) => (results, None),
            Err(err) => (Vec::new(), Some(render::words(&err).1)),
        };
        let path = format!("/orgs/{id}/domains");
        let filters = [("search", search.as_str())];
        render::page(&DomainsPage {
            frame,
            pager: Pager::keeping(page, PAGE_SIZE, domains.total_items, &path, &filters),
            rows: domains.items.into_iter().map(domain_row).collect(),
            search,
            check: params.check.trim().to_owned(),
            results,
            check_error,
            shown: Feedback::default(),
        })
    })
    .await
}

/// A price as a page shows it: `12.00 EUR` (with its tax and total when taxed), or free.
pub(crate) struct PriceShown {
    pub net: String,
    pub tax: Option<String>,
    pub total: String,
}

pub(crate) fn price_shown(price: &DomainPrice) -> PriceShown {
    match &price.price {
        Some(parts) => PriceShown {
            net: format!("{} {}", parts.net, parts.currency),
            tax: (parts.tax.0 != 0).then(|| format!("{} {}", parts.tax, parts.currency)),
            total: format!("{} {}", parts.gross, parts.currency),
        },
        None => PriceShown {
            net: "free".into(),
            tax: None,
            total: "free".into(),
        },
    }
}

/// The net price a confirmation sends back as `expected_price`.
pub(crate) fn expected_of(price: &DomainPrice) -> String {
    price
        .price
        .as_ref()
        .map_or("0.00".into(), |parts| parts.net.to_string())
}

/// A renewal offered at its price, or why it cannot be priced.
pub(crate) struct RenewOffer {
    pub years: i64,
    pub periods: Vec<i64>,
    pub price: Result<(PriceShown, String), String>,
    pub current_expiry: String,
}

#[derive(Template)]
#[template(path = "domain.html")]
struct DomainPage {
    frame: Frame,
    name: String,
    id: String,
    state: &'static str,
    registered: String,
    expires: String,
    auto_renew: bool,
    premium: bool,
    statuses: Vec<String>,
    nameservers: Vec<String>,
    contacts: Vec<(String, String)>,
    /// The contact roles a domain names, the contacts to choose from, and the chosen one's id
    /// by role, for the contacts and name servers form.
    roles: &'static [&'static str],
    choices: Vec<(String, String)>,
    chosen: Vec<(String, String)>,
    renew: Option<RenewOffer>,
    shown: Feedback,
}

impl DomainPage {
    /// The contact chosen for `role`: as sent, after a refusal, else as held.
    fn chosen_for(&self, role: &str) -> &str {
        if self.shown.status.is_client_error() {
            return self.shown.sent.get(role);
        }
        self.chosen
            .iter()
            .find(|(held, _)| held == role)
            .map_or("", |(_, id)| id)
    }

    /// The name servers, one per line: as sent, after a refusal, else as held.
    fn nameserver_lines(&self) -> String {
        if self.shown.status.is_client_error() {
            return self.shown.sent.get("nameservers").to_owned();
        }
        self.nameservers.join("\n")
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct DomainParams {
    years: Option<i64>,
    #[serde(default)]
    done: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "registered" => Some("The domain is registered and charged to the account."),
        "renewed" => Some("The domain is renewed and charged to the account."),
        "auto-renew" => Some("Automatic renewal is changed."),
        "settings" => Some("The contacts and name servers are changed."),
        _ => None,
    }
}

/// The names of `organization`'s contacts, by id, to show a domain's contacts by name.
pub(crate) async fn contact_names(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
) -> Result<Vec<(String, String)>, AppError> {
    let contacts = state
        .app
        .contact_list(
            &person.actor,
            Some(id),
            ContactFilter::every(ContactSort::LastName, SortOrder::Asc),
            PageRequest {
                page: 1,
                page_size: CONTACT_CHOICES,
            },
        )
        .await?;
    Ok(contacts
        .items
        .into_iter()
        .map(|c| {
            let d = c.details;
            (
                c.id.to_string(),
                format!("{} {} <{}>", d.first_name, d.last_name, d.email),
            )
        })
        .collect())
}

pub(crate) async fn domain_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    reference: &str,
    years: Option<i64>,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let read = async {
        let domain = app.domain_of(&person.actor, id, reference).await?;
        let names = contact_names(state, person, id).await?;
        Ok::<_, AppError>((domain, names, Frame::load(app, person, id).await?))
    };
    let (domain, names, frame) = match read.await {
        Ok(read) => read,
        Err(err) => return render::refusal(&err, true),
    };
    let renew = match (domain.state.as_str(), domain.expires_on) {
        ("active", Some(expires)) => {
            let years = years.unwrap_or(1);
            let priced = app
                .domain_renewal_price(&person.actor, id, reference, years)
                .await;
            Some(RenewOffer {
                years,
                periods: priced
                    .as_ref()
                    .map(|p| p.periods.clone())
                    .unwrap_or_default(),
                price: priced
                    .map(|p| (price_shown(&p), expected_of(&p)))
                    .map_err(|err| render::words(&err).1),
                current_expiry: expires.date().to_string(),
            })
        }
        _ => None,
    };
    let name_of = |contact: &str| {
        names
            .iter()
            .find(|(id, _)| id == contact)
            .map_or(contact.to_owned(), |(_, name)| name.clone())
    };
    let nameservers = domain
        .nameservers
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|ns| ns["hostname"].as_str().map(str::to_owned))
        .collect();
    render::page_with(
        shown.status,
        &DomainPage {
            frame,
            id: domain.id.to_string(),
            state: domain.state.as_str(),
            registered: domain.registered_on.map(when).unwrap_or_default(),
            expires: domain.expires_on.map(when).unwrap_or_default(),
            auto_renew: domain.renewal_mode == "renew",
            premium: domain.is_premium,
            statuses: domain.client_statuses.clone(),
            nameservers,
            contacts: domain
                .contacts
                .iter()
                .map(|(role, contact)| (role.clone(), name_of(&contact.to_string())))
                .collect(),
            roles: &CONTACT_ROLES,
            chosen: domain
                .contacts
                .iter()
                .map(|(role, contact)| (role.clone(), contact.to_string()))
                .collect(),
            choices: names,
            renew,
            name: domain.name,
            shown,
        },
    )
}

/// `GET /orgs/{organization}/domains/{domain}`: one domain.
pub(crate) async fn domain(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, domain)): Path<(String, String)>,
    Query(params): Query<DomainParams>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let shown = Feedback::notice(notice_of(&params.done));
        domain_page(&state, &person, id, &domain, params.years, shown).await
    })
    .await
}

/// `POST /orgs/{organization}/domains/{domain}/renew`: renews at the price shown.
pub(crate) async fn renew(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, domain)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "renew",
        fields: &["period", "current_expiry_date", "expected_price"],
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let years: i64 = sent.get("years").parse().unwrap_or_default();
        let body = json!({
            "period": {"value": years, "unit": "y"},
            "current_expiry_date": sent.get("current_expiry_date"),
            "expected_price": sent.get("expected_price"),
        });
        let renewal = renewal_of(&body).map_err(|e| e.0)?;
        let found = state.app.domain_of(&person.actor, id, &domain).await?;
        state
            .app
            .domain_renew(
                &person.actor,
                &found.id.to_string(),
                renewal.years,
                renewal.current_expiry,
                renewal.expected_price,
            )
            .await?;
        Ok(render::see(&format!(
            "/orgs/{id}/domains/{}?done=renewed",
            found.name
        )))
    };
    let years = sent.get("years").parse().ok();
    let again = async |id, shown| domain_page(&state, &person, id, &domain, years, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}
