//! The credentials page: issuing shows the secrets exactly once (never after a reload, never
//! to another session), the key works, rotation shows the successor's once, revocation ends
//! it; the API's refusals next to their fields; another tenant's credential is not found.

use axum::http::StatusCode;

use crate::sign_in::{PASSWORD, person};
use crate::support::{apis, other_tenant};

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
        assert_ne!(owner.status, StatusCode::SEE_OTHER, "never an owner's key");

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
        assert!(!cookie.contains(&key), "the cookie carries it sealed");
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
        other.cookies.insert("tenantry_shown".into(), cookie);
        assert_eq!(shown(&other.get(&page).await, "API key"), None);

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
                &[("csrf", &csrf), ("overlap", "3600")],
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
        let again = browser
            .post(
                &format!("{credential}/rotate"),
                &[("csrf", &csrf), ("overlap", "-5")],
            )
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

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
