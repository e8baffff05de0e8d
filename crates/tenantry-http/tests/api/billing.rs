//! Billing: operator prices, plans and wallet operations; charges for priced zones;
//! transactions, statements and `Idempotency-Key`, on both engines.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tenantry_app::Clock;

use crate::support::{Api, apis, other_tenant, suborg};

fn top(api: &Api) -> String {
    api.t.boot.organization_id.to_string()
}

fn operator(api: &Api) -> String {
    api.t.boot.operator_api_key.clone()
}

/// Replaces the list prices of a product type as the operator.
async fn list_prices(api: &Api, product: &str, prices: Value) -> Value {
    api.call(Method::PUT, &format!("/v1/pricing/product-type/{product}"))
        .key(&operator(api))
        .json(json!({ "prices": prices }))
        .expect(StatusCode::OK)
        .await
}

/// Zones cost `price` EUR to create.
async fn price_zones(api: &Api, price: &str) {
    list_prices(
        api,
        "zones",
        json!([{"product_action": "create", "price": price, "currency": "EUR"}]),
    )
    .await;
}

/// An operator's wallet operation (`credits`, `refunds`, `adjustments`) on `org`.
fn wallet<'a>(api: &'a Api, org: &str, operation: &str, body: Value) -> crate::support::Call<'a> {
    api.post(
        &format!("/v1/organizations/{org}/billing/wallet/{operation}"),
        body,
    )
    .key(&operator(api))
}

async fn credit(api: &Api, org: &str, amount: &str) -> Value {
    wallet(api, org, "credits", json!({"amount": amount}))
        .expect(StatusCode::OK)
        .await
}

/// `GET /v1/organizations/{org}` with `key`.
async fn organization(api: &Api, org: &str, key: &str) -> Value {
    api.get(&format!("/v1/organizations/{org}"))
        .key(key)
        .expect(StatusCode::OK)
        .await
}

async fn balance(api: &Api, org: &str) -> Value {
    organization(api, org, api.key()).await["account_balance"].clone()
}

/// The transactions `key` sees of `org`, with an optional query.
async fn transactions(api: &Api, org: &str, key: &str, query: &str) -> Vec<Value> {
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
async fn zone(api: &Api, name: &str, context: Option<&str>) -> (StatusCode, Value) {
    let mut call = api.post("/v1/dns", json!({ "name": name }));
    if let Some(org) = context {
        call = call.header("x-organization-context", org);
    }
    call.send().await
}

fn cents(amount: &Value) -> i64 {
    let text = amount.as_str().expect("an amount string");
    let (negative, text) = text
        .strip_prefix('-')
        .map_or((false, text), |rest| (true, rest));
    let (whole, fraction) = text.split_once('.').expect("two decimals");
    assert_eq!(fraction.len(), 2, "{text}");
    let value = whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap();
    if negative { -value } else { value }
}

fn field<'a>(items: &'a [Value], name: &str) -> Vec<&'a str> {
    items.iter().map(|t| t[name].as_str().unwrap()).collect()
}

#[tokio::test]
async fn operator_routes_refuse_organization_keys_and_unknown_organizations() {
    for api in apis().await {
        let org = top(&api);
        let (_, stranger) = other_tenant(&api, "Stranger").await;
        let prices = json!({"prices": []});
        // Each refusal counts as a failed authentication: one client address per caller keeps
        // the brute-force limiter out of the way.
        for (n, key) in [api.key().to_owned(), stranger, "opo_nonsense".to_owned()]
            .into_iter()
            .enumerate()
        {
            for (method, path, body) in [
                (
                    Method::PUT,
                    "/v1/pricing/product-type/zones".to_owned(),
                    prices.clone(),
                ),
                (
                    Method::GET,
                    "/v1/pricing/product-type/zones".to_owned(),
                    Value::Null,
                ),
                (Method::GET, "/v1/plans".to_owned(), Value::Null),
                (
                    Method::POST,
                    "/v1/plans".to_owned(),
                    json!({"name": "P", "plan_level": 1, "amount": "1", "currency": "EUR", "period": {"value": 1, "unit": "m"}}),
                ),
                (
                    Method::POST,
                    format!("/v1/organizations/{org}/billing/wallet/credits"),
                    json!({"amount": "5.00"}),
                ),
                (
                    Method::PATCH,
                    format!("/v1/organizations/{org}/billing/account"),
                    json!({"billing_model": "postpaid", "credit_limit": 100}),
                ),
                (
                    Method::PUT,
                    format!("/v1/organizations/{org}/pricing/product-type/zones"),
                    prices.clone(),
                ),
            ] {
                let mut call = api
                    .call(method.clone(), &path)
                    .key(&key)
                    .client_ip(&format!("198.51.100.{n}"));
                if !body.is_null() {
                    call = call.json(body);
                }
                let err = call.expect(StatusCode::UNAUTHORIZED).await;
                assert_eq!(
                    err["code"],
                    "ERROR_AUTHENTICATION",
                    "{method} {path} {:?}",
                    api.engine()
                );
            }
        }
        assert_eq!(balance(&api, &org).await, "0.00", "nothing was credited");
        assert!(transactions(&api, &org, api.key(), "").await.is_empty());

        let nobody = tenantry_core::OrganizationId::generate().to_string();
        for call in [
            wallet(&api, &nobody, "credits", json!({"amount": "1"})),
            wallet(
                &api,
                &nobody,
                "adjustments",
                json!({"amount": "1", "reason": "r"}),
            ),
            api.patch(
                &format!("/v1/organizations/{nobody}/billing/account"),
                json!({"billing_model": "prepaid"}),
            )
            .key(&operator(&api)),
            api.call(
                Method::PUT,
                &format!("/v1/organizations/{nobody}/pricing/product-type/zones"),
            )
            .json(prices.clone())
            .key(&operator(&api)),
        ] {
            let err = call.expect(StatusCode::NOT_FOUND).await;
            assert_eq!(err["code"], "ERROR_ORGANIZATION_NOT_FOUND");
        }
    }
}

#[tokio::test]
async fn the_price_list_is_replaced_whole_and_validated() {
    for api in apis().await {
        let set = list_prices(
            &api,
            "zones",
            json!([
                {"product_action": "create", "product_class": null, "price": "1.50", "currency": "EUR", "period": {"value": 1, "unit": "y"}},
                {"product_action": "renew", "price": 3, "currency": "EUR"},
                {"product_action": "create", "price": 2.5, "currency": "USD"}
            ]),
        )
        .await;
        assert_eq!(set["prices"].as_array().unwrap().len(), 3);
        let read = api
            .get("/v1/pricing/product-type/zones")
            .key(&operator(&api))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(read, set, "{:?}", api.engine());
        let create_eur = read["prices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["product_action"] == "create" && p["currency"] == "EUR")
            .unwrap();
        assert_eq!(
            create_eur,
            &json!({"product_type": "zones", "product_action": "create", "product_class": null,
                    "price": "1.50", "currency": "EUR", "period": {"value": 1, "unit": "y"}})
        );
        let renew = read["prices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["product_action"] == "renew")
            .unwrap();
        assert_eq!(
            (renew["price"].as_str(), renew["period"].is_null()),
            (Some("3.00"), true)
        );
        let usd = read["prices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["currency"] == "USD")
            .unwrap();
        assert_eq!(usd["price"], "2.50");

        // A PUT replaces the whole list; other product types are untouched.
        list_prices(
            &api,
            "domain",
            json!([{"product_action": "create", "product_class": "com", "price": "9.99", "currency": "EUR"}]),
        )
        .await;
        let replaced = list_prices(
            &api,
            "zones",
            json!([{"product_action": "create", "price": "2.00", "currency": "EUR"}]),
        )
        .await;
        assert_eq!(replaced["prices"].as_array().unwrap().len(), 1);
        assert_eq!(replaced["prices"][0]["price"], "2.00");
        let domain = api
            .get("/v1/pricing/product-type/domain")
            .key(&operator(&api))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(domain["prices"][0]["product_class"], "com");

        let put = |product: &str, prices: Value| {
            api.call(Method::PUT, &format!("/v1/pricing/product-type/{product}"))
                .key(&operator(&api))
                .json(json!({ "prices": prices }))
        };
        let one = json!([{"product_action": "create", "price": "1", "currency": "EUR"}]);
        for product in ["bogus", "account_wallet", "plan"] {
            let err = put(product, one.clone())
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(
                err["errors"][0]["loc"],
                json!(["path", "product_type"]),
                "{product}"
            );
        }
        api.get("/v1/pricing/product-type/bogus")
            .key(&operator(&api))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        let dup = put(
            "zones",
            json!([
                {"product_action": "create", "price": "1", "currency": "EUR"},
                {"product_action": "create", "product_class": null, "price": "2", "currency": "EUR"}
            ]),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        assert_eq!(
            dup["errors"][0]["loc"],
            json!(["body", "prices", "1", "product_action"])
        );
        let top_up = put(
            "zones",
            json!([{"product_action": "wallet_top_up", "price": "1", "currency": "EUR"}]),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        assert_eq!(
            top_up["errors"][0]["loc"],
            json!(["body", "prices", "0", "product_action"])
        );
        let bad = put(
            "zones",
            json!([{"product_action": "fly", "price": "-1", "currency": "GBP", "period": {"value": 0, "unit": "w"}}]),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        let locs: Vec<_> = bad["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["loc"][3].as_str().unwrap().to_owned())
            .collect();
        for expected in ["product_action", "price", "currency", "period"] {
            assert!(locs.contains(&expected.to_owned()), "{locs:?}");
        }
        // None of the refused lists replaced the stored one.
        let still = api
            .get("/v1/pricing/product-type/zones")
            .key(&operator(&api))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(still, replaced);
    }
}

#[tokio::test]
async fn overrides_beat_the_list_and_a_suborganizations_own_beats_its_parents() {
    for api in apis().await {
        let parent = top(&api);
        let (child, child_key) = suborg(&api, "Child").await;
        let (sibling, _) = suborg(&api, "Sibling").await;
        list_prices(
            &api,
            "zones",
            json!([
                {"product_action": "create", "price": "1.50", "currency": "EUR"},
                {"product_action": "renew", "price": "3.00", "currency": "EUR"},
                {"product_action": "create", "product_class": "premium", "price": "7.00", "currency": "EUR"}
            ]),
        )
        .await;
        let set_override = |org: &str, price: &str| {
            api.call(
                Method::PUT,
                &format!("/v1/organizations/{org}/pricing/product-type/zones"),
            )
            .key(&operator(&api))
            .json(json!({"prices": [{"product_action": "create", "price": price, "currency": "EUR"}]}))
        };
        let set = set_override(&parent, "1.20").expect(StatusCode::OK).await;
        assert_eq!(set["prices"][0]["price"], "1.20");
        set_override(&child, "1.00").expect(StatusCode::OK).await;

        let pays = |org: String, key: String, query: &'static str| {
            let api = &api;
            async move {
                let prices = api
                    .get(&format!(
                        "/v1/organizations/{org}/pricing/product-type/zones{query}"
                    ))
                    .key(&key)
                    .expect(StatusCode::OK)
                    .await;
                prices["prices"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| {
                        format!(
                            "{} {} {}",
                            p["product_action"].as_str().unwrap(),
                            p["product_class"].as_str().unwrap_or("*"),
                            p["price"].as_str().unwrap()
                        )
                    })
                    .collect::<Vec<_>>()
            }
        };
        let me = api.key().to_owned();
        let mut parent_pays = pays(parent.clone(), me.clone(), "").await;
        parent_pays.sort();
        assert_eq!(
            parent_pays,
            ["create * 1.20", "create premium 7.00", "renew * 3.00"],
            "{:?}",
            api.engine()
        );
        let mut child_pays = pays(child.clone(), child_key.clone(), "").await;
        child_pays.sort();
        assert_eq!(
            child_pays,
            ["create * 1.00", "create premium 7.00", "renew * 3.00"]
        );
        let mut sibling_pays = pays(sibling.clone(), me.clone(), "").await;
        sibling_pays.sort();
        assert_eq!(
            sibling_pays,
            ["create * 1.20", "create premium 7.00", "renew * 3.00"]
        );
        assert_eq!(
            pays(child.clone(), child_key.clone(), "?product_action=renew").await,
            ["renew * 3.00"]
        );
        assert_eq!(
            pays(child.clone(), child_key.clone(), "?product_class=premium").await,
            ["create premium 7.00"]
        );
        let err = api
            .get(&format!(
                "/v1/organizations/{child}/pricing/product-type/zones?product_action=fly"
            ))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["query", "product_action"]));
        // A suborganization cannot read its parent's prices.
        api.get(&format!(
            "/v1/organizations/{parent}/pricing/product-type/zones"
        ))
        .key(&child_key)
        .expect(StatusCode::NOT_FOUND)
        .await;

        // What is charged follows the same order.
        credit(&api, &parent, "10.00").await;
        for (name, context, expected) in [
            ("parent.example", None, "-1.20"),
            ("child.example", Some(child.as_str()), "-1.00"),
            ("sibling.example", Some(sibling.as_str()), "-1.20"),
        ] {
            let (status, body) = zone(&api, name, context).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            let charged =
                transactions(&api, &parent, &me, &format!("product_reference={name}.")).await;
            assert_eq!(charged.len(), 1, "{name}");
            assert_eq!(charged[0]["balance_change"], expected, "{name}");
        }
        assert_eq!(balance(&api, &parent).await, "6.60");

        // An empty list removes the child's overrides: the parent's apply again.
        api.call(
            Method::PUT,
            &format!("/v1/organizations/{child}/pricing/product-type/zones"),
        )
        .key(&operator(&api))
        .json(json!({"prices": []}))
        .expect(StatusCode::OK)
        .await;
        let mut child_pays = pays(child, child_key, "?product_action=create").await;
        child_pays.sort();
        assert_eq!(child_pays, ["create * 1.20", "create premium 7.00"]);
    }
}

#[tokio::test]
async fn a_priced_zone_is_charged_to_the_paying_account() {
    for api in apis().await {
        let parent = top(&api);
        let (child, child_key) = suborg(&api, "Child").await;
        list_prices(
            &api,
            "zones",
            json!([{"product_action": "create", "price": "1.50", "currency": "EUR", "period": {"value": 1, "unit": "y"}}]),
        )
        .await;
        let credited = credit(&api, &parent, "10").await;
        assert_eq!(credited["balance"], "10.00");

        let (status, body) = zone(&api, "x.example", None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let own = transactions(&api, &parent, api.key(), "product_type=zones").await;
        assert_eq!(own.len(), 1, "{:?}", api.engine());
        let t = &own[0];
        assert_eq!(
            (
                t["product_type"].as_str(),
                t["action"].as_str(),
                t["product_reference"].as_str(),
                t["status"].as_str(),
                t["balance_change"].as_str(),
            ),
            (
                Some("zones"),
                Some("create"),
                Some("x.example."),
                Some("succeeded"),
                Some("-1.50")
            )
        );
        assert_eq!(
            (
                t["price"].as_str(),
                t["tax_amount"].as_str(),
                t["amount"].as_str(),
                t["currency"].as_str(),
                t["volume"].as_str(),
                t["unit"].as_str(),
            ),
            (
                Some("1.50"),
                Some("0.00"),
                Some("1.50"),
                Some("EUR"),
                Some("1"),
                Some("y")
            )
        );
        assert_eq!(t["organization_id"], json!(parent));
        assert!(
            t["billing_transaction_id"]
                .as_str()
                .unwrap()
                .starts_with("billing_transaction_")
        );
        assert!(t["completed_on"].as_str().unwrap().ends_with('Z'));
        assert_eq!(balance(&api, &parent).await, "8.50");

        // A consolidated child's zone is paid by the parent's account.
        let (status, body) = zone(&api, "child.example", Some(&child)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(balance(&api, &parent).await, "7.00");
        let all = transactions(&api, &parent, api.key(), "product_type=zones").await;
        let mut references = field(&all, "product_reference");
        references.sort();
        assert_eq!(references, ["child.example.", "x.example."]);
        let child_tx = all
            .iter()
            .find(|t| t["product_reference"] == "child.example.")
            .unwrap();
        assert_eq!(child_tx["organization_id"], json!(child));
        // The child sees only its own purchase, and nothing of its parent's account.
        let theirs = transactions(&api, &child, &child_key, "").await;
        assert_eq!(field(&theirs, "product_reference"), ["child.example."]);
        let seen_by_child = organization(&api, &child, &child_key).await;
        assert_eq!(seen_by_child["account_balance"], Value::Null);
        assert_eq!(
            seen_by_child["billing_metadata"],
            json!({"billing_model": null, "credit_limit": null, "customer_number": null})
        );
        assert_eq!(seen_by_child["active_plan"], Value::Null);
        for path in [
            format!("/v1/organizations/{parent}/transactions"),
            format!(
                "/v1/organizations/{parent}/billing/statement?start_date=2000-01-01&end_date=2999-12-31"
            ),
        ] {
            api.get(&path)
                .key(&child_key)
                .expect(StatusCode::NOT_FOUND)
                .await;
        }
        // The parent looking at the child sees its own account, which pays.
        let seen_by_parent = organization(&api, &child, api.key()).await;
        assert_eq!(seen_by_parent["account_balance"], "7.00");
        assert_eq!(
            seen_by_parent["billing_metadata"],
            json!({"billing_model": "prepaid", "credit_limit": 0, "customer_number": api.t.boot.org_id})
        );
        let own_org = organization(&api, &parent, api.key()).await;
        assert_eq!(own_org["account_balance"], "7.00");
        assert_eq!(own_org["active_plan"], Value::Null);

        // One by id; the child cannot read the parent's own charge or credit.
        let id = t["billing_transaction_id"].as_str().unwrap();
        let one = api
            .get(&format!("/v1/organizations/{parent}/transactions/{id}"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(&one, t);
        let err = api
            .get(&format!("/v1/organizations/{child}/transactions/{id}"))
            .key(&child_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_BILLING_TRANSACTION_NOT_FOUND");
        let credit_id = credited["credit_id"].as_str().unwrap();
        api.get(&format!(
            "/v1/organizations/{child}/transactions/{credit_id}"
        ))
        .key(&child_key)
        .expect(StatusCode::NOT_FOUND)
        .await;
        // An unpriced product is free and leaves no transaction.
        list_prices(&api, "zones", json!([])).await;
        let (status, _) = zone(&api, "free.example", None).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(balance(&api, &parent).await, "7.00");
    }
}

#[tokio::test]
async fn a_zone_the_account_cannot_pay_for_is_refused_and_not_created() {
    for api in apis().await {
        let parent = top(&api);
        let (child, _) = suborg(&api, "Child").await;
        price_zones(&api, "1.50").await;
        for (name, context) in [("x.example", None), ("kid.example", Some(child.as_str()))] {
            let (status, err) = zone(&api, name, context).await;
            assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{err}");
            assert_eq!(
                err["code"],
                "ERROR_INSUFFICIENT_FUNDS",
                "{:?}",
                api.engine()
            );
            assert_eq!(
                (
                    err["balance"].as_str(),
                    err["price"].as_str(),
                    err["available"].as_str(),
                    err["currency"].as_str()
                ),
                (Some("0.00"), Some("1.50"), Some("0.00"), Some("EUR"))
            );
            let mut check = api.get(&format!("/v1/dns/{name}"));
            if let Some(org) = context {
                check = check.header("x-organization-context", org);
            }
            check.expect(StatusCode::NOT_FOUND).await;
        }
        assert!(transactions(&api, &parent, api.key(), "").await.is_empty());
        assert_eq!(balance(&api, &parent).await, "0.00");
        let zones = api.get("/v1/dns").expect(StatusCode::OK).await;
        assert_eq!(zones["pagination"]["total_items"], 0);

        // Enough for one: the second is refused with what is left.
        credit(&api, &parent, "2.00").await;
        let (status, _) = zone(&api, "x.example", None).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, err) = zone(&api, "y.example", None).await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
        assert_eq!(
            (err["balance"].as_str(), err["available"].as_str()),
            (Some("0.50"), Some("0.50"))
        );
        assert_eq!(transactions(&api, &parent, api.key(), "").await.len(), 2);
    }
}

#[tokio::test]
async fn the_payers_tax_rate_is_added_to_the_price() {
    for api in apis().await {
        let parent = top(&api);
        let (child, _) = suborg(&api, "Child").await;
        price_zones(&api, "10.00").await;
        credit(&api, &parent, "100").await;
        api.patch(
            &format!("/v1/organizations/{parent}"),
            json!({"tax_rate": "19"}),
        )
        .expect(StatusCode::OK)
        .await;
        // The child's own rate does not matter: the payer's does.
        api.patch(
            &format!("/v1/organizations/{child}"),
            json!({"tax_rate": "7"}),
        )
        .expect(StatusCode::OK)
        .await;
        for (name, context) in [
            ("taxed.example", None),
            ("kid.example", Some(child.as_str())),
        ] {
            let (status, body) = zone(&api, name, context).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            let t = &transactions(
                &api,
                &parent,
                api.key(),
                &format!("product_reference={name}."),
            )
            .await[0];
            assert_eq!(
                (
                    t["price"].as_str(),
                    t["tax_rate"].as_str(),
                    t["tax_amount"].as_str(),
                    t["amount"].as_str(),
                    t["balance_change"].as_str()
                ),
                (
                    Some("10.00"),
                    Some("19.00"),
                    Some("1.90"),
                    Some("11.90"),
                    Some("-11.90")
                ),
                "{name} {:?}",
                api.engine()
            );
        }
        assert_eq!(balance(&api, &parent).await, "76.20");
        // Tax counts against the balance: 10.00 + 1.90 does not fit in 11.00.
        let (poor, poor_key) = other_tenant(&api, "Poor").await;
        api.patch(
            &format!("/v1/organizations/{poor}"),
            json!({"tax_rate": 19}),
        )
        .key(&poor_key)
        .expect(StatusCode::OK)
        .await;
        credit(&api, &poor, "11.00").await;
        let (status, err) = api
            .post("/v1/dns", json!({"name": "poor.example"}))
            .key(&poor_key)
            .send()
            .await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{err}");
        assert_eq!(
            (err["price"].as_str(), err["available"].as_str()),
            (Some("11.90"), Some("11.00"))
        );
    }
}

#[tokio::test]
async fn a_postpaid_account_may_go_down_to_its_credit_limit() {
    for api in apis().await {
        let parent = top(&api);
        let (child, _) = suborg(&api, "Child").await;
        let terms = |org: &str, body: Value| {
            api.patch(&format!("/v1/organizations/{org}/billing/account"), body)
                .key(&operator(&api))
        };
        let set = terms(
            &parent,
            json!({"billing_model": "postpaid", "credit_limit": 5}),
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(
            (
                set["organization_id"].as_str(),
                set["billing_model"].as_str(),
                set["credit_limit"].as_i64(),
                set["account_balance"].as_str(),
                set["currency"].as_str()
            ),
            (
                Some(parent.as_str()),
                Some("postpaid"),
                Some(5),
                Some("0.00"),
                Some("EUR")
            )
        );
        let seen = organization(&api, &parent, api.key()).await;
        assert_eq!(seen["billing_metadata"]["billing_model"], "postpaid");
        assert_eq!(seen["billing_metadata"]["credit_limit"], 5);

        price_zones(&api, "2.00").await;
        for name in ["one.example", "two.example"] {
            let (status, body) = zone(&api, name, None).await;
            assert_eq!(status, StatusCode::CREATED, "{name} {body}");
        }
        let (status, err) = zone(&api, "three.example", Some(&child)).await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{:?}", api.engine());
        assert_eq!(
            (
                err["code"].as_str(),
                err["balance"].as_str(),
                err["price"].as_str(),
                err["available"].as_str()
            ),
            (
                Some("ERROR_INSUFFICIENT_FUNDS"),
                Some("-4.00"),
                Some("2.00"),
                Some("1.00")
            )
        );
        assert_eq!(balance(&api, &parent).await, "-4.00");
        assert_eq!(transactions(&api, &parent, api.key(), "").await.len(), 2);

        // Terms are validated, and belong to paying organizations only.
        let err = terms(
            &parent,
            json!({"billing_model": "prepaid", "credit_limit": 3}),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        assert_eq!(err["errors"][0]["loc"], json!(["body", "credit_limit"]));
        let err = terms(&parent, json!({"billing_model": "later"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["body", "billing_model"]));
        let err = terms(
            &child,
            json!({"billing_model": "postpaid", "credit_limit": 10}),
        )
        .expect(StatusCode::CONFLICT)
        .await;
        assert_eq!(err["code"], "ERROR_BILLED_THROUGH_PARENT");
        // Back to prepaid: nothing more can be bought below zero.
        terms(&parent, json!({"billing_model": "prepaid"}))
            .expect(StatusCode::OK)
            .await;
        let (status, err) = zone(&api, "four.example", None).await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
        assert_eq!(err["available"], "-4.00");
    }
}

#[tokio::test]
async fn credits_refunds_and_adjustments_move_the_balance_and_are_checked() {
    for api in apis().await {
        let parent = top(&api);
        let (child, _) = suborg(&api, "Child").await;
        let credited = wallet(
            &api,
            &parent,
            "credits",
            json!({"amount": 12.5, "reference": "wire-2026-001"}),
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(
            (
                credited["status"].as_str(),
                credited["amount"].as_str(),
                credited["currency"].as_str(),
                credited["balance"].as_str()
            ),
            (Some("success"), Some("12.50"), Some("EUR"), Some("12.50")),
            "{:?}",
            api.engine()
        );
        let t = &credited["transaction"];
        assert_eq!(t["billing_transaction_id"], credited["credit_id"]);
        assert_eq!(
            (
                t["product_type"].as_str(),
                t["action"].as_str(),
                t["balance_change"].as_str(),
                t["reference"].as_str()
            ),
            (
                Some("account_wallet"),
                Some("wallet_top_up"),
                Some("12.50"),
                Some("wire-2026-001")
            )
        );
        for bad in [
            json!({"amount": "0"}),
            json!({"amount": "-5"}),
            json!({"amount": "1.234"}),
            json!({"amount": "ten"}),
        ] {
            let err = wallet(&api, &parent, "credits", bad.clone())
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(err["errors"][0]["loc"], json!(["body", "amount"]), "{bad}");
        }
        let err = wallet(&api, &child, "credits", json!({"amount": "5"}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(err["code"], "ERROR_BILLED_THROUGH_PARENT");
        let err = wallet(
            &api,
            &child,
            "adjustments",
            json!({"amount": "5", "reason": "r"}),
        )
        .expect(StatusCode::CONFLICT)
        .await;
        assert_eq!(err["code"], "ERROR_BILLED_THROUGH_PARENT");

        // Two charges: one of the parent, one of its child.
        price_zones(&api, "4.00").await;
        assert_eq!(zone(&api, "a.example", None).await.0, StatusCode::CREATED);
        assert_eq!(
            zone(&api, "kid.example", Some(&child)).await.0,
            StatusCode::CREATED
        );
        let charge_of = |name: &str| {
            let api = &api;
            let parent = parent.clone();
            let name = name.to_owned();
            async move {
                transactions(
                    api,
                    &parent,
                    api.key(),
                    &format!("product_reference={name}"),
                )
                .await[0]["billing_transaction_id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        };
        let charge = charge_of("a.example.").await;
        let kid_charge = charge_of("kid.example.").await;
        assert_eq!(balance(&api, &parent).await, "4.50");

        let refund = |org: &str, body: Value| wallet(&api, org, "refunds", body);
        let partial = refund(
            &parent,
            json!({"billing_transaction_id": charge, "amount": "1.50", "reason": "outage"}),
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(partial["balance"], "6.00");
        assert_eq!(
            (
                partial["transaction"]["action"].as_str(),
                partial["transaction"]["product_type"].as_str(),
                partial["transaction"]["balance_change"].as_str(),
                partial["transaction"]["refund_of"].as_str(),
                partial["transaction"]["reason"].as_str(),
            ),
            (
                Some("refund"),
                Some("zones"),
                Some("1.50"),
                Some(charge.as_str()),
                Some("outage")
            )
        );
        let err = refund(
            &parent,
            json!({"billing_transaction_id": charge, "amount": "2.51", "reason": "too much"}),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        assert_eq!(err["code"], "ERROR_REFUND_EXCEEDS_CHARGE");
        // Without an amount, the rest.
        let rest = refund(
            &parent,
            json!({"billing_transaction_id": charge, "reason": "the rest"}),
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(
            (rest["amount"].as_str(), rest["balance"].as_str()),
            (Some("2.50"), Some("8.50"))
        );
        let err = refund(
            &parent,
            json!({"billing_transaction_id": charge, "amount": "0.01", "reason": "again"}),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        assert_eq!(err["code"], "ERROR_REFUND_EXCEEDS_CHARGE");
        // Neither a credit nor a refund is a charge.
        for not_a_charge in [
            credited["credit_id"].as_str().unwrap(),
            rest["credit_id"].as_str().unwrap(),
        ] {
            let err = refund(
                &parent,
                json!({"billing_transaction_id": not_a_charge, "reason": "no"}),
            )
            .expect(StatusCode::CONFLICT)
            .await;
            assert_eq!(err["code"], "ERROR_TRANSACTION_NOT_REFUNDABLE");
        }
        // The child's purchase is refunded on the account that paid for it.
        let kid_refund = refund(
            &parent,
            json!({"billing_transaction_id": kid_charge, "reason": "goodwill"}),
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(kid_refund["transaction"]["organization_id"], json!(child));
        assert_eq!(kid_refund["balance"], "12.50");
        let err = refund(
            &child,
            json!({"billing_transaction_id": kid_charge, "reason": "no account"}),
        )
        .expect(StatusCode::CONFLICT)
        .await;
        assert_eq!(err["code"], "ERROR_BILLED_THROUGH_PARENT");
        // Another account's transaction, or none at all, is not found.
        let (stranger, stranger_key) = other_tenant(&api, "Stranger").await;
        credit(&api, &stranger, "10").await;
        price_zones(&api, "1.00").await;
        let (status, _) = api
            .post("/v1/dns", json!({"name": "stranger.example"}))
            .key(&stranger_key)
            .send()
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let theirs = transactions(&api, &stranger, &stranger_key, "product_type=zones").await;
        let theirs = theirs[0]["billing_transaction_id"].as_str().unwrap();
        for id in [
            theirs.to_owned(),
            tenantry_core::BillingTransactionId::generate().to_string(),
        ] {
            let err = refund(
                &parent,
                json!({"billing_transaction_id": id, "reason": "not ours"}),
            )
            .expect(StatusCode::NOT_FOUND)
            .await;
            assert_eq!(err["code"], "ERROR_BILLING_TRANSACTION_NOT_FOUND");
            api.get(&format!("/v1/organizations/{parent}/transactions/{id}"))
                .expect(StatusCode::NOT_FOUND)
                .await;
        }
        assert_eq!(
            organization(&api, &stranger, &stranger_key).await["account_balance"],
            "9.00"
        );

        // Adjustments are signed, need a reason, and may go below zero.
        let down = wallet(
            &api,
            &parent,
            "adjustments",
            json!({"amount": "-20.00", "reason": "chargeback"}),
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(down["balance"], "-7.50");
        assert_eq!(
            (
                down["transaction"]["action"].as_str(),
                down["transaction"]["balance_change"].as_str(),
                down["transaction"]["amount"].as_str(),
                down["transaction"]["reason"].as_str()
            ),
            (
                Some("adjustment"),
                Some("-20.00"),
                Some("20.00"),
                Some("chargeback")
            )
        );
        let up = wallet(
            &api,
            &parent,
            "adjustments",
            json!({"amount": "+7.50", "reason": "reversal"}),
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(up["balance"], "0.00");
        for bad in [
            json!({"amount": "0", "reason": "nothing"}),
            json!({"amount": "-0.00", "reason": "nothing"}),
            json!({"amount": "1", "reason": ""}),
        ] {
            wallet(&api, &parent, "adjustments", bad.clone())
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
        assert_eq!(balance(&api, &parent).await, "0.00");
    }
}

#[tokio::test]
async fn the_balance_is_the_sum_of_the_accounts_succeeded_transactions() {
    for api in apis().await {
        let parent = top(&api);
        let (child, child_key) = suborg(&api, "Child").await;
        price_zones(&api, "1.25").await;
        api.patch(
            &format!("/v1/organizations/{parent}"),
            json!({"tax_rate": "7.5"}),
        )
        .expect(StatusCode::OK)
        .await;
        credit(&api, &parent, "20.00").await;
        for (name, context) in [
            ("a.example", None),
            ("b.example", Some(child.as_str())),
            ("c.example", None),
        ] {
            assert_eq!(zone(&api, name, context).await.0, StatusCode::CREATED);
        }
        let b = transactions(&api, &parent, api.key(), "product_reference=b.example.").await;
        assert_eq!(b[0]["amount"], "1.34", "1.25 + 7.5 % = 1.34375");
        wallet(
            &api,
            &parent,
            "refunds",
            json!({"billing_transaction_id": b[0]["billing_transaction_id"], "amount": "0.67", "reason": "half"}),
        )
        .expect(StatusCode::OK)
        .await;
        wallet(
            &api,
            &parent,
            "adjustments",
            json!({"amount": "-3.33", "reason": "fee"}),
        )
        .expect(StatusCode::OK)
        .await;
        credit(&api, &parent, "0.01").await;
        // A refused charge leaves no trace in either.
        price_zones(&api, "99.00").await;
        assert_eq!(
            zone(&api, "d.example", None).await.0,
            StatusCode::PAYMENT_REQUIRED
        );

        let all = transactions(&api, &parent, api.key(), "").await;
        assert_eq!(all.len(), 7, "{:?}", api.engine());
        let sum: i64 = all
            .iter()
            .filter(|t| t["status"] == "succeeded")
            .map(|t| cents(&t["balance_change"]))
            .sum();
        let balance = balance(&api, &parent).await;
        assert_eq!(sum, cents(&balance), "{balance}");
        // 20.00 - 3 × 1.34 + 0.67 - 3.33 + 0.01
        assert_eq!(balance, "13.33");
        // The child's view holds its purchase and its refund, and no more.
        let theirs = transactions(&api, &child, &child_key, "").await;
        let mut actions = field(&theirs, "action");
        actions.sort();
        assert_eq!(actions, ["create", "refund"]);
        let succeeded = transactions(&api, &parent, api.key(), "status=succeeded").await;
        assert_eq!(succeeded.len(), all.len());
    }
}

#[tokio::test]
async fn an_independent_suborganization_pays_for_itself() {
    for api in apis().await {
        let parent = top(&api);
        for (body, missing) in [
            (
                json!({"name": "Solo", "billing_mode": "independent"}),
                json!(["currency", "country_code"]),
            ),
            (
                json!({"name": "Solo", "billing_mode": "independent", "currency": "EUR"}),
                json!(["country_code"]),
            ),
        ] {
            let err = api
                .post("/v1/organizations", body)
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(err["code"], "ERROR_INDEPENDENT_BILLING_ATTRIBUTES_INVALID");
            assert_eq!(err["invalid_fields"], missing, "{:?}", api.engine());
        }
        let solo = api
            .post(
                "/v1/organizations",
                json!({"name": "Solo", "billing_mode": "independent", "currency": "EUR", "country_code": "DE",
                       "users": [{"username": "solo-owner", "email": "owner@solo.example"}]}),
            )
            .expect(StatusCode::OK)
            .await;
        let solo = solo["organization_id"].as_str().unwrap().to_owned();
        let solo_key = api
            .post(
                "/v1/auth/client_credentials",
                json!({"api_key_name": "solo-admin"}),
            )
            .header("x-organization-context", &solo)
            .expect(StatusCode::OK)
            .await["api_key"]
            .as_str()
            .unwrap()
            .to_owned();
        let own = organization(&api, &solo, &solo_key).await;
        assert_eq!(own["account_balance"], "0.00");
        assert_eq!(own["billing_metadata"]["billing_model"], "prepaid");
        assert!(own["billing_metadata"]["customer_number"].is_i64());
        assert_ne!(
            own["billing_metadata"]["customer_number"],
            json!(api.t.boot.org_id)
        );

        price_zones(&api, "1.50").await;
        credit(&api, &parent, "50").await;
        // The parent's money does not pay for the independent suborganization.
        let (status, err) = zone(&api, "solo.example", Some(&solo)).await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{err}");
        assert_eq!(err["balance"], "0.00");
        let credited = credit(&api, &solo, "5").await;
        assert_eq!(credited["balance"], "5.00");
        let (status, body) = api
            .post("/v1/dns", json!({"name": "solo.example"}))
            .key(&solo_key)
            .send()
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            organization(&api, &solo, &solo_key).await["account_balance"],
            "3.50"
        );
        assert_eq!(balance(&api, &parent).await, "50.00");
        // Its transactions are its account's, not the parent's.
        assert_eq!(transactions(&api, &solo, &solo_key, "").await.len(), 2);
        assert_eq!(transactions(&api, &parent, api.key(), "").await.len(), 1);
        assert_eq!(
            transactions(&api, &solo, api.key(), "product_type=zones")
                .await
                .len(),
            1
        );
        // It has terms of its own.
        api.patch(
            &format!("/v1/organizations/{solo}/billing/account"),
            json!({"billing_model": "postpaid", "credit_limit": 1}),
        )
        .key(&operator(&api))
        .expect(StatusCode::OK)
        .await;
    }
}

#[tokio::test]
async fn transactions_filter_sort_and_page() {
    for api in apis().await {
        let parent = top(&api);
        price_zones(&api, "1.00").await;
        credit(&api, &parent, "10").await;
        assert_eq!(zone(&api, "a.example", None).await.0, StatusCode::CREATED);
        assert_eq!(zone(&api, "b.example", None).await.0, StatusCode::CREATED);
        let a = transactions(&api, &parent, api.key(), "product_reference=a.example.").await;
        assert_eq!(a.len(), 1);
        wallet(
            &api,
            &parent,
            "refunds",
            json!({"billing_transaction_id": a[0]["billing_transaction_id"], "reason": "r"}),
        )
        .expect(StatusCode::OK)
        .await;
        wallet(
            &api,
            &parent,
            "adjustments",
            json!({"amount": "-1", "reason": "r"}),
        )
        .expect(StatusCode::OK)
        .await;

        let all = transactions(&api, &parent, api.key(), "").await;
        assert_eq!(all.len(), 5, "{:?}", api.engine());
        let by_action =
            transactions(&api, &parent, api.key(), "sort_by=action&sort_order=asc").await;
        assert_eq!(
            field(&by_action, "action"),
            ["adjustment", "create", "create", "refund", "wallet_top_up"]
        );
        let by_type = transactions(
            &api,
            &parent,
            api.key(),
            "sort_by=product_type&sort_order=desc",
        )
        .await;
        assert_eq!(
            field(&by_type, "product_type"),
            [
                "zones",
                "zones",
                "zones",
                "account_wallet",
                "account_wallet"
            ]
        );
        for (query, expected) in [
            ("product_type=zones", 3),
            ("product_type=account_wallet", 2),
            ("action=create", 2),
            ("action=refund", 1),
            ("status=succeeded", 5),
            ("status=failed", 0),
            ("product_reference=a.example.", 2),
            ("product_reference=missing.example.", 0),
            ("created_after=2000-01-01T00:00:00Z", 5),
            ("created_after=2999-01-01T00:00:00Z", 0),
            ("created_before=2000-01-01T00:00:00Z", 0),
            ("created_before=2999-01-01T00:00:00Z", 5),
            (
                "completed_after=2000-01-01T00:00:00Z&completed_before=2999-01-01T00:00:00Z",
                5,
            ),
            ("completed_before=2000-01-01T00:00:00Z", 0),
            ("product_type=zones&action=create", 2),
        ] {
            let (status, body) = api
                .get(&format!(
                    "/v1/organizations/{parent}/transactions?page_size=1000&{query}"
                ))
                .send()
                .await;
            assert_eq!(status, StatusCode::OK, "{query}: {body}");
            assert_eq!(
                body["results"].as_array().unwrap().len(),
                expected,
                "{query} {:?}",
                api.engine()
            );
        }
        // Newest first by default; pages.
        let page = api
            .get(&format!(
                "/v1/organizations/{parent}/transactions?page_size=2&page=3"
            ))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(page["results"].as_array().unwrap().len(), 1);
        assert_eq!(page["pagination"]["total_items"], 5);
        assert_eq!(page["pagination"]["total_pages"], 3);
        assert_eq!(page["results"][0]["action"], "wallet_top_up");
        for query in [
            "product_type=bogus",
            "action=fly",
            "status=done",
            "sort_by=price",
            "sort_order=up",
            "created_after=yesterday",
            "completed_before=2026-01-01",
        ] {
            let err = api
                .get(&format!("/v1/organizations/{parent}/transactions?{query}"))
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(err["errors"][0]["loc"][0], "query", "{query}");
        }
        api.get(&format!(
            "/v1/organizations/{parent}/transactions/not-an-id"
        ))
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        // Another tenant reaches none of it.
        let (_, stranger_key) = other_tenant(&api, "Stranger").await;
        api.get(&format!("/v1/organizations/{parent}/transactions"))
            .key(&stranger_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        let id = all[0]["billing_transaction_id"].as_str().unwrap();
        api.get(&format!("/v1/organizations/{parent}/transactions/{id}"))
            .key(&stranger_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}

/// A statement's CSV rows (header first), its content type and disposition.
async fn statement(api: &Api, org: &str, key: &str, query: &str) -> (Vec<Vec<String>>, String) {
    let (status, headers, body) = api
        .get(&format!(
            "/v1/organizations/{org}/billing/statement?{query}"
        ))
        .key(key)
        .send_with_headers()
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    let text = body["raw"].as_str().expect("a CSV body").to_owned();
    let rows = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect::<Vec<Vec<String>>>();
    let header = text
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let mut all = vec![header];
    all.extend(rows);
    let content_type = headers["content-type"].to_str().unwrap().to_owned();
    (all, content_type)
}

#[tokio::test]
async fn a_statement_is_the_ranges_transactions_as_csv() {
    for api in apis().await {
        let parent = top(&api);
        let (child, child_key) = suborg(&api, "Child").await;
        price_zones(&api, "1.00").await;
        // The days the transactions fall on (two, if midnight passes during the test).
        let first_day = api.t.clock.now().date();
        credit(&api, &parent, "10").await;
        assert_eq!(zone(&api, "a.example", None).await.0, StatusCode::CREATED);
        assert_eq!(
            zone(&api, "kid.example", Some(&child)).await.0,
            StatusCode::CREATED
        );
        let today = api.t.clock.now().date();
        let yesterday = first_day.previous_day().unwrap();
        let tomorrow = today.next_day().unwrap();

        let (rows, content_type) = statement(
            &api,
            &parent,
            api.key(),
            &format!("start_date={first_day}&end_date={today}"),
        )
        .await;
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        assert_eq!(rows[0][0], "billing_transaction_id");
        assert_eq!(rows[0][1], "created_on");
        let column = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
        assert_eq!(rows.len(), 4, "{rows:?} {:?}", api.engine());
        // Oldest first.
        let actions: Vec<_> = rows[1..]
            .iter()
            .map(|r| r[column("action")].clone())
            .collect();
        assert_eq!(actions, ["wallet_top_up", "create", "create"]);
        let sum: i64 = rows[1..]
            .iter()
            .map(|r| cents(&json!(r[column("balance_change")])))
            .sum();
        assert_eq!(sum, cents(&balance(&api, &parent).await));
        assert_eq!(rows[3][column("product_reference")], "kid.example.");
        assert_eq!(rows[3][column("organization_id")], child);

        let (wide, _) = statement(
            &api,
            &parent,
            api.key(),
            &format!("start_date={yesterday}&end_date={tomorrow}"),
        )
        .await;
        assert_eq!(wide, rows);
        let (before, _) = statement(
            &api,
            &parent,
            api.key(),
            &format!("start_date=2000-01-01&end_date={yesterday}"),
        )
        .await;
        assert_eq!(before.len(), 1, "only the header: {before:?}");
        assert_eq!(before[0], rows[0]);
        // The child's statement has its own purchase only.
        let (theirs, _) = statement(
            &api,
            &child,
            &child_key,
            &format!("start_date={first_day}&end_date={today}"),
        )
        .await;
        assert_eq!(theirs.len(), 2);
        assert_eq!(theirs[1][column("product_reference")], "kid.example.");

        for (query, field) in [
            (String::new(), "start_date"),
            (format!("start_date={today}"), "end_date"),
            (format!("end_date={today}"), "start_date"),
            (
                format!("start_date={today}&end_date={yesterday}"),
                "end_date",
            ),
            (
                "start_date=2026-13-01&end_date=2026-12-01".to_owned(),
                "start_date",
            ),
            (
                format!("start_date={today}T00:00:00Z&end_date={today}"),
                "start_date",
            ),
        ] {
            let err = api
                .get(&format!(
                    "/v1/organizations/{parent}/billing/statement?{query}"
                ))
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(err["errors"][0]["loc"], json!(["query", field]), "{query}");
        }
    }
}

async fn create_plan(api: &Api, name: &str, amount: &str, currency: &str) -> Value {
    api.post(
        "/v1/plans",
        json!({"name": name, "plan_level": 1, "amount": amount, "currency": currency, "period": {"value": 1, "unit": "m"}}),
    )
    .key(&operator(api))
    .expect(StatusCode::CREATED)
    .await
}

#[tokio::test]
async fn the_operator_keeps_the_plan_catalog() {
    for api in apis().await {
        let pro = api
            .post(
                "/v1/plans",
                json!({"name": "Pro", "plan_level": 2, "amount": 29.9, "currency": "EUR", "period": {"value": 1, "unit": "y"}}),
            )
            .key(&operator(&api))
            .expect(StatusCode::CREATED)
            .await;
        let id = pro["plan_id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("plan_"));
        assert_eq!(
            (
                pro["name"].as_str(),
                pro["amount"].as_str(),
                pro["currency"].as_str(),
                pro["status"].as_str()
            ),
            (Some("Pro"), Some("29.90"), Some("EUR"), Some("active"))
        );
        assert_eq!(pro["period"], json!({"value": 1, "unit": "y"}));
        assert_eq!(pro["plan_level"], "2");
        create_plan(&api, "Basic", "5", "USD").await;
        let list = api
            .get("/v1/plans")
            .key(&operator(&api))
            .expect(StatusCode::OK)
            .await;
        let names: Vec<_> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Basic", "Pro"], "by level, then name");
        let got = api
            .get(&format!("/v1/plans/{id}"))
            .key(&operator(&api))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(got, pro);
        let patched = api
            .patch(
                &format!("/v1/plans/{id}"),
                json!({"name": "Pro 2", "plan_level": 3, "amount": "31", "status": "retired"}),
            )
            .key(&operator(&api))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (
                patched["name"].as_str(),
                patched["plan_level"].as_str(),
                patched["amount"].as_str(),
                patched["status"].as_str(),
                patched["currency"].as_str()
            ),
            (
                Some("Pro 2"),
                Some("3"),
                Some("31.00"),
                Some("retired"),
                Some("EUR")
            )
        );
        let again = api
            .patch(&format!("/v1/plans/{id}"), json!({"status": "active"}))
            .key(&operator(&api))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (again["status"].as_str(), again["name"].as_str()),
            (Some("active"), Some("Pro 2"))
        );

        let unknown = tenantry_core::PlanId::generate().to_string();
        for call in [
            api.get(&format!("/v1/plans/{unknown}")),
            api.patch(&format!("/v1/plans/{unknown}"), json!({"name": "x"})),
        ] {
            let err = call
                .key(&operator(&api))
                .expect(StatusCode::NOT_FOUND)
                .await;
            assert_eq!(err["code"], "ERROR_PLAN_NOT_FOUND", "{:?}", api.engine());
        }
        let err = api
            .patch(&format!("/v1/plans/{id}"), json!({"status": "paused"}))
            .key(&operator(&api))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["body", "status"]));
        let err = api
            .post(
                "/v1/plans",
                json!({"name": "", "plan_level": 1, "amount": "-1", "currency": "GBP", "period": {"value": 0, "unit": "y"}}),
            )
            .key(&operator(&api))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        let mut fields: Vec<_> = err["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["loc"][1].as_str().unwrap().to_owned())
            .collect();
        fields.sort();
        assert_eq!(fields, ["amount", "currency", "name", "period"]);
    }
}

#[tokio::test]
async fn choosing_a_plan_charges_the_account_once() {
    for api in apis().await {
        let parent = top(&api);
        let (child, child_key) = suborg(&api, "Child").await;
        let pro = create_plan(&api, "Pro", "20.00", "EUR").await;
        let pro_id = pro["plan_id"].as_str().unwrap().to_owned();
        let old = create_plan(&api, "Old", "1.00", "EUR").await;
        let old_id = old["plan_id"].as_str().unwrap().to_owned();
        api.patch(&format!("/v1/plans/{old_id}"), json!({"status": "retired"}))
            .key(&operator(&api))
            .expect(StatusCode::OK)
            .await;
        let dollars = create_plan(&api, "Dollars", "1.00", "USD").await;
        let free = create_plan(&api, "Free", "0", "EUR").await;

        let choice = api
            .get(&format!("/v1/organizations/{parent}/plans"))
            .expect(StatusCode::OK)
            .await;
        let mut names: Vec<_> = choice["plans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["Free", "Pro"], "{:?}", api.engine());
        assert_eq!(choice["current_plan"], Value::Null);

        let choose = |plan: &str| {
            api.patch(
                &format!("/v1/organizations/{parent}/plan"),
                json!({ "plan_id": plan }),
            )
        };
        // Not enough money: refused, nothing changes.
        let err = choose(&pro_id).expect(StatusCode::PAYMENT_REQUIRED).await;
        assert_eq!(err["code"], "ERROR_INSUFFICIENT_FUNDS");
        assert_eq!(err["price"], "20.00");
        let seen = organization(&api, &parent, api.key()).await;
        assert_eq!(seen["active_plan"], Value::Null);
        assert!(transactions(&api, &parent, api.key(), "").await.is_empty());

        credit(&api, &parent, "25").await;
        let chosen = choose(&pro_id).expect(StatusCode::OK).await;
        assert_eq!(chosen["organization_id"], json!(parent));
        assert_eq!(chosen["active_plan"]["plan_id"], json!(pro_id));
        assert_eq!(chosen["account_balance"], "5.00");
        let fees = transactions(&api, &parent, api.key(), "product_type=plan").await;
        assert_eq!(fees.len(), 1);
        assert_eq!(
            (
                fees[0]["action"].as_str(),
                fees[0]["balance_change"].as_str(),
                fees[0]["product_reference"].as_str(),
                fees[0]["volume"].as_str(),
                fees[0]["unit"].as_str()
            ),
            (
                Some("service_fee"),
                Some("-20.00"),
                Some(pro_id.as_str()),
                Some("1"),
                Some("m")
            )
        );
        // The same plan again is a no-op.
        let same = choose(&pro_id).expect(StatusCode::OK).await;
        assert_eq!(same["account_balance"], "5.00");
        assert_eq!(
            transactions(&api, &parent, api.key(), "product_type=plan")
                .await
                .len(),
            1
        );
        let choice = api
            .get(&format!("/v1/organizations/{parent}/plans"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(choice["current_plan"]["plan_id"], json!(pro_id));
        assert_eq!(
            organization(&api, &parent, api.key()).await["active_plan"]["name"],
            "Pro"
        );
        // The parent's admin sees the plan on its consolidated child too; the child does not.
        assert_eq!(
            organization(&api, &child, api.key()).await["active_plan"]["plan_id"],
            json!(pro_id)
        );
        assert_eq!(
            organization(&api, &child, &child_key).await["active_plan"],
            Value::Null
        );

        for plan in [&old_id, dollars["plan_id"].as_str().unwrap()] {
            let err = choose(plan).expect(StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(err["code"], "ERROR_PLAN_NOT_AVAILABLE");
        }
        let err = choose(&tenantry_core::PlanId::generate().to_string())
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_PLAN_NOT_FOUND");
        // A free plan is chosen without a charge.
        let freed = choose(free["plan_id"].as_str().unwrap())
            .expect(StatusCode::OK)
            .await;
        assert_eq!(freed["account_balance"], "5.00");
        assert_eq!(freed["active_plan"]["name"], "Free");
        assert_eq!(transactions(&api, &parent, api.key(), "").await.len(), 2);

        // A consolidated child has no plan of its own.
        for call in [
            api.get(&format!("/v1/organizations/{child}/plans")),
            api.patch(
                &format!("/v1/organizations/{child}/plan"),
                json!({"plan_id": pro_id}),
            ),
        ] {
            let err = call.key(&child_key).expect(StatusCode::CONFLICT).await;
            assert_eq!(err["code"], "ERROR_BILLED_THROUGH_PARENT");
        }
        // A viewer may look but not choose.
        let viewer = api
            .post("/v1/auth/client_credentials", json!({"role": "viewer"}))
            .expect(StatusCode::OK)
            .await;
        let viewer = viewer["api_key"].as_str().unwrap();
        api.get(&format!("/v1/organizations/{parent}/plans"))
            .key(viewer)
            .expect(StatusCode::OK)
            .await;
        choose(&pro_id)
            .key(viewer)
            .expect(StatusCode::FORBIDDEN)
            .await;
    }
}

#[tokio::test]
async fn a_retried_credit_with_the_same_idempotency_key_moves_the_balance_once() {
    for api in apis().await {
        let parent = top(&api);
        let body = json!({"amount": "5.00", "reference": "wire-1"});
        let send = |key: &str, body: Value| {
            wallet(&api, &parent, "credits", body)
                .header("idempotency-key", key)
                .send_with_headers()
        };
        let (status, headers, first) = send("credit-1", body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert!(headers.get("idempotent-replayed").is_none());
        let (status, headers, again) = send("credit-1", body.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers
                .get("idempotent-replayed")
                .map(|v| v.to_str().unwrap()),
            Some("true"),
            "{:?}",
            api.engine()
        );
        assert_eq!(again, first);
        assert_eq!(balance(&api, &parent).await, "5.00");
        assert_eq!(transactions(&api, &parent, api.key(), "").await.len(), 1);

        let (status, _, err) =
            send("credit-1", json!({"amount": "6.00", "reference": "wire-1"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(err["code"], "ERROR_IDEMPOTENCY_KEY_REUSED");
        assert_eq!(balance(&api, &parent).await, "5.00");
        // The same key on another path is a different request too.
        let (status, _, err) = wallet(&api, &parent, "adjustments", body.clone())
            .header("idempotency-key", "credit-1")
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["code"], "ERROR_IDEMPOTENCY_KEY_REUSED");
        // Another key runs.
        let (status, headers, other) = send("credit-2", body.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get("idempotent-replayed").is_none());
        assert_ne!(other["credit_id"], first["credit_id"]);
        assert_eq!(balance(&api, &parent).await, "10.00");

        // Reads ignore the header.
        let (_, headers, _) = api
            .get(&format!("/v1/organizations/{parent}"))
            .header("idempotency-key", "credit-1")
            .send_with_headers()
            .await;
        assert!(headers.get("idempotent-replayed").is_none());

        // After a day the key is free again.
        api.t.clock.advance(time::Duration::hours(25));
        let (status, headers, later) = send("credit-1", body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{later}");
        assert!(headers.get("idempotent-replayed").is_none());
        assert_ne!(later["credit_id"], first["credit_id"]);
        assert_eq!(balance(&api, &parent).await, "15.00");
    }
}

#[tokio::test]
async fn a_retried_zone_creation_creates_and_charges_once_and_keys_are_per_organization() {
    for api in apis().await {
        let parent = top(&api);
        let (child, _) = suborg(&api, "Child").await;
        price_zones(&api, "1.50").await;
        credit(&api, &parent, "10").await;
        let create = |name: &str, key: &str| {
            api.post("/v1/dns", json!({ "name": name }))
                .header("idempotency-key", key)
                .send_with_headers()
        };
        let (status, _, first) = create("once.example", "zone-1").await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let (status, headers, again) = create("once.example", "zone-1").await;
        assert_eq!(status, StatusCode::CREATED, "{again}");
        assert_eq!(again, first);
        assert_eq!(
            headers
                .get("idempotent-replayed")
                .map(|v| v.to_str().unwrap()),
            Some("true")
        );
        let charged =
            transactions(&api, &parent, api.key(), "product_reference=once.example.").await;
        assert_eq!(charged.len(), 1, "{:?}", api.engine());
        assert_eq!(balance(&api, &parent).await, "8.50");
        let zones = api.get("/v1/dns").expect(StatusCode::OK).await;
        assert_eq!(zones["pagination"]["total_items"], 1);
        // Without the key, a retry is a new request: the zone exists.
        let (status, _, err) = api
            .post("/v1/dns", json!({"name": "once.example"}))
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(err["code"], "ERROR_ZONE_EXISTS");
        // The same key in a suborganization's context is a different request.
        let (status, _, err) = api
            .post("/v1/dns", json!({"name": "once.example"}))
            .header("x-organization-context", &child)
            .header("idempotency-key", "zone-1")
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["code"], "ERROR_IDEMPOTENCY_KEY_REUSED");

        // Another tenant's key of the same name is its own.
        let (stranger, stranger_key) = other_tenant(&api, "Stranger").await;
        credit(&api, &stranger, "10").await;
        let (status, headers, theirs) = api
            .post("/v1/dns", json!({"name": "theirs.example"}))
            .key(&stranger_key)
            .header("idempotency-key", "zone-1")
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::CREATED, "{theirs}");
        assert!(headers.get("idempotent-replayed").is_none());
        assert_eq!(theirs["zone_name"], "theirs.example.");
        assert_eq!(
            organization(&api, &stranger, &stranger_key).await["account_balance"],
            "8.50"
        );
        // A malformed key is refused before anything runs.
        let (status, _, err) = api
            .post("/v1/dns", json!({"name": "long.example"}))
            .header("idempotency-key", &"k".repeat(256))
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            err["errors"][0]["loc"],
            json!(["header", "Idempotency-Key"])
        );
        assert_eq!(balance(&api, &parent).await, "8.50");
    }
}

#[tokio::test]
async fn wallet_operations_and_plan_changes_are_audited() {
    for api in apis().await {
        let parent = top(&api);
        let operator_actor = json!({"type": "operator", "id": api.t.boot.operator_id.to_string()});
        let credited = credit(&api, &parent, "30").await;
        price_zones(&api, "2.00").await;
        assert_eq!(zone(&api, "a.example", None).await.0, StatusCode::CREATED);
        let charge = &transactions(&api, &parent, api.key(), "product_type=zones").await[0];
        let refunded = wallet(
            &api,
            &parent,
            "refunds",
            json!({"billing_transaction_id": charge["billing_transaction_id"], "reason": "outage"}),
        )
        .expect(StatusCode::OK)
        .await;
        let adjusted = wallet(
            &api,
            &parent,
            "adjustments",
            json!({"amount": "-1.00", "reason": "fee"}),
        )
        .expect(StatusCode::OK)
        .await;
        api.patch(
            &format!("/v1/organizations/{parent}/billing/account"),
            json!({"billing_model": "postpaid", "credit_limit": 50}),
        )
        .key(&operator(&api))
        .expect(StatusCode::OK)
        .await;
        let plan = create_plan(&api, "Pro", "10", "EUR").await;
        api.patch(
            &format!("/v1/organizations/{parent}/plan"),
            json!({"plan_id": plan["plan_id"]}),
        )
        .expect(StatusCode::OK)
        .await;

        let event = |action: &'static str| {
            let api = &api;
            async move {
                let found = api
                    .get(&format!("/v1/audit-logs?action={action}"))
                    .expect(StatusCode::OK)
                    .await;
                assert_eq!(
                    found["pagination"]["total_items"],
                    1,
                    "{action}: {found} {:?}",
                    api.engine()
                );
                found["results"][0].clone()
            }
        };
        for (action, moved, amount, change) in [
            ("billing.wallet_credited", &credited, "30.00", "30.00"),
            ("billing.refunded", &refunded, "2.00", "2.00"),
            ("billing.wallet_adjusted", &adjusted, "1.00", "-1.00"),
        ] {
            let e = event(action).await;
            assert_eq!(e["actor"], operator_actor, "{action}");
            assert_eq!(e["organization_id"], json!(parent));
            assert_eq!(
                e["target"],
                json!({"type": "billing_transaction", "id": moved["credit_id"]}),
                "{action}"
            );
            assert_eq!(e["changes"]["amount"], amount, "{action}");
            assert_eq!(e["changes"]["balance_change"], change, "{action}");
        }
        assert_eq!(
            event("billing.refunded").await["changes"]["reason"],
            "outage"
        );
        let terms = event("billing.terms_changed").await;
        assert_eq!(terms["actor"], operator_actor);
        assert_eq!(
            terms["changes"]["billing_model"],
            json!({"before": "prepaid", "after": "postpaid"})
        );
        let changed = event("billing.plan_changed").await;
        assert_eq!(changed["actor"]["type"], "api_key");
        assert_eq!(
            changed["changes"]["plan_id"],
            json!({"before": null, "after": plan["plan_id"]})
        );
        // The operator's key is no organization's secret, and never reaches the trail.
        let everything = api
            .get("/v1/audit-logs?page_size=1000")
            .expect(StatusCode::OK)
            .await
            .to_string();
        assert!(!everything.contains(&operator(&api)));
    }
}

#[tokio::test]
async fn refunding_a_taxed_charge_in_parts_gives_back_exactly_its_price_and_tax() {
    for api in apis().await {
        let parent = top(&api);
        price_zones(&api, "10.00").await;
        api.patch(
            &format!("/v1/organizations/{parent}"),
            json!({"tax_rate": "19"}),
        )
        .expect(StatusCode::OK)
        .await;
        credit(&api, &parent, "20").await;
        assert_eq!(zone(&api, "a.example", None).await.0, StatusCode::CREATED);
        let charge = transactions(&api, &parent, api.key(), "product_type=zones").await[0].clone();
        assert_eq!(
            (
                charge["price"].as_str(),
                charge["tax_amount"].as_str(),
                charge["amount"].as_str()
            ),
            (Some("10.00"), Some("1.90"), Some("11.90"))
        );
        let refund = |amount: Option<&str>| {
            let mut body = json!({"billing_transaction_id": charge["billing_transaction_id"], "reason": "outage"});
            if let Some(amount) = amount {
                body["amount"] = json!(amount);
            }
            wallet(&api, &parent, "refunds", body).expect(StatusCode::OK)
        };
        // A whole refund in one go is exact.
        let mut refunds = vec![refund(Some("5.95")).await["transaction"].clone()];
        assert_eq!(
            (
                refunds[0]["price"].as_str(),
                refunds[0]["tax_amount"].as_str(),
                refunds[0]["tax_rate"].as_str()
            ),
            (Some("5.00"), Some("0.95"), Some("19.00")),
            "{:?}",
            api.engine()
        );
        // Then in small parts, and the rest.
        for amount in ["1.00", "1.00", "1.00"] {
            refunds.push(refund(Some(amount)).await["transaction"].clone());
        }
        refunds.push(refund(None).await["transaction"].clone());
        let total = |name: &str| refunds.iter().map(|r| cents(&r[name])).sum::<i64>();
        assert_eq!(total("amount"), 1190);
        assert_eq!(balance(&api, &parent).await, "20.00");
        // Once the whole charge is refunded, so is the whole of its tax and its net price.
        assert_eq!(
            (total("tax_amount"), total("price")),
            (190, 1000),
            "refunds: {:?} {:?}",
            refunds
                .iter()
                .map(|r| (
                    r["amount"].clone(),
                    r["tax_amount"].clone(),
                    r["price"].clone()
                ))
                .collect::<Vec<_>>(),
            api.engine()
        );
    }
}

#[tokio::test]
async fn a_negative_adjustment_is_not_a_refundable_charge() {
    for api in apis().await {
        let parent = top(&api);
        credit(&api, &parent, "10").await;
        let adjusted = wallet(
            &api,
            &parent,
            "adjustments",
            json!({"amount": "-4.00", "reason": "bank fee"}),
        )
        .expect(StatusCode::OK)
        .await;
        let (status, body) = wallet(
            &api,
            &parent,
            "refunds",
            json!({"billing_transaction_id": adjusted["credit_id"], "reason": "undo"}),
        )
        .send()
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (
                StatusCode::CONFLICT,
                Some("ERROR_TRANSACTION_NOT_REFUNDABLE")
            ),
            "an adjustment is a correction, not a purchase: {body} {:?}",
            api.engine()
        );
        assert_eq!(balance(&api, &parent).await, "6.00");
    }
}

#[tokio::test]
async fn an_independent_suborganization_in_dollars_pays_dollar_prices_and_plans() {
    for api in apis().await {
        let yankee = api
            .post(
                "/v1/organizations",
                json!({"name": "Yankee", "billing_mode": "independent", "currency": "USD", "country_code": "US"}),
            )
            .expect(StatusCode::OK)
            .await["organization_id"]
            .as_str()
            .unwrap()
            .to_owned();
        list_prices(
            &api,
            "zones",
            json!([
                {"product_action": "create", "price": "1.50", "currency": "EUR"},
                {"product_action": "create", "price": "2.25", "currency": "USD"}
            ]),
        )
        .await;
        let credited = credit(&api, &yankee, "10").await;
        assert_eq!(credited["currency"], "USD");
        let (status, body) = zone(&api, "yankee.example", Some(&yankee)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let charged = transactions(&api, &yankee, api.key(), "product_type=zones").await;
        assert_eq!(
            (
                charged[0]["balance_change"].as_str(),
                charged[0]["currency"].as_str()
            ),
            (Some("-2.25"), Some("USD")),
            "{:?}",
            api.engine()
        );
        assert_eq!(balance(&api, &yankee).await, "7.75");

        create_plan(&api, "Euro", "1.00", "EUR").await;
        let dollar = create_plan(&api, "Dollar", "5.00", "USD").await;
        let choice = api
            .get(&format!("/v1/organizations/{yankee}/plans"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(choice["plans"].as_array().unwrap().len(), 1);
        assert_eq!(choice["plans"][0]["name"], "Dollar");
        let chosen = api
            .patch(
                &format!("/v1/organizations/{yankee}/plan"),
                json!({"plan_id": dollar["plan_id"]}),
            )
            .expect(StatusCode::OK)
            .await;
        assert_eq!(chosen["account_balance"], "2.75");
        // The top-level account (EUR) sees only euro plans.
        let top_choice = api
            .get(&format!("/v1/organizations/{}/plans", top(&api)))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(top_choice["plans"][0]["name"], "Euro");
        // Independent billing only below a top-level organization.
        let (_, child_key) = suborg(&api, "Child").await;
        let err = api
            .post(
                "/v1/organizations",
                json!({"name": "Grandchild", "billing_mode": "independent", "currency": "EUR", "country_code": "DE"}),
            )
            .key(&child_key)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["code"], "ERROR_INDEPENDENT_BILLING_NOT_ALLOWED");
    }
}
