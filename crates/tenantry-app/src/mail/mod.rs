//! Mail: queued in the transaction of the change that causes it (sealed with the master key,
//! as it may carry a single-use link), and delivered by `sender.rs` over SMTP or, without a
//! mail server, written as `.eml` files.

mod account_templates;
mod domain_templates;
mod organization_templates;
mod sender;
mod templates;

use serde::{Deserialize, Serialize};
use tenantry_store::{Tx, mail_outbox};
use time::OffsetDateTime;

pub(crate) use account_templates::{email_verification, sign_up_existing};
pub(crate) use domain_templates::auto_renew_failed;
pub(crate) use organization_templates::{RefundLine, deletion_receipt, ownership_transfer};
pub use sender::{MailSender, MailTransport};
pub(crate) use templates::{invitation, password_reset};

use crate::error::{AppError, Result};
use crate::secrets::SecretBox;

/// Where mail comes from and where its links point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// The `From` address (`Tenantry <noreply@example.net>`).
    pub from: String,
    /// The server's public base URL, without a final slash (`https://dns.example.net`): the
    /// links in mail start with it.
    pub public_url: String,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            from: "Tenantry <noreply@localhost>".into(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// One message, as queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Queues `mail` in the use case's transaction: it is sent only if the change commits.
pub(crate) async fn queue(
    tx: &mut Tx,
    secret_box: &SecretBox,
    mail: &Mail,
    now: OffsetDateTime,
) -> Result<()> {
    let json = serde_json::to_vec(mail).map_err(|e| AppError::Internal(e.to_string()))?;
    mail_outbox::queue(tx, &secret_box.seal(&json), now).await?;
    Ok(())
}
