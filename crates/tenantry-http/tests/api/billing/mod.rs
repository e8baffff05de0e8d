//! Billing: operator prices, plans and wallet operations; charges for priced zones;
//! transactions, statements and `Idempotency-Key`, on both engines.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tenantry_app::Clock;

use crate::support::{Api, apis, other_tenant, suborg};

mod charges;
mod idempotency;
mod plans;
mod pricing;
mod transactions;
mod wallet;

pub(super) fn top(api: &Api) -> String {
    api.t.boot.organization_id.to_string()
}

pub(super) fn operator(api: &Api) -> String {
    api.t.boot.operator_api_key.clone()
}

/// Replaces the list prices of a product type as the operator.
pub(super) async fn list_prices(api: &Api, product: &str, prices: Value) -> Value {
    api.call(Method::PUT, &format!("/v1/pricing/product-type/{product}"))
        .key(&operator(api))
        .json(json!({ "prices": prices }))
        .expect(StatusCode::OK)
        .await
}

/// Zones cost `price` EUR to create.
pub(super) async fn price_zones(api: &Api, price: &str) {
    list_prices(
        api,
        "zones",
        json!([{"product_action": "create", "price": price, "currency": "EUR"}]),
    )
    .await;
}

/// An operator's wallet operation (`credits`, `refunds`, `adjustments`) on `org`.
pub(super) fn wallet<'a>(
    api: &'a Api,
    org: &str,
    operation: &str,
    body: Value,
) -> crate::support::Call<'a> {
    api.post(
        &format!("/v1/organizations/{org}/billing/wallet/{operation}"),
        body,
    )
    .key(&operator(api))
}

pub(super) async fn credit(api: &Api, org: &str, amount: &str) -> Value {
    wallet(api, org, "credits", json!({"amount": amount}))
        .expect(StatusCode::OK)
        .await
}

/// `GET /v1/organizations/{org}` with `key`.
pub(super) async fn organization(api: &Api, org: &str, key: &str) -> Value {
    api.get(&format!("/v1/organizations/{org}"))
        .key(key)
        .expect(StatusCode::OK)
        .await
}

pub(super) async fn balance(api: &Api, org: &str) -> Value {
    organization(api, org, api.key()).await["account_balance"].clone()
}

/// The transactions `key` sees of `org`, with an optional query.
pub(super) async fn transactions(api: &Api, org: &str, key: &str, query: &str) -> Vec<Value> {
    api.get(&format!(
        "/v1/organizations/{org}/transactions?page_size=1000&{query}"
    ))
    .key(key)
    .expect(StatusCode::OK)
    .await["results"]
        .as_array()
        .unwrap()
        .clone()
}

/// Creates a zone, in `context` if given.
pub(super) async fn zone(api: &Api, name: &str, context: Option<&str>) -> (StatusCode, Value) {
    let mut call = api.post("/v1/dns", json!({ "name": name }));
    if let Some(org) = context {
        call = call.header("x-organization-context", org);
    }
    call.send().await
}

pub(super) fn cents(amount: &Value) -> i64 {
    let text = amount.as_str().expect("an amount string");
    let (negative, text) = text
        .strip_prefix('-')
        .map_or((false, text), |rest| (true, rest));
    let (whole, fraction) = text.split_once('.').expect("two decimals");
    assert_eq!(fraction.len(), 2, "{text}");
    let value = whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap();
    if negative { -value } else { value }
}

pub(super) fn field<'a>(items: &'a [Value], name: &str) -> Vec<&'a str> {
    items.iter().map(|t| t[name].as_str().unwrap()).collect()
}

pub(super) async fn create_plan(api: &Api, name: &str, amount: &str, currency: &str) -> Value {
    api.post(
        "/v1/plans",
        json!({"name": name, "plan_level": 1, "amount": amount, "currency": currency, "period": {"value": 1, "unit": "m"}}),
    )
    .key(&operator(api))
    .expect(StatusCode::CREATED)
    .await
}
