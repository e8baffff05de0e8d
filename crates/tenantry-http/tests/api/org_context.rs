//! `X-Organization-Context` either scopes a request or is refused, never ignored. A row that
//! lists or creates reads it itself; on every other row the caller's reach is narrowed to that
//! organization, so an object elsewhere is not found; an operator's row refuses it.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantry_http::Access;

use crate::support::{apis, other_tenant, suborg};

/// A path of the table with each `{parameter}` filled in (the refusal comes first).
fn filled(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        out.push_str("anything");
        rest = &rest[end + 1..];
    }
    out + rest
}

#[tokio::test]
async fn an_operators_row_refuses_the_header() {
    for api in apis().await {
        let (child, _) = suborg(&api, "Context Child").await;
        let mut refused = 0;
        for row in tenantry_http::endpoints() {
            if row.access != Access::Operator {
                continue;
            }
            let path = filled(row.path);
            let answer = api
                .call(row.method.clone(), &path)
                .key(&api.t.boot.operator_api_key)
                .header("x-organization-context", &child)
                .send()
                .await;
            assert!(
                matches!(
                    answer.0,
                    StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
                ) && answer.1.to_string().contains("X-Organization-Context"),
                "{} {path}: {answer:?}",
                row.method
            );
            refused += 1;
        }
        assert!(refused > 10, "only {refused} rows were tried");
    }
}

#[tokio::test]
async fn a_by_id_row_acts_inside_the_organization_the_header_names() {
    for api in apis().await {
        by_id_rows_act_inside(&api).await;
    }
}

async fn by_id_rows_act_inside<'a>(api: &'a crate::support::Api) {
    {
        let home = api.t.boot.organization_id.to_string();
        let (child, _) = suborg(api, "Context Child").await;
        let (elsewhere, _) = other_tenant(api, "Elsewhere").await;
        let inside = |call: crate::support::Call<'a>| call.header("x-organization-context", &child);
        api.post("/v1/dns", json!({"name": "parent-zone.example"}))
            .expect(StatusCode::CREATED)
            .await;
        inside(api.post("/v1/dns", json!({"name": "child-zone.example"})))
            .expect(StatusCode::CREATED)
            .await;

        // Inside the child: its zone is there, the parent's is not.
        inside(api.get("/v1/dns/child-zone.example"))
            .expect(StatusCode::OK)
            .await;
        inside(api.get("/v1/dns/parent-zone.example"))
            .expect(StatusCode::NOT_FOUND)
            .await;
        let upsert = json!({"ops": [{"op": "upsert", "rrset": {"name": "www", "type": "A",
            "ttl": 300, "records": [{"rdata": "192.0.2.7"}]}}]});
        inside(api.patch("/v1/dns/child-zone.example/rrsets", upsert.clone()))
            .expect(StatusCode::NO_CONTENT)
            .await;
        inside(api.patch("/v1/dns/parent-zone.example/rrsets", upsert))
            .expect(StatusCode::NOT_FOUND)
            .await;
        inside(api.get(&format!("/v1/organizations/{child}")))
            .expect(StatusCode::OK)
            .await;
        inside(api.get(&format!("/v1/organizations/{home}")))
            .expect(StatusCode::NOT_FOUND)
            .await;
        // NS1's zone list, inside the child: the child's zones only.
        let zones = inside(api.call(Method::GET, "/v1/zones"))
            .expect(StatusCode::OK)
            .await
            .to_string();
        assert!(zones.contains("child-zone.example"), "{zones}");
        assert!(!zones.contains("parent-zone.example"), "{zones}");

        // Another tenant's organization, or no organization id at all, is refused.
        api.get("/v1/dns/child-zone.example")
            .header("x-organization-context", &elsewhere)
            .expect(StatusCode::NOT_FOUND)
            .await;
        api.get("/v1/dns/child-zone.example")
            .header("x-organization-context", "not-an-id")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        // Without the header, the parent reaches both, as before.
        api.get("/v1/dns/child-zone.example")
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/dns/parent-zone.example")
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn inside_an_organization_a_role_held_in_its_suborganization_still_decides_there() {
    for api in apis().await {
        let (child, _) = suborg(&api, "Narrow Child").await;
        // An admin at home in the parent who joined the child as a viewer only.
        let user = crate::sign_in::person(&api, "narrow.admin", "admin").await;
        let parent_admin = api
            .t
            .app
            .authenticate(api.key(), tenantry_app::RequestMeta::default())
            .await
            .unwrap();
        api.t
            .app
            .membership_put(
                &parent_admin,
                child.parse().unwrap(),
                user.parse().unwrap(),
                "viewer",
            )
            .await
            .unwrap();
        let token = crate::sign_in::sign_in(&api, "narrow.admin").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let home = api.t.boot.organization_id.to_string();
        let rename = json!({"name": "Renamed By A Viewer"});
        for context in [None, Some(home.as_str())] {
            let call = api
                .patch(&format!("/v1/organizations/{child}"), rename.clone())
                .anonymous()
                .bearer(&token);
            let call = match context {
                Some(context) => call.header("x-organization-context", context),
                None => call,
            };
            call.expect(StatusCode::FORBIDDEN).await;
        }
        api.get(&format!("/v1/organizations/{child}"))
            .anonymous()
            .bearer(&token)
            .header("x-organization-context", &home)
            .expect(StatusCode::OK)
            .await;
    }
}
