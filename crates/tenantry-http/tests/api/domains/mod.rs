//! Domains on both engines: the catalogue, checks, registration paid through a hold, reads,
//! changes, renewal, deletion into redemption and restore; the money rules under
//! concurrency and crashes; the lifecycle scheduler across a moved clock.

mod catalogue;
mod changes;
mod events;
mod lifecycle;
mod money;
mod register;
mod transfers;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::Api;

/// The sandbox's `.test`: 1, 2 or 5 years, 30 days of grace and of redemption, labels of up
/// to 3 characters premium at ten times the price.
pub async fn offer_test_tld(api: &Api) {
    api.call(Method::PUT, "/v1/tlds/test")
        .key(&api.t.boot.operator_api_key)
        .json(
            json!({"periods": [1, 2, 5], "grace_days": 30, "redemption_days": 30,
                     "premium_max_length": 3, "premium_multiplier": 10}),
        )
        .expect(StatusCode::OK)
        .await;
}

/// Domain prices in EUR per year for `.test`: create, renew (and transfer), restore.
pub async fn price_domains(api: &Api, create: &str, renew: &str, restore: &str) {
    let prices: Vec<Value> = [
        ("create", create),
        ("renew", renew),
        ("transfer", renew),
        ("restore", restore),
    ]
        .into_iter()
        .map(|(action, price)| {
            json!({"product_action": action, "price": price, "currency": "EUR", "product_class": "test"})
        })
        .collect();
    api.call(Method::PUT, "/v1/pricing/product-type/domain")
        .key(&api.t.boot.operator_api_key)
        .json(json!({ "prices": prices }))
        .expect(StatusCode::OK)
        .await;
}

/// Credits the bootstrapped tenant's account.
pub async fn credit(api: &Api, amount: &str) {
    credit_org(api, &api.t.boot.organization_id.to_string(), amount).await;
}

/// Credits an organization's account.
pub async fn credit_org(api: &Api, org: &str, amount: &str) {
    api.post(
        &format!("/v1/organizations/{org}/billing/wallet/credits"),
        json!({"amount": amount, "reference": "test-top-up"}),
    )
    .key(&api.t.boot.operator_api_key)
    .expect(StatusCode::OK)
    .await;
}

pub async fn balance(api: &Api) -> String {
    api.get(&format!("/v1/organizations/{}", api.t.boot.organization_id))
        .expect(StatusCode::OK)
        .await["account_balance"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A contact of the caller's organization (`key`).
pub async fn contact(api: &Api, key: &str) -> String {
    api.post(
        "/v1/contacts",
        json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
               "phone": "+44.2079460000", "street": "1 Analytical Row", "city": "London",
               "postal_code": "SW1A 1AA", "country": "GB", "disclose": false}),
    )
    .key(key)
    .expect(StatusCode::CREATED)
    .await["contact_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub fn registration(name: &str, contact: &str) -> Value {
    json!({"name": name, "renewal_mode": "renew", "period": {"value": 1, "unit": "y"},
           "contacts": {"registrant": contact, "admin": contact}})
}

/// A catalogue, prices (1.00 to create), `credit` on the account, and a contact.
pub async fn ready(api: &Api, credit_amount: &str) -> String {
    offer_test_tld(api).await;
    price_domains(api, "1.00", "1.00", "5.00").await;
    credit(api, credit_amount).await;
    contact(api, api.key()).await
}

/// How many holds are open on the platform.
pub async fn open_holds(api: &Api) -> i64 {
    let mut tx = api.t.database.db.read().await.unwrap();
    tenantry_store::billing::holds::open_count(&mut tx)
        .await
        .unwrap()
}

/// The domain transactions of the tenant.
pub async fn domain_charges(api: &Api) -> Vec<Value> {
    api.get(&format!(
        "/v1/organizations/{}/transactions?product_type=domain&page_size=1000",
        api.t.boot.organization_id
    ))
    .expect(StatusCode::OK)
    .await["results"]
        .as_array()
        .unwrap()
        .clone()
}
