//! Organizations as NS1's operators see them (`/v1/ops/orgs`): the same organizations as the
//! Tenantry API's, addressed by their numeric `org_id`. Also the operator's password reset
//! for a user, and redeeming its invite token.

use serde_json::Value;
use tenantry_store::organizations::{self, Organization};
use tenantry_store::{Tx, invite_tokens, operators, sessions, sign_in, users};
use time::Duration;

use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::bootstrap::top_level_create;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::ns1::check_name;
use crate::operators::OperatorActor;
use crate::organizations::{org_target, snapshot};
use crate::passwords::hash_new_password;
use crate::secrets::{random_base62, sha256};
use crate::totp::totp_step;
use tenantry_core::perms::{ORG_DELETE, ORG_MANAGE, USERS_MANAGE};

/// How long an invite token from a password reset works.
pub const INVITE_LIFETIME: Duration = Duration::hours(24);

async fn by_org_id(tx: &mut Tx, org_id: i64) -> Result<Organization> {
    organizations::get_by_org_id(tx, org_id)
        .await?
        .ok_or_else(|| AppError::not_found(NotFoundKind::Organization, org_id))
}

impl App {
    /// Every live organization, top-level and suborganizations alike.
    pub async fn ops_org_list(&self, _caller: &OperatorActor) -> Result<Vec<Organization>> {
        let mut tx = self.db.read().await?;
        Ok(organizations::list_all_live(&mut tx).await?)
    }

    /// A new top-level organization with its billing account, and no users yet: the operator
    /// adds them acting on its behalf (`key!org_id`).
    pub async fn ops_org_create(&self, caller: &OperatorActor, name: &str) -> Result<Organization> {
        let name = check_name(name)?;
        let mut tx = self.db.begin().await?;
        let (org, _) = top_level_create(&mut tx, caller, name, self.clock.now()).await?;
        tx.commit().await?;
        Ok(org)
    }

    pub async fn ops_org_get(&self, _caller: &OperatorActor, org_id: i64) -> Result<Organization> {
        let mut tx = self.db.read().await?;
        by_org_id(&mut tx, org_id).await
    }

    pub async fn ops_org_rename(
        &self,
        caller: &OperatorActor,
        org_id: i64,
        name: &str,
    ) -> Result<Organization> {
        let name = check_name(name)?;
        let mut tx = self.db.begin().await?;
        let before = by_org_id(&mut tx, org_id).await?;
        let auth = crate::authz::operator_proof(caller, before.id, ORG_MANAGE);
        let now = self.clock.now();
        let mut after = before.clone();
        after.profile.name = name;
        after.updated_on = now;
        organizations::update_profile(&mut tx, &auth, &after.profile, now).await?;
        record(
            &mut tx,
            &auth,
            &caller.in_org(&after),
            now,
            "organization.updated",
            org_target(after.id),
            diff(&snapshot(&before), &snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        self.quote_cache.invalidate();
        Ok(after)
    }

    /// Deletes an organization and everything in it (its suborganizations included): users,
    /// keys, teams, zones and records. Needs the calling operator's current TOTP code, which
    /// then cannot be used again. The audit trail stays.
    pub async fn ops_org_delete(
        &self,
        caller: &OperatorActor,
        org_id: i64,
        token: Option<&str>,
    ) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let operator = operators::get(&mut tx, caller.id())
            .await?
            .ok_or_else(|| AppError::Internal("the calling operator vanished".into()))?;
        let secret = self
            .secret_box
            .open(&operator.totp_secret_sealed)
            .and_then(|s| String::from_utf8(s).ok())
            .ok_or_else(|| {
                AppError::Internal("the operator's TOTP secret cannot be opened".into())
            })?;
        let step = token
            .and_then(|code| totp_step(&secret, code.trim(), now))
            .ok_or_else(invalid_token)?;
        if !operators::claim_totp_step(&mut tx, caller.id(), step).await? {
            return Err(invalid_token());
        }
        let org = by_org_id(&mut tx, org_id).await?;
        // NS1 knows no suborganizations: the operator removing a tenant removes the ones
        // it made through the Tenantry API too, each deleted like any organization.
        let children = organizations::live_children(&mut tx, org.id).await?;
        for target in children.iter().chain(std::iter::once(&org)) {
            let auth = crate::authz::operator_proof(caller, target.id, ORG_DELETE);
            self.delete_organization_in(&mut tx, &auth, &caller.in_org(target), target, now)
                .await?;
        }
        tx.commit().await?;
        self.forget_authentications();
        self.quote_cache.invalidate();
        Ok(())
    }

    /// A new invite token for a user of an organization: it sets the user's password once,
    /// within `INVITE_LIFETIME`, and replaces any earlier token.
    pub async fn ops_password_reset(
        &self,
        caller: &OperatorActor,
        org_id: i64,
        username: &str,
    ) -> Result<String> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let org = by_org_id(&mut tx, org_id).await?;
        let user = users::get_by_username(&mut tx, org.id, username)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::User, username))?;
        let auth = crate::authz::operator_proof(caller, org.id, USERS_MANAGE);
        let token = random_base62(40);
        let expires_at = now + INVITE_LIFETIME;
        invite_tokens::replace(&mut tx, &auth, user.id, &sha256(&token), expires_at, now).await?;
        record(
            &mut tx,
            &auth,
            &caller.in_org(&org),
            now,
            "user.password_reset",
            Target {
                kind: "user",
                id: user.id.to_string(),
            },
            Value::Object(Default::default()),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Redeems an invite token: sets the user's password. A token works once, and not after
    /// it expired or a newer one was issued.
    pub async fn password_set_with_invite(&self, token: &str, password: &str) -> Result<()> {
        let invalid = || {
            AppError::Unprocessable(
                Code::InviteTokenInvalid,
                "The invite token is unknown, used or expired".into(),
            )
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let user = invite_tokens::take(&mut tx, &sha256(token), now)
            .await?
            .ok_or_else(invalid)?;
        let person = sign_in::by_id(&mut tx, user).await?.ok_or_else(invalid)?;
        let email = person.email.as_deref().unwrap_or_default();
        let hash = hash_new_password(password, &[&person.username, email]).await?;
        sign_in::set_password(&mut tx, user, &hash, now).await?;
        // A reset password ends every session signed in with the old one.
        sessions::revoke_all_of_user(&mut tx, user, None, sessions::Ending::Everything, now)
            .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }

    /// Removes expired invite tokens (housekeeping).
    pub async fn invite_tokens_purge(&self) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let removed = invite_tokens::purge(&mut tx, self.clock.now()).await?;
        tx.commit().await?;
        Ok(removed)
    }
}

fn invalid_token() -> AppError {
    AppError::Forbidden(
        Code::TotpInvalid,
        "The token is not the operator's current TOTP code, or was used already".into(),
    )
}
