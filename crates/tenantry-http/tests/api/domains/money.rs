//! Money under load and faults: many registrations against a balance that covers half of
//! them, two registrations of one name at once, and a crash between the registry's answer and
//! the capture of the hold.

use std::sync::Arc;

use axum::http::StatusCode;
use futures::future::join_all;
use serde_json::json;
use tenantry_app::registry::sandbox::SandboxRegistry;
use tenantry_app::registry::{
    Availability, Registry, RegistryDomain, RegistryError, RegistryResult,
};
use time::OffsetDateTime;

use super::{balance, domain_charges, open_holds, ready, registration};
use crate::support::{Api, apis};

#[tokio::test]
async fn two_hundred_registrations_against_a_balance_for_one_hundred() {
    for api in apis().await {
        let registrant = ready(&api, "100.00").await;
        let calls = (0..200).map(|n| {
            api.post(
                "/v1/domains",
                registration(&format!("bulk-{n}.test"), &registrant),
            )
            .send()
        });
        let answers = join_all(calls).await;
        let created = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        let refused = answers
            .iter()
            .filter(|(s, b)| {
                *s == StatusCode::PAYMENT_REQUIRED && b["code"] == "ERROR_INSUFFICIENT_FUNDS"
            })
            .count();
        assert_eq!(
            (created, refused),
            (100, 100),
            "{:?}",
            answers
                .iter()
                .find(|(s, _)| !matches!(*s, StatusCode::CREATED | StatusCode::PAYMENT_REQUIRED))
        );
        assert_eq!(balance(&api).await, "0.00");
        assert_eq!(open_holds(&api).await, 0);
        assert_eq!(domain_charges(&api).await.len(), 100);
        let listed = api.get("/v1/domains").expect(StatusCode::OK).await;
        assert_eq!(listed["pagination"]["total_items"], 100);
    }
}

#[tokio::test]
async fn two_registrations_of_one_name_at_once_make_one_domain_and_one_charge() {
    for api in apis().await {
        let registrant = ready(&api, "10.00").await;
        let calls = (0..2).map(|_| {
            api.post("/v1/domains", registration("contested.test", &registrant))
                .send()
        });
        let mut statuses: Vec<_> = join_all(calls).await.into_iter().map(|(s, _)| s).collect();
        statuses.sort();
        assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
        assert_eq!(domain_charges(&api).await.len(), 1);
        assert_eq!(balance(&api).await, "9.00");
        assert_eq!(open_holds(&api).await, 0);
    }
}

/// The sandbox registry behind a connection that drops: `create` and `set_auth_code` either
/// reach the registry (which acts) or not, and the caller never hears back.
struct DroppedAnswers {
    sandbox: SandboxRegistry,
    reaches: bool,
}

impl Registry for DroppedAnswers {
    fn check<'a>(&'a self, names: &'a [String]) -> RegistryResult<'a, Vec<Availability>> {
        self.sandbox.check(names)
    }
    fn create<'a>(
        &'a self,
        op: &'a str,
        name: &'a str,
        years: i64,
        code: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        Box::pin(async move {
            if self.reaches {
                self.sandbox.create(op, name, years, code, now).await?;
            }
            Err(RegistryError::Unreachable("connection reset".into()))
        })
    }
    fn renew<'a>(
        &'a self,
        op: &'a str,
        name: &'a str,
        expiry: OffsetDateTime,
        years: i64,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        self.sandbox.renew(op, name, expiry, years, now)
    }
    fn delete<'a>(
        &'a self,
        op: &'a str,
        name: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        self.sandbox.delete(op, name, now)
    }
    fn restore<'a>(
        &'a self,
        op: &'a str,
        name: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        self.sandbox.restore(op, name, now)
    }
    fn purge<'a>(&'a self, name: &'a str) -> RegistryResult<'a, ()> {
        self.sandbox.purge(name)
    }
    fn set_auth_code<'a>(
        &'a self,
        op: &'a str,
        name: &'a str,
        code: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        Box::pin(async move {
            if self.reaches {
                self.sandbox.set_auth_code(op, name, code, now).await?;
            }
            Err(RegistryError::Unreachable("connection reset".into()))
        })
    }
    fn transfer_request<'a>(
        &'a self,
        op: &'a str,
        name: &'a str,
        code: &'a str,
        years: i64,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        self.sandbox.transfer_request(op, name, code, years, now)
    }
    fn transfer_resolve<'a>(
        &'a self,
        name: &'a str,
        approve: bool,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain> {
        self.sandbox.transfer_resolve(name, approve, now)
    }
    fn info<'a>(&'a self, name: &'a str) -> RegistryResult<'a, Option<RegistryDomain>> {
        self.sandbox.info(name)
    }
}

/// The same server's router, its registry's answers to `create` and `set_auth_code` lost on
/// the way back.
fn dropping(api: &Api, reaches: bool) -> axum::Router {
    let registry = DroppedAnswers {
        sandbox: SandboxRegistry::new(api.t.database.db.clone()),
        reaches,
    };
    let app = Arc::new((*api.t.app).clone().with_registry(Arc::new(registry)));
    tenantry_http::router(app)
}

#[tokio::test]
async fn a_crash_after_the_registry_acted_is_settled_without_losing_or_making_money() {
    for mut api in apis().await {
        let registrant = ready(&api, "10.00").await;
        for (held, reaches, name) in [(1, true, "reached.test"), (2, false, "lost.test")] {
            let flaky = dropping(&api, reaches);
            let sound = std::mem::replace(&mut api.router, flaky);
            let answer = api
                .post("/v1/domains", registration(name, &registrant))
                .expect(StatusCode::BAD_GATEWAY)
                .await;
            api.router = sound;
            assert_eq!(answer["code"], "ERROR_REGISTRY_UNAVAILABLE");
            // In flight: the price is held, nothing is charged yet.
            let pending = api
                .get(&format!("/v1/domains/{name}"))
                .expect(StatusCode::OK)
                .await;
            assert_eq!(pending["state"], "registering");
            assert_eq!(open_holds(&api).await, held);
        }
        assert_eq!(balance(&api).await, "10.00");
        assert!(domain_charges(&api).await.is_empty());
        // Not before a minute has passed: the use case may still be finishing.
        assert_eq!(api.t.app.domains_reconcile().await.unwrap(), 0);
        api.t.clock.advance(time::Duration::minutes(2));
        assert_eq!(api.t.app.domains_reconcile().await.unwrap(), 2);
        let reached = api
            .get("/v1/domains/reached.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(reached["state"], "active");
        api.get("/v1/domains/lost.test")
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(open_holds(&api).await, 0);
        assert_eq!(domain_charges(&api).await.len(), 1);
        assert_eq!(balance(&api).await, "9.00");
        // The lost name is free again; settling twice changes nothing.
        assert_eq!(api.t.app.domains_reconcile().await.unwrap(), 0);
        api.post("/v1/domains", registration("lost.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(balance(&api).await, "8.00");
    }
}

#[tokio::test]
async fn a_code_change_whose_answer_was_lost_keeps_the_domain_until_it_is_settled() {
    for mut api in apis().await {
        let registrant = ready(&api, "10.00").await;
        api.post("/v1/domains", registration("coded.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let flaky = dropping(&api, true);
        let sound = std::mem::replace(&mut api.router, flaky);
        let answer = api
            .patch(
                "/v1/domains/coded.test",
                json!({"auth_code": "lost-code-1"}),
            )
            .expect(StatusCode::BAD_GATEWAY)
            .await;
        api.router = sound;
        assert_eq!(answer["code"], "ERROR_REGISTRY_UNAVAILABLE");
        // Until the reconciler learns what the registry did, no other change gets in.
        let busy = api
            .patch("/v1/domains/coded.test", json!({"renewal_mode": "expire"}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(busy["code"], "ERROR_DOMAIN_NOT_ACTIVE");
        api.t.clock.advance(time::Duration::minutes(2));
        assert_eq!(api.t.app.domains_reconcile().await.unwrap(), 1);
        // The registry took a code whose text is gone: none is shown until one is set.
        let settled = api
            .get("/v1/domains/coded.test")
            .expect(StatusCode::OK)
            .await;
        assert!(settled["auth_code"].is_null(), "{settled}");
        assert_eq!(settled["renewal_mode"], "renew");
        let changed = api
            .patch(
                "/v1/domains/coded.test",
                json!({"auth_code": "fresh-code-2", "renewal_mode": "expire"}),
            )
            .expect(StatusCode::OK)
            .await;
        assert_eq!(changed["renewal_mode"], "expire");
        let shown = api
            .get("/v1/domains/coded.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(shown["auth_code"], "fresh-code-2");
        assert_eq!(open_holds(&api).await, 0);
        assert_eq!(balance(&api).await, "9.00");
    }
}

#[tokio::test]
async fn a_busy_domain_answers_busy_before_its_price_is_weighed() {
    for mut api in apis().await {
        // 1.00 pays the registration and leaves nothing for a renewal.
        let registrant = ready(&api, "1.00").await;
        let made = api
            .post("/v1/domains", registration("owed.test", &registrant))
            .expect(StatusCode::CREATED)
            .await;
        let flaky = dropping(&api, true);
        let sound = std::mem::replace(&mut api.router, flaky);
        api.patch("/v1/domains/owed.test", json!({"auth_code": "lost-code-1"}))
            .expect(StatusCode::BAD_GATEWAY)
            .await;
        api.router = sound;
        let renewal = json!({
            "period": {"value": 1, "unit": "y"},
            "current_expiry_date": &made["expires_on"].as_str().unwrap()[..10],
        });
        let busy = api
            .post("/v1/domains/owed.test/renew", renewal.clone())
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(busy["code"], "ERROR_DOMAIN_NOT_ACTIVE");
        let detail = busy["detail"].as_str().unwrap();
        assert!(detail.contains("operation in progress"), "{detail}");
        assert_eq!(open_holds(&api).await, 0);
        // Once settled, the same renewal is refused for the money it lacks.
        api.t.clock.advance(time::Duration::minutes(2));
        assert_eq!(api.t.app.domains_reconcile().await.unwrap(), 1);
        let unpaid = api
            .post("/v1/domains/owed.test/renew", renewal)
            .expect(StatusCode::PAYMENT_REQUIRED)
            .await;
        assert_eq!(unpaid["code"], "ERROR_INSUFFICIENT_FUNDS");
        assert_eq!(balance(&api).await, "0.00");
    }
}
