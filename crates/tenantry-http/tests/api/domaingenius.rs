//! The DomainGenius dialect under `/api/v1`: people found organizations with slugs, switch
//! between them, rename them; slugs are unique on the platform; errors have one shape.

use axum::http::{Method, StatusCode};
use futures::future::join_all;
use serde_json::{Value, json};

use crate::sign_in::{person, sign_in};
use crate::support::{Api, apis, suborg};

/// A person of the bootstrap organization, signed in; returns their access token.
async fn signed_in(api: &Api, username: &str, role: &str) -> String {
    person(api, username, role).await;
    sign_in(api, username).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn found<'a>(api: &'a Api, token: &str, body: Value) -> crate::support::Call<'a> {
    api.post("/api/v1/orgs", body).bearer(token)
}

fn slugs(list: &Value) -> Vec<&str> {
    list["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_person_founds_an_organization_switches_to_it_and_renames_it() {
    for api in apis().await {
        let token = signed_in(&api, "founder", "member").await;
        let acme = found(&api, &token, json!({"name": "Acme", "slug": "Acme"}))
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(
            (
                acme["slug"].as_str(),
                acme["name"].as_str(),
                acme["role"].as_str()
            ),
            (Some("acme"), Some("Acme"), Some("owner"))
        );
        assert_eq!(acme["parent_oid"], Value::Null);
        let oid = acme["oid"].as_str().unwrap().to_owned();

        // The switcher lists it beside the home organization.
        let list = api
            .get("/api/v1/orgs")
            .bearer(&token)
            .expect(StatusCode::OK)
            .await;
        let entry = list["orgs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["oid"] == oid.as_str())
            .cloned()
            .unwrap();
        assert_eq!(
            (entry["role"].as_str(), entry["access"].as_str()),
            (Some("owner"), Some("membership"))
        );
        assert!(slugs(&list).contains(&"reseller"), "{list}");

        // By TypeID or by slug, in any case.
        for reference in [oid.as_str(), "acme", "ACME"] {
            let read = api
                .get(&format!("/api/v1/orgs/{reference}"))
                .bearer(&token)
                .expect(StatusCode::OK)
                .await;
            assert_eq!(read["oid"], oid.as_str(), "{reference}");
        }

        // It has its own billing account, empty.
        let billing = api
            .get(&format!("/v1/organizations/{oid}"))
            .bearer(&token)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(billing["account_balance"], "0.00", "{billing}");

        // Name and slug are editable; the old slug names nothing any more.
        let renamed = api
            .patch(
                "/api/v1/orgs/acme",
                json!({"name": "Acme Pty Ltd", "slug": "acme-au"}),
            )
            .bearer(&token)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (renamed["name"].as_str(), renamed["slug"].as_str()),
            (Some("Acme Pty Ltd"), Some("acme-au"))
        );
        api.get("/api/v1/orgs/acme-au")
            .bearer(&token)
            .expect(StatusCode::OK)
            .await;
        let gone = api
            .get("/api/v1/orgs/acme")
            .bearer(&token)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(gone["error"]["code"], "ERROR_ORGANIZATION_NOT_FOUND");

        // Both changes are in the new organization's audit trail.
        let audit = api
            .get("/api/v1/orgs/acme-au/audit-logs")
            .bearer(&token)
            .expect(StatusCode::OK)
            .await;
        let mut actions: Vec<&str> = audit["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        actions.sort();
        assert_eq!(
            actions,
            [
                "membership.created",
                "organization.created",
                "organization.updated"
            ]
        );
    }
}

#[tokio::test]
async fn slugs_are_unique_checked_and_suggested() {
    for api in apis().await {
        let token = signed_in(&api, "slugger", "member").await;
        let check = |slug: &str| {
            api.get(&format!("/api/v1/orgs/check-slug?slug={slug}"))
                .bearer(&token)
        };
        assert_eq!(
            check("acme").expect(StatusCode::OK).await,
            json!({"slug": "acme", "available": true, "reason": null, "suggestion": null})
        );
        found(&api, &token, json!({"name": "Acme", "slug": "acme"}))
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(
            check("ACME").expect(StatusCode::OK).await,
            json!({"slug": "acme", "available": false, "reason": "taken", "suggestion": "acme-2"})
        );
        let reserved = check("api").expect(StatusCode::OK).await;
        assert_eq!(
            (reserved["reason"].as_str(), reserved["suggestion"].as_str()),
            (Some("reserved"), Some("api-org"))
        );
        let invalid = check("-x").expect(StatusCode::OK).await;
        assert!(
            invalid["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("invalid: ")),
            "{invalid}"
        );
        assert_eq!(invalid["available"], false);
        let missing = api
            .get("/api/v1/orgs/check-slug")
            .bearer(&token)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(missing["error"]["code"], "ERROR_VALIDATION");

        // A taken slug is refused in this dialect's shape; without a slug one is made from
        // the name, numbered when taken.
        let taken = found(&api, &token, json!({"name": "Other", "slug": "acme"}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(
            (
                taken["error"]["code"].as_str(),
                taken["error"]["status"].as_u64()
            ),
            (Some("ERROR_SLUG_TAKEN"), Some(409))
        );
        let derived = found(&api, &token, json!({"name": "Acme"}))
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(derived["slug"], "acme-2");
        let bad = found(&api, &token, json!({"name": "", "slug": "x"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        let fields: Vec<&str> = bad["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["body.name", "body.slug"]);
        assert_eq!(bad["error"]["code"], "ERROR_VALIDATION");

        // A suborganization made through the OpusDNS API gets a slug from its name.
        let (child, _) = suborg(&api, "Acme").await;
        let child = api
            .get(&format!("/api/v1/orgs/{child}"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(child["slug"], "acme-3");
    }
}

#[tokio::test]
async fn two_concurrent_foundings_with_one_slug_make_one_organization() {
    for api in apis().await {
        let first = signed_in(&api, "racer-one", "member").await;
        let second = signed_in(&api, "racer-two", "member").await;
        let answers = join_all(
            [&first, &second]
                .map(|token| found(&api, token, json!({"name": "Race", "slug": "race"})).send()),
        )
        .await;
        let mut statuses: Vec<StatusCode> = answers.iter().map(|(s, _)| *s).collect();
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::CREATED, StatusCode::CONFLICT],
            "{answers:?} on {:?}",
            api.engine()
        );
    }
}

#[tokio::test]
async fn organizations_are_reached_only_as_the_roles_allow() {
    for api in apis().await {
        let owner = signed_in(&api, "owner-person", "member").await;
        let stranger = signed_in(&api, "stranger-person", "member").await;
        found(&api, &owner, json!({"name": "Private", "slug": "private"}))
            .expect(StatusCode::CREATED)
            .await;
        // Another person, owner of an organization of their own, neither reads nor renames
        // it: it is not found.
        found(&api, &stranger, json!({"name": "Elsewhere"}))
            .expect(StatusCode::CREATED)
            .await;
        for call in [
            api.get("/api/v1/orgs/private"),
            api.patch("/api/v1/orgs/private", json!({"name": "Mine"})),
        ] {
            let refused = call.bearer(&stranger).expect(StatusCode::NOT_FOUND).await;
            assert_eq!(refused["error"]["code"], "ERROR_ORGANIZATION_NOT_FOUND");
        }
        // A member of the home organization cannot rename it, owner as they are elsewhere.
        let home = api.t.boot.organization_id.to_string();
        let refused = api
            .patch(&format!("/api/v1/orgs/{home}"), json!({"name": "Renamed"}))
            .bearer(&stranger)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_PERMISSION_DENIED");
        // An API key has no person to own an organization.
        let refused = api
            .post("/api/v1/orgs", json!({"name": "Keyed"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_NOT_A_SESSION");
        // Without a credential, the refusal has this dialect's shape too.
        let anonymous = api
            .call(Method::GET, "/api/v1/orgs")
            .anonymous()
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        assert_eq!(anonymous["error"]["code"], "ERROR_AUTHENTICATION");
    }
}

/// Test set-up only: the API never makes a second owner (an ownership transfer makes the
/// sender an admin), so the tests that need two write one straight to the store.
struct SetUp(tenantry_core::OrganizationId);

impl tenantry_core::Proof for SetUp {
    fn organization_id(&self) -> tenantry_core::OrganizationId {
        self.0
    }

    fn permission(&self) -> tenantry_core::Permission {
        tenantry_core::perms::USERS_MANAGE
    }
}

pub(crate) async fn join(api: &Api, org: &str, user: &str, role: &str) {
    let mut tx = api.t.app.db().begin().await.unwrap();
    tenantry_store::memberships::put(
        &mut tx,
        &SetUp(org.parse().unwrap()),
        user.parse().unwrap(),
        role,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

pub(crate) fn member_roles(list: &Value) -> Vec<(String, String)> {
    let mut roles: Vec<(String, String)> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["username"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    roles.sort();
    roles
}

#[tokio::test]
async fn members_change_roles_leave_and_an_organization_keeps_an_owner() {
    for api in apis().await {
        let owner = signed_in(&api, "team-owner", "member").await;
        let mate = person(&api, "team-mate", "member").await;
        let founded = found(&api, &owner, json!({"name": "Team", "slug": "team"}))
            .expect(StatusCode::CREATED)
            .await;
        let org = founded["oid"].as_str().unwrap().to_owned();
        api.t
            .app
            .membership_put(
                &api.t
                    .app
                    .authenticate(&owner, tenantry_app::RequestMeta::default())
                    .await
                    .unwrap(),
                org.parse().unwrap(),
                mate.parse().unwrap(),
                "member",
            )
            .await
            .unwrap();
        let mate_token = sign_in(&api, "team-mate").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();

        let list = api
            .get("/api/v1/orgs/team/members")
            .bearer(&mate_token)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            member_roles(&list),
            [
                ("team-mate".to_owned(), "member".to_owned()),
                ("team-owner".to_owned(), "owner".to_owned())
            ]
        );
        assert!(
            list["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["access"] == "membership")
        );

        // A member changes nothing; the owner makes them admin.
        let mate_path = format!("/api/v1/orgs/team/members/{mate}");
        let refused = api
            .patch(&mate_path, json!({"role": "admin"}))
            .bearer(&mate_token)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_PERMISSION_DENIED");
        api.patch(&mate_path, json!({"role": "admin"}))
            .bearer(&owner)
            .expect(StatusCode::NO_CONTENT)
            .await;
        // Ownership does not pass by a role change.
        let refused = api
            .patch(&mate_path, json!({"role": "owner"}))
            .bearer(&owner)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_ROLE_NOT_ASSIGNABLE");

        // The only owner can neither step down nor leave.
        let owner_id = api
            .get("/v1/users/me")
            .bearer(&owner)
            .expect(StatusCode::OK)
            .await["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let owner_path = format!("/api/v1/orgs/{org}/members/{owner_id}");
        for call in [
            api.patch(&owner_path, json!({"role": "admin"})),
            api.call(Method::DELETE, &owner_path),
        ] {
            let refused = call.bearer(&owner).expect(StatusCode::CONFLICT).await;
            assert_eq!(refused["error"]["code"], "ERROR_LAST_OWNER");
        }
        // An admin does not touch an owner.
        let refused = api
            .call(Method::DELETE, &owner_path)
            .bearer(&mate_token)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_OWNER_ONLY");

        // A member leaves on their own.
        api.call(Method::DELETE, &mate_path)
            .bearer(&mate_token)
            .expect(StatusCode::NO_CONTENT)
            .await;
        let list = api
            .get("/api/v1/orgs/team/members")
            .bearer(&owner)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            member_roles(&list),
            [("team-owner".to_owned(), "owner".to_owned())]
        );
        api.get("/api/v1/orgs/team")
            .bearer(&mate_token)
            .expect(StatusCode::NOT_FOUND)
            .await;

        // A user at home in an organization is removed through the users API.
        let home = api.t.boot.organization_id;
        let at_home = person(&api, "at-home", "viewer").await;
        let refused = api
            .call(
                Method::DELETE,
                &format!("/api/v1/orgs/{home}/members/{at_home}"),
            )
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_HOME_ORGANIZATION");
    }
}

#[tokio::test]
async fn two_owners_stepping_down_at_once_leave_one() {
    for api in apis().await {
        let first = signed_in(&api, "owner-a", "member").await;
        let second_id = person(&api, "owner-b", "member").await;
        let founded = found(&api, &first, json!({"name": "Duo", "slug": "duo"}))
            .expect(StatusCode::CREATED)
            .await;
        let org = founded["oid"].as_str().unwrap().to_owned();
        join(&api, &org, &second_id, "owner").await;
        let second = sign_in(&api, "owner-b").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let first_id = api
            .get("/v1/users/me")
            .bearer(&first)
            .expect(StatusCode::OK)
            .await["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        // Each demotes the other, at once.
        let calls = [(&first, &second_id), (&second, &first_id)].map(|(token, other)| {
            api.patch(
                &format!("/api/v1/orgs/duo/members/{other}"),
                json!({"role": "admin"}),
            )
            .bearer(token)
            .send()
        });
        let answers = join_all(calls).await;
        // One wins; the other finds it would leave no owner (409), or, when it starts after
        // the first ended, that its caller is no owner any more (403).
        let mut statuses: Vec<StatusCode> = answers.iter().map(|(s, _)| *s).collect();
        statuses.sort();
        assert_eq!(statuses[0], StatusCode::NO_CONTENT, "{answers:?}");
        assert!(
            [StatusCode::FORBIDDEN, StatusCode::CONFLICT].contains(&statuses[1]),
            "{answers:?} on {:?}",
            api.engine()
        );
        let list = api
            .get("/api/v1/orgs/duo/members")
            .bearer(&first)
            .expect(StatusCode::OK)
            .await;
        let owners = member_roles(&list)
            .into_iter()
            .filter(|(_, role)| role == "owner")
            .count();
        assert_eq!(owners, 1);
    }
}

#[tokio::test]
async fn a_role_change_never_pulls_someone_else_s_user_into_an_organization() {
    for api in apis().await {
        let founder = signed_in(&api, "puller", "member").await;
        found(&api, &founder, json!({"name": "Pull", "slug": "pull"}))
            .expect(StatusCode::CREATED)
            .await;
        let (_, other_key) = crate::support::other_tenant(&api, "Victim").await;
        let victim = api
            .get("/v1/organizations/users")
            .key(&other_key)
            .expect(StatusCode::OK)
            .await["results"][0]["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let bystander = person(&api, "bystander-x", "viewer").await;
        // Someone else's user, another tenant's or this one's, is not found: people join by
        // accepting an invitation.
        for user in [&victim, &bystander] {
            let refused = api
                .patch(
                    &format!("/api/v1/orgs/pull/members/{user}"),
                    json!({"role": "viewer"}),
                )
                .bearer(&founder)
                .expect(StatusCode::NOT_FOUND)
                .await;
            assert_eq!(
                refused["error"]["code"], "ERROR_USER_NOT_FOUND",
                "{refused}"
            );
        }
        let list = api
            .get("/api/v1/orgs/pull/members")
            .bearer(&founder)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            member_roles(&list),
            [("puller".to_owned(), "owner".to_owned())]
        );
    }
}
