//! Mail for real: a forgotten password's link travels through the outbox and an SMTP
//! conversation over TCP with a real SMTP server (Python's `aiosmtpd`, started here on
//! 127.0.0.1), and the link it carries sets the password. Without a mail server, mail is
//! written as `.eml` files; while the server is down, nothing is lost.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;
use tenantry_app::mail::MailTransport;

use crate::sign_in::{PASSWORD, grant, person, sign_in_with};
use crate::support::{Api, apis};

const NEW_PASSWORD: &str = "a-brand-new-phrase-77";

/// A real SMTP server writing what it receives into a Maildir; stopped when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python with `aiosmtpd` (`TENANTRY_TEST_PYTHON`, else `python3`), or `None` when it is
/// missing and not required (`TENANTRY_REQUIRE_SMTP=1`, as in CI).
fn python() -> Option<String> {
    let python = std::env::var("TENANTRY_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let found = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found && std::env::var("TENANTRY_REQUIRE_SMTP").is_ok_and(|v| v == "1") {
        panic!("aiosmtpd is required (TENANTRY_REQUIRE_SMTP=1) but {python} cannot import it");
    }
    found.then_some(python)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_smtp(python: &str, port: u16) -> SmtpServer {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("maildir");
    let child = Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    SmtpServer {
        child,
        port,
        maildir,
        _dir: dir,
    }
}

/// The messages a Maildir holds, as text with quoted-printable soft breaks undone.
fn messages(maildir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else {
        return Vec::new();
    };
    entries
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .replace("=\r\n", "")
                .replace("=\n", "")
        })
        .collect()
}

/// The token of the first reset link in a message.
fn reset_token(message: &str) -> String {
    let start = message.find("/reset-password/").expect("a reset link") + "/reset-password/".len();
    message[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

async fn ask_for_a_link(api: &Api, email: &str) {
    api.post("/api/v1/auth/password-reset", json!({"email": email}))
        .anonymous()
        .expect(StatusCode::ACCEPTED)
        .await;
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_a_real_smtp_server() {
    let Some(python) = python() else {
        return;
    };
    for api in apis().await {
        person(&api, "forgetful", "member").await;
        let port = free_port();
        let sender = api
            .t
            .app
            .mail_sender(MailTransport::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap());

        // An address nobody has answers alike and mails nothing.
        ask_for_a_link(&api, "nobody@people.example").await;
        ask_for_a_link(&api, "Forgetful@People.example").await;

        // The mail server is down: nothing is sent, nothing is lost.
        assert_eq!(sender.deliver_due().await.unwrap(), 0);
        let server = start_smtp(&python, port);
        assert_eq!(
            sender.deliver_due().await.unwrap(),
            0,
            "a failed message waits"
        );
        api.t.clock.advance(time::Duration::seconds(31));
        assert_eq!(sender.deliver_due().await.unwrap(), 1);
        assert_eq!(sender.deliver_due().await.unwrap(), 0, "sent once");

        let received = messages(&server.maildir);
        assert_eq!(received.len(), 1, "{:?}", api.engine());
        let message = &received[0];
        assert!(
            message.contains("To: forgetful@people.example"),
            "{message}"
        );
        assert!(message.contains("Subject: Set a new password"), "{message}");
        assert!(message.contains("text/html"), "{message}");
        let token = reset_token(message);
        assert!(token.len() >= 40, "{token}");
        // The link is in the mail only: the database keeps its digest.
        let stored = api.t.database.raw_contents().await;
        assert!(
            !stored.windows(token.len()).any(|w| w == token.as_bytes()),
            "the link is stored in plaintext"
        );

        let signed_in = sign_in_with(&api, "forgetful", PASSWORD).await;
        let path = format!("/api/v1/auth/password-reset/{token}");
        api.post(&path, json!({"password": NEW_PASSWORD}))
            .anonymous()
            .expect(StatusCode::NO_CONTENT)
            .await;
        // Single use; the old password and the sessions made with it are over.
        let again = api
            .post(&path, json!({"password": NEW_PASSWORD}))
            .anonymous()
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(again["error"]["code"], "ERROR_RESET_LINK_INVALID");
        grant(
            &api,
            json!({"grant_type": "password", "username": "forgetful", "password": PASSWORD}),
        )
        .expect(StatusCode::UNAUTHORIZED)
        .await;
        api.get("/v1/users/me")
            .bearer(signed_in["access_token"].as_str().unwrap())
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        sign_in_with(&api, "forgetful", NEW_PASSWORD).await;
        let _ = server.port;
    }
}

#[tokio::test]
async fn links_expire_and_a_weak_password_is_refused() {
    for api in apis().await {
        person(&api, "hasty", "member").await;
        let dir = tempfile::tempdir().unwrap();
        let sender = api
            .t
            .app
            .mail_sender(MailTransport::files(dir.path().to_path_buf()));
        ask_for_a_link(&api, "hasty@people.example").await;
        // Without a mail server, the message is an .eml file.
        assert_eq!(sender.deliver_due().await.unwrap(), 1);
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        assert!(files[0].extension().is_some_and(|e| e == "eml"));
        let message = std::fs::read_to_string(&files[0])
            .unwrap()
            .replace("=\r\n", "")
            .replace("=\n", "");
        let path = format!("/api/v1/auth/password-reset/{}", reset_token(&message));

        let weak = api
            .post(&path, json!({"password": "password"}))
            .anonymous()
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(weak["error"]["code"], "ERROR_VALIDATION");
        api.t.clock.advance(time::Duration::minutes(61));
        let expired = api
            .post(&path, json!({"password": NEW_PASSWORD}))
            .anonymous()
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(expired["error"]["code"], "ERROR_RESET_LINK_INVALID");
    }
}
