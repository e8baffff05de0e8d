//! `/v1/users/{id}/role`, `/v1/users/{id}/permissions` and `/v1/organizations/roles`.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{apis, suborg};

#[tokio::test]
async fn the_owner_changes_roles_and_the_change_applies_at_once() {
    for api in apis().await {
        let user = api
            .post("/v1/users", json!({"username": "tech"}))
            .expect(StatusCode::OK)
            .await;
        let id = user["user_id"].as_str().unwrap();
        let role_path = format!("/v1/users/{id}/role");
        assert_eq!(
            api.get(&role_path).expect(StatusCode::OK).await,
            json!({"role": "viewer"})
        );
        let set = api
            .call(Method::PUT, &role_path)
            .json(json!({"role": "dns_manager"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(set, json!({"role": "dns_manager"}));
        let permissions = api
            .get(&format!("/v1/users/{id}/permissions"))
            .expect(StatusCode::OK)
            .await;
        let list = permissions["permissions"].as_array().unwrap();
        assert!(
            list.contains(&json!("dns:delete")) && !list.contains(&json!("users:read")),
            "{:?}",
            api.engine()
        );
        api.call(Method::PUT, &role_path)
            .json(json!({"role": "admin"}))
            .expect(StatusCode::OK)
            .await;
        let trail = api
            .get(&format!(
                "/v1/audit-logs?action=user.role_changed&target_id={id}"
            ))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(trail["pagination"]["total_items"], 2);
        // The owner's role is not changed through this endpoint.
        let err = api
            .call(
                Method::PUT,
                &format!("/v1/users/{}/role", api.t.boot.user_id),
            )
            .json(json!({"role": "viewer"}))
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_CANNOT_DELETE_OWNER");
    }
}

#[tokio::test]
async fn role_rules_owner_admin_and_last_admin() {
    for api in apis().await {
        let user = api
            .post("/v1/users", json!({"username": "someone"}))
            .expect(StatusCode::OK)
            .await;
        let role_path = format!("/v1/users/{}/role", user["user_id"].as_str().unwrap());
        let err = api
            .call(Method::PUT, &role_path)
            .json(json!({"role": "owner"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["code"], "ERROR_ROLE_NOT_ASSIGNABLE");
        let err = api
            .call(Method::PUT, &role_path)
            .json(json!({"role": "support_staff"}))
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(
            (err["code"].as_str(), err["role_name"].as_str()),
            (Some("ERROR_ROLE_NOT_FOUND"), Some("support_staff"))
        );

        // A credential made by the parent's owner inside a suborganization is not that
        // suborganization's owner: it cannot grant or remove admin there.
        let (_, sub_key) = suborg(&api, "Customer").await;
        let sub_user = api
            .post("/v1/users", json!({"username": "sub-user"}))
            .key(&sub_key)
            .expect(StatusCode::OK)
            .await;
        let sub_path = format!("/v1/users/{}/role", sub_user["user_id"].as_str().unwrap());
        let err = api
            .call(Method::PUT, &sub_path)
            .key(&sub_key)
            .json(json!({"role": "admin"}))
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_ONLY_OWNER_CAN_MANAGE_ADMIN_ROLE");
        api.call(Method::PUT, &sub_path)
            .key(&sub_key)
            .json(json!({"role": "billing_manager"}))
            .expect(StatusCode::OK)
            .await;
        // The parent organization's owner may.
        api.call(Method::PUT, &sub_path)
            .json(json!({"role": "admin"}))
            .expect(StatusCode::OK)
            .await;

        // An organization whose only admin would be demoted keeps it.
        let org = api
            .post("/v1/organizations", json!({"name": "Lonely"}))
            .expect(StatusCode::OK)
            .await;
        let org_id = org["organization_id"].as_str().unwrap();
        let admin = api
            .post(
                "/v1/users",
                json!({"username": "only-admin", "role": "admin"}),
            )
            .header("x-organization-context", org_id)
            .expect(StatusCode::OK)
            .await;
        let err = api
            .call(
                Method::PUT,
                &format!("/v1/users/{}/role", admin["user_id"].as_str().unwrap()),
            )
            .json(json!({"role": "viewer"}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(
            err["code"],
            "ERROR_USER_IS_LAST_ADMIN",
            "{:?}",
            api.engine()
        );

        let viewer = api
            .post("/v1/auth/client_credentials", json!({"role": "viewer"}))
            .expect(StatusCode::OK)
            .await;
        let viewer_key = viewer["api_key"].as_str().unwrap();
        api.get(&role_path)
            .key(viewer_key)
            .expect(StatusCode::OK)
            .await;
        api.call(Method::PUT, &role_path)
            .key(viewer_key)
            .json(json!({"role": "dns_manager"}))
            .expect(StatusCode::FORBIDDEN)
            .await;
    }
}

#[tokio::test]
async fn custom_roles_are_created_assigned_changed_and_deleted_by_the_rules() {
    for api in apis().await {
        let created = api
            .post("/v1/organizations/roles", json!({"name": "Support Staff", "description": "First line", "permissions": ["dns:read", "contacts:read"]}))
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(
            (created["label"].as_str(), created["built_in"].as_bool()),
            (Some("support_staff"), Some(false))
        );
        assert!(created["created_on"].is_string());
        let all = api
            .get("/v1/organizations/roles")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(all.as_array().unwrap().len(), 8, "{:?}", api.engine());
        api.get("/v1/organizations/roles/support_staff")
            .expect(StatusCode::OK)
            .await;

        for (body, code) in [
            (
                json!({"name": "support staff", "permissions": []}),
                "ERROR_DUPLICATE_ROLE_NAME",
            ),
            (
                json!({"name": "Admin", "permissions": []}),
                "ERROR_DUPLICATE_ROLE_NAME",
            ),
        ] {
            let err = api
                .post("/v1/organizations/roles", body)
                .expect(StatusCode::CONFLICT)
                .await;
            assert_eq!(err["code"], code);
        }
        let err = api
            .post(
                "/v1/organizations/roles",
                json!({"name": "Escalator", "permissions": ["dns:read", "users:manage"]}),
            )
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["body", "permissions", "1"]));
        let err = api
            .post(
                "/v1/organizations/roles",
                json!({"name": "Typo", "permissions": ["dns:write"]}),
            )
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["body", "permissions", "0"]));
        let grantable = api
            .get("/v1/organizations/role-permissions")
            .expect(StatusCode::OK)
            .await;
        let grantable = grantable["permissions"].as_array().unwrap();
        assert!(
            grantable.contains(&json!("dns:read")) && !grantable.contains(&json!("users:manage"))
        );

        // Assigned, the role's permissions are the user's; a change reaches the user at once.
        let user = api
            .post("/v1/users", json!({"username": "supporter"}))
            .expect(StatusCode::OK)
            .await;
        let id = user["user_id"].as_str().unwrap();
        api.call(Method::PUT, &format!("/v1/users/{id}/role"))
            .json(json!({"role": "support_staff"}))
            .expect(StatusCode::OK)
            .await;
        let permissions_path = format!("/v1/users/{id}/permissions");
        let held = api.get(&permissions_path).expect(StatusCode::OK).await;
        assert_eq!(held["permissions"], json!(["contacts:read", "dns:read"]));
        api.patch(
            "/v1/organizations/roles/support_staff",
            json!({"permissions": ["dns:read", "dns:manage"]}),
        )
        .expect(StatusCode::OK)
        .await;
        let held = api.get(&permissions_path).expect(StatusCode::OK).await;
        assert_eq!(held["permissions"], json!(["dns:read", "dns:manage"]));

        let err = api
            .delete("/v1/organizations/roles/support_staff")
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(
            (err["code"].as_str(), err["binding_count"].as_i64()),
            (Some("ERROR_ROLE_IN_USE"), Some(1))
        );
        api.call(Method::PUT, &format!("/v1/users/{id}/role"))
            .json(json!({"role": "viewer"}))
            .expect(StatusCode::OK)
            .await;
        api.delete("/v1/organizations/roles/support_staff")
            .expect(StatusCode::NO_CONTENT)
            .await;
        let err = api
            .get("/v1/organizations/roles/support_staff")
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_ROLE_NOT_FOUND");

        for call in [
            api.patch("/v1/organizations/roles/viewer", json!({"name": "Reader"})),
            api.delete("/v1/organizations/roles/admin"),
        ] {
            let err = call.expect(StatusCode::CONFLICT).await;
            assert_eq!(err["code"], "ERROR_BUILT_IN_ROLE_IMMUTABLE");
        }
        let viewer = api
            .post("/v1/auth/client_credentials", json!({"role": "viewer"}))
            .expect(StatusCode::OK)
            .await;
        api.post(
            "/v1/organizations/roles",
            json!({"name": "Nope", "permissions": []}),
        )
        .key(viewer["api_key"].as_str().unwrap())
        .expect(StatusCode::FORBIDDEN)
        .await;
    }
}

#[tokio::test]
async fn custom_roles_belong_to_one_organization() {
    for api in apis().await {
        let (sub_id, sub_key) = suborg(&api, "Customer").await;
        api.post(
            "/v1/organizations/roles",
            json!({"name": "Customer Tech", "permissions": ["dns:manage", "dns:read"]}),
        )
        .key(&sub_key)
        .expect(StatusCode::CREATED)
        .await;
        api.get("/v1/organizations/roles/customer_tech")
            .expect(StatusCode::NOT_FOUND)
            .await;
        api.get("/v1/organizations/roles/customer_tech")
            .header("x-organization-context", &sub_id)
            .expect(StatusCode::OK)
            .await;
        // A user of the parent cannot be given the suborganization's role.
        let user = api
            .post("/v1/users", json!({"username": "parent-user"}))
            .expect(StatusCode::OK)
            .await;
        api.call(
            Method::PUT,
            &format!("/v1/users/{}/role", user["user_id"].as_str().unwrap()),
        )
        .json(json!({"role": "customer_tech"}))
        .expect(StatusCode::NOT_FOUND)
        .await;
    }
}

#[tokio::test]
async fn a_change_to_a_custom_role_applies_at_once_to_credentials_holding_it() {
    for api in apis().await {
        api.post(
            "/v1/organizations/roles",
            json!({"name": "Auditor", "permissions": ["audit_logs:read"]}),
        )
        .expect(StatusCode::CREATED)
        .await;
        let issued = api
            .post("/v1/auth/client_credentials", json!({"role": "auditor"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(issued["role"], "auditor");
        let key = issued["api_key"].as_str().unwrap();
        api.get("/v1/audit-logs")
            .key(key)
            .expect(StatusCode::OK)
            .await;
        api.post("/v1/users", json!({"username": "not-allowed"}))
            .key(key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        api.patch(
            "/v1/organizations/roles/auditor",
            json!({"permissions": ["dns:read"]}),
        )
        .expect(StatusCode::OK)
        .await;
        api.get("/v1/audit-logs")
            .key(key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        let err = api
            .post("/v1/auth/client_credentials", json!({"role": "nobody"}))
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_ROLE_NOT_FOUND", "{:?}", api.engine());
        let err = api
            .post("/v1/auth/client_credentials", json!({"role": "owner"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["code"], "ERROR_ROLE_NOT_ASSIGNABLE");
    }
}
