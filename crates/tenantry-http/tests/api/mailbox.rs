//! The mail a test's app queued: delivered as `.eml` files into a directory of the test's,
//! read back decoded, and searched for the links it carries.

use tenantry_app::mail::MailTransport;

use crate::support::Api;

/// One delivered message: its raw text (quoted-printable soft breaks undone).
pub struct Delivered {
    pub text: String,
}

impl Delivered {
    /// Whether the message is addressed to `to`.
    pub fn is_to(&self, to: &str) -> bool {
        self.text
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to))
    }

    /// The token of the first link containing `marker` (`"/invitations/"`).
    pub fn link(&self, marker: &str) -> Option<String> {
        let start = self.text.find(marker)? + marker.len();
        Some(
            self.text[start..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect(),
        )
    }
}

/// Delivers the queued mail now; answers it, oldest first.
pub async fn deliver(api: &Api) -> Vec<Delivered> {
    let dir = tempfile::tempdir().unwrap();
    let sender = api
        .t
        .app
        .mail_sender(MailTransport::files(dir.path().to_path_buf()));
    sender.deliver_due().await.unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort_by_key(|f| std::fs::metadata(f).unwrap().modified().unwrap());
    files
        .iter()
        .map(|f| Delivered {
            text: std::fs::read_to_string(f)
                .unwrap()
                .replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "="),
        })
        .collect()
}

/// The tokens of the links containing `marker` in the mail queued since the last delivery,
/// oldest first.
pub async fn links(api: &Api, marker: &str) -> Vec<String> {
    deliver(api)
        .await
        .iter()
        .filter_map(|m| m.link(marker))
        .collect()
}
