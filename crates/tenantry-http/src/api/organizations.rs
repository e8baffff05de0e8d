//! `/v1/organizations…`: suborganizations, their details and attributes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tenantry_app::SortOrder;
use tenantry_app::attributes::{AttributeInput, AttributeRecord};
use tenantry_app::organizations::{
    BillingMode, Organization, OrganizationCreate, OrganizationDetails, OrganizationFilter,
    OrganizationPatch, OrganizationProfile, OrganizationSort, ProfileField,
};
use tenantry_core::values::{CountryCode, Currency, Locale};
use tenantry_core::{OrgStatus, OrganizationId};
use utoipa::ToSchema;

use super::billing::BillingDataWire;
use super::users::{UserCreateBody, UserWire};
use crate::AppState;
use crate::extract::{Caller, JsonBody, PathId};
use crate::pagination::{MAX_PAGE_SIZE, Paginated, page_request, paginated, sort_order};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{Check, nullable, opt_time, time};

use crate::openapi::{QueryKind::*, QueryParameter, param};

/// The query parameters of the suborganization list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[
    param(
        "sort_by",
        OneOf(&["created_on", "name", "country_code"]),
        "Sort key",
    ),
    param("search", Text, "Part of the name"),
    param("country_code", Text, "ISO 3166-1 alpha-2 country"),
];

/// The query parameters of the attribute reads.
pub(crate) const ATTRIBUTES_QUERY: &[QueryParameter] =
    &[param("keys", Text, "Only these keys (repeatable)")];

#[derive(ToSchema, Serialize)]
pub(crate) struct AttributeWire {
    organization_attribute_id: i64,
    key: String,
    value: Value,
    private: bool,
    protected: bool,
    created_on: String,
    updated_on: String,
}

impl From<AttributeRecord> for AttributeWire {
    fn from(a: AttributeRecord) -> Self {
        AttributeWire {
            organization_attribute_id: a.id,
            key: a.key,
            value: a.value,
            private: a.private,
            protected: a.protected,
            created_on: time(a.created_on),
            updated_on: time(a.updated_on),
        }
    }
}

#[derive(ToSchema, Serialize)]
pub(crate) struct OrganizationWire {
    organization_id: OrganizationId,
    org_id: i64,
    name: String,
    parent_organization_id: Option<OrganizationId>,
    status: &'static str,
    billing_mode: String,
    address_1: Option<String>,
    address_2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country_code: Option<String>,
    currency: Option<String>,
    default_locale: Option<String>,
    business_number: Option<String>,
    tax_id: Option<String>,
    tax_id_type: Option<String>,
    tax_rate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<Vec<AttributeWire>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    users: Option<Vec<UserWire>>,
    created_on: String,
    updated_on: String,
    deleted_on: Option<String>,
}

impl From<Organization> for OrganizationWire {
    fn from(o: Organization) -> Self {
        let p = o.profile;
        OrganizationWire {
            organization_id: o.id,
            org_id: o.org_id,
            name: p.name,
            parent_organization_id: o.parent_id,
            status: o.status.as_str(),
            billing_mode: o.billing_mode,
            address_1: p.address_1,
            address_2: p.address_2,
            city: p.city,
            state: p.state,
            postal_code: p.postal_code,
            country_code: p.country_code,
            currency: p.currency,
            default_locale: p.default_locale,
            business_number: p.business_number,
            tax_id: p.tax_id,
            tax_id_type: p.tax_id_type,
            tax_rate: p.tax_rate,
            attributes: None,
            users: None,
            created_on: time(o.created_on),
            updated_on: time(o.updated_on),
            deleted_on: opt_time(o.deleted_on),
        }
    }
}

impl From<OrganizationDetails> for OrganizationWire {
    fn from(d: OrganizationDetails) -> Self {
        OrganizationWire {
            attributes: Some(d.attributes.into_iter().map(AttributeWire::from).collect()),
            users: Some(d.users.into_iter().map(UserWire::from).collect()),
            ..OrganizationWire::from(d.organization)
        }
    }
}

/// `OrganizationWithBillingData`: an organization with its paying account's billing facts.
#[derive(ToSchema, Serialize)]
pub(crate) struct OrganizationWithBillingWire {
    #[serde(flatten)]
    organization: OrganizationWire,
    #[serde(flatten)]
    billing: BillingDataWire,
}

impl From<OrganizationDetails> for OrganizationWithBillingWire {
    fn from(mut d: OrganizationDetails) -> Self {
        let billing = BillingDataWire::from(d.billing.take());
        OrganizationWithBillingWire {
            organization: d.into(),
            billing,
        }
    }
}

/// A tax rate (a percentage: `19` is 19 %) arrives as a number or a decimal string; it is
/// kept as a decimal string.
#[derive(Deserialize)]
#[serde(untagged)]
enum TaxRate {
    Number(serde_json::Number),
    Text(String),
}

impl utoipa::PartialSchema for TaxRate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::openapi::number_or_decimal_text("A percentage: a number or a decimal string")
    }
}

impl ToSchema for TaxRate {}

impl TaxRate {
    fn into_decimal(self, check: &mut Check) -> Option<String> {
        let text = match self {
            TaxRate::Number(n) => n.to_string(),
            TaxRate::Text(s) => s,
        };
        // Kept as sent, once known to be a percentage charges can be taxed with.
        check
            .value("tax_rate", &text, tenantry_core::billing::TaxRate::parse)
            .map(|_| text)
    }
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct AttributeBody {
    key: String,
    #[serde(default)]
    value: Value,
    #[serde(default)]
    private: bool,
    #[serde(default)]
    protected: bool,
}

fn attribute_inputs(bodies: Vec<AttributeBody>, check: &mut Check) -> Vec<AttributeInput> {
    bodies
        .into_iter()
        .filter_map(|a| {
            let key = check.text("key", Some(a.key), 255)?;
            Some(AttributeInput {
                key,
                value: a.value,
                private: a.private,
                protected: a.protected,
            })
        })
        .collect()
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct OrganizationCreateBody {
    name: String,
    address_1: Option<String>,
    /// The seed documents' single address field.
    address: Option<String>,
    address_2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country_code: Option<String>,
    currency: Option<String>,
    default_locale: Option<String>,
    business_number: Option<String>,
    tax_id: Option<String>,
    tax_id_type: Option<String>,
    tax_rate: Option<TaxRate>,
    parent_organization_id: Option<OrganizationId>,
    billing_mode: Option<String>,
    #[serde(default)]
    attributes: Vec<AttributeBody>,
    #[serde(default)]
    users: Vec<UserCreateBody>,
}

impl OrganizationCreateBody {
    pub(crate) fn into_command(self) -> Result<OrganizationCreate, ApiError> {
        let mut check = Check::default();
        let profile = OrganizationProfile {
            name: check.text("name", Some(self.name), 255).unwrap_or_default(),
            address_1: check.text("address_1", self.address_1.or(self.address), 255),
            address_2: check.text("address_2", self.address_2, 255),
            city: check.text("city", self.city, 255),
            state: check.text("state", self.state, 255),
            postal_code: check.text("postal_code", self.postal_code, 20),
            country_code: check
                .opt(
                    "country_code",
                    self.country_code.as_deref(),
                    CountryCode::parse,
                )
                .map(CountryCode::into_inner),
            currency: check
                .opt("currency", self.currency.as_deref(), Currency::parse)
                .map(|c| c.as_str().to_owned()),
            default_locale: check
                .opt(
                    "default_locale",
                    self.default_locale.as_deref(),
                    Locale::parse,
                )
                .map(Locale::into_inner),
            business_number: check.text("business_number", self.business_number, 100),
            tax_id: check.text("tax_id", self.tax_id, 50),
            tax_id_type: check.text("tax_id_type", self.tax_id_type, 50),
            tax_rate: self.tax_rate.and_then(|r| r.into_decimal(&mut check)),
        };
        let billing_mode = match self.billing_mode.as_deref() {
            None | Some("consolidated") => BillingMode::Consolidated,
            Some("independent") => BillingMode::Independent,
            Some(_) => {
                check.fail("billing_mode", "must be consolidated or independent");
                BillingMode::Consolidated
            }
        };
        let attributes = attribute_inputs(self.attributes, &mut check);
        let mut users = Vec::with_capacity(self.users.len());
        for (index, user) in self.users.into_iter().enumerate() {
            let mut nested = Check::nested(&["users", &index.to_string()]);
            let command = user.into_command(&mut nested);
            check.absorb(nested);
            users.extend(command);
        }
        check.finish()?;
        Ok(OrganizationCreate {
            profile,
            billing_mode,
            parent_organization_id: self.parent_organization_id,
            attributes,
            users,
        })
    }
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct OrganizationPatchBody {
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    address_1: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    address_2: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    city: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    state: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    country_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    default_locale: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    business_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    tax_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    tax_id_type: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    tax_rate: Option<Option<TaxRate>>,
    status: Option<String>,
    billing_mode: Option<Value>,
}

impl OrganizationPatchBody {
    pub(crate) fn into_patch(self) -> Result<OrganizationPatch, ApiError> {
        let mut check = Check::default();
        let mut fields = Vec::new();
        let mut text = |check: &mut Check,
                        field: ProfileField,
                        name: &str,
                        value: Option<Option<String>>,
                        max: usize| {
            if let Some(value) = value {
                let value = match value {
                    Some(v) => match check.text(name, Some(v), max) {
                        Some(v) => Some(v),
                        None => return,
                    },
                    None => None,
                };
                fields.push((field, value));
            }
        };
        if let Some(name) = self.name {
            text(
                &mut check,
                ProfileField::Name,
                "name",
                Some(Some(name)),
                255,
            );
        }
        text(
            &mut check,
            ProfileField::Address1,
            "address_1",
            self.address_1.or(self.address),
            255,
        );
        text(
            &mut check,
            ProfileField::Address2,
            "address_2",
            self.address_2,
            255,
        );
        text(&mut check, ProfileField::City, "city", self.city, 255);
        text(&mut check, ProfileField::State, "state", self.state, 255);
        text(
            &mut check,
            ProfileField::PostalCode,
            "postal_code",
            self.postal_code,
            255,
        );
        text(
            &mut check,
            ProfileField::BusinessNumber,
            "business_number",
            self.business_number,
            100,
        );
        text(&mut check, ProfileField::TaxId, "tax_id", self.tax_id, 50);
        text(
            &mut check,
            ProfileField::TaxIdType,
            "tax_id_type",
            self.tax_id_type,
            50,
        );
        if let Some(country) = self.country_code {
            let parsed = country.map(|c| {
                check
                    .value("country_code", &c, CountryCode::parse)
                    .map(CountryCode::into_inner)
            });
            if let Some(value) = parsed.map_or(Some(None), |p| p.map(Some)) {
                fields.push((ProfileField::CountryCode, value));
            }
        }
        if let Some(locale) = self.default_locale {
            let parsed = locale.map(|l| {
                check
                    .value("default_locale", &l, Locale::parse)
                    .map(Locale::into_inner)
            });
            if let Some(value) = parsed.map_or(Some(None), |p| p.map(Some)) {
                fields.push((ProfileField::DefaultLocale, value));
            }
        }
        if let Some(rate) = self.tax_rate {
            let parsed = rate.map(|r| r.into_decimal(&mut check));
            if let Some(value) = parsed.map_or(Some(None), |p| p.map(Some)) {
                fields.push((ProfileField::TaxRate, value));
            }
        }
        let status = self.status.and_then(|s| {
            let parsed = OrgStatus::parse(&s);
            if parsed.is_none() {
                check.fail("status", "must be active or inactive");
            }
            parsed
        });
        if self.billing_mode.is_some() {
            check.fail(
                "billing_mode",
                "billing_mode cannot be changed after creation",
            );
        }
        check.finish()?;
        Ok(OrganizationPatch { fields, status })
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<OrganizationCreateBody>,
) -> Result<Json<OrganizationWire>, ApiError> {
    let details = state
        .app
        .organization_create(&actor, body.into_command()?)
        .await?;
    Ok(Json(details.into()))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    mut query: QueryParams,
) -> Result<Json<Paginated<OrganizationWire>>, ApiError> {
    let page = page_request(&mut query, MAX_PAGE_SIZE);
    let order = sort_order(&mut query, SortOrder::Desc);
    let sort = query
        .parse_with(
            "sort_by",
            |s| match s {
                "created_on" => Some(OrganizationSort::CreatedOn),
                "name" => Some(OrganizationSort::Name),
                "country_code" => Some(OrganizationSort::CountryCode),
                _ => None,
            },
            "created_on, name or country_code",
        )
        .unwrap_or(OrganizationSort::CreatedOn);
    let search = query
        .get("search")
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if search.as_ref().is_some_and(|s| s.chars().count() > 200) {
        query.error("search", "must be at most 200 characters long");
    }
    let country_code = query.parse_with(
        "country_code",
        |s| CountryCode::parse(s).ok().map(CountryCode::into_inner),
        "an ISO 3166-1 alpha-2 country code",
    );
    query.finish()?;
    let filter = OrganizationFilter {
        search,
        country_code,
        sort,
        order,
    };
    let page = state
        .app
        .organization_list(&actor, None, filter, page)
        .await?;
    Ok(Json(paginated(page, OrganizationWire::from)))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<OrganizationId>,
) -> Result<Json<OrganizationWithBillingWire>, ApiError> {
    Ok(Json(state.app.organization_get(&actor, id).await?.into()))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<OrganizationId>,
    JsonBody(body): JsonBody<OrganizationPatchBody>,
) -> Result<Json<OrganizationWire>, ApiError> {
    let org = state
        .app
        .organization_update(&actor, id, body.into_patch()?)
        .await?;
    Ok(Json(org.into()))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<OrganizationId>,
) -> Result<StatusCode, ApiError> {
    state.app.organization_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Both documented shapes: a bare array, or `{"attributes": [...]}`.
#[derive(ToSchema, Deserialize)]
#[serde(untagged)]
pub(crate) enum AttributesBody {
    Bare(Vec<AttributeBody>),
    Wrapped { attributes: Vec<AttributeBody> },
}

async fn attributes_read(
    state: AppState,
    actor: tenantry_app::Actor,
    org: Option<OrganizationId>,
    query: QueryParams,
) -> Result<Json<Vec<AttributeWire>>, ApiError> {
    let keys = query.all("keys");
    let list = state.app.attribute_list(&actor, org, &keys).await?;
    Ok(Json(list.into_iter().map(AttributeWire::from).collect()))
}

async fn attributes_write(
    state: AppState,
    actor: tenantry_app::Actor,
    org: Option<OrganizationId>,
    body: AttributesBody,
) -> Result<Json<Vec<AttributeWire>>, ApiError> {
    let bodies = match body {
        AttributesBody::Bare(list) | AttributesBody::Wrapped { attributes: list } => list,
    };
    let mut check = Check::default();
    let inputs = attribute_inputs(bodies, &mut check);
    check.finish()?;
    let list = state.app.attribute_update(&actor, org, inputs).await?;
    Ok(Json(list.into_iter().map(AttributeWire::from).collect()))
}

pub(crate) async fn attributes_own(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryParams,
) -> Result<Json<Vec<AttributeWire>>, ApiError> {
    attributes_read(state, actor, None, query).await
}

pub(crate) async fn attributes_of(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<OrganizationId>,
    query: QueryParams,
) -> Result<Json<Vec<AttributeWire>>, ApiError> {
    attributes_read(state, actor, Some(id), query).await
}

pub(crate) async fn attributes_update_own(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<AttributesBody>,
) -> Result<Json<Vec<AttributeWire>>, ApiError> {
    attributes_write(state, actor, None, body).await
}

pub(crate) async fn attributes_update_of(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<OrganizationId>,
    JsonBody(body): JsonBody<AttributesBody>,
) -> Result<Json<Vec<AttributeWire>>, ApiError> {
    attributes_write(state, actor, Some(id), body).await
}
