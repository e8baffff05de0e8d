//! API credentials: issuing (the secrets are shown once), listing, revoking, introspecting.

use serde_json::{Value, json};
use tenantry_core::ids::ApiKeyKind;
use tenantry_core::{ApiKeyId, BuiltinRole, OrgScope, OrganizationId, Permission};
use tenantry_store::credentials::{self, Credential};
use tenantry_store::{Page, PageRequest, Tx};
use time::OffsetDateTime;

pub use tenantry_store::credentials::{Credential as CredentialRecord, CredentialStatus};

use crate::actor::{Actor, ActorKind};
use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::grantable::grantable_role;
use crate::reach::{acting_org, authorize_org};
use crate::secrets::{issue_key, random_base62, sha256};
use tenantry_core::perms::{KEYS_DELETE, KEYS_MANAGE, KEYS_READ};

/// Length of the OAuth client secret: 40 base62 characters, about 238 bits.
const CLIENT_SECRET_LEN: usize = 40;

#[derive(Debug, Clone, Default)]
pub struct CredentialCreate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub expires_at: Option<OffsetDateTime>,
    /// Defaults to `admin`; may not exceed what the creator holds.
    /// A role label of the credential's organization, built-in or custom; defaults to
    /// `admin`; never `owner`, never beyond what the creator holds.
    pub role: Option<String>,
}

/// The longest a rotated credential's old secret may keep working.
pub const MAX_OLD_SECRET_OVERLAP: time::Duration = time::Duration::days(30);

/// When a rotated credential's old secret stops working.
#[derive(Debug, Clone, Copy)]
pub enum OldSecretEnds {
    /// This long after the rotation; zero ends it at once.
    After(time::Duration),
    At(OffsetDateTime),
}

/// A credential just issued, with its secrets (never retrievable again).
#[derive(Debug, Clone)]
pub struct IssuedCredential {
    pub credential: Credential,
    pub api_key: String,
    pub client_secret: String,
}

pub fn status_of(credential: &Credential, now: OffsetDateTime) -> CredentialStatus {
    if credential.revoked_on.is_some() {
        CredentialStatus::Revoked
    } else if credential.expires_at.is_some_and(|at| at <= now) {
        CredentialStatus::Expired
    } else {
        CredentialStatus::Active
    }
}

pub(crate) fn snapshot(credential: &Credential) -> Value {
    json!({
        "api_key_name": credential.name, "api_key_description": credential.description,
        "role": credential.role, "expires_at": credential.expires_at,
        "revoked_on": credential.revoked_on,
    })
}

/// Builds a new credential and its secrets; only digests go into the record.
pub(crate) fn new_credential(
    organization_id: OrganizationId,
    created_by: Option<tenantry_core::UserId>,
    command: CredentialCreate,
    now: OffsetDateTime,
) -> IssuedCredential {
    let issued = issue_key::<ApiKeyKind>("opk");
    let client_secret = random_base62(CLIENT_SECRET_LEN);
    IssuedCredential {
        credential: Credential {
            id: issued.id,
            organization_id,
            created_by,
            name: command.name,
            description: command.description,
            role: command
                .role
                .unwrap_or_else(|| BuiltinRole::Admin.label().into()),
            key_digest: sha256(&issued.key),
            client_secret_digest: sha256(&client_secret),
            expires_at: command.expires_at,
            last_used_on: None,
            created_on: now,
            revoked_on: None,
            rotated_from: None,
        },
        api_key: issued.key,
        client_secret,
    }
}

/// A credential of the actor's reach, checked for `permission`; anything else is not found.
async fn credential_in_reach(
    tx: &mut Tx,
    actor: &Actor,
    id: ApiKeyId,
    permission: Permission,
) -> Result<(Credential, OrgScope, crate::authz::Authorized)> {
    let not_found = || AppError::not_found(NotFoundKind::Credential, id);
    let credential = credentials::get(tx, id).await?.ok_or_else(not_found)?;
    let (org, auth) = authorize_org(tx, actor, credential.organization_id, permission)
        .await
        .map_err(|err| match err {
            AppError::NotFound { .. } => not_found(),
            other => other,
        })?;
    Ok((credential, org.scope(), auth))
}

pub(crate) fn target(id: ApiKeyId) -> Target {
    Target {
        kind: "api_key",
        id: id.to_string(),
    }
}

impl App {
    pub async fn credential_create(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        command: CredentialCreate,
    ) -> Result<IssuedCredential> {
        let now = self.clock.now();
        if command.expires_at.is_some_and(|at| at <= now) {
            return Err(AppError::invalid_field(
                "expires_at",
                "expires_at must be in the future",
            ));
        }
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), KEYS_MANAGE).await?;
        let label = command
            .role
            .as_deref()
            .unwrap_or(BuiltinRole::Admin.label());
        grantable_role(&mut tx, actor, &org.scope(), label).await?;
        let issued = new_credential(org.id, actor.user_id(), command, now);
        credentials::insert(&mut tx, &auth, &issued.credential).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "api_key.created",
            target(issued.credential.id),
            diff(&Value::Null, &snapshot(&issued.credential)),
        )
        .await?;
        tx.commit().await?;
        Ok(issued)
    }

    pub async fn credential_list(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        status: Option<CredentialStatus>,
        page: PageRequest,
    ) -> Result<Page<Credential>> {
        let mut tx = self.db.read().await?;
        let (_, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), KEYS_READ).await?;
        Ok(credentials::list(&mut tx, &auth, status, self.clock.now(), page).await?)
    }

    /// Revokes a credential; it stops working at once.
    pub async fn credential_delete(&self, actor: &Actor, id: ApiKeyId) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (credential, _, auth) = credential_in_reach(&mut tx, actor, id, KEYS_DELETE).await?;
        if credential.revoked_on.is_none() {
            let now = self.clock.now();
            credentials::revoke(&mut tx, &auth, id, now).await?;
            tenantry_store::teams::set_memberships(&mut tx, &auth, id.uuid(), &[]).await?;
            let after = Credential {
                revoked_on: Some(now),
                ..credential.clone()
            };
            record(
                &mut tx,
                &auth,
                actor,
                now,
                "api_key.revoked",
                target(id),
                diff(&snapshot(&credential), &snapshot(&after)),
            )
            .await?;
        }
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }

    /// Issues a successor with new secrets, the same name, description, role and expiry;
    /// the old credential keeps working until `old_ends` (at once, for a leaked secret)
    /// and then reads as expired. Both stay listed; the new one names the old in
    /// `rotated_from`. A credential is rotated at most once.
    pub async fn credential_rotate(
        &self,
        actor: &Actor,
        id: ApiKeyId,
        old_ends: OldSecretEnds,
    ) -> Result<IssuedCredential> {
        let now = self.clock.now();
        let latest = now + MAX_OLD_SECRET_OVERLAP;
        let (old_valid_until, field) = match old_ends {
            // Compared before it is added: an overlap too long to add is beyond the bound.
            OldSecretEnds::After(overlap) if overlap > MAX_OLD_SECRET_OVERLAP => {
                (latest + time::Duration::SECOND, "overlap_seconds")
            }
            OldSecretEnds::After(overlap) => (now + overlap, "overlap_seconds"),
            OldSecretEnds::At(at) => (at, "old_expires_at"),
        };
        if old_valid_until < now {
            return Err(AppError::invalid_field(
                field,
                "the old credential's end cannot be in the past",
            ));
        }
        if old_valid_until > latest {
            return Err(AppError::invalid_field(
                field,
                "the old credential may work at most 30 days after a rotation",
            ));
        }
        let mut tx = self.db.begin().await?;
        let (old, scope, auth) = credential_in_reach(&mut tx, actor, id, KEYS_MANAGE).await?;
        if status_of(&old, now) != CredentialStatus::Active {
            return Err(AppError::Conflict(
                Code::CredentialNotActive,
                "Only an active credential can be rotated".into(),
            ));
        }
        let already = || {
            AppError::Conflict(
                Code::CredentialAlreadyRotated,
                "The credential was already rotated; rotate its successor instead".into(),
            )
        };
        if credentials::successor(&mut tx, id).await?.is_some() {
            return Err(already());
        }
        grantable_role(&mut tx, actor, &scope, &old.role).await?;
        let command = CredentialCreate {
            name: old.name.clone(),
            description: old.description.clone(),
            expires_at: old.expires_at,
            role: Some(old.role.clone()),
        };
        let mut issued = new_credential(old.organization_id, actor.user_id(), command, now);
        issued.credential.rotated_from = Some(id);
        let until = old
            .expires_at
            .map_or(old_valid_until, |at| at.min(old_valid_until));
        credentials::set_expiry(&mut tx, &auth, id, until).await?;
        match credentials::insert(&mut tx, &auth, &issued.credential).await {
            // Another rotation of the same credential committed first.
            Err(tenantry_store::StoreError::UniqueViolation(
                tenantry_store::Unique::CredentialSuccessor,
            )) => return Err(already()),
            other => other?,
        }
        let ended = Credential {
            expires_at: Some(until),
            ..old.clone()
        };
        let change = diff(&snapshot(&old), &snapshot(&ended));
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "api_key.rotated",
            target(id),
            change,
        )
        .await?;
        let mut created = snapshot(&issued.credential);
        created["rotated_from"] = json!(id.to_string());
        let change = diff(&Value::Null, &created);
        let new_target = target(issued.credential.id);
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "api_key.created",
            new_target,
            change,
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(issued)
    }

    /// The calling credential itself.
    pub async fn credential_introspect(&self, actor: &Actor) -> Result<Credential> {
        let ActorKind::ApiKey { id, .. } = actor.kind else {
            return Err(AppError::Unauthenticated(
                Code::Authentication,
                "Introspection needs an API key".into(),
            ));
        };
        let mut tx = self.db.read().await?;
        credentials::get(&mut tx, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Credential, id))
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }
}
