//! The organization switcher (every organization the person can act in, with their role
//! there) and an organization's overview page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use tenantry_app::memberships::{OrganizationAccess, Reach};
use tenantry_app::overview::Overview;

use super::pages::organization;
use super::render;
use super::session::SignedIn;
use crate::AppState;

/// One entry of the switcher.
pub(crate) struct Switch {
    pub id: String,
    pub name: String,
    pub role: String,
    /// A suborganization, shown under its parent.
    pub nested: bool,
    pub current: bool,
}

/// What every signed-in page's frame shows: who is signed in, the switcher, the sign-out form.
pub(crate) struct Frame {
    pub person: String,
    pub csrf: String,
    pub current_id: String,
    pub current_name: String,
    /// Whether the current organization is top-level (only those have suborganizations).
    pub top_level: bool,
    /// Whether the person is an owner of the current organization (only owners use its
    /// danger zone).
    pub owner: bool,
    pub switcher: Vec<Switch>,
}

impl Frame {
    pub(crate) fn new(person: &SignedIn, reached: &[OrganizationAccess], current: &str) -> Self {
        let switcher: Vec<Switch> = reached
            .iter()
            .map(|access| Switch {
                id: access.organization.id.to_string(),
                name: access.organization.profile.name.clone(),
                role: access.role.clone(),
                nested: matches!(access.reach, Reach::Parent),
                current: access.organization.id.to_string() == current,
            })
            .collect();
        let current_name = switcher
            .iter()
            .find(|s| s.current)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let top_level = reached.iter().any(|access| {
            access.organization.id.to_string() == current && access.organization.parent_id.is_none()
        });
        let owner = switcher.iter().any(|s| s.current && s.role == "owner");
        Frame {
            person: person.actor.display_name(),
            csrf: person.csrf(),
            current_id: current.to_owned(),
            current_name,
            top_level,
            owner,
            switcher,
        }
    }

    /// The frame of a page about `current`.
    pub(crate) async fn load(
        app: &tenantry_app::App,
        person: &SignedIn,
        current: tenantry_core::OrganizationId,
    ) -> Result<Self, tenantry_app::AppError> {
        let reached = app.my_organizations(&person.actor).await?;
        Ok(Frame::new(person, &reached, &current.to_string()))
    }
}

/// A balance as pages show it: `12.50 EUR`.
pub(crate) fn balance(billing: &tenantry_app::billing::BillingView) -> String {
    let account = &billing.account;
    format!("{} {}", account.balance, account.currency.as_str())
}

/// A figure on the overview, when the person's role reads it.
pub(crate) struct Tile {
    pub label: &'static str,
    pub value: String,
}

/// One audit event as a page lists it.
pub(crate) struct Activity {
    pub action: String,
    pub target: String,
    pub actor: String,
    pub when: String,
}

impl From<tenantry_app::AuditEvent> for Activity {
    fn from(event: tenantry_app::AuditEvent) -> Self {
        Activity {
            action: event.action,
            target: format!("{} {}", event.target_kind, event.target_id),
            actor: format!("{} {}", event.actor_kind, event.actor_id),
            when: when(event.created_on),
        }
    }
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    frame: Frame,
    name: String,
    role: String,
    status: String,
    balance: Option<String>,
    tiles: Vec<Tile>,
    recent: Option<Vec<Activity>>,
}

pub(crate) fn when(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.format(&format).unwrap_or_default()
}

fn overview_page(frame: Frame, overview: Overview) -> OverviewPage {
    let count = |label: &'static str, n: Option<u64>| {
        n.map(|n| Tile {
            label,
            value: n.to_string(),
        })
    };
    let tiles = [
        count("People", overview.users),
        count("Suborganizations", overview.suborganizations),
        count("DNS zones", overview.zones),
        count("Domains", overview.domains),
    ]
    .into_iter()
    .flatten()
    .collect();
    let balance = overview.billing.as_ref().map(balance);
    let recent = overview
        .recent
        .map(|events| events.into_iter().map(Activity::from).collect());
    OverviewPage {
        frame,
        name: overview.organization.profile.name.clone(),
        role: overview.role,
        status: overview.organization.status.as_str().to_owned(),
        balance,
        tiles,
        recent,
    }
}

/// `GET /`: the person's home organization.
pub(crate) async fn home(person: SignedIn) -> Response {
    render::see(&format!("/orgs/{}", person.actor.organization_id()))
}

/// `GET /orgs/{organization}`, by TypeID or slug.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
) -> Response {
    let app = &state.app;
    let shown = async {
        let id = organization(&state, &reference).await?;
        let overview = app.organization_overview(&person.actor, id).await?;
        Ok::<_, tenantry_app::AppError>((Frame::load(app, &person, id).await?, overview))
    };
    match shown.await {
        Ok((frame, overview)) => render::page(&overview_page(frame, overview)),
        Err(err) => render::refusal(&err, true),
    }
}
