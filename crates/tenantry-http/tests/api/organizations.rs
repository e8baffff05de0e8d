//! `/v1/organizations…`.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{apis, error_fields, other_tenant, suborg, without};

#[tokio::test]
async fn create_with_users_makes_the_first_owner_and_the_rest_admins() {
    for api in apis().await {
        let body = api
            .post("/v1/organizations", json!({
                "name": "Customer A", "country_code": "DE", "city": "Berlin",
                "address": "Friedrichstraße 123", "postal_code": "10117", "currency": "EUR",
                "default_locale": "de", "tax_rate": 19.5,
                "attributes": [{"key": "crm_id", "value": "CRM-1"}],
                "users": [
                    {"username": "customer-a-admin", "email": "admin@customer-a.com", "first_name": "Alice", "last_name": "Admin"},
                    {"username": "customer-a-tech", "email": "tech@customer-a.com", "first_name": "Bob", "last_name": "Tech"}
                ]
            }))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            body["parent_organization_id"],
            json!(api.t.boot.organization_id.to_string())
        );
        assert_eq!(body["address_1"], "Friedrichstraße 123");
        assert_eq!(body["tax_rate"], "19.5");
        assert_eq!(body["status"], "active");
        assert_eq!(body["org_id"], 2001, "{:?}", api.engine());
        assert_eq!(body["attributes"][0]["key"], "crm_id");
        let roles: Vec<_> = body["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["role"].clone())
            .collect();
        assert_eq!(roles, [json!("owner"), json!("admin")]);
        assert!(body["created_on"].as_str().unwrap().ends_with('Z'));

        // A role asked for is honoured, except that the first user is always the owner and
        // nobody else can be.
        let body = api
            .post(
                "/v1/organizations",
                json!({"name": "Customer R", "users": [
                    {"username": "customer-r-first", "role": "viewer"},
                    {"username": "customer-r-dns", "role": "dns_manager"},
                    {"username": "customer-r-audit", "role": "member"}
                ]}),
            )
            .expect(StatusCode::OK)
            .await;
        let roles: Vec<_> = body["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["role"].clone())
            .collect();
        assert_eq!(
            roles,
            [json!("owner"), json!("dns_manager"), json!("member")]
        );
        let err = api
            .post("/v1/organizations", json!({"name": "Customer S", "users": [
                {"username": "customer-s-first"}, {"username": "customer-s-second", "role": "owner"}
            ]}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["code"], "ERROR_ROLE_NOT_ASSIGNABLE");
    }
}

#[tokio::test]
async fn a_failed_create_writes_nothing() {
    for api in apis().await {
        api.post("/v1/users", json!({"username": "taken"}))
            .expect(StatusCode::OK)
            .await;
        let body = api
            .post(
                "/v1/organizations",
                json!({"name": "Dup", "users": [{"username": "fresh"}, {"username": "TAKEN"}]}),
            )
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(body["code"], "ERROR_USER_EXISTS");
        let list = api.get("/v1/organizations").expect(StatusCode::OK).await;
        assert_eq!(list["pagination"]["total_items"], 0, "{:?}", api.engine());
        api.post("/v1/users", json!({"username": "fresh"}))
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn a_suborganization_cannot_have_suborganizations() {
    for api in apis().await {
        let (_, sub_key) = suborg(&api, "Customer").await;
        let body = api
            .post("/v1/organizations", json!({"name": "Nested"}))
            .key(&sub_key)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(body["code"], "ERROR_ORGANIZATION_NESTING_NOT_ALLOWED");
        let list = api
            .get("/v1/organizations?search=Nested")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(list["pagination"]["total_items"], 0);
    }
}

#[tokio::test]
async fn validation_errors_name_each_field() {
    for api in apis().await {
        let body = api
            .post("/v1/organizations", json!({"name": "", "country_code": "ZZ", "currency": "GBP", "default_locale": "english", "billing_mode": "shared"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        let locs = error_fields(&body);
        assert_eq!(
            locs,
            [
                "name",
                "country_code",
                "currency",
                "default_locale",
                "billing_mode"
            ]
        );
        assert_eq!(body["type"], "request-validation-failed");
        let missing = api
            .post("/v1/organizations", json!({"nme": "x"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(missing["errors"][0]["loc"], json!(["body", "name"]));
        assert_eq!(missing["errors"][0]["type"], "missing");
        let independent = api
            .post(
                "/v1/organizations",
                json!({"name": "Solo", "billing_mode": "independent"}),
            )
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(
            independent["code"],
            "ERROR_INDEPENDENT_BILLING_ATTRIBUTES_INVALID"
        );
    }
}

#[tokio::test]
async fn list_searches_filters_sorts_and_pages() {
    for api in apis().await {
        for (name, country) in [
            ("Customer B", "FR"),
            ("Customer A", "DE"),
            ("Internal", "DE"),
        ] {
            api.post(
                "/v1/organizations",
                json!({"name": name, "country_code": country}),
            )
            .expect(StatusCode::OK)
            .await;
        }
        let body = api
            .get("/v1/organizations?search=customer&country_code=DE&sort_by=name&sort_order=asc")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(body["results"].as_array().unwrap().len(), 1);
        assert_eq!(body["results"][0]["name"], "Customer A");
        let page = api
            .get("/v1/organizations?sort_by=name&sort_order=desc&page=2&page_size=2")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            page["results"][0]["name"],
            "Customer A",
            "{:?}",
            api.engine()
        );
        assert_eq!(
            page["pagination"],
            json!({"total_pages": 2, "total_items": 3, "current_page": 2, "page_size": 2, "has_next_page": false, "has_previous_page": true})
        );
        let bad = api
            .get("/v1/organizations?page_size=1001&sort_by=size&page=18446744073709551615&country_code=Germany")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(bad["errors"].as_array().unwrap().len(), 4);
    }
}

#[tokio::test]
async fn get_shows_users_and_patch_changes_only_given_fields() {
    for api in apis().await {
        let (id, _) = suborg(&api, "Customer").await;
        let path = format!("/v1/organizations/{id}");
        api.patch(&path, json!({"city": "Berlin", "country_code": "DE"}))
            .expect(StatusCode::OK)
            .await;
        let body = api.patch(&path, json!({"name": "Customer - Rebranded", "city": "Munich", "default_locale": "en-US", "country_code": null})).expect(StatusCode::OK).await;
        assert_eq!(
            (
                body["name"].as_str(),
                body["city"].as_str(),
                body["default_locale"].as_str()
            ),
            (Some("Customer - Rebranded"), Some("Munich"), Some("en_US"))
        );
        assert_eq!(body["country_code"], json!(null));
        let read = api.get(&path).expect(StatusCode::OK).await;
        assert_eq!(read["city"], "Munich");
        assert_eq!(read["users"][0]["username"], "customer-owner");
        let refused = api
            .patch(&path, json!({"billing_mode": "independent"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(refused["errors"][0]["loc"], json!(["body", "billing_mode"]));
    }
}

#[tokio::test]
async fn an_inactive_suborganization_refuses_changes_but_allows_reads() {
    for api in apis().await {
        let (id, sub_key) = suborg(&api, "Frozen").await;
        let path = format!("/v1/organizations/{id}");
        api.patch(&path, json!({"status": "inactive"}))
            .expect(StatusCode::OK)
            .await;
        let own = api
            .post("/v1/users", json!({"username": "new-user"}))
            .key(&sub_key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(own["code"], "ERROR_ORGANIZATION_INACTIVE");
        let parent = api
            .patch(&path, json!({"city": "Paris"}))
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(parent["code"], "ERROR_ORGANIZATION_INACTIVE");
        let via_context = api
            .post("/v1/users", json!({"username": "ctx-user"}))
            .header("x-organization-context", &id)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(via_context["code"], "ERROR_ORGANIZATION_INACTIVE");
        // The suborganization cannot reactivate itself.
        api.patch(&path, json!({"status": "active"}))
            .key(&sub_key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        api.get(&path).key(&sub_key).expect(StatusCode::OK).await;
        api.get("/v1/auth/client_credentials/introspect")
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        api.patch(&path, json!({"status": "active"}))
            .expect(StatusCode::OK)
            .await;
        api.post("/v1/users", json!({"username": "new-user"}))
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn deleting_a_suborganization_stops_its_credentials_at_once() {
    for api in apis().await {
        let (id, sub_key) = suborg(&api, "Leaving").await;
        api.get("/v1/auth/client_credentials/introspect")
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        api.delete(&format!("/v1/organizations/{id}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
        api.get("/v1/auth/client_credentials/introspect")
            .key(&sub_key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        api.get(&format!("/v1/organizations/{id}"))
            .expect(StatusCode::NOT_FOUND)
            .await;
        // Its username is free again, and its trail remains visible to the parent.
        api.post("/v1/users", json!({"username": "leaving-owner"}))
            .expect(StatusCode::OK)
            .await;
        let trail = api
            .get(&format!("/v1/audit-logs?organization_id={id}"))
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(trail["code"], "ERROR_ORGANIZATION_NOT_FOUND");
        let all = api
            .get("/v1/audit-logs?action=organization.deleted")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(all["results"][0]["target"]["id"], json!(id));
        // An organization cannot delete itself.
        let own = api.t.boot.organization_id.to_string();
        api.delete(&format!("/v1/organizations/{own}"))
            .expect(StatusCode::FORBIDDEN)
            .await;
    }
}

#[tokio::test]
async fn other_tenants_and_relatives_look_like_missing_ids() {
    for api in apis().await {
        let (other_id, other_key) = other_tenant(&api, "Rival").await;
        let (sub_a, key_a) = suborg(&api, "A").await;
        let (sub_b, _) = suborg(&api, "B").await;
        let own = api.t.boot.organization_id.to_string();
        let missing = "organization_01h45ytscbebyvny4gc8cr8ma2";
        let strip = |b: &serde_json::Value| without(b, &["organization_id"]);
        let reference = api
            .get(&format!("/v1/organizations/{missing}"))
            .expect(StatusCode::NOT_FOUND)
            .await;
        for (key, target) in [
            (api.key(), &other_id),
            (other_key.as_str(), &own),
            (key_a.as_str(), &own),
            (key_a.as_str(), &sub_b),
        ] {
            for call in [
                api.get(&format!("/v1/organizations/{target}")),
                api.patch(&format!("/v1/organizations/{target}"), json!({"city": "X"})),
                api.patch(&format!("/v1/organizations/{target}"), json!({})),
                api.delete(&format!("/v1/organizations/{target}")),
                api.get(&format!("/v1/organizations/{target}/attributes")),
            ] {
                let body = call.key(key).expect(StatusCode::NOT_FOUND).await;
                assert_eq!(strip(&body), strip(&reference), "{:?}", api.engine());
                assert_eq!(body["organization_id"], json!(target));
            }
        }
        // The parent reaches its suborganization; the suborg sees no siblings.
        api.get(&format!("/v1/organizations/{sub_a}"))
            .expect(StatusCode::OK)
            .await;
        let list = api
            .get("/v1/organizations")
            .key(&key_a)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(list["pagination"]["total_items"], 0);
    }
}

#[tokio::test]
async fn roles_list_the_built_ins() {
    for api in apis().await {
        let roles = api
            .get("/v1/organizations/roles")
            .expect(StatusCode::OK)
            .await;
        let labels: Vec<_> = roles
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["label"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            labels,
            [
                "owner",
                "admin",
                "viewer",
                "domain_manager",
                "dns_manager",
                "billing_manager",
                "member"
            ]
        );
        let dns = &roles[4]["permissions"];
        assert!(dns.as_array().unwrap().contains(&json!("dns:delete")));
        assert!(!dns.as_array().unwrap().contains(&json!("users:read")));
    }
}
