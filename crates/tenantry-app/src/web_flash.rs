//! Secrets the dashboard shows exactly once (a new credential's key and client secret). They
//! are sealed with the master key for one session, one organization's page and a short
//! while, and carried by the browser from the form's answer to the next page, which shows
//! them and drops them: nothing of them is stored, and a reload finds them gone.

use serde::{Deserialize, Serialize};
use tenantry_core::OrganizationId;
use time::Duration;

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, Result};

/// How long the next page has to show them.
pub const SHOWN_WITHIN: Duration = Duration::minutes(2);

/// What one page shows once: what the secrets belong to, and each secret with its label.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShownOnce {
    pub subject: String,
    pub secrets: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    session: String,
    organization: String,
    until: i64,
    shown: ShownOnce,
}

impl App {
    /// Seals `shown` for the signed-in person's current session and a page of `organization`.
    pub fn seal_shown_once(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        shown: ShownOnce,
    ) -> Result<String> {
        let session = actor
            .session_id()
            .ok_or_else(|| AppError::Internal("only a session is shown secrets once".into()))?;
        let sealed = Sealed {
            session: session.to_string(),
            organization: organization.to_string(),
            until: (self.clock.now() + SHOWN_WITHIN).unix_timestamp(),
            shown,
        };
        let plain = serde_json::to_vec(&sealed).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(hex::encode(self.secret_box.seal(&plain)))
    }

    /// What `sealed` shows, if it was sealed for this session and this organization's page,
    /// and is still fresh.
    pub fn open_shown_once(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        sealed: &str,
    ) -> Option<ShownOnce> {
        let session = actor.session_id()?.to_string();
        let organization = organization.to_string();
        let now = self.clock.now().unix_timestamp();
        hex::decode(sealed.trim())
            .ok()
            .and_then(|sealed| self.secret_box.open(&sealed))
            .and_then(|plain| serde_json::from_slice::<Sealed>(&plain).ok())
            .filter(|s| s.session == session && s.organization == organization && s.until > now)
            .map(|s| s.shown)
    }
}
