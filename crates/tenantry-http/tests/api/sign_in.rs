//! People signing in: password and refresh-token grants, logout, password changes, TOTP with
//! recovery codes, failed sign-in limits, and what ends a session.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tenantry_app::Clock;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::support::{Api, apis};

pub const PASSWORD: &str = "lantern-orbit-42";

/// A user of the bootstrap organization with a password; returns the user's id.
pub async fn person(api: &Api, username: &str, role: &str) -> String {
    api.post(
        "/v1/users",
        json!({"username": username, "email": format!("{username}@people.example"),
               "password": PASSWORD, "role": role}),
    )
    .expect(StatusCode::OK)
    .await["user_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub fn grant<'a>(api: &'a Api, body: Value) -> crate::support::Call<'a> {
    api.call(Method::POST, "/v1/auth/token")
        .anonymous()
        .json(body)
}

/// Exchanges the refresh token of a token response.
pub fn refresh<'a>(api: &'a Api, tokens: &Value) -> crate::support::Call<'a> {
    grant(
        api,
        json!({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}),
    )
}

/// The password grant of `login` with the tests' password.
pub fn password_grant<'a>(api: &'a Api, login: &str) -> crate::support::Call<'a> {
    grant(
        api,
        json!({"grant_type": "password", "username": login, "password": PASSWORD}),
    )
}

/// Signs in with the password; returns the token response.
pub async fn sign_in(api: &Api, login: &str) -> Value {
    sign_in_with(api, login, PASSWORD).await
}

pub async fn sign_in_with(api: &Api, login: &str, password: &str) -> Value {
    grant(
        api,
        json!({"grant_type": "password", "username": login, "password": password}),
    )
    .expect(StatusCode::OK)
    .await
}

pub fn code_at(api: &Api, secret: &str, offset: i64) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes, None, String::new());
    totp.generate((api.t.clock.now().unix_timestamp() + offset * 30) as u64)
}

/// Moves the server's clock to the first second of the next 30-second TOTP step, so the codes
/// a test computes for "now" stay the step's codes while it runs (a step ending midway made
/// "the code already used" a fresh one).
pub fn start_of_step(api: &Api) {
    let into_step = api.t.clock.now().unix_timestamp().rem_euclid(30);
    api.t
        .clock
        .advance(time::Duration::seconds(30 - into_step + 1));
}

fn token(body: &Value, field: &str) -> String {
    body[field].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_person_signs_in_acts_refreshes_and_logs_out() {
    for api in apis().await {
        person(&api, "jane.doe", "dns_manager").await;
        let by_email = sign_in(&api, "JANE.DOE@people.example").await;
        assert_eq!(by_email["token_type"], "Bearer");
        assert_eq!(by_email["expires_in"], 3600);
        assert_eq!(by_email["refresh_expires_in"], 86400);
        let tokens = sign_in(&api, "jane.doe").await;
        let access = token(&tokens, "access_token");
        assert!(access.starts_with("opu_"), "{access}");

        let me = api
            .get("/v1/users/me/organizations")
            .bearer(&access)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(me[0]["role"], "dns_manager", "{me}");
        assert_eq!(me[0]["access"], "home");
        // The person's own role decides: DNS yes, users no.
        api.post("/v1/dns", json!({"name": "jane.example"}))
            .bearer(&access)
            .expect(StatusCode::CREATED)
            .await;
        api.post("/v1/users", json!({"username": "not-allowed"}))
            .bearer(&access)
            .expect(StatusCode::FORBIDDEN)
            .await;
        let events = api
            .get("/v1/audit-logs?action=dns.zone_created")
            .expect(StatusCode::OK)
            .await;
        let event = events["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"].as_str().is_some_and(|a| a.starts_with("dns")));
        if let Some(event) = event {
            assert_eq!(event["actor_kind"], "user", "{event}");
        }

        // Refreshing rotates: a new pair, and the old refresh token is spent.
        let rotated = refresh(&api, &tokens).expect(StatusCode::OK).await;
        assert_ne!(rotated["refresh_token"], tokens["refresh_token"]);
        let access2 = token(&rotated, "access_token");
        api.get("/v1/users/me/organizations")
            .bearer(&access2)
            .expect(StatusCode::OK)
            .await;

        // A refresh token is not an access token.
        api.get("/v1/users/me/organizations")
            .bearer(&token(&rotated, "refresh_token"))
            .expect(StatusCode::UNAUTHORIZED)
            .await;

        // Logging out ends the session: both its tokens stop at once.
        api.call(Method::POST, "/v1/auth/logout")
            .bearer(&access2)
            .expect(StatusCode::NO_CONTENT)
            .await;
        api.get("/v1/users/me/organizations")
            .bearer(&access2)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        refresh(&api, &rotated)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        // The first sign-in's session is another one, still live.
        api.get("/v1/users/me/organizations")
            .bearer(&token(&by_email, "access_token"))
            .expect(StatusCode::OK)
            .await;
        // An API credential has no session to end.
        let err = api
            .call(Method::POST, "/v1/auth/logout")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["code"], "ERROR_NOT_A_SESSION");
    }
}

#[tokio::test]
async fn a_reused_refresh_token_ends_the_whole_session() {
    for api in apis().await {
        person(&api, "reuse.me", "viewer").await;
        let first = sign_in(&api, "reuse.me").await;
        let stolen = token(&first, "refresh_token");
        let second = grant(
            &api,
            json!({"grant_type": "refresh_token", "refresh_token": stolen}),
        )
        .expect(StatusCode::OK)
        .await;
        // The spent token comes back: refused, and the family dies with it.
        let err = grant(
            &api,
            json!({"grant_type": "refresh_token", "refresh_token": stolen}),
        )
        .expect(StatusCode::UNAUTHORIZED)
        .await;
        assert_eq!(err["code"], "ERROR_AUTHENTICATION");
        api.get("/v1/users/me")
            .bearer(&token(&second, "access_token"))
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        refresh(&api, &second)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        let trail = api
            .get("/v1/audit-logs?action=user.session_revoked")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(trail["pagination"]["total_items"], 1, "{trail}");
        assert_eq!(
            trail["results"][0]["changes"]["reason"], "refresh_token_reused",
            "{trail}"
        );
    }
}

#[tokio::test]
async fn tokens_expire_and_unknown_logins_answer_like_wrong_passwords() {
    for api in apis().await {
        person(&api, "timely", "viewer").await;
        let tokens = sign_in(&api, "timely").await;
        let wrong = grant(
            &api,
            json!({"grant_type": "password", "username": "timely", "password": "not-it-at-all"}),
        )
        .expect(StatusCode::UNAUTHORIZED)
        .await;
        let unknown = grant(
            &api,
            json!({"grant_type": "password", "username": "nobody-here", "password": "not-it-at-all"}),
        )
        .expect(StatusCode::UNAUTHORIZED)
        .await;
        assert_eq!(wrong, unknown);
        let missing = grant(&api, json!({"grant_type": "password"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(
            crate::support::error_fields(&missing),
            ["username", "password"]
        );
        // The refused attempt of a known user is in its organization's trail (written in the
        // background, so the refusal takes as long as an unknown login's).
        let mut audited = false;
        for _ in 0..50 {
            let trail = api
                .get("/v1/audit-logs?action=user.sign_in_refused")
                .expect(StatusCode::OK)
                .await;
            if trail["pagination"]["total_items"] == 1 {
                audited = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(audited);

        api.t.clock.advance(time::Duration::minutes(61));
        api.get("/v1/users/me")
            .bearer(&token(&tokens, "access_token"))
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        let refreshed = refresh(&api, &tokens).expect(StatusCode::OK).await;
        api.t.clock.advance(time::Duration::hours(25));
        refresh(&api, &refreshed)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
    }
}

#[tokio::test]
async fn a_deleted_users_tokens_stop_at_once() {
    for api in apis().await {
        let id = person(&api, "leaving", "viewer").await;
        let tokens = sign_in(&api, "leaving").await;
        let access = token(&tokens, "access_token");
        api.get("/v1/users/me")
            .bearer(&access)
            .expect(StatusCode::OK)
            .await;
        api.delete(&format!("/v1/users/{id}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
        api.get("/v1/users/me")
            .bearer(&access)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        refresh(&api, &tokens)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        password_grant(&api, "leaving")
            .expect(StatusCode::UNAUTHORIZED)
            .await;
    }
}

#[tokio::test]
async fn new_passwords_follow_the_policy_and_a_change_ends_other_sessions() {
    for api in apis().await {
        for (password, why) in [
            ("short", "8 to 256"),
            ("password123", "commonly used"),
            ("policy.person", "username"),
        ] {
            let err = api
                .post(
                    "/v1/users",
                    json!({"username": "policy.person", "password": password}),
                )
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(crate::support::error_fields(&err), ["password"]);
            assert!(err.to_string().contains(why), "{err}");
        }
        person(&api, "changer", "viewer").await;
        let laptop = sign_in(&api, "changer").await;
        let phone = sign_in(&api, "changer").await;
        let laptop_access = token(&laptop, "access_token");
        let put = |current: &str, new: &str| {
            api.call(Method::PUT, "/v1/users/me/password")
                .bearer(&laptop_access)
                .json(json!({"current_password": current, "new_password": new}))
        };
        let err = put("not-the-password", "another-fine-phrase")
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_PASSWORD_INCORRECT");
        put(PASSWORD, "qwertyuiop")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        put(PASSWORD, "another-fine-phrase")
            .expect(StatusCode::NO_CONTENT)
            .await;
        // The session that changed it stays; the other ends, tokens and refresh alike.
        api.get("/v1/users/me")
            .bearer(&laptop_access)
            .expect(StatusCode::OK)
            .await;
        api.get("/v1/users/me")
            .bearer(&token(&phone, "access_token"))
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        refresh(&api, &phone).expect(StatusCode::UNAUTHORIZED).await;
        grant(
            &api,
            json!({"grant_type": "password", "username": "changer", "password": "another-fine-phrase"}),
        )
        .expect(StatusCode::OK)
        .await;
        let sessions = api
            .get("/v1/users/me/sessions")
            .bearer(&laptop_access)
            .expect(StatusCode::OK)
            .await;
        let sessions = sessions.as_array().unwrap();
        assert_eq!(sessions.len(), 2, "{sessions:?}");
        assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
        let other = sessions.iter().find(|s| s["current"] == false).unwrap();
        api.delete(&format!(
            "/v1/users/me/sessions/{}",
            other["session_id"].as_str().unwrap()
        ))
        .bearer(&laptop_access)
        .expect(StatusCode::NO_CONTENT)
        .await;
        api.delete(&format!(
            "/v1/users/me/sessions/{}",
            other["session_id"].as_str().unwrap()
        ))
        .bearer(&laptop_access)
        .expect(StatusCode::NOT_FOUND)
        .await;
    }
}

#[tokio::test]
async fn totp_enrolment_then_sign_in_needs_a_code_once_and_recovery_codes_work_once() {
    for api in apis().await {
        person(&api, "two.factor", "viewer").await;
        let access = token(&sign_in(&api, "two.factor").await, "access_token");
        // An access token alone does not enrol a device: the password proves the person.
        api.call(Method::POST, "/v1/users/me/totp")
            .bearer(&access)
            .json(json!({"password": "not-my-password"}))
            .expect(StatusCode::FORBIDDEN)
            .await;
        let enrolment = api
            .call(Method::POST, "/v1/users/me/totp")
            .bearer(&access)
            .json(json!({"password": PASSWORD}))
            .expect(StatusCode::CREATED)
            .await;
        let secret = enrolment["secret"].as_str().unwrap().to_owned();
        let uri = enrolment["otpauth_uri"].as_str().unwrap();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains(&format!("secret={secret}")), "{uri}");
        start_of_step(&api);
        // Pending enrolment changes nothing yet.
        sign_in(&api, "two.factor").await;
        let confirm = |code: String| {
            api.call(Method::POST, "/v1/users/me/totp/confirm")
                .bearer(&access)
                .json(json!({"code": code}))
        };
        let wrong = code_at(&api, &secret, 5);
        confirm(wrong).expect(StatusCode::FORBIDDEN).await;
        let codes = confirm(code_at(&api, &secret, 0))
            .expect(StatusCode::OK)
            .await["recovery_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect::<Vec<_>>();
        assert_eq!(codes.len(), 10);

        let err = password_grant(&api, "two.factor")
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        assert_eq!(err["code"], "ERROR_TOTP_REQUIRED");
        let with = |code: &str| {
            grant(
                &api,
                json!({"grant_type": "password", "username": "two.factor",
                       "password": PASSWORD, "totp": code}),
            )
        };
        // The code that confirmed enrolment was used; the next step's code works once.
        let used = code_at(&api, &secret, 0);
        let err = with(&used).expect(StatusCode::UNAUTHORIZED).await;
        assert_eq!(err["code"], "ERROR_TOTP_INVALID");
        let next = code_at(&api, &secret, 1);
        with(&next).expect(StatusCode::OK).await;
        with(&next).expect(StatusCode::UNAUTHORIZED).await;
        // A recovery code stands in for a code, once, in any case and without its dash.
        with(&codes[0].to_uppercase().replace('-', ""))
            .expect(StatusCode::OK)
            .await;
        with(&codes[0]).expect(StatusCode::UNAUTHORIZED).await;
        let status = api
            .get("/v1/users/me/totp")
            .bearer(&access)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(status, json!({"enabled": true, "recovery_codes_left": 9}));

        // Turning it off needs the password and a code.
        let disable = |password: &str, code: &str| {
            api.call(Method::DELETE, "/v1/users/me/totp")
                .bearer(&access)
                .json(json!({"password": password, "code": code}))
        };
        disable("wrong-password-here", &codes[1])
            .expect(StatusCode::FORBIDDEN)
            .await;
        disable(PASSWORD, &codes[1])
            .expect(StatusCode::NO_CONTENT)
            .await;
        sign_in(&api, "two.factor").await;
        // Secrets shown once are nowhere in the trail.
        let trail = api.get("/v1/audit-logs").expect(StatusCode::OK).await;
        assert!(!trail.to_string().contains(&secret));
        assert!(!trail.to_string().contains(&codes[2]));
    }
}

#[tokio::test]
async fn failed_sign_ins_block_one_account_at_one_address_and_nobody_else() {
    for api in apis().await {
        person(&api, "target", "viewer").await;
        person(&api, "neighbour", "viewer").await;
        let attempt = |login: &str, password: &str, ip: &str| {
            grant(
                &api,
                json!({"grant_type": "password", "username": login, "password": password}),
            )
            .client_ip(ip)
        };
        for _ in 0..5 {
            attempt("target", "guess-guess-guess", "192.0.2.7")
                .expect(StatusCode::UNAUTHORIZED)
                .await;
        }
        let (status, headers, body) = attempt("target", "guess-guess-guess", "192.0.2.7")
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(headers.contains_key("retry-after"));
        // Blocked there, even with the right password, and by email as well as by username …
        attempt("target", PASSWORD, "192.0.2.7")
            .expect(StatusCode::TOO_MANY_REQUESTS)
            .await;
        attempt("target@people.example", PASSWORD, "192.0.2.7")
            .expect(StatusCode::TOO_MANY_REQUESTS)
            .await;
        // … but not from elsewhere, and never for someone else behind the same address.
        attempt("target", PASSWORD, "192.0.2.8")
            .expect(StatusCode::OK)
            .await;
        attempt("neighbour", PASSWORD, "192.0.2.7")
            .expect(StatusCode::OK)
            .await;
        // API keys from the blocked address keep working too.
        api.get("/v1/users/me")
            .client_ip("192.0.2.7")
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn concurrent_exchanges_of_one_refresh_token_give_one_pair_and_end_the_session() {
    for api in apis().await {
        person(&api, "racer", "viewer").await;
        let tokens = sign_in(&api, "racer").await;
        let refresh = token(&tokens, "refresh_token");
        let body = json!({"grant_type": "refresh_token", "refresh_token": refresh});
        let answers =
            futures::future::join_all((0..8).map(|_| grant(&api, body.clone()).send())).await;
        let won: Vec<_> = answers
            .iter()
            .filter(|(status, _)| *status == StatusCode::OK)
            .collect();
        assert_eq!(won.len(), 1, "{:?}: {answers:?}", api.engine());
        // The losers presented a spent token: the whole session ends, the winner's pair too.
        api.get("/v1/users/me")
            .bearer(&token(&won[0].1, "access_token"))
            .expect(StatusCode::UNAUTHORIZED)
            .await;
    }
}

#[tokio::test]
async fn an_organizations_ip_restrictions_bind_its_people_too() {
    for api in apis().await {
        person(&api, "fenced.person", "viewer").await;
        let tokens = password_grant(&api, "fenced.person")
            .client_ip("10.1.2.3")
            .expect(StatusCode::OK)
            .await;
        api.post(
            "/v1/organizations/ip-restrictions",
            json!({"ip_network": "10.1.0.0/16"}),
        )
        .client_ip("10.1.2.3")
        .expect(StatusCode::OK)
        .await;
        let access = token(&tokens, "access_token");
        api.get("/v1/users/me")
            .bearer(&access)
            .client_ip("10.1.2.3")
            .expect(StatusCode::OK)
            .await;
        let err = api
            .get("/v1/users/me")
            .bearer(&access)
            .client_ip("192.0.2.50")
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_IP_NOT_ALLOWED");
        let err = password_grant(&api, "fenced.person")
            .client_ip("192.0.2.50")
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(err["code"], "ERROR_IP_NOT_ALLOWED");
        // A wrong password from outside learns nothing about the restriction.
        grant(
            &api,
            json!({"grant_type": "password", "username": "fenced.person", "password": "wrong-wrong-wrong"}),
        )
        .client_ip("192.0.2.50")
        .expect(StatusCode::UNAUTHORIZED)
        .await;
    }
}

#[tokio::test]
async fn an_email_is_never_shadowed_by_another_persons_username() {
    for api in apis().await {
        person(&api, "victim", "viewer").await;
        // Another user takes the victim's email address as a username.
        api.post(
            "/v1/users",
            json!({"username": "victim@people.example", "password": "a-different-phrase-9"}),
        )
        .expect(StatusCode::OK)
        .await;
        let tokens = sign_in(&api, "victim@people.example").await;
        let me = api
            .get("/v1/users/me")
            .bearer(&token(&tokens, "access_token"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(me["username"], "victim");
    }
}

#[tokio::test]
async fn a_deactivated_person_is_signed_out_at_once_and_cannot_sign_in_until_active() {
    for api in apis().await {
        let id = person(&api, "paused", "viewer").await;
        let tokens = sign_in(&api, "paused").await;
        let path = format!("/v1/users/{id}");
        let user = api
            .patch(&path, json!({"status": "inactive"}))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(user["status"], "inactive");
        api.get("/v1/users/me")
            .bearer(&token(&tokens, "access_token"))
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        refresh(&api, &tokens)
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        // Refused exactly like an unknown login.
        let refused = password_grant(&api, "paused")
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        assert_eq!(refused["detail"], "Invalid username or password");
        api.patch(&path, json!({"status": "sleeping"}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        api.patch(&path, json!({"status": "active"}))
            .expect(StatusCode::OK)
            .await;
        sign_in(&api, "paused").await;
        let trail = api
            .get(&format!(
                "/v1/audit-logs?action=user.updated&target_id={id}"
            ))
            .expect(StatusCode::OK)
            .await;
        assert!(trail.to_string().contains("inactive"), "{trail}");
        // Nobody deactivates themselves or the owner.
        let owner = api.t.boot.user_id.to_string();
        api.patch(&format!("/v1/users/{owner}"), json!({"status": "inactive"}))
            .expect(StatusCode::FORBIDDEN)
            .await;
    }
}
