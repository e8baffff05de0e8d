//! An organization's contacts, the people its domains name as registrant, admin, tech and
//! billing contact: the list (searchable, by pages), a form read as the API's
//! `ContactCreate` body and checked by the same code, and a deletion (refused while a domain
//! names the contact).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use tenantry_app::contacts::{ContactFilter, ContactRecord, ContactSort};
use tenantry_app::{AppError, NotFoundKind, PageRequest, SortOrder};
use tenantry_core::{ContactId, OrganizationId};

use super::forms::Submitted;
use super::overview::Frame;
use super::pager::Pager;
use super::pages::{Feedback, PAGE_SIZE, ShownAt, id_or_not_found, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::contacts::ContactFields;
use crate::extract::typed_body;

/// The text fields of the contact form, by their API names.
const FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "phone",
    "org",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
];

/// The labels of `FIELDS`, in their order.
const LABELS: &[&str] = &[
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Organization (optional)",
    "Street",
    "City",
    "State or province (optional)",
    "Postal code",
    "Country",
];

pub(crate) struct ContactRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub place: String,
}

fn contact_row(contact: ContactRecord) -> ContactRow {
    let d = contact.details;
    ContactRow {
        id: contact.id.to_string(),
        name: format!("{} {}", d.first_name, d.last_name),
        email: d.email,
        place: format!("{}, {}", d.city, d.country),
    }
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    frame: Frame,
    search: String,
    rows: Vec<ContactRow>,
    pager: Pager,
    /// Each field of the form with its label.
    fields: Vec<(&'static str, &'static str)>,
    shown: Feedback,
}

#[derive(Deserialize, Default)]
pub(crate) struct ListParams {
    #[serde(default)]
    search: String,
    page: Option<u64>,
    #[serde(default)]
    done: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "created" => Some("The contact is created: domains can name it now."),
        "deleted" => Some("The contact is deleted."),
        _ => None,
    }
}

async fn list_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    params: &ListParams,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let page = params.page.unwrap_or(1).max(1);
    let search = params.search.trim().to_owned();
    let filter = ContactFilter {
        search: Some(search.clone()).filter(|s| !s.is_empty()),
        ..ContactFilter::every(ContactSort::LastName, SortOrder::Asc)
    };
    let request = PageRequest {
        page,
        page_size: PAGE_SIZE,
    };
    let listed = async {
        let contacts = app
            .contact_list(&person.actor, Some(id), filter, request)
            .await?;
        Ok::<_, AppError>((contacts, Frame::load(app, person, id).await?))
    };
    match listed.await {
        Ok((contacts, frame)) => {
            let path = format!("/orgs/{id}/contacts");
            let filters = [("search", search.as_str())];
            render::page_with(
                shown.status,
                &ContactsPage {
                    frame,
                    pager: Pager::keeping(page, PAGE_SIZE, contacts.total_items, &path, &filters),
                    rows: contacts.items.into_iter().map(contact_row).collect(),
                    search,
                    fields: FIELDS.iter().copied().zip(LABELS.iter().copied()).collect(),
                    shown,
                },
            )
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// `GET /orgs/{organization}/contacts`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let shown = Feedback::notice(notice_of(&params.done));
        list_page(&state, &person, id, &params, shown).await
    })
    .await
}

/// `POST /orgs/{organization}/contacts`: creates a contact.
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "create",
        fields: FIELDS,
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let mut body = sent.api_object(FIELDS);
        body.insert(
            "disclose".into(),
            Value::Bool(!sent.get("disclose").is_empty()),
        );
        let fields: ContactFields = typed_body(Value::Object(body))?;
        let create = fields.checked().map_err(|e| e.0)?;
        state
            .app
            .contact_create(&person.actor, Some(id), create)
            .await?;
        Ok(render::see(&format!("/orgs/{id}/contacts?done=created")))
    };
    let again =
        async |id, shown| list_page(&state, &person, id, &ListParams::default(), shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}

/// `POST /orgs/{organization}/contacts/{contact}/delete`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, contact)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, _: &Submitted| {
        let contact_id: ContactId = id_or_not_found(&contact, NotFoundKind::Contact)?;
        let found = state.app.contact_get(&person.actor, contact_id).await?;
        if found.organization_id != id {
            return Err(AppError::not_found(NotFoundKind::Contact, contact_id));
        }
        state.app.contact_delete(&person.actor, contact_id).await?;
        Ok(render::see(&format!("/orgs/{id}/contacts?done=deleted")))
    };
    let again =
        async |id, shown| list_page(&state, &person, id, &ListParams::default(), shown).await;
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
