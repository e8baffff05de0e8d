//! Changing, renewing, deleting and restoring a domain, and a contact a domain names.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{balance, domain_charges, ready, registration};
use crate::support::{apis, other_tenant};

#[tokio::test]
async fn a_domain_is_changed_renewed_deleted_and_restored() {
    for api in apis().await {
        let registrant = ready(&api, "20.00").await;
        let made = api
            .post("/v1/domains", registration("life.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let expiry = made["expires_on"].as_str().unwrap().to_owned();

        // Client statuses: a lock blocks other changes until lifted.
        let locked = api
            .patch(
                "/v1/domains/life.test",
                json!({"statuses": ["clientUpdateProhibited", "clientDeleteProhibited"]}),
            )
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            locked["statuses"],
            json!(["clientDeleteProhibited", "clientUpdateProhibited"])
        );
        let refused = api
            .patch("/v1/domains/life.test", json!({"renewal_mode": "expire"}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["code"], "ERROR_DOMAIN_STATUS_PROHIBITED");
        let unknown = api
            .patch("/v1/domains/life.test", json!({"statuses": ["serverHold"]}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(unknown["errors"][0]["loc"], json!(["body", "statuses"]));
        let changed = api
            .patch(
                "/v1/domains/life.test",
                json!({"status_changes": {"remove": ["clientUpdateProhibited"]},
                       "nameservers": [{"hostname": "NS1.Example.net", "ip_addresses": []}],
                       "contacts": {"registrant": registrant}}),
            )
            .expect(StatusCode::OK)
            .await;
        assert_eq!(changed["statuses"], json!(["clientDeleteProhibited"]));
        assert_eq!(changed["nameservers"][0]["hostname"], "ns1.example.net");
        assert_eq!(changed["contacts"].as_array().unwrap().len(), 1);
        let prohibited = api
            .delete("/v1/domains/life.test")
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(prohibited["code"], "ERROR_DOMAIN_DELETE_PROHIBITED");
        assert_eq!(
            prohibited["prohibiting_statuses"],
            json!(["clientDeleteProhibited"])
        );

        // A renewal names the current expiry; the same request again does not extend twice.
        let renew =
            json!({"period": {"value": 2, "unit": "y"}, "current_expiry_date": &expiry[..10]});
        let renewed = api
            .post("/v1/domains/life.test/renew", renew.clone())
            .expect(StatusCode::OK)
            .await;
        assert_eq!(renewed["period_extended"], json!({"value": 2, "unit": "y"}));
        let new_year: i32 = renewed["new_expiry_date"].as_str().unwrap()[..4]
            .parse()
            .unwrap();
        let old_year: i32 = expiry[..4].parse().unwrap();
        assert_eq!(new_year, old_year + 2);
        let again = api
            .post("/v1/domains/life.test/renew", renew)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(again["code"], "ERROR_DOMAIN_EXPIRY_MISMATCH");
        let bad_period = api
            .post("/v1/domains/life.test/renew", json!({"period": {"value": 3, "unit": "y"}, "current_expiry_date": renewed["new_expiry_date"]}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(bad_period["code"], "ERROR_PERIOD_NOT_ALLOWED");
        // 1.00 to register, 2 × 1.00 to renew.
        assert_eq!(balance(&api).await, "17.00");

        // Deleted: in redemption, restorable once (5.00), then active again.
        api.patch("/v1/domains/life.test", json!({"statuses": []}))
            .expect(StatusCode::OK)
            .await;
        let active_restore = api
            .call(Method::POST, "/v1/domains/life.test/restore")
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(active_restore["code"], "ERROR_DOMAIN_NOT_RESTORABLE");
        api.delete("/v1/domains/life.test")
            .expect(StatusCode::NO_CONTENT)
            .await;
        let redeeming = api
            .get("/v1/domains/life.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(redeeming["state"], "redemption");
        assert_eq!(redeeming["registry_statuses"], json!(["redemptionPeriod"]));
        assert!(redeeming["deleted_on"].is_string());
        let not_active = api
            .post("/v1/domains/life.test/renew", json!({"period": {"value": 1, "unit": "y"}, "current_expiry_date": renewed["new_expiry_date"]}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(not_active["code"], "ERROR_DOMAIN_NOT_ACTIVE");
        let taken = api
            .post("/v1/domains", registration("life.test", &registrant))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(taken["code"], "ERROR_DOMAIN_EXISTS");
        let restored = api
            .call(Method::POST, "/v1/domains/life.test/restore")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(restored["name"], "life.test");
        assert!(restored["restored_at"].is_string());
        let restored = api
            .get("/v1/domains/life.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (restored["state"].as_str(), restored["deleted_on"].as_str()),
            (Some("active"), None)
        );
        assert_eq!(balance(&api).await, "12.00");
        let actions: Vec<_> = domain_charges(&api)
            .await
            .iter()
            .map(|t| t["action"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(actions.len(), 3, "{actions:?}");
        let trail = api
            .get("/v1/audit-logs?target_id=life.test&page_size=100")
            .expect(StatusCode::OK)
            .await
            .to_string();
        for action in [
            "domain.created",
            "domain.updated",
            "domain.renewed",
            "domain.deleted",
            "domain.restored",
        ] {
            assert!(trail.contains(action), "{action} is audited");
        }
    }
}

#[tokio::test]
async fn a_contact_a_domain_names_cannot_be_deleted_and_other_tenants_see_nothing() {
    for api in apis().await {
        let registrant = ready(&api, "5.00").await;
        api.post("/v1/domains", registration("named.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let in_use = api
            .delete(&format!("/v1/contacts/{registrant}"))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(in_use["code"], "ERROR_CONTACT_IN_USE");
        let (_, other_key) = other_tenant(&api, "Outsider").await;
        for call in [
            api.patch("/v1/domains/named.test", json!({"renewal_mode": "expire"})),
            api.delete("/v1/domains/named.test"),
            api.call(Method::POST, "/v1/domains/named.test/restore"),
        ] {
            let hidden = call.key(&other_key).expect(StatusCode::NOT_FOUND).await;
            assert_eq!(hidden["code"], "ERROR_DOMAIN_NOT_FOUND");
        }
        api.get("/v1/domains/named.test")
            .expect(StatusCode::OK)
            .await;
    }
}
