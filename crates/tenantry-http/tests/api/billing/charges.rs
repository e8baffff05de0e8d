//! Charges for priced zones: the paying account, tax, prepaid and postpaid limits,
//! independent suborganizations.

use super::*;

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

#[tokio::test]
async fn a_free_price_is_recorded_and_never_refused() {
    for api in apis().await {
        price_zones(&api, "0.00").await;
        let org = top(&api);
        // An operator's correction took the prepaid balance below its floor.
        wallet(
            &api,
            &org,
            "adjustments",
            json!({"amount": "-1.00", "reason": "correction"}),
        )
        .expect(StatusCode::OK)
        .await;
        let (status, body) = zone(&api, "free.example", None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let charged = transactions(&api, &org, api.key(), "product_type=zones").await;
        assert_eq!(field(&charged, "amount"), ["0.00"]);
        assert_eq!(balance(&api, &org).await, "-1.00");
    }
}

#[tokio::test]
async fn a_changed_price_or_tax_rate_applies_to_the_next_charge() {
    for api in apis().await {
        let parent = top(&api);
        credit(&api, &parent, "100").await;
        price_zones(&api, "10.00").await;
        let charged = |name: &'static str| {
            let api = &api;
            let parent = parent.clone();
            async move {
                let (status, body) = zone(api, name, None).await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                let query = format!("product_reference={name}.");
                transactions(api, &parent, api.key(), &query).await[0]["amount"].clone()
            }
        };
        assert_eq!(charged("first.example").await, "10.00");
        // Each change follows a charge, so a remembered quote must not outlive it.
        api.patch(
            &format!("/v1/organizations/{parent}"),
            json!({"tax_rate": "10"}),
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(
            charged("second.example").await,
            "11.00",
            "{:?}",
            api.engine()
        );
        price_zones(&api, "20.00").await;
        assert_eq!(charged("third.example").await, "22.00");
        assert_eq!(balance(&api, &parent).await, "57.00");
    }
}
