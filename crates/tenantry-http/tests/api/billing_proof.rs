//! Money under concurrency, on both engines: many charges racing for one account spend
//! exactly its balance and never more, and concurrent retries of one idempotent request
//! charge once.

use axum::http::StatusCode;
use futures::future::join_all;
use serde_json::{Value, json};
use tenantry_core::OrganizationId;
use tenantry_store::billing::accounts;

use crate::support::{Api, apis, suborg};

async fn price_zones_and_credit(api: &Api, price: &str, credit: &str) {
    let operator = api.t.boot.operator_api_key.clone();
    api.call(axum::http::Method::PUT, "/v1/pricing/product-type/zones")
        .key(&operator)
        .json(json!({"prices": [{"product_action": "create", "price": price, "currency": "EUR"}]}))
        .expect(StatusCode::OK)
        .await;
    api.post(
        &format!(
            "/v1/organizations/{}/billing/wallet/credits",
            api.t.boot.organization_id
        ),
        json!({"amount": credit, "reference": "wire 42"}),
    )
    .key(&operator)
    .expect(StatusCode::OK)
    .await;
}

/// The paying account's balance and the sum of its ledger entries, read from the database.
async fn balance_and_ledger(api: &Api, account: OrganizationId) -> (String, String) {
    let mut tx = api.t.app.db().read().await.unwrap();
    let balance = accounts::get(&mut tx, account)
        .await
        .unwrap()
        .unwrap()
        .balance;
    let (sum, _) = accounts::ledger_sum(&mut tx, account).await.unwrap();
    (balance.to_string(), sum.to_string())
}

#[tokio::test]
async fn two_hundred_creations_against_a_balance_for_one_hundred() {
    for api in apis().await {
        price_zones_and_credit(&api, "1.00", "100.00").await;
        let (one, one_key) = suborg(&api, "One").await;
        let (two, two_key) = suborg(&api, "Two").await;
        let calls = (0..200).map(|i| {
            let key = if i % 2 == 0 { &one_key } else { &two_key };
            api.post("/v1/dns", json!({"name": format!("race-{i}.example")}))
                .key(key)
                .send()
        });
        let answers: Vec<(StatusCode, Value)> = join_all(calls).await;
        let created = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        let refused: Vec<_> = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::PAYMENT_REQUIRED)
            .collect();
        assert_eq!((created, refused.len()), (100, 100), "{:?}", api.engine());
        for (_, body) in &refused {
            assert_eq!(body["code"], "ERROR_INSUFFICIENT_FUNDS");
            assert_eq!(body["price"], "1.00");
            assert_eq!(body["balance"], "0.00");
        }

        let parent = api.t.boot.organization_id;
        assert_eq!(
            balance_and_ledger(&api, parent).await,
            ("0.00".to_owned(), "0.00".to_owned())
        );
        let org = api
            .get(&format!("/v1/organizations/{parent}"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(org["account_balance"], "0.00");
        let charges = api
            .get(&format!(
                "/v1/organizations/{parent}/transactions?product_type=zones&page_size=1000"
            ))
            .expect(StatusCode::OK)
            .await;
        let results = charges["results"].as_array().unwrap();
        assert_eq!(results.len(), 100);
        assert!(results.iter().all(|t| t["status"] == "succeeded"));
        // Each suborganization holds exactly the zones it paid for.
        for (org, key) in [(&one, &one_key), (&two, &two_key)] {
            let zones = api
                .get("/v1/dns?page_size=1")
                .key(key)
                .expect(StatusCode::OK)
                .await["pagination"]["total_items"]
                .as_u64()
                .unwrap();
            let paid = results
                .iter()
                .filter(|t| t["organization_id"] == org.as_str())
                .count() as u64;
            assert_eq!(zones, paid);
        }
    }
}

#[tokio::test]
async fn concurrent_retries_of_one_keyed_creation_charge_once() {
    for api in apis().await {
        price_zones_and_credit(&api, "2.50", "10.00").await;
        let retries = (0..20).map(|_| {
            api.post("/v1/dns", json!({"name": "once.example"}))
                .header("idempotency-key", "create-once")
                .send()
        });
        let answers = join_all(retries).await;
        // The first runs; the others either wait for nothing (409, still running) or get its
        // answer back.
        for (status, body) in &answers {
            assert!(
                *status == StatusCode::CREATED || body["code"] == "ERROR_IDEMPOTENCY_KEY_IN_USE",
                "{status} {body}"
            );
        }
        let (status, headers, body) = api
            .post("/v1/dns", json!({"name": "once.example"}))
            .header("idempotency-key", "create-once")
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(headers["idempotent-replayed"], "true");
        let parent = api.t.boot.organization_id;
        assert_eq!(
            balance_and_ledger(&api, parent).await,
            ("7.50".to_owned(), "7.50".to_owned()),
            "{:?}",
            api.engine()
        );
    }
}
