//! Signing up on one's own (`POST /api/v1/auth/signup`) under the server's policy, and the
//! address proved by its mailed link before the person may invite or pay.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tenantry_app::sign_up::SignUpPolicy;
use tenantry_testkit::TestApp;

use crate::mailbox;
use crate::sign_in::{PASSWORD, grant, person, sign_in_with};
use crate::support::{Api, apis};

/// The same server, with another sign-up policy (`serve --signup`).
pub fn with_policy(api: Api, policy: SignUpPolicy) -> Api {
    let app = Arc::new((*api.t.app).clone().with_sign_up_policy(policy));
    Api {
        router: tenantry_http::router(app.clone()),
        t: TestApp { app, ..api.t },
    }
}

fn sign_up<'a>(api: &'a Api, body: Value) -> crate::support::Call<'a> {
    api.post("/api/v1/auth/signup", body).anonymous()
}

fn verify<'a>(api: &'a Api, token: &str) -> crate::support::Call<'a> {
    api.call(Method::POST, &format!("/api/v1/auth/verify-email/{token}"))
        .anonymous()
}

async fn invite(api: &Api, token: &str, org: &str, status: StatusCode) -> Value {
    api.post(
        &format!("/api/v1/orgs/{org}/members"),
        json!({"email": "teammate@example.com", "role": "admin"}),
    )
    .bearer(token)
    .expect(status)
    .await
}

#[tokio::test]
async fn an_open_sign_up_makes_an_account_that_proves_its_address_before_inviting_or_paying() {
    for api in apis().await {
        let api = with_policy(api, SignUpPolicy::Open);
        let answer = sign_up(
            &api,
            json!({"email": "Solo@Example.com", "password": PASSWORD, "name": "Solo Person"}),
        )
        .expect(StatusCode::ACCEPTED)
        .await;
        assert_eq!(answer["email"], "solo@example.com");
        let first_link = mailbox::links(&api, "/verify-email/").await;
        assert_eq!(first_link.len(), 1, "one verification link is mailed");

        // Signed in at once, owner of a default organization named after them.
        let token = sign_in_with(&api, "solo@example.com", PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let orgs = api
            .get("/api/v1/orgs")
            .bearer(&token)
            .expect(StatusCode::OK)
            .await;
        let org = &orgs["orgs"][0];
        assert_eq!(orgs["orgs"].as_array().unwrap().len(), 1);
        assert_eq!(
            (
                org["slug"].as_str(),
                org["role"].as_str(),
                org["access"].as_str()
            ),
            (Some("solo-person"), Some("owner"), Some("home"))
        );
        let org_id = org["oid"].as_str().unwrap().to_owned();

        // Unverified: no invitations, no payments.
        let refused = invite(&api, &token, &org_id, StatusCode::FORBIDDEN).await;
        assert_eq!(refused["error"]["code"], "ERROR_EMAIL_NOT_VERIFIED");
        let refused = api
            .patch(
                &format!("/v1/organizations/{org_id}/plan"),
                json!({"plan_id": "plan_01h45ytscbebyvny4gc8cr8ma2"}),
            )
            .bearer(&token)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(refused["code"], "ERROR_EMAIL_NOT_VERIFIED");

        // A new link replaces the first; the new one verifies once.
        api.post("/api/v1/auth/verify-email", json!(null))
            .bearer(&token)
            .expect(StatusCode::ACCEPTED)
            .await;
        let link = mailbox::links(&api, "/verify-email/").await.remove(0);
        let stale = verify(&api, &first_link[0])
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(stale["error"]["code"], "ERROR_VERIFICATION_LINK_INVALID");
        verify(&api, &link).expect(StatusCode::NO_CONTENT).await;
        let used = verify(&api, &link)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(used["error"]["code"], "ERROR_VERIFICATION_LINK_INVALID");
        let again = api
            .post("/api/v1/auth/verify-email", json!(null))
            .bearer(&token)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(again["error"]["code"], "ERROR_EMAIL_ALREADY_VERIFIED");
        let invited = invite(&api, &token, &org_id, StatusCode::CREATED).await;
        assert_eq!(invited["status"], "pending");
        let events = api
            .get(&format!("/api/v1/orgs/{org_id}/audit-logs"))
            .bearer(&token)
            .expect(StatusCode::OK)
            .await
            .to_string();
        for action in [
            "user.signed_up",
            "user.email_verified",
            "invitation.created",
        ] {
            assert!(events.contains(action), "{action} is audited: {events}");
        }
    }
}

#[tokio::test]
async fn a_sign_up_for_a_known_address_answers_alike_and_tells_only_the_mailbox() {
    for api in apis().await {
        let api = with_policy(api, SignUpPolicy::Open);
        person(&api, "known", "viewer").await;
        mailbox::deliver(&api).await;
        let answer = sign_up(
            &api,
            json!({"email": "KNOWN@people.example", "password": "a-brand-new-phrase-8", "name": "Impostor"}),
        )
        .expect(StatusCode::ACCEPTED)
        .await;
        assert_eq!(answer["email"], "known@people.example");
        let mail = mailbox::deliver(&api).await;
        assert_eq!(mail.len(), 1);
        assert!(mail[0].is_to("known@people.example"));
        assert!(mail[0].text.contains("already has an account"));
        assert!(mail[0].link("/verify-email/").is_none());
        // The account is untouched: its password is still the old one.
        sign_in_with(&api, "known@people.example", PASSWORD).await;
        grant(
            &api,
            json!({"grant_type": "password", "username": "known@people.example", "password": "a-brand-new-phrase-8"}),
        )
        .expect(StatusCode::UNAUTHORIZED)
        .await;
    }
}

#[tokio::test]
async fn sign_up_input_is_checked_before_anything_is_made() {
    for api in apis().await {
        let api = with_policy(api, SignUpPolicy::Open);
        let refused = sign_up(
            &api,
            json!({"email": "not-an-address", "password": PASSWORD}),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        let fields = refused["error"]["fields"].to_string();
        assert!(
            fields.contains("body.email") && fields.contains("body.name"),
            "{fields}"
        );
        let weak = sign_up(
            &api,
            json!({"email": "weak@example.com", "password": "short", "name": "Weak"}),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        assert_eq!(weak["error"]["status"], 422);
        assert!(mailbox::deliver(&api).await.is_empty(), "nothing was sent");
        grant(
            &api,
            json!({"grant_type": "password", "username": "weak@example.com", "password": "short"}),
        )
        .expect(StatusCode::UNAUTHORIZED)
        .await;
    }
}

#[tokio::test]
async fn the_policy_decides_who_signs_up() {
    for api in apis().await {
        // The default: only through an invitation.
        let refused = sign_up(
            &api,
            json!({"email": "walk-in@example.com", "password": PASSWORD, "name": "Walk In"}),
        )
        .expect(StatusCode::FORBIDDEN)
        .await;
        assert_eq!(refused["error"]["code"], "ERROR_SIGNUP_DISABLED");

        // Closed: not even through an invitation.
        let api = with_policy(api, SignUpPolicy::Closed);
        api.post(
            &format!("/api/v1/orgs/{}/members", api.t.boot.organization_id),
            json!({"email": "invitee@example.com", "role": "viewer"}),
        )
        .expect(StatusCode::CREATED)
        .await;
        let link = mailbox::links(&api, "/invitations/").await.remove(0);
        let refused = api
            .post(
                &format!("/api/v1/invitations/{link}/accept"),
                json!({"name": "Invitee", "password": PASSWORD}),
            )
            .anonymous()
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_SIGNUP_DISABLED");
        let refused = sign_up(
            &api,
            json!({"email": "walk-in@example.com", "password": PASSWORD, "name": "Walk In"}),
        )
        .expect(StatusCode::FORBIDDEN)
        .await;
        assert_eq!(refused["error"]["code"], "ERROR_SIGNUP_DISABLED");
    }
}
