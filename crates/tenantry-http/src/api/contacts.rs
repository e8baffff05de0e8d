//! `/v1/contacts…`: an organization's contacts, made once and never changed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::SortOrder;
use tenantry_app::contacts::{ContactCreate, ContactFilter, ContactRecord, ContactSort};
use tenantry_core::values::{CountryCode, Email, Phone, postal_code};
use tenantry_core::{ContactId, OrganizationId};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody, OrgContext, PathId, PathIdName};
use crate::pagination::{Paginated, page_request, paginated, sort_order};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{Check, parse_time, time};

use crate::openapi::{CREATED_AFTER, CREATED_BEFORE, QueryKind::*, QueryParameter, param};

/// The query parameters of the contact list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[
    param(
        "sort_by",
        OneOf(&["first_name", "last_name", "email", "created_on"]),
        "Sort key",
    ),
    param("search", Text, "Part of the name, email or organization"),
    param("first_name", Text, "First name"),
    param("last_name", Text, "Last name"),
    param("email", Text, "Email address"),
    param("country", Text, "ISO 3166-1 alpha-2 country"),
    CREATED_AFTER,
    CREATED_BEFORE,
];

const MAX_CONTACT_PAGE_SIZE: u64 = 1000;

/// The reference's longest text field.
const TEXT_MAX: usize = 255;

impl PathIdName for ContactId {
    const NAME: &'static str = "contact_id";
}

/// The fields of the reference's `ContactCreate`, which its `ContactResponse` repeats.
#[derive(ToSchema, Serialize, Deserialize)]
pub(crate) struct ContactFields {
    first_name: String,
    last_name: String,
    email: String,
    phone: String,
    fax: Option<String>,
    street: String,
    city: String,
    state: Option<String>,
    postal_code: String,
    country: String,
    org: Option<String>,
    title: Option<String>,
    disclose: bool,
}

/// The reference's `ContactResponse`.
#[derive(ToSchema, Serialize)]
pub(crate) struct ContactWire {
    contact_id: ContactId,
    organization_id: OrganizationId,
    #[serde(flatten)]
    fields: ContactFields,
    created_on: String,
    /// Registry-specific attribute sets are not offered; always empty.
    #[schema(value_type = Vec<Object>, max_items = 0)]
    attribute_sets: [(); 0],
}

impl From<ContactRecord> for ContactWire {
    fn from(c: ContactRecord) -> Self {
        let d = c.details;
        ContactWire {
            contact_id: c.id,
            organization_id: c.organization_id,
            fields: ContactFields {
                first_name: d.first_name,
                last_name: d.last_name,
                email: d.email,
                phone: d.phone,
                fax: d.fax,
                street: d.street,
                city: d.city,
                state: d.state,
                postal_code: d.postal_code,
                country: d.country,
                org: d.org,
                title: d.title,
                disclose: d.disclose,
            },
            created_on: time(c.created_on),
            attribute_sets: [],
        }
    }
}

impl ContactFields {
    /// The checked contact, or a 422 listing every field refused.
    pub(crate) fn checked(self) -> Result<ContactCreate, ApiError> {
        let mut check = Check::default();
        let text = |check: &mut Check, field: &str, raw: String| {
            check.text(field, Some(raw), TEXT_MAX).unwrap_or_default()
        };
        let first_name = text(&mut check, "first_name", self.first_name);
        let last_name = text(&mut check, "last_name", self.last_name);
        let street = text(&mut check, "street", self.street);
        let city = text(&mut check, "city", self.city);
        let state = check.text("state", self.state, TEXT_MAX);
        let org = check.text("org", self.org, TEXT_MAX);
        let title = check.text("title", self.title, TEXT_MAX);
        check.value("email", &self.email, Email::parse);
        check.value("phone", &self.phone, Phone::parse);
        check.opt("fax", self.fax.as_deref(), Phone::parse);
        let country = check.value(
            "country",
            &self.country.to_ascii_uppercase(),
            CountryCode::parse,
        );
        let postal = match &country {
            Some(country) => check.value("postal_code", &self.postal_code, |code| {
                postal_code(country.as_str(), code)
            }),
            None => None,
        };
        if self.postal_code.trim().is_empty() {
            check.fail(
                "postal_code",
                format!("must be 1 to {TEXT_MAX} characters long"),
            );
        }
        check.finish()?;
        Ok(ContactCreate {
            first_name,
            last_name,
            email: self.email,
            phone: self.phone,
            fax: self.fax,
            street,
            city,
            state,
            postal_code: postal.unwrap_or_default(),
            country: country.map(CountryCode::into_inner).unwrap_or_default(),
            org,
            title,
            disclose: self.disclose,
        })
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    JsonBody(body): JsonBody<ContactFields>,
) -> Result<(StatusCode, Json<ContactWire>), ApiError> {
    let create = body.checked()?;
    let contact = state.app.contact_create(&actor, context, create).await?;
    Ok((StatusCode::CREATED, Json(contact.into())))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<ContactId>,
) -> Result<Json<ContactWire>, ApiError> {
    Ok(Json(state.app.contact_get(&actor, id).await?.into()))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<ContactId>,
) -> Result<StatusCode, ApiError> {
    state.app.contact_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    mut query: QueryParams,
) -> Result<Json<Paginated<ContactWire>>, ApiError> {
    let page = page_request(&mut query, MAX_CONTACT_PAGE_SIZE);
    let order = sort_order(&mut query, SortOrder::Desc);
    let sort = query
        .parse_with(
            "sort_by",
            |s| match s {
                "first_name" => Some(ContactSort::FirstName),
                "last_name" => Some(ContactSort::LastName),
                "email" => Some(ContactSort::Email),
                "created_on" => Some(ContactSort::CreatedOn),
                _ => None,
            },
            "first_name, last_name, email or created_on",
        )
        .unwrap_or_default();
    let time_param = |query: &mut QueryParams, name: &str| {
        query.parse_with(name, parse_time, "an RFC 3339 date-time")
    };
    let text = |query: &QueryParams, name: &str| query.get(name).map(str::to_owned);
    let filter = ContactFilter {
        first_name: text(&query, "first_name"),
        last_name: text(&query, "last_name"),
        email: text(&query, "email"),
        country: text(&query, "country").map(|c| c.to_ascii_uppercase()),
        search: text(&query, "search"),
        created_after: time_param(&mut query, "created_after"),
        created_before: time_param(&mut query, "created_before"),
        sort,
        order,
    };
    query.finish()?;
    let page = state
        .app
        .contact_list(&actor, context, filter, page)
        .await?;
    Ok(Json(paginated(page, ContactWire::from)))
}
