//! Two-factor enrolment from the account page (the seed shown once as a QR code and as text,
//! a wrong code asked again, the recovery codes shown once, turned off with a recovery code),
//! and the networks an organization's credentials work from.

use axum::http::StatusCode;

use crate::sign_in::{PASSWORD, code_at, person, start_of_step};
use crate::support::apis;

use super::Browser;

/// The text between `start` and the next `<` in `html`.
fn text_after<'a>(html: &'a str, start: &str) -> &'a str {
    let at = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {html}"))
        + start.len();
    &html[at..at + html[at..].find('<').unwrap()]
}

#[tokio::test]
async fn two_factor_sign_in_is_turned_on_with_a_qr_code_and_off_with_a_recovery_code() {
    for api in apis().await {
        person(&api, "web.totp", "viewer").await;
        let mut browser = Browser::new(&api);
        browser.sign_in("web.totp", PASSWORD).await;
        let account = browser.get("/account").await;
        assert!(
            account.html.contains("Set up two-factor sign-in"),
            "{}",
            account.html
        );
        let csrf = account.field("csrf");

        let wrong = browser
            .post(
                "/account/totp",
                &[("csrf", &csrf), ("password", "not-the-password")],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{}", wrong.html);
        assert!(wrong.html.contains("role=\"alert\""), "{}", wrong.html);

        start_of_step(&api);
        let scan = browser
            .post("/account/totp", &[("csrf", &csrf), ("password", PASSWORD)])
            .await;
        assert_eq!(scan.status, StatusCode::OK, "{}", scan.html);
        assert!(
            scan.html.contains("src=\"data:image/svg+xml;base64,"),
            "{}",
            scan.html
        );
        let secret = text_after(&scan.html, "id=\"totp-secret\">").to_owned();
        assert!(secret.len() >= 16, "{secret}");

        let retry = browser
            .post(
                "/account/totp/confirm",
                &[("csrf", &csrf), ("code", "000000")],
            )
            .await;
        assert_eq!(retry.status, StatusCode::FORBIDDEN, "{}", retry.html);
        assert!(retry.html.contains("Confirm and turn on"), "{}", retry.html);
        assert!(!retry.html.contains(&secret), "the seed is shown once");

        let code = code_at(&api, &secret, 0);
        let done = browser
            .post("/account/totp/confirm", &[("csrf", &csrf), ("code", &code)])
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.html);
        let codes: Vec<&str> = done
            .html
            .match_indices("<li class=\"code\">")
            .map(|(at, start)| text_after(&done.html[at..], start))
            .collect();
        assert_eq!(codes.len(), 10, "{}", done.html);

        // This session stays; the account says so, and shows neither seed nor codes.
        let on = browser.get("/account").await;
        assert_eq!(on.status, StatusCode::OK, "{}", on.html);
        assert_eq!(text_after(&on.html, "id=\"recovery-left\">"), "10");
        assert!(!on.html.contains(&secret) && !on.html.contains(codes[0]));

        let off = browser
            .post(
                "/account/totp/disable",
                &[("csrf", &csrf), ("password", PASSWORD), ("code", codes[0])],
            )
            .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.html);
        let account = browser.get("/account?done=totp-off").await;
        assert!(
            account.html.contains("Set up two-factor sign-in"),
            "{}",
            account.html
        );
    }
}

#[tokio::test]
async fn the_networks_credentials_work_from_are_added_and_removed() {
    for api in apis().await {
        person(&api, "web.networks", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let page_path = format!("/orgs/{home}/ip-restrictions");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.networks", PASSWORD).await;
        let page = browser.get(&page_path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("No rule"), "{}", page.html);
        let csrf = page.field("csrf");

        let bad = browser
            .post(
                &page_path,
                &[("csrf", &csrf), ("ip_network", "300.0.0.0/8")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        assert!(bad.html.contains("id=\"ip_network-error\""), "{}", bad.html);

        // The whole address space keeps every caller of these tests in.
        let added = browser
            .post(&page_path, &[("csrf", &csrf), ("ip_network", "0.0.0.0/0")])
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.html);
        let rules = api
            .get("/v1/organizations/ip-restrictions")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(rules[0]["ip_network"], "0.0.0.0/0", "{rules}");
        let id = rules[0]["ip_restriction_id"].to_string();
        let again = browser
            .post(&page_path, &[("csrf", &csrf), ("ip_network", "0.0.0.0/0")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.html);

        let removed = browser
            .post(&format!("{page_path}/{id}/delete"), &[("csrf", &csrf)])
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.html);
        let rules = api
            .get("/v1/organizations/ip-restrictions")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(rules, serde_json::json!([]));
    }
}
