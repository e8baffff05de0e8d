//! Transfers between organizations: the authorization code, approval (at once, by the losing
//! side, or after the TLD's delay), rejection, withdrawal, and the money of each.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{balance, credit_org, domain_charges, ready, registration};
use crate::support::{Api, apis, other_tenant};

fn asking<'a>(api: &'a Api, name: &str, code: &str, key: &str) -> crate::support::Call<'a> {
    api.post(
        "/v1/domains/transfer",
        json!({"name": name, "auth_code": code, "renewal_mode": "renew"}),
    )
    .key(key)
}

async fn code_of(api: &Api, name: &str) -> String {
    api.get(&format!("/v1/domains/{name}"))
        .expect(StatusCode::OK)
        .await["auth_code"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn balance_of(api: &Api, org: &str, key: &str) -> Value {
    api.get(&format!("/v1/organizations/{org}"))
        .key(key)
        .expect(StatusCode::OK)
        .await["account_balance"]
        .clone()
}

async fn delay_transfers(api: &Api, seconds: i64) {
    api.call(Method::PUT, "/v1/tlds/test")
        .key(&api.t.boot.operator_api_key)
        .json(
            json!({"periods": [1, 2, 5], "premium_max_length": 3, "premium_multiplier": 10,
                     "transfer_delay_seconds": seconds}),
        )
        .expect(StatusCode::OK)
        .await;
}

#[tokio::test]
async fn a_domain_moves_to_another_tenant_with_its_code() {
    for api in apis().await {
        let registrant = ready(&api, "5.00").await;
        let made = api
            .post("/v1/domains", registration("moving.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let code = code_of(&api, "moving.test").await;
        assert_eq!(code.len(), 16);
        let (gainer, gainer_key) = other_tenant(&api, "Gainer").await;
        credit_org(&api, &gainer, "5.00").await;

        let wrong = asking(&api, "moving.test", "not-the-code", &gainer_key)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(wrong["code"], "ERROR_DOMAIN_TRANSFER_NOT_POSSIBLE");
        let unknown = asking(&api, "nobody.test", &code, &gainer_key)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(unknown["code"], "ERROR_DOMAIN_TRANSFER_NOT_POSSIBLE");
        api.patch(
            "/v1/domains/moving.test",
            json!({"statuses": ["clientTransferProhibited"]}),
        )
        .expect(StatusCode::OK)
        .await;
        asking(&api, "moving.test", &code, &gainer_key)
            .expect(StatusCode::CONFLICT)
            .await;
        let locked = api
            .get("/v1/domains?transfer_lock=true")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(locked["pagination"]["total_items"], 1);
        api.patch("/v1/domains/moving.test", json!({"statuses": []}))
            .expect(StatusCode::OK)
            .await;
        let own = asking(&api, "moving.test", &code, api.key())
            .expect(StatusCode::CONFLICT)
            .await;
        assert!(own["detail"].as_str().unwrap().contains("already"));

        // With no delay for the TLD, the transfer completes at once.
        let moved = asking(&api, "moving.test", &code, &gainer_key)
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(
            (moved["state"].as_str(), moved["owner_id"].as_str()),
            (Some("active"), Some(gainer.as_str()))
        );
        let old_year: i32 = made["expires_on"].as_str().unwrap()[..4].parse().unwrap();
        let new_year: i32 = moved["expires_on"].as_str().unwrap()[..4].parse().unwrap();
        assert_eq!(new_year, old_year + 1);
        api.get("/v1/domains/moving.test")
            .expect(StatusCode::NOT_FOUND)
            .await;
        api.get("/v1/domains/moving.test")
            .key(&gainer_key)
            .expect(StatusCode::OK)
            .await;
        // The gainer paid the transfer; the loser's record and events say where it went.
        let gainer_balance = api
            .get(&format!("/v1/organizations/{gainer}"))
            .key(&gainer_key)
            .expect(StatusCode::OK)
            .await["account_balance"]
            .clone();
        assert_eq!(gainer_balance, "4.00");
        assert_eq!(balance(&api).await, "4.00");
        let events = api
            .get("/v1/events?type=OUTBOUND_TRANSFER")
            .expect(StatusCode::OK)
            .await;
        assert!(events["pagination"]["total_items"].as_u64().unwrap() >= 1);
        // The code went with the name: the old one opens nothing now.
        asking(&api, "moving.test", &code, api.key())
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(domain_charges(&api).await.len(), 1);
    }
}

#[tokio::test]
async fn the_losing_side_answers_and_the_gaining_side_may_withdraw() {
    for api in apis().await {
        let registrant = ready(&api, "5.00").await;
        delay_transfers(&api, 3600).await;
        api.post("/v1/domains", registration("asked.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let (gainer, gainer_key) = other_tenant(&api, "Asker").await;
        credit_org(&api, &gainer, "5.00").await;

        let code = code_of(&api, "asked.test").await;
        let resolve = |action: &str| {
            api.post(
                "/v1/domains/asked.test/transfer/outbound",
                json!({ "action": action }),
            )
        };

        // Asked, then rejected: nothing moves, nothing is charged.
        let pending = asking(&api, "asked.test", &code, &gainer_key)
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(pending["state"], "transferring");
        let again = asking(&api, "asked.test", &code, &gainer_key)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(again["code"], "ERROR_DOMAIN_TRANSFER_NOT_POSSIBLE");
        let answered = resolve("reject").expect(StatusCode::OK).await;
        assert_eq!(
            (
                answered["action"].as_str(),
                answered["domain_name"].as_str()
            ),
            (Some("reject"), Some("asked.test"))
        );
        assert_eq!(balance_of(&api, &gainer, &gainer_key).await, json!("5.00"));
        let none = resolve("approve").expect(StatusCode::CONFLICT).await;
        assert_eq!(none["code"], "ERROR_DOMAIN_TRANSFER_NOT_POSSIBLE");
        resolve("maybe")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;

        // Asked, then withdrawn by the gainer.
        asking(&api, "asked.test", &code, &gainer_key)
            .expect(StatusCode::CREATED)
            .await;
        api.delete("/v1/domains/asked.test/transfer")
            .expect(StatusCode::NOT_FOUND)
            .await;
        api.delete("/v1/domains/asked.test/transfer")
            .key(&gainer_key)
            .expect(StatusCode::NO_CONTENT)
            .await;
        assert_eq!(balance_of(&api, &gainer, &gainer_key).await, json!("5.00"));

        // Asked, then approved by the loser.
        asking(&api, "asked.test", &code, &gainer_key)
            .expect(StatusCode::CREATED)
            .await;
        resolve("approve").expect(StatusCode::OK).await;
        let moved: Value = api
            .get("/v1/domains/asked.test")
            .key(&gainer_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(moved["state"], "active");
        assert_eq!(balance_of(&api, &gainer, &gainer_key).await, json!("4.00"));

        // Back the other way, unanswered: the scheduler approves once the delay has passed.
        let code = api
            .get("/v1/domains/asked.test")
            .key(&gainer_key)
            .expect(StatusCode::OK)
            .await["auth_code"]
            .clone();
        assert!(
            code.is_null(),
            "a transferred name has no code until its holder sets one"
        );
        api.patch(
            "/v1/domains/asked.test",
            json!({"auth_code": "back-home-42"}),
        )
        .key(&gainer_key)
        .expect(StatusCode::OK)
        .await;
        asking(&api, "asked.test", "back-home-42", api.key())
            .expect(StatusCode::CREATED)
            .await;
        let early = api
            .t
            .app
            .domains_lifecycle_tick("one")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(early.transfers_completed, 0);
        api.t.clock.advance(time::Duration::seconds(3601));
        let late = api
            .t
            .app
            .domains_lifecycle_tick("one")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(late.transfers_completed, 1);
        let home = api
            .get("/v1/domains/asked.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(home["state"], "active");
        api.get("/v1/domains/asked.test")
            .key(&gainer_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}
