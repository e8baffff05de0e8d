//! Prices: the operator's list and per-organization overrides, and what an organization pays.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use tenantry_app::billing::PriceInput;
use tenantry_core::OrganizationId;
use tenantry_core::billing::{Action, ProductType};
use tenantry_core::values::Currency;
use utoipa::ToSchema;

use super::wire::{AmountInput, PeriodWire, PricesWire};
use crate::AppState;
use crate::extract::{Caller, JsonBody, OperatorCaller, path_value};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::Check;

use crate::openapi::{QueryKind::*, QueryParameter, param};

/// The query parameters of an organization's prices.
pub(crate) const PRICES_QUERY: &[QueryParameter] = &[
    param("product_action", Text, "Only this action"),
    param("product_class", Text, "Only this class (a TLD)"),
];

#[derive(ToSchema, Deserialize)]
pub(crate) struct PriceBody {
    product_action: String,
    product_class: Option<String>,
    price: AmountInput,
    currency: String,
    period: Option<PeriodWire>,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct PricesBody {
    prices: Vec<PriceBody>,
}

impl PricesBody {
    fn into_inputs(self) -> Result<Vec<PriceInput>, ApiError> {
        let mut check = Check::default();
        let mut inputs = Vec::with_capacity(self.prices.len());
        for (index, body) in self.prices.into_iter().enumerate() {
            let mut item = Check::nested(&["prices", &index.to_string()]);
            let action = Action::parse(&body.product_action);
            if action.is_none() {
                item.fail(
                    "product_action",
                    format!("must be one of {}", Action::choices()),
                );
            }
            let class = item.text("product_class", body.product_class, 100);
            let price = body.price.minor(&mut item, "price", false);
            let currency = item.value("currency", &body.currency, Currency::parse);
            let period = body.period.and_then(|p| p.parse(&mut item, "period"));
            if let (Some(action), Some(price), Some(currency)) = (action, price, currency) {
                inputs.push(PriceInput {
                    action,
                    product_class: class,
                    currency,
                    price,
                    period,
                });
            }
            check.absorb(item);
        }
        check.finish()?;
        Ok(inputs)
    }
}

fn product(raw: &str) -> Result<ProductType, ApiError> {
    path_value::<ProductTypeParam>("product_type", raw).map(|p| p.0)
}

/// A product type in a path.
struct ProductTypeParam(ProductType);

impl std::str::FromStr for ProductTypeParam {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        ProductType::parse(s).map(ProductTypeParam).ok_or(())
    }
}

pub(crate) async fn price_list_put(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path(product_type): Path<String>,
    JsonBody(body): JsonBody<PricesBody>,
) -> Result<Json<PricesWire>, ApiError> {
    let product = product(&product_type)?;
    let prices = state
        .app
        .price_list_replace(&operator, product, body.into_inputs()?)
        .await?;
    Ok(Json(PricesWire::of(prices)))
}

pub(crate) async fn price_list_get(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path(product_type): Path<String>,
) -> Result<Json<PricesWire>, ApiError> {
    let product = product(&product_type)?;
    let prices = state.app.price_list_get(&operator, product).await?;
    Ok(Json(PricesWire::of(prices)))
}

pub(crate) async fn overrides_put(
    State(state): State<AppState>,
    OperatorCaller(operator): OperatorCaller,
    Path((organization, product_type)): Path<(String, String)>,
    JsonBody(body): JsonBody<PricesBody>,
) -> Result<Json<PricesWire>, ApiError> {
    let organization: OrganizationId = path_value("organization_id", &organization)?;
    let product = product(&product_type)?;
    let prices = state
        .app
        .price_overrides_replace(&operator, organization, product, body.into_inputs()?)
        .await?;
    Ok(Json(PricesWire::of(prices)))
}

/// `GET /v1/organizations/{id}/pricing/product-type/{product_type}`: what the organization
/// pays, with optional `product_action` and `product_class` filters.
pub(crate) async fn org_pricing(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((organization, product_type)): Path<(String, String)>,
    mut query: QueryParams,
) -> Result<Json<PricesWire>, ApiError> {
    let organization: OrganizationId = path_value("organization_id", &organization)?;
    let product = product(&product_type)?;
    let action = query.parse_with("product_action", Action::parse, &Action::choices());
    let class = query.get("product_class").map(str::to_owned);
    query.finish()?;
    let prices = state
        .app
        .pricing_for(&actor, organization, product, action, class)
        .await?;
    Ok(Json(PricesWire::of(prices)))
}
