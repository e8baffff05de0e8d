//! The lifecycle scheduler across a moved clock: automatic renewal, a renewal the account
//! cannot cover, expiry into redemption and the purge that frees the name; one process at a
//! time. And the DomainGenius view: an organization's domains, moving one, and an
//! organization that holds domains not being deleted.

use axum::http::StatusCode;
use serde_json::json;

use super::{balance, domain_charges, ready, registration};
use crate::mailbox;
use crate::support::{apis, other_tenant};

const YEAR_AND_A_DAY: time::Duration = time::Duration::days(367);

#[tokio::test]
async fn expired_domains_renew_or_expire_then_are_purged() {
    for api in apis().await {
        let registrant = ready(&api, "3.00").await;
        api.post("/v1/domains", registration("keep.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let mut lapse = registration("lapse.test", &registrant);
        lapse["renewal_mode"] = json!("expire");
        api.post("/v1/domains", lapse)
            .expect(StatusCode::CREATED)
            .await;
        let before = api
            .get("/v1/domains/keep.test")
            .expect(StatusCode::OK)
            .await;
        // Nothing is due yet; a second process finds the lease taken.
        let report = api
            .t
            .app
            .domains_lifecycle_tick("one")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(report, Default::default());
        assert!(
            api.t
                .app
                .domains_lifecycle_tick("two")
                .await
                .unwrap()
                .is_none()
        );

        api.t.clock.advance(YEAR_AND_A_DAY);
        let report = api
            .t
            .app
            .domains_lifecycle_tick("one")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((report.renewed, report.expired), (1, 1));
        let kept = api
            .get("/v1/domains/keep.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(kept["state"], "active");
        let old: i32 = before["expires_on"].as_str().unwrap()[..4].parse().unwrap();
        let new: i32 = kept["expires_on"].as_str().unwrap()[..4].parse().unwrap();
        assert_eq!(new, old + 1);
        assert_eq!(balance(&api).await, "0.00");
        let lapsed = api
            .get("/v1/domains/lapse.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(lapsed["state"], "redemption");

        // A year on, the account is empty: the owners hear of it, daily retries, then the
        // domain is deleted once its grace period ends.
        mailbox::deliver(&api).await;
        api.t.clock.advance(YEAR_AND_A_DAY);
        let report = api
            .t
            .app
            .domains_lifecycle_tick("one")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((report.renewals_refused, report.purged), (1, 1));
        let mail = mailbox::deliver(&api).await;
        assert!(
            mail.iter()
                .any(|m| m.is_to("owner@reseller.example") && m.text.contains("keep.test"))
        );
        let again = api
            .t
            .app
            .domains_lifecycle_tick("one")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.renewals_refused, 0, "not retried within the day");
        // The lapsed name was purged: it is free again.
        api.get("/v1/domains/lapse.test")
            .expect(StatusCode::NOT_FOUND)
            .await;
        let check = api
            .get("/v1/domains/check?domains=lapse.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(check["results"][0]["available"], true);
        api.t.clock.advance(time::Duration::days(31));
        let report = api
            .t
            .app
            .domains_lifecycle_tick("one")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(report.expired, 1);
        let gone = api
            .get("/v1/domains/keep.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(gone["state"], "redemption");
        assert_eq!(domain_charges(&api).await.len(), 3);
        let trail = api
            .get("/v1/audit-logs?action=domain.auto_renew_failed")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(trail["pagination"]["total_items"], 1);
    }
}

#[tokio::test]
async fn organizations_list_and_move_their_domains_and_are_not_deleted_while_they_hold_any() {
    for api in apis().await {
        let registrant = ready(&api, "5.00").await;
        api.post("/v1/domains", registration("moving.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let home = api.t.boot.organization_id.to_string();
        let child = api
            .post("/v1/organizations", json!({"name": "Branch"}))
            .expect(StatusCode::OK)
            .await["organization_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let listed = api
            .get(&format!("/api/v1/orgs/{home}/domains"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(listed["results"][0]["name"], "moving.test");
        let moved = api
            .post(
                &format!("/api/v1/orgs/{home}/domains/moving.test/move"),
                json!({"to": child}),
            )
            .expect(StatusCode::OK)
            .await;
        assert_eq!(moved["owner_id"], json!(child));
        let there = api
            .get(&format!("/api/v1/orgs/{child}/domains"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(there["pagination"]["total_items"], 1);
        // Never into another tenant's organization: not found, and the domain stays.
        let (elsewhere, _) = other_tenant(&api, "Elsewhere").await;
        let away = api
            .post(
                &format!("/api/v1/orgs/{child}/domains/moving.test/move"),
                json!({"to": elsewhere}),
            )
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(
            away["error"]["code"], "ERROR_ORGANIZATION_NOT_FOUND",
            "{away}"
        );
        let kept = api
            .get("/v1/domains/moving.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(kept["owner_id"], json!(child));
        let refused = api
            .delete(&format!("/v1/organizations/{child}"))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["code"], "ERROR_ORGANIZATION_HAS_DOMAINS");
        // Moved back, the branch can go.
        api.post(
            &format!("/api/v1/orgs/{child}/domains/moving.test/move"),
            json!({"to": home}),
        )
        .expect(StatusCode::OK)
        .await;
        api.delete(&format!("/v1/organizations/{child}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
    }
}
