//! `/v1/organizations/ip-restrictions…`: credentials and tokens of an organization with rules
//! work only from those networks.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{apis, error_fields, other_tenant, suborg};

const OFFICE: &str = "198.51.100.20";
const ELSEWHERE: &str = "203.0.113.9";

const PATH: &str = "/v1/organizations/ip-restrictions";

#[tokio::test]
async fn rules_are_created_listed_read_changed_and_deleted() {
    for api in apis().await {
        let created = api
            .post(PATH, json!({"ip_network": "198.51.100.7/24"}))
            .client_ip(OFFICE)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            created["ip_network"],
            "198.51.100.0/24",
            "{:?}",
            api.engine()
        );
        assert_eq!(
            created["organization_id"],
            api.t.boot.organization_id.to_string()
        );
        assert!(created["last_used_on"].is_null());
        let id = created["ip_restriction_id"]
            .as_i64()
            .expect("an integer id");
        let single = api
            .post(PATH, json!({"ip_network": "2001:db8::1"}))
            .client_ip(OFFICE)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(single["ip_network"], "2001:db8::1/128");

        let list = api.get(PATH).client_ip(OFFICE).expect(StatusCode::OK).await;
        let networks: Vec<_> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ip_network"].clone())
            .collect();
        assert_eq!(
            networks,
            [json!("198.51.100.0/24"), json!("2001:db8::1/128")]
        );
        // The requests above came through the first rule; the use is recorded beside them.
        let mut one = Value::Null;
        for _ in 0..100 {
            one = api
                .get(&format!("{PATH}/{id}"))
                .client_ip(OFFICE)
                .expect(StatusCode::OK)
                .await;
            if one["last_used_on"].is_string() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(one["last_used_on"].is_string(), "{one}");

        let changed = api
            .patch(
                &format!("{PATH}/{id}"),
                json!({"ip_network": "198.51.0.0/16", "last_used_on": null}),
            )
            .client_ip(OFFICE)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (
                changed["ip_network"].as_str(),
                changed["last_used_on"].is_null()
            ),
            (Some("198.51.0.0/16"), true)
        );

        let single_id = single["ip_restriction_id"].as_i64().unwrap();
        api.delete(&format!("{PATH}/{single_id}"))
            .client_ip(OFFICE)
            .expect(StatusCode::NO_CONTENT)
            .await;
        let err = api
            .get(&format!("{PATH}/{single_id}"))
            .client_ip(OFFICE)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_IP_RESTRICTION_NOT_FOUND");
        assert_eq!(err["ip_restriction_id"], single_id.to_string());

        let log = api
            .get("/v1/audit-logs?action=ip_restriction.deleted")
            .client_ip(OFFICE)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            log["results"][0]["target"],
            json!({"type": "ip_restriction", "id": single_id.to_string()})
        );
    }
}

#[tokio::test]
async fn keys_and_tokens_work_only_from_allowed_networks() {
    for api in apis().await {
        let org = api.t.boot.organization_id.to_string();
        let secret = api.t.boot.client_secret.clone();
        let token = api
            .post("/v1/auth/token", json!({"grant_type": "client_credentials", "client_id": org, "client_secret": secret}))
            .anonymous()
            .expect(StatusCode::OK)
            .await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        api.post(PATH, json!({"ip_network": "198.51.100.0/24"}))
            .client_ip(OFFICE)
            .expect(StatusCode::OK)
            .await;

        api.get("/v1/users/me")
            .client_ip(OFFICE)
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/users/me")
            .bearer(&token)
            .client_ip(OFFICE)
            .expect(StatusCode::OK)
            .await;
        // On a dual-stack socket an IPv4 caller shows as ::ffff:a.b.c.d.
        api.get("/v1/users/me")
            .client_ip("::ffff:198.51.100.20")
            .expect(StatusCode::OK)
            .await;
        for call in [
            api.get("/v1/users/me").client_ip(ELSEWHERE),
            api.get("/v1/users/me").bearer(&token).client_ip(ELSEWHERE),
            api.post("/v1/auth/token", json!({"grant_type": "client_credentials", "client_id": org, "client_secret": secret})).anonymous().client_ip(ELSEWHERE),
            // No address at all is not an allowed address either.
            api.get("/v1/users/me"),
        ] {
            let err = call.expect(StatusCode::FORBIDDEN).await;
            assert_eq!(err["code"], "ERROR_IP_NOT_ALLOWED", "{:?}", api.engine());
            assert!(err["detail"].as_str().unwrap().contains(err["client_ip"].as_str().unwrap()));
        }
        let err = api
            .get("/v1/users/me")
            .client_ip(ELSEWHERE)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["client_ip"], ELSEWHERE);
    }
}

#[tokio::test]
async fn a_change_that_would_lock_the_caller_out_is_refused() {
    for api in apis().await {
        let err = api
            .post(PATH, json!({"ip_network": "192.0.2.0/24"}))
            .client_ip(OFFICE)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(
            err["code"],
            "ERROR_IP_RESTRICTION_LOCKS_OUT_CALLER",
            "{:?}",
            api.engine()
        );
        assert_eq!(
            api.get(PATH).client_ip(OFFICE).expect(StatusCode::OK).await,
            json!([])
        );

        let office = api
            .post(PATH, json!({"ip_network": OFFICE}))
            .client_ip(OFFICE)
            .expect(StatusCode::OK)
            .await["ip_restriction_id"]
            .as_i64()
            .unwrap();
        api.post(PATH, json!({"ip_network": "192.0.2.0/24"}))
            .client_ip(OFFICE)
            .expect(StatusCode::OK)
            .await;
        for call in [
            api.delete(&format!("{PATH}/{office}")),
            api.patch(
                &format!("{PATH}/{office}"),
                json!({"ip_network": "192.0.3.1"}),
            ),
        ] {
            let err = call.client_ip(OFFICE).expect(StatusCode::CONFLICT).await;
            assert_eq!(err["code"], "ERROR_IP_RESTRICTION_LOCKS_OUT_CALLER");
        }
        let dup = api
            .post(PATH, json!({"ip_network": "192.0.2.77/24"}))
            .client_ip(OFFICE)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(dup["code"], "ERROR_IP_RESTRICTION_EXISTS");
    }
}

#[tokio::test]
async fn a_parent_manages_its_suborganizations_rules_without_being_bound_by_them() {
    for api in apis().await {
        let (child, child_key) = suborg(&api, "Branch").await;
        let rule = api
            .post(PATH, json!({"ip_network": "192.0.2.0/24"}))
            .header("x-organization-context", &child)
            .client_ip(ELSEWHERE)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            rule["organization_id"],
            child.as_str(),
            "{:?}",
            api.engine()
        );
        // The parent's own credential still works from anywhere; the child's does not.
        api.get("/v1/auth/client_credentials/introspect")
            .client_ip(ELSEWHERE)
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/auth/client_credentials/introspect")
            .key(&child_key)
            .client_ip(ELSEWHERE)
            .expect(StatusCode::FORBIDDEN)
            .await;
        api.get("/v1/auth/client_credentials/introspect")
            .key(&child_key)
            .client_ip("192.0.2.5")
            .expect(StatusCode::OK)
            .await;
        // The child sees its rule; the parent's list is its own (empty).
        let own = api
            .get(PATH)
            .key(&child_key)
            .client_ip("192.0.2.5")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(own.as_array().unwrap().len(), 1);
        assert_eq!(
            api.get(PATH)
                .client_ip(ELSEWHERE)
                .expect(StatusCode::OK)
                .await,
            json!([])
        );

        // Another tenant's rule is not found, by id, for every method.
        let (_, stranger) = other_tenant(&api, "Stranger").await;
        let id = rule["ip_restriction_id"].as_i64().unwrap();
        for method in [Method::GET, Method::PATCH, Method::DELETE] {
            let err = api
                .call(method, &format!("{PATH}/{id}"))
                .key(&stranger)
                .json(json!({"ip_network": "10.0.0.0/8"}))
                .client_ip(ELSEWHERE)
                .expect(StatusCode::NOT_FOUND)
                .await;
            assert_eq!(err["code"], "ERROR_IP_RESTRICTION_NOT_FOUND");
        }
    }
}

#[tokio::test]
async fn bad_networks_and_ids_are_422() {
    for api in apis().await {
        for bad in [
            json!({"ip_network": "10.0.0.0/33"}),
            json!({"ip_network": "intranet"}),
            json!({}),
        ] {
            let err = api
                .post(PATH, bad)
                .client_ip(OFFICE)
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(error_fields(&err), ["ip_network"], "{:?}", api.engine());
        }
        let err = api
            .get(&format!("{PATH}/first"))
            .client_ip(OFFICE)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(error_fields(&err), ["ip_restriction_id"]);
    }
}
