//! Events: written with each domain, contact and billing change, polled, acknowledged, and
//! kept to their organization.

use axum::http::StatusCode;
use serde_json::json;

use super::{ready, registration};
use crate::support::{apis, other_tenant};

#[tokio::test]
async fn changes_make_events_that_integrations_poll_and_acknowledge() {
    for api in apis().await {
        let registrant = ready(&api, "5.00").await;
        api.post("/v1/domains", registration("evented.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let fresh = api
            .get("/v1/events?acknowledged=false&object_type=domain")
            .expect(StatusCode::OK)
            .await;
        let results = fresh["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "{fresh}");
        let event = &results[0];
        assert_eq!(
            (
                event["object_type"].as_str(),
                event["object_id"].as_str(),
                event["type"].as_str(),
                event["subtype"].as_str()
            ),
            (
                Some("DOMAIN"),
                Some("evented.test"),
                Some("REGISTRATION"),
                Some("SUCCESS")
            )
        );
        assert!(
            event["event_data"]["message"]
                .as_str()
                .unwrap()
                .contains("evented.test")
        );
        // The contact and the credit made theirs too.
        let all = api
            .get("/v1/events?page_size=100")
            .expect(StatusCode::OK)
            .await;
        let kinds: Vec<_> = all["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e["object_type"].as_str().unwrap(),
                    e["type"].as_str().unwrap()
                )
            })
            .collect();
        for kind in [
            "CONTACT REGISTRATION",
            "ACCOUNT BALANCE",
            "DOMAIN REGISTRATION",
        ] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
        }
        let id = event["event_id"].as_str().unwrap();
        let acknowledged = api
            .patch(&format!("/v1/events/{id}"), json!({}))
            .expect(StatusCode::OK)
            .await;
        assert!(acknowledged["acknowledged_on"].is_string());
        let again = api
            .get(&format!("/v1/events/{id}"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(again["acknowledged_on"], acknowledged["acknowledged_on"]);
        let fresh = api
            .get("/v1/events?acknowledged=false&object_type=DOMAIN")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(fresh["pagination"]["total_items"], 0);
        // Another tenant sees none of them.
        let (_, other_key) = other_tenant(&api, "Listener").await;
        let hidden = api
            .get(&format!("/v1/events/{id}"))
            .key(&other_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(hidden["code"], "ERROR_EVENT_NOT_FOUND");
        api.patch(&format!("/v1/events/{id}"), json!({}))
            .key(&other_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        let theirs = api
            .get("/v1/events?object_type=DOMAIN")
            .key(&other_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(theirs["pagination"]["total_items"], 0);
        api.get("/v1/events?acknowledged=maybe")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    }
}
