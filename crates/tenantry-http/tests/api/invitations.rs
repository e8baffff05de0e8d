//! Invitations by email (DomainGenius): invite, list, resend, revoke; accept signed in, or
//! sign up through the link; every wrong acceptance answers a clear error.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::sign_in::{PASSWORD, person, sign_in, sign_in_with};
use crate::support::{Api, apis};

/// The invitation links' tokens mailed since the last delivery, oldest first.
async fn mailed_tokens(api: &Api) -> Vec<String> {
    crate::mailbox::links(api, "/invitations/").await
}

async fn token_of(api: &Api, username: &str) -> String {
    sign_in(api, username).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn accept<'a>(api: &'a Api, token: &str) -> crate::support::Call<'a> {
    api.call(Method::POST, &format!("/api/v1/invitations/{token}/accept"))
        .anonymous()
}

fn statuses(list: &Value) -> Vec<(String, String)> {
    list["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["email"].as_str().unwrap().to_owned(),
                i["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_invited_person_with_an_account_joins_by_the_link() {
    for api in apis().await {
        person(&api, "crew-owner", "member").await;
        person(&api, "joiner", "member").await;
        person(&api, "bystander", "member").await;
        let owner = token_of(&api, "crew-owner").await;
        api.post("/api/v1/orgs", json!({"name": "Crew", "slug": "crew"}))
            .bearer(&owner)
            .expect(StatusCode::CREATED)
            .await;
        let invited = api
            .post(
                "/api/v1/orgs/crew/members",
                json!({"email": "Joiner@People.example", "role": "admin"}),
            )
            .bearer(&owner)
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(
            (
                invited["email"].as_str(),
                invited["role"].as_str(),
                invited["status"].as_str()
            ),
            (
                Some("joiner@people.example"),
                Some("admin"),
                Some("pending")
            )
        );
        let again = api
            .post(
                "/api/v1/orgs/crew/members",
                json!({"email": "joiner@people.example", "role": "member"}),
            )
            .bearer(&owner)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(again["error"]["code"], "ERROR_INVITATION_EXISTS");
        let tokens = mailed_tokens(&api).await;
        assert_eq!(tokens.len(), 1);
        let link = &tokens[0];

        // Someone else, signed in, cannot take it; without a credential, a sign-up needs a
        // name and a password, and this address has an account already.
        let bystander = token_of(&api, "bystander").await;
        let refused = accept(&api, link)
            .bearer(&bystander)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(
            refused["error"]["code"],
            "ERROR_INVITATION_FOR_ANOTHER_ADDRESS"
        );
        let refused = accept(&api, link)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_VALIDATION");
        let refused = accept(&api, link)
            .json(json!({"name": "Joiner", "password": "another-long-phrase-5"}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_ACCOUNT_EXISTS");

        let joiner = token_of(&api, "joiner").await;
        let joined = accept(&api, link)
            .bearer(&joiner)
            .expect(StatusCode::OK)
            .await;
        let org = joined["org_oid"].as_str().unwrap().to_owned();
        let read = api
            .get("/api/v1/orgs/crew")
            .bearer(&joiner)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (read["oid"].as_str(), read["role"].as_str()),
            (Some(org.as_str()), Some("admin"))
        );
        let refused = accept(&api, link)
            .bearer(&joiner)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_INVITATION_ACCEPTED");
        let list = api
            .get("/api/v1/orgs/crew/invitations")
            .bearer(&owner)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            statuses(&list),
            [("joiner@people.example".to_owned(), "accepted".to_owned())]
        );
        // A member already is not invited again.
        let refused = api
            .post(
                "/api/v1/orgs/crew/members",
                json!({"email": "joiner@people.example", "role": "member"}),
            )
            .bearer(&owner)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_MEMBERSHIP_EXISTS");
        // Someone who manages no people anywhere invites nobody.
        let refused = api
            .post(
                "/api/v1/orgs/crew/members",
                json!({"email": "x@people.example", "role": "member"}),
            )
            .bearer(&bystander)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_PERMISSION_DENIED");
    }
}

#[tokio::test]
async fn an_unknown_address_signs_up_through_the_link_and_links_expire_resend_and_revoke() {
    for api in apis().await {
        person(&api, "host", "member").await;
        let host = token_of(&api, "host").await;
        api.post("/api/v1/orgs", json!({"name": "Hosts", "slug": "hosts"}))
            .bearer(&host)
            .expect(StatusCode::CREATED)
            .await;
        let invite = |email: &str| {
            api.post(
                "/api/v1/orgs/hosts/members",
                json!({"email": email, "role": "member"}),
            )
            .bearer(&host)
        };
        let first = invite("newcomer@people.example")
            .expect(StatusCode::CREATED)
            .await;
        let old_link = mailed_tokens(&api).await.remove(0);

        // A resend makes a new link; the old one stops working.
        let path = format!(
            "/api/v1/orgs/hosts/invitations/{}/resend",
            first["invitation_oid"].as_str().unwrap()
        );
        api.post(&path, json!({}))
            .bearer(&host)
            .expect(StatusCode::OK)
            .await;
        let link = mailed_tokens(&api).await.remove(0);
        assert_ne!(link, old_link);
        let refused = accept(&api, &old_link)
            .json(json!({"name": "New Comer", "password": "newcomers-long-phrase-3"}))
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_INVITATION_NOT_FOUND");
        let weak = accept(&api, &link)
            .json(json!({"name": "New Comer", "password": "password"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(weak["error"]["code"], "ERROR_VALIDATION");
        accept(&api, &link)
            .json(json!({"name": "New Comer", "password": "newcomers-long-phrase-3"}))
            .expect(StatusCode::OK)
            .await;
        // Signed up: their own organization, and a member of the inviting one.
        let newcomer = sign_in_with(&api, "newcomer@people.example", "newcomers-long-phrase-3")
            .await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let orgs = api
            .get("/api/v1/orgs")
            .bearer(&newcomer)
            .expect(StatusCode::OK)
            .await;
        let mut held: Vec<(String, String)> = orgs["orgs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["slug"].as_str().unwrap().to_owned(),
                    o["role"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        held.sort();
        assert_eq!(
            held,
            [
                ("hosts".to_owned(), "member".to_owned()),
                ("new-comer".to_owned(), "owner".to_owned())
            ]
        );

        // Revoked and expired links say so; an expired one can be sent again.
        let revoked = invite("revoked@people.example")
            .expect(StatusCode::CREATED)
            .await;
        let revoked_link = mailed_tokens(&api).await.remove(0);
        api.call(
            Method::DELETE,
            &format!(
                "/api/v1/orgs/hosts/invitations/{}",
                revoked["invitation_oid"].as_str().unwrap()
            ),
        )
        .bearer(&host)
        .expect(StatusCode::NO_CONTENT)
        .await;
        let refused = accept(&api, &revoked_link)
            .json(json!({"name": "Too Late", "password": "too-late-long-phrase-1"}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_INVITATION_REVOKED");
        let late = invite("late@people.example")
            .expect(StatusCode::CREATED)
            .await;
        let late_link = mailed_tokens(&api).await.remove(0);
        api.t.clock.advance(time::Duration::days(8));
        let refused = accept(&api, &late_link)
            .json(json!({"name": "Late", "password": "late-long-phrase-4"}))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_INVITATION_EXPIRED");
        // The host's session is older than an hour now: they sign in again.
        let host = sign_in_with(&api, "host", PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let expired = api
            .get("/api/v1/orgs/hosts/invitations?status=expired")
            .bearer(&host)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            statuses(&expired),
            [("late@people.example".to_owned(), "expired".to_owned())]
        );
        api.post(
            &format!(
                "/api/v1/orgs/hosts/invitations/{}/resend",
                late["invitation_oid"].as_str().unwrap()
            ),
            json!({}),
        )
        .bearer(&host)
        .expect(StatusCode::OK)
        .await;
        let fresh = mailed_tokens(&api).await.remove(0);
        accept(&api, &fresh)
            .json(json!({"name": "Late", "password": "late-long-phrase-4"}))
            .expect(StatusCode::OK)
            .await;
    }
}
