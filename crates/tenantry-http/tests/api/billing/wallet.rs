//! The operator's wallet operations, refunds and their audit trail.

use super::*;

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
