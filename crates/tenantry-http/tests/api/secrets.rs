//! Secrets never rest in plaintext: not in the database files, the audit trail or the logs.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{apis, suborg};

/// A log writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_is_stored_audited_or_logged_in_plaintext() {
    let logs = Captured::default();
    let writer = logs.clone();
    let capture = tracing::Dispatch::new(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish(),
    );
    // tracing caches each callsite's interest process-wide. With one dispatcher registered it
    // asks the registering thread's default, so a test running beside this one (no
    // subscriber) could pin a callsite to "never" and hide its lines from the capture. A second
    // live dispatcher makes tracing ask every registered one, the capture included.
    let _anchor = tracing::Dispatch::new(tracing_subscriber::registry());
    tracing::callsite::rebuild_interest_cache();
    // `#[tokio::test]` runs on one thread, so this catches every log line of the test.
    let _guard = tracing::dispatcher::set_default(&capture);

    for api in apis().await {
        let mut secrets = vec![
            api.t.boot.api_key.clone(),
            api.t.boot.client_secret.clone(),
            api.t.boot.operator_api_key.clone(),
            api.t.boot.operator_totp_secret.clone(),
        ];
        let first_password = "plain-Password-One-1";
        let second_password = "plain-Password-Two-2";
        secrets.extend([first_password.to_owned(), second_password.to_owned()]);
        let user = api
            .post(
                "/v1/users",
                json!({"username": "secretive", "password": first_password}),
            )
            .expect(StatusCode::OK)
            .await;
        api.patch(
            &format!("/v1/users/{}", user["user_id"].as_str().unwrap()),
            json!({"password": second_password}),
        )
        .expect(StatusCode::OK)
        .await;
        let (sub_id, sub_key) = suborg(&api, "Customer").await;
        secrets.push(sub_key);
        // Issued under an Idempotency-Key, so its answer (secrets included) is kept for
        // replays: sealed, never in plaintext.
        let issued = api
            .post("/v1/auth/client_credentials", json!({"api_key_name": "ci"}))
            .header("idempotency-key", "issue-ci-key")
            .expect(StatusCode::OK)
            .await;
        // A rotation issues a second pair of secrets.
        let rotated = api
            .post(
                &format!(
                    "/v1/auth/client_credentials/{}/rotate",
                    issued["api_key_id"].as_str().unwrap()
                ),
                json!({"overlap_seconds": 600}),
            )
            .expect(StatusCode::OK)
            .await;
        for credential in [&issued, &rotated] {
            for field in ["api_key", "client_secret"] {
                secrets.push(credential[field].as_str().unwrap().to_owned());
            }
        }
        for (org, secret) in [
            (
                api.t.boot.organization_id.to_string(),
                api.t.boot.client_secret.clone(),
            ),
            (
                api.t.boot.organization_id.to_string(),
                issued["client_secret"].as_str().unwrap().to_owned(),
            ),
            (
                api.t.boot.organization_id.to_string(),
                rotated["client_secret"].as_str().unwrap().to_owned(),
            ),
        ] {
            let grant = api
                .call(Method::POST, "/v1/auth/token")
                .anonymous()
                .json(json!({"grant_type": "client_credentials", "client_id": org, "client_secret": secret}))
                .expect(StatusCode::OK)
                .await;
            let token = grant["access_token"].as_str().unwrap().to_owned();
            api.get("/v1/users/me")
                .anonymous()
                .header("authorization", &format!("Bearer {token}"))
                .expect(StatusCode::OK)
                .await;
            secrets.push(token);
        }
        // A person signs in, refreshes, enrols TOTP (seed and recovery codes shown once), signs
        // in with a code and with a recovery code, and fails once with a wrong password.
        let sign_in = |body: serde_json::Value| {
            api.call(Method::POST, "/v1/auth/token")
                .anonymous()
                .json(body)
        };
        let tokens = sign_in(
            json!({"grant_type": "password", "username": "secretive", "password": second_password}),
        )
        .expect(StatusCode::OK)
        .await;
        let refreshed = sign_in(
            json!({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}),
        )
        .expect(StatusCode::OK)
        .await;
        let access = refreshed["access_token"].as_str().unwrap().to_owned();
        let enrolment = api
            .call(Method::POST, "/v1/users/me/totp")
            .bearer(&access)
            .json(json!({"password": second_password}))
            .expect(StatusCode::CREATED)
            .await;
        let seed = enrolment["secret"].as_str().unwrap().to_owned();
        let code = {
            let bytes = totp_rs::Secret::Encoded(seed.clone()).to_bytes().unwrap();
            let totp = totp_rs::TOTP::new_unchecked(
                totp_rs::Algorithm::SHA1,
                6,
                1,
                30,
                bytes,
                None,
                String::new(),
            );
            use tenantry_app::Clock;
            totp.generate(api.t.clock.now().unix_timestamp() as u64)
        };
        let codes = api
            .call(Method::POST, "/v1/users/me/totp/confirm")
            .bearer(&access)
            .json(json!({"code": code}))
            .expect(StatusCode::OK)
            .await["recovery_codes"]
            .clone();
        let recovery = codes[0].as_str().unwrap().to_owned();
        let with_recovery = sign_in(json!({"grant_type": "password", "username": "secretive", "password": second_password, "totp": recovery}))
            .expect(StatusCode::OK)
            .await;
        sign_in(json!({"grant_type": "password", "username": "secretive", "password": "a-Wrong-Guess-42"}))
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        secrets.push("a-Wrong-Guess-42".to_owned());
        for value in [&tokens, &refreshed, &with_recovery] {
            for field in ["access_token", "refresh_token"] {
                secrets.push(value[field].as_str().unwrap().to_owned());
            }
        }
        secrets.push(seed);
        secrets.extend(
            codes
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_owned()),
        );

        // A TSIG key's secret, shown once to the operator, is sealed at rest (its bytes too).
        let tsig = api
            .post(
                "/v1/dns-tsig-keys",
                json!({"name": "xfer.secretive.example"}),
            )
            .key(&api.t.boot.operator_api_key)
            .expect(StatusCode::CREATED)
            .await;
        let tsig_secret = tsig["secret"].as_str().unwrap().to_owned();
        let tsig_bytes = data_encoding::BASE64
            .decode(tsig_secret.as_bytes())
            .unwrap();
        secrets.push(tsig_secret);

        // Failed attempts carry secrets too.
        api.get("/v1/users/me")
            .key(&format!("{}x", issued["api_key"].as_str().unwrap()))
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        api.delete(&format!(
            "/v1/auth/client_credentials/{}",
            issued["api_key_id"].as_str().unwrap()
        ))
        .expect(StatusCode::NO_CONTENT)
        .await;
        api.delete(&format!("/v1/organizations/{sub_id}"))
            .expect(StatusCode::NO_CONTENT)
            .await;

        let stored = api.t.database.raw_contents().await;
        let audit = api
            .get("/v1/audit-logs?page_size=1000")
            .expect(StatusCode::OK)
            .await
            .to_string();
        let logged = logs.0.lock().unwrap().clone();
        assert!(!logged.is_empty(), "the log capture saw nothing");
        // The scan reads real data: a plain value written above is there.
        assert!(
            stored.windows(9).any(|w| w == b"secretive"),
            "the plain username is missing from the {:?} contents ({} bytes)",
            api.engine(),
            stored.len()
        );
        assert!(
            !stored
                .windows(tsig_bytes.len())
                .any(|w| w == tsig_bytes.as_slice()),
            "a TSIG secret is stored in plaintext on {:?}",
            api.engine()
        );
        for secret in &secrets {
            let needle = secret.as_bytes();
            let found = |haystack: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
            assert!(
                !found(&stored),
                "a secret is stored in plaintext on {:?}",
                api.engine()
            );
            assert!(
                !audit.contains(secret.as_str()),
                "a secret is in the audit trail on {:?}",
                api.engine()
            );
            assert!(!found(&logged), "a secret was logged on {:?}", api.engine());
        }
    }
}
