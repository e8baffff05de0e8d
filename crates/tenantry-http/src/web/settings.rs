//! An organization's settings: its name and profile (address, country, locale, business and
//! tax numbers), shown as they are and changed with one form read as the API's
//! `PATCH /v1/organizations/{id}` body (an emptied field is cleared, as a `null` there). A
//! suborganization's list links here, so a parent edits its customers the same way.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};
use tenantry_app::AppError;
use tenantry_core::OrganizationId;

use super::forms::Submitted;
use super::overview::Frame;
use super::pages::{Feedback, ShownAt, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::organizations::OrganizationPatchBody;
use crate::extract::typed_body;

/// The form's fields by their API names, with their labels; the name is required, the
/// others may be emptied.
const FIELDS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("address_1", "Address"),
    ("address_2", "Address, second line"),
    ("city", "City"),
    ("state", "State or province"),
    ("postal_code", "Postal code"),
    ("country_code", "Country (two letters)"),
    ("default_locale", "Language of its mail (en, de-DE, …)"),
    ("business_number", "Business registration number"),
    ("tax_id", "Tax number"),
];

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    frame: Frame,
    slug: String,
    fields: &'static [(&'static str, &'static str)],
    shown: Feedback,
}

#[derive(Deserialize, Default)]
pub(crate) struct Params {
    #[serde(default)]
    done: String,
}

async fn settings_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    mut shown: Feedback,
) -> Response {
    let app = &state.app;
    let read = async {
        let details = app.organization_get(&person.actor, id).await?;
        Ok::<_, AppError>((details, Frame::load(app, person, id).await?))
    };
    let (details, frame) = match read.await {
        Ok(read) => read,
        Err(err) => return render::refusal(&err, true),
    };
    // The form holds the organization as it is, unless it comes back refused as sent.
    if shown.form.is_empty() {
        let p = &details.organization.profile;
        let current = [
            Some(&p.name),
            p.address_1.as_ref(),
            p.address_2.as_ref(),
            p.city.as_ref(),
            p.state.as_ref(),
            p.postal_code.as_ref(),
            p.country_code.as_ref(),
            p.default_locale.as_ref(),
            p.business_number.as_ref(),
            p.tax_id.as_ref(),
        ];
        for ((name, _), value) in FIELDS.iter().zip(current) {
            shown.sent.set(name, value.cloned().unwrap_or_default());
        }
    }
    render::page_with(
        shown.status,
        &SettingsPage {
            frame,
            slug: details.organization.slug,
            fields: FIELDS,
            shown,
        },
    )
}

/// `GET /orgs/{organization}/settings`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let notice = (params.done == "saved").then_some("The settings are saved.");
        settings_page(&state, &person, id, Feedback::notice(notice)).await
    })
    .await
}

/// `POST /orgs/{organization}/settings`: changes the profile.
pub(crate) async fn save(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "settings",
        fields: &[
            "name",
            "address_1",
            "address_2",
            "city",
            "state",
            "postal_code",
            "country_code",
            "default_locale",
            "business_number",
            "tax_id",
        ],
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        // Every field is sent: an emptied one clears it (`null`), as in the API.
        let body: Map<String, Value> = FIELDS
            .iter()
            .map(|(name, _)| {
                let value = sent.get(name).trim();
                let value = match value.is_empty() && *name != "name" {
                    true => Value::Null,
                    false => Value::String(value.to_owned()),
                };
                ((*name).to_owned(), value)
            })
            .collect();
        let patch: OrganizationPatchBody = typed_body(Value::Object(body))?;
        let patch = patch.into_patch().map_err(|e| e.0)?;
        state
            .app
            .organization_update(&person.actor, id, patch)
            .await?;
        Ok(render::see(&format!("/orgs/{id}/settings?done=saved")))
    };
    let again = async |id, shown| settings_page(&state, &person, id, shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}
