//! The operator's console: a sign-in with the operator key and a TOTP code (a wrong key or a
//! used code refused), an organization found by slug, its account topped up (a bad amount
//! named next to the field), signing out; a person's session does not reach it. And the
//! organization settings page.

use axum::http::StatusCode;

use crate::domains::balance;
use crate::sign_in::{PASSWORD, code_at, person, start_of_step};
use crate::support::apis;

use super::Browser;

#[tokio::test]
async fn the_operator_signs_in_with_key_and_code_and_tops_an_account_up() {
    for api in apis().await {
        let boot = &api.t.boot;
        let secret = boot.operator_totp_secret.clone();
        start_of_step(&api);
        let mut console = Browser::new(&api);
        let form = console.get("/operator").await;
        assert_eq!(form.status, StatusCode::SEE_OTHER);
        assert_eq!(form.location(), "/operator/sign-in");
        let form = console.get("/operator/sign-in").await;
        let csrf = form.field("csrf");
        let code = code_at(&api, &secret, 0);
        let wrong = console
            .post(
                "/operator/sign-in",
                &[("csrf", &csrf), ("key", &boot.api_key), ("code", &code)],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.html);
        let signed_in = console
            .post(
                "/operator/sign-in",
                &[
                    ("csrf", &csrf),
                    ("key", &boot.operator_api_key),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(
            signed_in.status,
            StatusCode::SEE_OTHER,
            "{}",
            signed_in.html
        );
        // Each code signs in once.
        let mut replay = Browser::new(&api);
        let replay_csrf = replay.get("/operator/sign-in").await.field("csrf");
        let replayed = replay
            .post(
                "/operator/sign-in",
                &[
                    ("csrf", &replay_csrf),
                    ("key", &boot.operator_api_key),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(
            replayed.status,
            StatusCode::UNAUTHORIZED,
            "{}",
            replayed.html
        );

        let org = boot.organization_id.to_string();
        let found = console.get(&format!("/operator?organization={org}")).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.html);
        assert!(found.html.contains("0.00 EUR"), "{}", found.html);
        let csrf = found.field("csrf");
        let credits = format!("/operator/orgs/{org}/credits");
        let bad = console
            .post(
                &credits,
                &[("csrf", &csrf), ("nonce", "first"), ("amount", "-5")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        assert!(bad.html.contains("id=\"amount-error\""), "{}", bad.html);
        let nonce = found.field("nonce");
        let form = [
            ("csrf", csrf.as_str()),
            ("nonce", nonce.as_str()),
            ("amount", "25.00"),
            ("reference", "wire-7"),
        ];
        let credited = console.post(&credits, &form).await;
        assert_eq!(credited.status, StatusCode::SEE_OTHER, "{}", credited.html);
        assert_eq!(balance(&api).await, "25.00");
        // The same form sent again (a double click): the same answer, credited once.
        let again = console.post(&credits, &form).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.html);
        assert_eq!(balance(&api).await, "25.00");
        let shown = console.get(credited.location()).await;
        assert!(shown.html.contains("25.00 EUR"), "{}", shown.html);
        let unknown = console.get("/operator?organization=no-such-org").await;
        assert!(unknown.html.contains("role=\"alert\""), "{}", unknown.html);

        // A person's session is no operator's.
        person(&api, "web.not-operator", "admin").await;
        let mut person_browser = Browser::new(&api);
        person_browser.sign_in("web.not-operator", PASSWORD).await;
        let refused = person_browser.get("/operator").await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER);
        assert_eq!(refused.location(), "/operator/sign-in");

        let out = console.post("/operator/sign-out", &[("csrf", &csrf)]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.html);
        let after = console.get("/operator").await;
        assert_eq!(after.location(), "/operator/sign-in");
    }
}

#[tokio::test]
async fn an_organizations_settings_are_shown_and_changed() {
    for api in apis().await {
        person(&api, "web.settings", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let path = format!("/orgs/{home}/settings");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.settings", PASSWORD).await;
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert_eq!(page.field("name"), "Reseller");
        let csrf = page.field("csrf");
        let bad = browser
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("name", "Reseller"),
                    ("country_code", "XX"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        assert!(
            bad.html.contains("id=\"country_code-error\""),
            "{}",
            bad.html
        );
        let saved = browser
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("name", "Reseller Renamed"),
                    ("city", "Berlin"),
                    ("country_code", "DE"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let org = api
            .get(&format!("/v1/organizations/{home}"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(org["name"], "Reseller Renamed", "{org}");
        assert_eq!(org["city"], "Berlin", "{org}");
        let again = browser.get(&format!("{path}?done=saved")).await;
        assert_eq!(again.field("city"), "Berlin");
    }
}
