//! Delivers queued mail: claims what is due, sends it, removes it; a failure is retried with a
//! growing wait (up to an hour), so an SMTP outage or a crash loses nothing. Several servers
//! sharing PostgreSQL may run one each: a claim holds a message for one of them.

use std::path::PathBuf;
use std::sync::Arc;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tenantry_store::{Db, mail_outbox};
use time::Duration;

use super::Mail;
use crate::clock::Clock;
use crate::secrets::SecretBox;

/// How long a sender holds a message it is sending.
const CLAIM: Duration = Duration::minutes(2);

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::hours(1);

/// How many messages one pass sends.
const BATCH: i64 = 50;

/// Where mail goes.
pub enum MailTransport {
    /// An SMTP server (`smtp://`, `smtps://`, or with `?tls=required` for STARTTLS; user and
    /// password in the URL).
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a directory, for a server without a mail server.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl MailTransport {
    pub fn smtp(url: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url: {e}"))?
            .build();
        Ok(MailTransport::Smtp(transport))
    }

    pub fn files(dir: PathBuf) -> Self {
        MailTransport::Files(AsyncFileTransport::new(&dir), dir)
    }
}

pub struct MailSender {
    pub(crate) db: Db,
    pub(crate) secret_box: SecretBox,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) from: String,
    pub(crate) transport: MailTransport,
}

/// The wait before attempt number `attempts + 1`: 30 s, doubling, at most an hour.
fn backoff(attempts: i32) -> Duration {
    let doubled = Duration::seconds(30) * 2i32.saturating_pow(attempts.clamp(0, 16) as u32);
    doubled.min(MAX_BACKOFF)
}

impl MailSender {
    /// Sends every message due now; answers how many were delivered.
    pub async fn deliver_due(&self) -> crate::error::Result<usize> {
        let now = self.clock.now();
        let mut delivered = 0;
        for queued in mail_outbox::due(&self.db, now, BATCH).await? {
            if !mail_outbox::claim(&self.db, queued.id, now, now + CLAIM).await? {
                continue;
            }
            match self.send(&queued.sealed_message).await {
                Ok(()) => {
                    mail_outbox::sent(&self.db, queued.id).await?;
                    delivered += 1;
                }
                Err(why) => {
                    let attempts = queued.attempts + 1;
                    tracing::warn!(id = %queued.id, attempts, error = %why, "mail not sent");
                    let next = now + backoff(queued.attempts);
                    mail_outbox::failed(&self.db, queued.id, attempts, next, &why).await?;
                }
            }
        }
        Ok(delivered)
    }

    async fn send(&self, sealed: &[u8]) -> Result<(), String> {
        let mail: Mail = self
            .secret_box
            .open(sealed)
            .and_then(|json| serde_json::from_slice(&json).ok())
            .ok_or("the message cannot be opened with this master key")?;
        let from: Mailbox = self.from.parse().map_err(|e| format!("--mail-from: {e}"))?;
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| format!("recipient address: {e}"))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject)
            .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
            .map_err(|e| e.to_string())?;
        match &self.transport {
            MailTransport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            MailTransport::Files(files, dir) => {
                let id = files.send(message).await.map_err(|e| e.to_string())?;
                // The file holds the message; the log names only where it is.
                tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "mail written");
                Ok(())
            }
        }
    }

    /// Delivers due mail every few seconds, for as long as the server runs.
    pub async fn run(self) {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(2));
        loop {
            every.tick().await;
            if let Err(err) = self.deliver_due().await {
                tracing::warn!(%err, "mail delivery pass failed");
            }
        }
    }
}
