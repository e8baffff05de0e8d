//! The pages of the mailed account links: a forgotten password asked for and set through the
//! link (the link works once), and an address confirmed by a button, not by the link alone.

use axum::http::StatusCode;
use serde_json::json;

use tenantry_app::sign_up::SignUpPolicy;

use crate::sign_in::{PASSWORD, person};
use crate::support::apis;

use super::Browser;

#[tokio::test]
async fn a_forgotten_password_is_set_again_through_the_mailed_link() {
    for api in apis().await {
        person(&api, "web.forgetful", "viewer").await;
        let mut browser = Browser::new(&api);
        let sign_in_page = browser.get("/sign-in").await;
        assert!(sign_in_page.html.contains("href=\"/forgot-password\""));
        let form = browser.get("/forgot-password").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.html);
        let csrf = form.field("csrf");
        let forged = browser
            .post(
                "/forgot-password",
                &[("csrf", "forged"), ("email", "x@y.example")],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // The same answer for an address without an account, and no mail.
        for email in ["nobody@people.example", "web.forgetful@people.example"] {
            let asked = browser
                .post("/forgot-password", &[("csrf", &csrf), ("email", email)])
                .await;
            assert_eq!(asked.status, StatusCode::OK, "{}", asked.html);
            assert!(asked.html.contains("If the address has an account"));
        }
        let tokens = crate::mailbox::links(&api, "/reset-password/").await;
        assert_eq!(tokens.len(), 1);
        let link = format!("/reset-password/{}", tokens[0]);
        let page = browser.get(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        let weak = browser
            .post(&link, &[("csrf", &csrf), ("password", "short")])
            .await;
        assert_eq!(
            weak.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            weak.html
        );
        assert!(weak.html.contains("id=\"password-error\""), "{}", weak.html);
        let set = browser
            .post(
                &link,
                &[("csrf", &csrf), ("password", "a-brand-new-phrase-9")],
            )
            .await;
        assert_eq!(set.location(), "/sign-in?reset=1", "{}", set.html);
        assert!(
            browser
                .get("/sign-in?reset=1")
                .await
                .html
                .contains("Your password is set")
        );
        let used = browser
            .post(&link, &[("csrf", &csrf), ("password", "another-phrase-10")])
            .await;
        assert_eq!(used.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(used.html.contains("ask for a new one"), "{}", used.html);
        let signed_in = browser
            .sign_in("web.forgetful", "a-brand-new-phrase-9")
            .await;
        assert_eq!(
            signed_in.status,
            StatusCode::SEE_OTHER,
            "{}",
            signed_in.html
        );
    }
}

#[tokio::test]
async fn an_address_is_confirmed_by_the_link_s_button() {
    for api in apis().await {
        let api = crate::sign_up::with_policy(api, SignUpPolicy::Open);
        api.post(
            "/api/v1/auth/signup",
            json!({"email": "new@confirm.example", "password": PASSWORD, "name": "New One"}),
        )
        .anonymous()
        .expect(StatusCode::ACCEPTED)
        .await;
        let tokens = crate::mailbox::links(&api, "/verify-email/").await;
        let link = format!("/verify-email/{}", tokens[0]);
        let mut browser = Browser::new(&api);
        // Opening the link confirms nothing (a mail scanner follows links too): the button does.
        let page = browser.get(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains("Confirm my address"));
        let confirmed = browser.post(&link, &[("csrf", &page.field("csrf"))]).await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.html);
        assert!(confirmed.html.contains("Your address is confirmed"));
        let used = browser.post(&link, &[("csrf", &page.field("csrf"))]).await;
        assert_eq!(
            used.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            used.html
        );
        assert!(used.html.contains("class=\"error\""));
    }
}
