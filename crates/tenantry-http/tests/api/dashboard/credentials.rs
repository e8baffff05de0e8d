//! The credentials page: issuing shows the secrets exactly once (never after a reload, never
//! to another session), the key works, rotation shows the successor's once, revocation ends
//! it; the API's refusals next to their fields; another tenant's credential is not found.

use axum::http::StatusCode;

use crate::sign_in::{PASSWORD, person};
use crate::support::{apis, other_tenant, suborg};

use super::{Browser, Page};

/// The secret shown after `label` on a page (`<dt>label</dt><dd><code …>secret</code>`).
fn shown(page: &Page, label: &str) -> Option<String> {
    let at = page.html.find(&format!("<dt>{label}</dt>"))?;
    let code = page.html[at..].find("<code")? + at;
    let start = page.html[code..].find('>')? + code + 1;
    let end = page.html[start..].find("</code>")? + start;
    Some(page.html[start..end].to_owned())
}

#[tokio::test]
async fn a_credential_s_secret_is_shown_once_and_works() {
    for api in apis().await {
        person(&api, "web.keys", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let page = format!("/orgs/{home}/credentials");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.keys", PASSWORD).await;
        let form = browser.get(&page).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.html);
        let csrf = form.field("csrf");

        let bad = browser
            .post(
                &page,
                &[
                    ("csrf", &csrf),
                    ("api_key_name", "has spaces"),
                    ("expires_on", "2020-01-01"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        assert!(
            bad.html.contains("id=\"api_key_name-error\""),
            "{}",
            bad.html
        );
        let past = browser
            .post(
                &page,
                &[
                    ("csrf", &csrf),
                    ("api_key_name", "ci"),
                    ("expires_on", "2020-01-01"),
                ],
            )
            .await;
        assert_eq!(
            past.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            past.html
        );
        assert!(
            past.html.contains("id=\"expires_on-error\""),
            "{}",
            past.html
        );
        let owner = browser
            .post(
                &page,
                &[("csrf", &csrf), ("api_key_name", "ci"), ("role", "owner")],
            )
            .await;
        assert_eq!(
            owner.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "never an owner's key"
        );
        assert!(
            owner.html.contains("owner role cannot be assigned"),
            "{}",
            owner.html
        );
        // Nor is it offered.
        assert!(!form.html.contains("<option value=\"owner\""));

        let issued = browser
            .post(
                &page,
                &[
                    ("csrf", &csrf),
                    ("api_key_name", "ci-deploy"),
                    ("role", "viewer"),
                ],
            )
            .await;
        assert_eq!(
            issued.location(),
            format!("{page}#issued"),
            "{}",
            issued.html
        );
        let cookie = browser.cookies.get("tenantry_shown").cloned().unwrap();
        let first = browser.get(&page).await;
        let key = shown(&first, "API key").expect("the key is shown");
        assert!(shown(&first, "Client secret").is_some());
        assert!(first.html.contains("ci-deploy"));
        let opened = hex::decode(&cookie).expect("the cookie is the sealed bytes, in hex");
        let plain = key.as_bytes();
        assert!(
            !opened.windows(plain.len()).any(|w| w == plain),
            "the cookie carries the key sealed"
        );
        api.get("/v1/auth/client_credentials/introspect")
            .key(&key)
            .expect(StatusCode::OK)
            .await;
        // A reload shows it no more.
        let reloaded = browser.get(&page).await;
        assert_eq!(shown(&reloaded, "API key"), None);
        assert!(!reloaded.html.contains(&key));
        // Nor does the sealed cookie open for another session of the same person.
        let mut other = Browser::new(&api);
        other.sign_in("web.keys", PASSWORD).await;
        other
            .cookies
            .insert("tenantry_shown".into(), cookie.clone());
        assert_eq!(shown(&other.get(&page).await, "API key"), None);
        // Nor on a page of another organization in the same session.
        let (child, _) = suborg(&api, "Keyed").await;
        browser.cookies.insert("tenantry_shown".into(), cookie);
        let elsewhere = browser.get(&format!("/orgs/{child}/credentials")).await;
        assert_eq!(elsewhere.status, StatusCode::OK);
        assert_eq!(shown(&elsewhere, "API key"), None);
        assert!(
            !browser.cookies.contains_key("tenantry_shown"),
            "dropped all the same"
        );

        // Rotation: the successor's secrets once; the old key works through the overlap.
        let row = reloaded
            .html
            .split("<tr>")
            .find(|row| row.contains("ci-deploy"))
            .unwrap()
            .to_owned();
        let start = row.find(&format!("{page}/")).unwrap();
        let end = row[start..].find("/rotate").unwrap() + start;
        let credential = row[start..end].to_owned();
        let rotated = browser
            .post(
                &format!("{credential}/rotate"),
                &[("csrf", &csrf), ("overlap_seconds", "3600")],
            )
            .await;
        assert_eq!(
            rotated.location(),
            format!("{page}#issued"),
            "{}",
            rotated.html
        );
        let successor = shown(&browser.get(&page).await, "API key").unwrap();
        assert_ne!(successor, key);
        for works in [&key, &successor] {
            api.get("/v1/auth/client_credentials/introspect")
                .key(works)
                .expect(StatusCode::OK)
                .await;
        }
        // The use case's bounds, in its words above the list.
        for (overlap, words) in [
            ("-5", "cannot be in the past"),
            ("3456000", "at most 30 days"),
        ] {
            let refused = browser
                .post(
                    &format!("{credential}/rotate"),
                    &[("csrf", &csrf), ("overlap_seconds", overlap)],
                )
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(refused.html.contains(words), "{}", refused.html);
        }

        let revoked = browser
            .post(&format!("{credential}/revoke"), &[("csrf", &csrf)])
            .await;
        assert_eq!(revoked.location(), format!("{page}?done=revoked"));
        api.get("/v1/auth/client_credentials/introspect")
            .key(&key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;

        // Another tenant's credentials: not found, page and target alike.
        let (other_org, other_key) = other_tenant(&api, "Elsewhere").await;
        assert_eq!(
            browser
                .get(&format!("/orgs/{other_org}/credentials"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let theirs = api
            .get("/v1/auth/client_credentials/introspect")
            .key(&other_key)
            .expect(StatusCode::OK)
            .await["api_key_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let revoke_theirs = browser
            .post(&format!("{page}/{theirs}/revoke"), &[("csrf", &csrf)])
            .await;
        assert_eq!(revoke_theirs.status, StatusCode::NOT_FOUND);
        let rotate_theirs = browser
            .post(
                &format!("{page}/{theirs}/rotate"),
                &[("csrf", &csrf), ("overlap_seconds", "0")],
            )
            .await;
        assert_eq!(rotate_theirs.status, StatusCode::NOT_FOUND);
        let malformed = browser
            .post(&format!("{page}/not-an-id/revoke"), &[("csrf", &csrf)])
            .await;
        assert_eq!(malformed.status, StatusCode::NOT_FOUND);
        api.get("/v1/auth/client_credentials/introspect")
            .key(&other_key)
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn secrets_not_shown_within_two_minutes_are_not_shown_at_all() {
    for api in apis().await {
        person(&api, "web.slow", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let page = format!("/orgs/{home}/credentials");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.slow", PASSWORD).await;
        let csrf = browser.get(&page).await.field("csrf");
        let issued = browser
            .post(&page, &[("csrf", &csrf), ("api_key_name", "late")])
            .await;
        assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.html);
        let set = issued.headers["set-cookie"].to_str().unwrap();
        assert!(
            set.contains("Max-Age=120") && set.contains("HttpOnly"),
            "{set}"
        );
        api.t.clock.advance(time::Duration::minutes(3));
        let late = browser.get(&page).await;
        assert_eq!(late.status, StatusCode::OK);
        assert_eq!(shown(&late, "API key"), None);
        assert!(
            late.html.contains("<td>late<br>"),
            "the credential itself is listed"
        );
    }
}
