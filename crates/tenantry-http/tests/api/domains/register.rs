//! Checking and registering: every refusal before anything is charged.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{balance, contact, domain_charges, open_holds, ready, registration};
use crate::support::{apis, other_tenant};

#[tokio::test]
async fn a_registration_is_charged_once_and_readable_by_id_or_name() {
    for api in apis().await {
        let registrant = ready(&api, "10.00").await;
        let mut body = registration("Example.TEST", &registrant);
        body["create_zone"] = json!(true);
        body["nameservers"] = json!([{"hostname": "ns1.example.net"}]);
        let made = api
            .post("/v1/domains", body)
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(
            (
                made["name"].as_str(),
                made["sld"].as_str(),
                made["tld"].as_str()
            ),
            (Some("example.test"), Some("example"), Some("test"))
        );
        assert_eq!(made["state"], "active");
        assert_eq!(made["registry_statuses"], json!(["ok"]));
        assert!(made["roid"].as_str().unwrap().ends_with("-SANDBOX"));
        assert_eq!(made["contacts"].as_array().unwrap().len(), 2);
        assert_eq!(made["renewal_period"], "P1Y");
        let charges = domain_charges(&api).await;
        assert_eq!(charges.len(), 1);
        assert_eq!(
            (
                charges[0]["product_reference"].as_str(),
                charges[0]["action"].as_str(),
                charges[0]["amount"].as_str(),
                charges[0]["volume"].as_str(),
                charges[0]["unit"].as_str()
            ),
            (
                Some("example.test"),
                Some("create"),
                Some("1.00"),
                Some("1"),
                Some("y")
            )
        );
        assert_eq!(balance(&api).await, "9.00");
        assert_eq!(open_holds(&api).await, 0);
        // The zone came with it.
        api.get("/v1/dns/example.test").expect(StatusCode::OK).await;
        let id = made["domain_id"].as_str().unwrap();
        for reference in [id, "example.test", "EXAMPLE.test."] {
            let read = api
                .get(&format!("/v1/domains/{reference}"))
                .expect(StatusCode::OK)
                .await;
            assert_eq!(read["domain_id"], made["domain_id"]);
        }
        let listed = api
            .get("/v1/domains?tld=test&sort_by=name")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(listed["pagination"]["total_items"], 1);
        let checked = api
            .get("/v1/domains/check?domains=example.test&domains=free.test&domains=abc.test&domains=x.nope&domains=bad_name.test")
            .expect(StatusCode::OK)
            .await;
        let results = checked["results"].as_array().unwrap();
        assert_eq!(
            (
                results[0]["available"].as_bool(),
                results[0]["reason"].as_str()
            ),
            (Some(false), Some("Domain exists"))
        );
        assert_eq!(
            (
                results[1]["available"].as_bool(),
                results[1]["is_premium"].as_bool()
            ),
            (Some(true), Some(false))
        );
        assert_eq!(results[2]["is_premium"], true);
        assert_eq!(results[2]["premium_pricing"]["prices"][0]["price"], "10.00");
        assert_eq!(results[3]["error"]["type"], "tld_not_supported");
        assert_eq!(results[4]["error"]["type"], "invalid_domain");
        let soon = api
            .get("/v1/domains?expires_in_30_days=true")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(soon["pagination"]["total_items"], 0);
        let summary = api.get("/v1/domains/summary").expect(StatusCode::OK).await;
        assert_eq!(summary["domains"]["total_count"], 1);
        assert_eq!(summary["domains"]["by_tld"]["test"], 1);
        assert_eq!(summary["domains"]["expiring_soon"]["next_30_days"], 0);
        // Eleven months on, it expires within thirty days.
        api.t.clock.advance(time::Duration::days(340));
        let soon = api
            .get("/v1/domains?expires_in_30_days=true")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(soon["pagination"]["total_items"], 1);
        let summary = api.get("/v1/domains/summary").expect(StatusCode::OK).await;
        assert_eq!(summary["domains"]["expiring_soon"]["next_30_days"], 1);
    }
}

#[tokio::test]
async fn refusals_come_before_any_charge() {
    for api in apis().await {
        let registrant = ready(&api, "3.00").await;
        let (_, other_key) = other_tenant(&api, "Elsewhere").await;
        let foreign = contact(&api, &other_key).await;
        let refuse = |body: serde_json::Value, status: StatusCode| {
            let call = api.post("/v1/domains", body);
            async move { call.expect(status).await }
        };
        let no_tld = refuse(
            registration("example.nope", &registrant),
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(no_tld["code"], "ERROR_TLD_NOT_AVAILABLE");
        let bad = refuse(
            registration("not a name", &registrant),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(bad["errors"][0]["loc"], json!(["body", "name"]));
        let mut three_years = registration("three.test", &registrant);
        three_years["period"] = json!({"value": 3, "unit": "y"});
        let period = refuse(three_years, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(period["code"], "ERROR_PERIOD_NOT_ALLOWED");
        let mut no_registrant = registration("lonely.test", &registrant);
        no_registrant["contacts"] = json!({"admin": registrant});
        refuse(no_registrant, StatusCode::UNPROCESSABLE_ENTITY).await;
        let theirs = refuse(
            registration("borrowed.test", &foreign),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(theirs.to_string().contains("no contact"), "{theirs}");
        let missing = refuse(json!({}), StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(missing["errors"].as_array().unwrap().len(), 4, "{missing}");
        // Reserved, then premium: the price must be expected, exactly.
        api.call(Method::PUT, "/v1/registry/reserved-names/kept.test")
            .key(&api.t.boot.operator_api_key)
            .expect(StatusCode::OK)
            .await;
        let reserved = refuse(registration("kept.test", &registrant), StatusCode::CONFLICT).await;
        assert_eq!(reserved["code"], "ERROR_DOMAIN_EXISTS");
        let premium = refuse(registration("abc.test", &registrant), StatusCode::CONFLICT).await;
        assert_eq!(premium["code"], "ERROR_PREMIUM_PRICE_MISMATCH");
        let mut wrong = registration("abc.test", &registrant);
        wrong["expected_price"] = json!("5.00");
        let wrong = refuse(wrong, StatusCode::CONFLICT).await;
        assert_eq!(
            (
                wrong["expected_price"].as_str(),
                wrong["actual_price"].as_str()
            ),
            (Some("5.00"), Some("10.00"))
        );
        // 10.00 expected, but the account holds 3.00.
        // A price given as a number is refused, not skipped.
        let mut number = registration("abc.test", &registrant);
        number["expected_price"] = json!(10.0);
        let number = refuse(number, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            number["errors"][0]["loc"],
            json!(["body", "expected_price"]),
            "{number}"
        );
        let mut right = registration("abc.test", &registrant);
        right["expected_price"] = json!("10.00");
        let short = refuse(right, StatusCode::PAYMENT_REQUIRED).await;
        assert_eq!(short["code"], "ERROR_INSUFFICIENT_FUNDS");
        assert_eq!(short["available"], "3.00");
        // Nothing was charged, held or recorded; the names are still free.
        assert_eq!(balance(&api).await, "3.00");
        assert!(domain_charges(&api).await.is_empty());
        assert_eq!(open_holds(&api).await, 0);
        let listed = api.get("/v1/domains").expect(StatusCode::OK).await;
        assert_eq!(listed["pagination"]["total_items"], 0);
        api.post("/v1/domains", registration("taken.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let taken = refuse(
            registration("taken.test", &registrant),
            StatusCode::CONFLICT,
        )
        .await;
        assert_eq!(taken["code"], "ERROR_DOMAIN_EXISTS");
        // Another tenant: the domain is not found, not forbidden.
        let hidden = api
            .get("/v1/domains/taken.test")
            .key(&other_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(hidden["code"], "ERROR_DOMAIN_NOT_FOUND");
        let theirs = api
            .get("/v1/domains")
            .key(&other_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(theirs["pagination"]["total_items"], 0);
    }
}
