//! Sign-in with and without a second factor, the cookie and its expiry, CSRF on every form,
//! the security headers, sign-out, the audit log and account pages.

use axum::http::{Method, StatusCode};
use serde_json::json;
use tenantry_app::Clock;

use crate::sign_in::{PASSWORD, code_at, person, sign_in, start_of_step};
use crate::support::{apis, other_tenant};

use super::Browser;

#[tokio::test]
async fn a_person_signs_in_sees_their_organization_and_signs_out() {
    for api in apis().await {
        person(&api, "web.person", "viewer").await;
        let mut browser = Browser::new(&api);
        assert_eq!(browser.get("/").await.location(), "/sign-in");
        let form = browser.get("/sign-in").await;
        assert_eq!(form.status, StatusCode::OK);
        let policy = form.headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert_eq!(form.headers["x-frame-options"], "DENY");

        let wrong = browser.sign_in("web.person", "not-the-password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(
            wrong.html.contains("Invalid username or password"),
            "{}",
            wrong.html
        );
        assert!(
            wrong.html.contains("value=\"web.person\""),
            "the login is kept"
        );

        let signed_in = browser.sign_in("web.person", PASSWORD).await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
        let cookie = signed_in.session_cookie();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "no TLS here: {cookie}");
        let home = browser.get("/").await;
        let org = api.t.boot.organization_id.to_string();
        assert_eq!(home.location(), format!("/orgs/{org}"));
        let overview = browser.get(&format!("/orgs/{org}")).await;
        assert_eq!(overview.status, StatusCode::OK, "{}", overview.html);
        assert!(
            overview.html.contains("<h1>Reseller</h1>"),
            "{}",
            overview.html
        );
        assert!(overview.html.contains("viewer"), "the role is shown");
        // A dashboard sign-in is one of the person's sessions, beside an API sign-in.
        let access = sign_in(&api, "web.person").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let sessions = api
            .get("/v1/users/me/sessions")
            .bearer(&access)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(sessions.as_array().map(Vec::len), Some(2), "{sessions}");

        // Signing out needs the session's own token.
        let csrf = overview.field("csrf");
        let forged = browser.post("/sign-out", &[("csrf", "forged")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let out = browser.post("/sign-out", &[("csrf", &csrf)]).await;
        assert_eq!(out.location(), "/sign-in");
        assert!(!browser.cookies.contains_key("tenantry_session"));
        assert_eq!(browser.get("/").await.location(), "/sign-in");
    }
}

#[tokio::test]
async fn the_sign_in_form_refuses_a_post_from_another_site() {
    for api in apis().await {
        person(&api, "web.victim", "viewer").await;
        let mut browser = Browser::new(&api);
        browser.get("/sign-in").await;
        let forged = browser
            .post(
                "/sign-in",
                &[
                    ("csrf", "0"),
                    ("login", "web.victim"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(!browser.cookies.contains_key("tenantry_session"));
        // A form without the browser's pre-session cookie is refused too.
        let mut stranger = Browser::new(&api);
        let csrf = browser.get("/sign-in").await.field("csrf");
        let elsewhere = stranger
            .post(
                "/sign-in",
                &[
                    ("csrf", &csrf),
                    ("login", "web.victim"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_person_with_a_second_factor_gives_a_code_after_the_password() {
    for api in apis().await {
        person(&api, "web.totp", "admin").await;
        let access = sign_in(&api, "web.totp").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let secret = api
            .call(Method::POST, "/v1/users/me/totp")
            .bearer(&access)
            .json(json!({"password": PASSWORD}))
            .expect(StatusCode::CREATED)
            .await["secret"]
            .as_str()
            .unwrap()
            .to_owned();
        start_of_step(&api);
        api.call(Method::POST, "/v1/users/me/totp/confirm")
            .bearer(&access)
            .json(json!({"code": code_at(&api, &secret, 0)}))
            .expect(StatusCode::OK)
            .await;

        let mut browser = Browser::new(&api);
        let step = browser.sign_in("web.totp", PASSWORD).await;
        assert_eq!(step.status, StatusCode::OK);
        assert!(step.html.contains("Two-factor code"), "{}", step.html);
        assert!(!browser.cookies.contains_key("tenantry_session"));
        assert!(!step.html.contains(PASSWORD), "the password is not carried");
        let (csrf, ticket) = (step.field("csrf"), step.field("ticket"));
        let wrong = browser
            .post(
                "/sign-in/code",
                &[("csrf", &csrf), ("ticket", &ticket), ("code", "000000")],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.html.contains("wrong"), "{}", wrong.html);
        let code = code_at(&api, &secret, 1);
        let done = browser
            .post(
                "/sign-in/code",
                &[("csrf", &csrf), ("ticket", &ticket), ("code", &code)],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert!(browser.cookies.contains_key("tenantry_session"));
        assert!(browser.get("/").await.location().starts_with("/orgs/"));

        // A ticket is good for five minutes only.
        let mut late = Browser::new(&api);
        let step = late.sign_in("web.totp", PASSWORD).await;
        api.t.clock.advance(time::Duration::minutes(6));
        let code = code_at(&api, &secret, 0);
        let expired = late
            .post(
                "/sign-in/code",
                &[
                    ("csrf", &step.field("csrf")),
                    ("ticket", &step.field("ticket")),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
        assert!(
            expired.html.contains("Sign in"),
            "back to the start: {}",
            expired.html
        );
        // Wrong codes count like wrong passwords: once the account is blocked, even the right
        // code is refused, however many times the ticket is sent.
        let mut guess = Browser::new(&api);
        let step = guess.sign_in("web.totp", PASSWORD).await;
        let (csrf, ticket) = (step.field("csrf"), step.field("ticket"));
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let wrong = guess
                .post(
                    "/sign-in/code",
                    &[("csrf", &csrf), ("ticket", &ticket), ("code", "000000")],
                )
                .await;
            statuses.push(wrong.status);
        }
        assert_eq!(
            statuses.last(),
            Some(&StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
        let code = code_at(&api, &secret, 2);
        let blocked = guess
            .post(
                "/sign-in/code",
                &[("csrf", &csrf), ("ticket", &ticket), ("code", &code)],
            )
            .await;
        assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(!guess.cookies.contains_key("tenantry_session"));
    }
}

#[tokio::test]
async fn a_session_ends_when_idle_and_after_twelve_hours_however_busy() {
    for api in apis().await {
        person(&api, "web.idle", "viewer").await;
        let mut browser = Browser::new(&api);
        browser.sign_in("web.idle", PASSWORD).await;
        api.t.clock.advance(time::Duration::minutes(31));
        assert_eq!(browser.get("/").await.location(), "/sign-in", "idle");

        let mut busy = Browser::new(&api);
        busy.sign_in("web.idle", PASSWORD).await;
        // A request every 20 minutes keeps it alive for nearly twelve hours…
        for _ in 0..35 {
            api.t.clock.advance(time::Duration::minutes(20));
            assert_ne!(busy.get("/").await.location(), "/sign-in");
        }
        // …and the next one, twelve hours after the sign-in, finds it ended.
        api.t.clock.advance(time::Duration::minutes(20));
        assert_eq!(busy.get("/").await.location(), "/sign-in", "absolute");
    }
}

#[tokio::test]
async fn another_tenants_organization_is_not_found_like_one_that_does_not_exist() {
    for api in apis().await {
        person(&api, "web.curious", "admin").await;
        let (other, _) = other_tenant(&api, "Elsewhere").await;
        let mut browser = Browser::new(&api);
        browser.sign_in("web.curious", PASSWORD).await;
        let theirs = browser.get(&format!("/orgs/{other}")).await;
        let nobody = browser
            .get("/orgs/organization_01h45ytscbebyvny4gc8cr8ma2")
            .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        assert_eq!(nobody.status, StatusCode::NOT_FOUND);
        assert_eq!(theirs.html, nobody.html);
        assert!(!theirs.html.contains("Elsewhere"));
    }
}

#[tokio::test]
async fn the_audit_log_filters_by_action_and_day_and_pages() {
    for api in apis().await {
        person(&api, "web.auditor", "admin").await;
        for n in 0..26 {
            person(&api, &format!("made.{n:02}"), "viewer").await;
        }
        let mut browser = Browser::new(&api);
        browser.sign_in("web.auditor", PASSWORD).await;
        let org = api.t.boot.organization_id.to_string();
        let created = browser
            .get(&format!("/orgs/{org}/audit?action=user.created"))
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.html);
        assert_eq!(created.html.matches("<td>user.created</td>").count(), 25);
        assert!(
            created.html.contains("Page 1 of 2 · 28 in all"),
            "{}",
            created.html
        );
        assert!(!created.html.contains("user.signed_in"));
        let older = created.html.split("rel=\"next\"").next().unwrap();
        let next = older
            .rsplit("href=\"")
            .next()
            .unwrap()
            .trim_end_matches("\" ");
        let next = next.replace("&amp;", "&").replace("&#38;", "&");
        let second = browser.get(&next).await;
        assert!(next.ends_with("page=2"), "{next}");
        // The 26 made here, this person and the organization's owner: 28 in all.
        assert_eq!(second.html.matches("<td>user.created</td>").count(), 3);

        let bad = browser
            .get(&format!("/orgs/{org}/audit?from=yesterday"))
            .await;
        assert_eq!(bad.status, StatusCode::OK);
        assert!(
            bad.html.contains("A day, written YYYY-MM-DD"),
            "{}",
            bad.html
        );
        let today = api.t.clock.now().date();
        let tomorrow = today.next_day().unwrap();
        let none = browser
            .get(&format!("/orgs/{org}/audit?from={tomorrow}"))
            .await;
        assert!(none.html.contains("No event matches"), "{}", none.html);
        let all_today = browser
            .get(&format!(
                "/orgs/{org}/audit?action=user.created&from={today}&to={today}"
            ))
            .await;
        assert_eq!(
            all_today.html.matches("<td>user.created</td>").count(),
            25,
            "{}",
            all_today.html
        );
        let yesterday = today.previous_day().unwrap();
        let before = browser
            .get(&format!("/orgs/{org}/audit?to={yesterday}"))
            .await;
        assert!(before.html.contains("No event matches"), "{}", before.html);
        // The last date there is still reads as a day, not a failure.
        let last = browser
            .get(&format!("/orgs/{org}/audit?to=9999-12-31"))
            .await;
        assert_eq!(last.status, StatusCode::OK);
        assert!(
            last.html.contains("A day, written YYYY-MM-DD"),
            "{}",
            last.html
        );

        let (other, _) = other_tenant(&api, "Elsewhere").await;
        let theirs = browser.get(&format!("/orgs/{other}/audit")).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_person_ends_their_sessions_and_changes_their_password() {
    for api in apis().await {
        person(&api, "web.account", "viewer").await;
        let mut browser = Browser::new(&api);
        browser.sign_in("web.account", PASSWORD).await;
        let elsewhere = sign_in(&api, "web.account").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let account = browser.get("/account").await;
        assert_eq!(account.status, StatusCode::OK, "{}", account.html);
        assert_eq!(account.html.matches("/revoke\"").count(), 2);
        assert_eq!(account.html.matches("this one").count(), 1);
        let csrf = account.field("csrf");

        // The API's session: the one not marked as this one.
        let rows: Vec<&str> = account.html.split("<tr>").skip(2).collect();
        let other = rows.iter().find(|row| !row.contains("this one")).unwrap();
        let path_start = other.find("/account/sessions/").unwrap();
        let path_end = other[path_start..].find('"').unwrap() + path_start;
        let revoke = other[path_start..path_end]
            .replace("&#38;", "&")
            .replace("&#x2f;", "/");
        let ended = browser.post(&revoke, &[("csrf", &csrf)]).await;
        assert_eq!(ended.location(), "/account?done=revoked");
        api.get("/v1/users/me")
            .bearer(&elsewhere)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        let after = browser.get("/account?done=revoked").await;
        assert!(after.html.contains("The session has ended."));

        let change = |current: &'static str, new: &'static str| {
            [
                ("csrf", csrf.clone()),
                ("current", current.into()),
                ("new", new.into()),
            ]
        };
        let form = change("not-mine-at-all", "a-whole-new-phrase-7");
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let wrong = browser.post("/account/password", &pairs).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{}", wrong.html);
        assert!(
            wrong.html.contains("current password is not correct"),
            "{}",
            wrong.html
        );
        let form = change(PASSWORD, "short");
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let weak = browser.post("/account/password", &pairs).await;
        assert_eq!(
            weak.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            weak.html
        );
        let other_api = sign_in(&api, "web.account").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let form = change(PASSWORD, "a-whole-new-phrase-7");
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let changed = browser.post("/account/password", &pairs).await;
        assert_eq!(
            changed.location(),
            "/account?done=password",
            "{}",
            changed.html
        );
        // Other sessions end; this one goes on.
        api.get("/v1/users/me")
            .bearer(&other_api)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        let still = browser.get("/account?done=password").await;
        assert_eq!(still.status, StatusCode::OK);
        assert!(still.html.contains("Your password is changed"));
        // Forms need this session's token.
        let forged = browser
            .post(
                "/account/password",
                &[("csrf", "x"), ("current", PASSWORD), ("new", "y")],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // Ending this very session signs out here, cookie and all.
        let page = browser.get("/account").await;
        let row = page
            .html
            .split("<tr>")
            .find(|row| row.contains("this one"))
            .unwrap()
            .to_owned();
        let start = row.find("/account/sessions/").unwrap();
        let end = row[start..].find('"').unwrap() + start;
        let own = browser
            .post(&row[start..end], &[("csrf", &page.field("csrf"))])
            .await;
        assert_eq!(own.location(), "/sign-in");
        assert!(!browser.cookies.contains_key("tenantry_session"));
    }
}

/// Over TLS (the HTTPS listener's copy of the router) the session cookie is also `Secure`.
#[tokio::test]
async fn the_session_cookie_is_secure_over_tls() {
    for mut api in apis().await {
        api.router = tenantry_http::over_tls(api.router.clone());
        person(&api, "web.tls", "viewer").await;
        let mut browser = Browser::new(&api);
        let signed_in = browser.sign_in("web.tls", PASSWORD).await;
        assert_eq!(
            signed_in.status,
            StatusCode::SEE_OTHER,
            "{}",
            signed_in.html
        );
        let cookie = signed_in.session_cookie();
        assert!(
            cookie.contains("Secure") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
    }
}

/// Wrong passwords count alike through the API's grant and the dashboard's form: guessing in
/// one blocks the other, in both directions.
#[tokio::test]
async fn failed_sign_ins_through_the_api_and_the_dashboard_share_one_limit() {
    for api in apis().await {
        person(&api, "web.shared.api", "viewer").await;
        person(&api, "web.shared.web", "viewer").await;

        let mut refused = false;
        for _ in 0..30 {
            let (status, _) = crate::sign_in::grant(
                &api,
                json!({"grant_type": "password", "username": "web.shared.api", "password": "wrong-guess"}),
            )
            .send()
            .await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                refused = true;
                break;
            }
        }
        assert!(refused, "the API's grant stops guessing");
        let blocked = Browser::new(&api).sign_in("web.shared.api", PASSWORD).await;
        assert_eq!(
            blocked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            blocked.html
        );

        let mut guess = Browser::new(&api);
        let mut refused = false;
        for _ in 0..30 {
            if guess.sign_in("web.shared.web", "wrong-guess").await.status
                == StatusCode::TOO_MANY_REQUESTS
            {
                refused = true;
                break;
            }
        }
        assert!(refused, "the dashboard's form stops guessing");
        let (status, _) = crate::sign_in::password_grant(&api, "web.shared.web")
            .send()
            .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
}
