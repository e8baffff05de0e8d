//! The danger zone from the dashboard: an owner offers the ownership, the heir accepts it
//! through the mailed link's page in a second session; an organization is deleted only with
//! its name typed again; and the open sign-up page, under each policy.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantry_app::sign_up::SignUpPolicy;

use crate::mailbox;
use crate::sign_in::{PASSWORD, person, sign_in_with};
use crate::sign_up::with_policy;
use crate::support::apis;

use super::Browser;

async fn session(api: &crate::support::Api, login: &str) -> String {
    sign_in_with(api, login, PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_owner_passes_the_ownership_through_the_mailed_link_page() {
    for api in apis().await {
        person(&api, "web.founder", "viewer").await;
        person(&api, "web.heir", "viewer").await;
        let founder_token = session(&api, "web.founder").await;
        let home = api
            .post(
                "/api/v1/orgs",
                json!({"name": "Heirloom", "slug": "heirloom"}),
            )
            .bearer(&founder_token)
            .expect(StatusCode::CREATED)
            .await["oid"]
            .as_str()
            .unwrap()
            .to_owned();
        api.post(
            "/api/v1/orgs/heirloom/members",
            json!({"email": "web.heir@people.example", "role": "admin"}),
        )
        .bearer(&founder_token)
        .expect(StatusCode::CREATED)
        .await;
        let invitation = mailbox::links(&api, "/invitations/").await.remove(0);
        api.call(
            Method::POST,
            &format!("/api/v1/invitations/{invitation}/accept"),
        )
        .bearer(&session(&api, "web.heir").await)
        .expect(StatusCode::OK)
        .await;
        let zone = format!("/orgs/{home}/danger-zone");
        let mut founder = Browser::new(&api);
        founder.sign_in("web.founder", PASSWORD).await;
        let page = founder.get(&zone).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains(">Danger zone</a>"), "{}", page.html);
        let csrf = page.field("csrf");

        let bad = founder
            .post(
                &format!("{zone}/ownership"),
                &[("csrf", &csrf), ("email", "not an address")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        assert!(bad.html.contains("id=\"email-error\""), "{}", bad.html);
        let offered = founder
            .post(
                &format!("{zone}/ownership"),
                &[("csrf", &csrf), ("email", "web.heir@people.example")],
            )
            .await;
        assert_eq!(offered.status, StatusCode::SEE_OTHER, "{}", offered.html);
        let open = founder.get(&format!("{zone}?done=offered")).await;
        assert!(open.html.contains("id=\"open-offer\""), "{}", open.html);
        let link = mailbox::links(&api, "/ownership-transfers/")
            .await
            .remove(0);

        // Signed out, the link's page says to sign in; signed in as the heir, it accepts.
        let mut heir = Browser::new(&api);
        let signed_out = heir.get(&format!("/ownership-transfers/{link}")).await;
        assert_eq!(signed_out.status, StatusCode::OK, "{}", signed_out.html);
        assert!(
            signed_out.html.contains("href=\"/sign-in\""),
            "{}",
            signed_out.html
        );
        heir.sign_in("web.heir", PASSWORD).await;
        let offer = heir.get(&format!("/ownership-transfers/{link}")).await;
        assert!(
            offer.html.contains("Accept the ownership"),
            "{}",
            offer.html
        );
        let accepted = heir
            .post(
                &format!("/ownership-transfers/{link}"),
                &[("csrf", &offer.field("csrf"))],
            )
            .await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.html);
        assert_eq!(accepted.location(), format!("/orgs/{home}"));
        let roles = api
            .get("/api/v1/orgs/heirloom/members")
            .bearer(&founder_token)
            .expect(StatusCode::OK)
            .await;
        let heir_now = roles.to_string();
        assert!(heir_now.contains("\"owner\""), "{heir_now}");
        // The link worked once.
        let again = heir
            .post(
                &format!("/ownership-transfers/{link}"),
                &[("csrf", &offer.field("csrf"))],
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.html);
    }
}

#[tokio::test]
async fn an_organization_is_deleted_only_with_its_name_typed_again() {
    for api in apis().await {
        person(&api, "web.leaver", "viewer").await;
        let token = session(&api, "web.leaver").await;
        let org = api
            .post(
                "/api/v1/orgs",
                json!({"name": "Short Lived", "slug": "short-lived"}),
            )
            .bearer(&token)
            .expect(StatusCode::CREATED)
            .await["oid"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut browser = Browser::new(&api);
        browser.sign_in("web.leaver", PASSWORD).await;
        let zone = format!("/orgs/{org}/danger-zone");
        // The address DomainGenius's documentation gives leads to the home organization's.
        let documented = browser.get("/dashboard/settings/danger-zone").await;
        assert_eq!(documented.status, StatusCode::SEE_OTHER);
        let home_zone = format!("/orgs/{}/danger-zone", api.t.boot.organization_id);
        assert_eq!(documented.location(), home_zone);
        let page = browser.get(&zone).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        let csrf = page.field("csrf");
        let wrong = browser
            .post(
                &format!("{zone}/delete"),
                &[("csrf", &csrf), ("confirm_name", "Short")],
            )
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            wrong.html
        );
        assert!(
            wrong.html.contains("id=\"confirm_name-error\""),
            "{}",
            wrong.html
        );
        let deleted = browser
            .post(
                &format!("{zone}/delete"),
                &[("csrf", &csrf), ("confirm_name", "Short Lived")],
            )
            .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.html);
        let gone = browser.get(&format!("/orgs/{org}")).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.html);
        // Not an owner of the bootstrap organization: its danger zone refuses.
        let home = api.t.boot.organization_id.to_string();
        let refused = browser
            .post(
                &format!("/orgs/{home}/danger-zone/delete"),
                &[("csrf", &csrf), ("confirm_name", "Reseller")],
            )
            .await;
        assert!(refused.status.is_client_error(), "{}", refused.html);
        api.get(&format!("/v1/organizations/{home}"))
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn the_sign_up_page_makes_an_account_only_where_anyone_may() {
    for api in apis().await {
        let mut closed = Browser::new(&api);
        let page = closed.get("/sign-up").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.html);
        assert!(page.html.contains("by invitation only"), "{}", page.html);
        let sign_in = closed.get("/sign-in").await;
        assert!(
            !sign_in.html.contains("href=\"/sign-up\""),
            "{}",
            sign_in.html
        );

        let api = with_policy(api, SignUpPolicy::Open);
        let mut browser = Browser::new(&api);
        let sign_in = browser.get("/sign-in").await;
        assert!(
            sign_in.html.contains("href=\"/sign-up\""),
            "{}",
            sign_in.html
        );
        let page = browser.get("/sign-up").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        let csrf = page.field("csrf");
        let weak = browser
            .post(
                "/sign-up",
                &[
                    ("csrf", &csrf),
                    ("name", "Sol Signup"),
                    ("email", "sol@signup.example"),
                    ("password", "short"),
                ],
            )
            .await;
        assert_eq!(
            weak.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            weak.html
        );
        assert!(weak.html.contains("id=\"password-error\""), "{}", weak.html);
        assert!(weak.html.contains("sol@signup.example"), "{}", weak.html);
        let made = browser
            .post(
                "/sign-up",
                &[
                    ("csrf", &csrf),
                    ("name", "Sol Signup"),
                    ("email", "sol@signup.example"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
        assert_eq!(made.location(), "/sign-in?signed-up=1");
        let signed_in = browser.sign_in("sol@signup.example", PASSWORD).await;
        assert_eq!(
            signed_in.status,
            StatusCode::SEE_OTHER,
            "{}",
            signed_in.html
        );
    }
}
