//! Memberships: one person, a home organization and a role in others, acting in each with the
//! role held there; everything else stays out of reach.

use axum::http::StatusCode;
use serde_json::json;
use tenantry_app::{Actor, RequestMeta};
use tenantry_core::{OrganizationId, UserId};

use crate::sign_in::{person, sign_in};
use crate::support::{Api, apis, other_tenant};

async fn actor(api: &Api, key: &str) -> Actor {
    api.t
        .app
        .authenticate(key, RequestMeta::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_member_of_two_organizations_acts_in_each_with_its_role_there() {
    for api in apis().await {
        let home = api.t.boot.organization_id.to_string();
        let user: UserId = person(&api, "traveller", "dns_manager")
            .await
            .parse()
            .unwrap();
        let (beta, beta_key) = other_tenant(&api, "Beta").await;
        let (gamma, _) = other_tenant(&api, "Gamma").await;
        let beta_id: OrganizationId = beta.parse().unwrap();
        let beta_admin = actor(&api, &beta_key).await;
        api.t
            .app
            .membership_put(&beta_admin, beta_id, user, "member")
            .await
            .unwrap();

        // Beta's user list shows the member, marked, with the role held in Beta.
        let listed = api
            .get("/v1/organizations/users?search=travel")
            .key(&beta_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(listed["pagination"]["total_items"], 1, "{listed}");
        let member = &listed["results"][0];
        assert_eq!(member["username"], "traveller");
        assert_eq!(member["role"], "member");
        assert_eq!(member["membership"], true);
        // Shown as held in Beta: the home organization (another tenant) stays hidden.
        assert_eq!(member["organization_id"], beta.as_str());
        assert!(!listed.to_string().contains(home.as_str()), "{listed}");
        // At home the same person is listed without the mark, with the home role.
        let at_home = api
            .get("/v1/organizations/users?search=travel")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(at_home["results"][0]["role"], "dns_manager");
        assert!(at_home["results"][0].get("membership").is_none());

        let access = sign_in(&api, "traveller").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let orgs = api
            .get("/v1/users/me/organizations")
            .bearer(&access)
            .expect(StatusCode::OK)
            .await;
        let summary: Vec<(String, String, String)> = orgs
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["organization_id"].as_str().unwrap().to_owned(),
                    o["role"].as_str().unwrap().to_owned(),
                    o["access"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (home.clone(), "dns_manager".into(), "home".into()),
                (beta.clone(), "member".into(), "membership".into()),
            ]
        );

        // In Beta, as a member: reads everything, changes nothing.
        api.get("/v1/organizations/users")
            .bearer(&access)
            .header("x-organization-context", &beta)
            .expect(StatusCode::OK)
            .await;
        api.get(&format!("/v1/audit-logs?organization_id={beta}"))
            .bearer(&access)
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/auth/client_credentials")
            .bearer(&access)
            .header("x-organization-context", &beta)
            .expect(StatusCode::OK)
            .await;
        let err = api
            .post("/v1/dns", json!({"name": "in-beta.example"}))
            .bearer(&access)
            .header("x-organization-context", &beta)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_PERMISSION_DENIED");
        // At home, the home role: DNS changes are allowed.
        api.post("/v1/dns", json!({"name": "at-home.example"}))
            .bearer(&access)
            .expect(StatusCode::CREATED)
            .await;
        // Gamma is out of reach: not found, exactly like an id that does not exist.
        let hidden = api
            .get(&format!("/v1/organizations/{gamma}"))
            .bearer(&access)
            .expect(StatusCode::NOT_FOUND)
            .await;
        let missing = api
            .get("/v1/organizations/organization_01h45ytscbebyvny4gc8cr8ma2")
            .bearer(&access)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(hidden["code"], missing["code"]);

        // A new role in Beta applies at once.
        api.t
            .app
            .membership_put(&beta_admin, beta_id, user, "dns_manager")
            .await
            .unwrap();
        api.post("/v1/dns", json!({"name": "in-beta.example"}))
            .bearer(&access)
            .header("x-organization-context", &beta)
            .expect(StatusCode::CREATED)
            .await;
        let zones = api
            .get("/v1/dns")
            .key(&beta_key)
            .expect(StatusCode::OK)
            .await;
        assert!(zones.to_string().contains("in-beta.example"), "{zones}");

        // Ending the membership ends the reach.
        api.t
            .app
            .membership_remove(&beta_admin, beta_id, user)
            .await
            .unwrap();
        api.get(&format!("/v1/organizations/{beta}"))
            .bearer(&access)
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}

#[tokio::test]
async fn memberships_are_given_inside_reach_and_never_at_home_or_as_owner() {
    for api in apis().await {
        let user: UserId = person(&api, "candidate", "viewer").await.parse().unwrap();
        let home: OrganizationId = api.t.boot.organization_id;
        let (beta, beta_key) = other_tenant(&api, "Beta").await;
        let beta_id: OrganizationId = beta.parse().unwrap();
        let home_admin = actor(&api, api.key()).await;
        let beta_admin = actor(&api, &beta_key).await;
        // The home tenant's admin cannot reach Beta.
        let err = api
            .t
            .app
            .membership_put(&home_admin, beta_id, user, "viewer")
            .await
            .unwrap_err();
        assert!(
            matches!(err, tenantry_app::AppError::NotFound { .. }),
            "{err:?}"
        );
        let err = api
            .t
            .app
            .membership_put(&home_admin, home, user, "viewer")
            .await
            .unwrap_err();
        assert!(
            matches!(err, tenantry_app::AppError::Conflict(..)),
            "{err:?}"
        );
        let err = api
            .t
            .app
            .membership_put(&beta_admin, beta_id, user, "owner")
            .await
            .unwrap_err();
        assert!(
            matches!(err, tenantry_app::AppError::Unprocessable(..)),
            "{err:?}"
        );
        api.t
            .app
            .membership_put(&beta_admin, beta_id, user, "viewer")
            .await
            .unwrap();
        let trail = api
            .get("/v1/audit-logs?action=membership.created")
            .key(&beta_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(trail["pagination"]["total_items"], 1, "{trail}");
        // An API credential never gains a membership: the home admin's key still cannot
        // reach Beta, even though a user of its organization can.
        api.get(&format!("/v1/organizations/{beta}"))
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}

#[tokio::test]
async fn the_member_role_reads_everything_and_changes_nothing() {
    for api in apis().await {
        person(&api, "auditor", "member").await;
        let access = sign_in(&api, "auditor").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        for path in [
            "/v1/organizations/users",
            "/v1/audit-logs",
            "/v1/auth/client_credentials",
            "/v1/dns",
            "/v1/organizations",
        ] {
            api.get(path).bearer(&access).expect(StatusCode::OK).await;
        }
        let org = api.t.boot.organization_id;
        api.get(&format!("/v1/organizations/{org}/transactions"))
            .bearer(&access)
            .expect(StatusCode::OK)
            .await;
        api.post("/v1/dns", json!({"name": "nope.example"}))
            .bearer(&access)
            .expect(StatusCode::FORBIDDEN)
            .await;
        api.post("/v1/users", json!({"username": "nope-user"}))
            .bearer(&access)
            .expect(StatusCode::FORBIDDEN)
            .await;
    }
}

#[tokio::test]
async fn an_organization_created_without_users_is_owned_by_its_creator() {
    for api in apis().await {
        let org = api
            .post("/v1/organizations", json!({"name": "Ownerless"}))
            .expect(StatusCode::OK)
            .await;
        let id = org["organization_id"].as_str().unwrap();
        let listed = api
            .get("/v1/organizations/users")
            .header("x-organization-context", id)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(listed["pagination"]["total_items"], 1, "{listed}");
        let owner = &listed["results"][0];
        assert_eq!(owner["user_id"], api.t.boot.user_id.to_string());
        assert_eq!(owner["role"], "owner");
        assert_eq!(owner["membership"], true);
    }
}
