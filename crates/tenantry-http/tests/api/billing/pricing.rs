//! Operator prices: the list, per-organization overrides, and who may set them.

use super::*;

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
