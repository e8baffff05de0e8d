//! The plan catalog and choosing a plan.

use super::*;

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
        // A free plan costs nothing and is recorded as a 0.00 purchase.
        let freed = choose(free["plan_id"].as_str().unwrap())
            .expect(StatusCode::OK)
            .await;
        assert_eq!(freed["account_balance"], "5.00");
        assert_eq!(freed["active_plan"]["name"], "Free");
        let recorded = transactions(&api, &parent, api.key(), "").await;
        assert_eq!(recorded.len(), 3);
        assert_eq!(recorded[0]["amount"], "0.00");

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
