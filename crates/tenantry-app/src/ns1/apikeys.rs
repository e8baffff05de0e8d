//! `/v1/account/apikeys`: the organization's API credentials as NS1 shows them. A key made
//! here is an ordinary Tenantry credential (`opk_…`, usable with either API) whose
//! permissions come from its NS1 map (role `individual`).

use serde_json::Value;
use tenantry_core::ApiKeyId;
use tenantry_core::ns1::short_id_range;
use tenantry_store::Tx;
use tenantry_store::credentials::{self, Credential};

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{diff, record};
use crate::credentials::{CredentialCreate, new_credential, snapshot, target};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::ns1::access::{AccessChange, INDIVIDUAL_ROLE, Ns1Access, access_of, change_access};
use crate::ns1::{check_name, with_access};
use crate::reach::authorize_org;
use tenantry_core::perms::{KEYS_MANAGE, KEYS_READ};

#[derive(Debug, Clone)]
pub struct Ns1Key {
    pub credential: Credential,
    pub access: Ns1Access,
    /// The key and its OAuth client secret, only when just created.
    pub secrets: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Ns1KeyCreate {
    pub name: String,
    pub access: AccessChange,
}

#[derive(Debug, Clone, Default)]
pub struct Ns1KeyUpdate {
    pub name: Option<String>,
    pub access: AccessChange,
}

fn ns1_snapshot(credential: &Credential, access: &Ns1Access) -> Value {
    with_access(snapshot(credential), access)
}

/// Key names are unique among an organization's live keys (clients look keys up by name).
async fn ensure_name_free(
    tx: &mut Tx,
    actor: &Actor,
    name: &str,
    except: Option<ApiKeyId>,
) -> Result<()> {
    let taken = credentials::list_live(tx, actor.organization_id())
        .await?
        .iter()
        .any(|c| c.name.as_deref() == Some(name) && Some(c.id) != except);
    if taken {
        return Err(AppError::AlreadyExists(
            Code::ApiKeyExists,
            format!("api key with name \"{name}\" exists"),
        ));
    }
    Ok(())
}

async fn by_short_id(tx: &mut Tx, actor: &Actor, id: &str) -> Result<Credential> {
    let not_found = || AppError::not_found(NotFoundKind::Credential, id);
    let (low, high) = short_id_range(id).ok_or_else(not_found)?;
    let mut found = credentials::live_in_range(tx, actor.organization_id(), low, high).await?;
    match found.len() {
        1 => Ok(found.remove(0)),
        _ => Err(not_found()),
    }
}

impl App {
    pub async fn ns1_key_list(&self, actor: &Actor) -> Result<Vec<Ns1Key>> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, actor.organization_id(), KEYS_READ).await?;
        let mut out = Vec::new();
        for credential in credentials::list_live(&mut tx, org.id).await? {
            let access = access_of(&mut tx, org.id, &credential.role, credential.id.uuid()).await?;
            out.push(Ns1Key {
                credential,
                access,
                secrets: None,
            });
        }
        Ok(out)
    }

    pub async fn ns1_key_get(&self, actor: &Actor, id: &str) -> Result<Ns1Key> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, actor.organization_id(), KEYS_READ).await?;
        let credential = by_short_id(&mut tx, actor, id).await?;
        let access = access_of(&mut tx, org.id, &credential.role, credential.id.uuid()).await?;
        Ok(Ns1Key {
            credential,
            access,
            secrets: None,
        })
    }

    pub async fn ns1_key_create(&self, actor: &Actor, create: Ns1KeyCreate) -> Result<Ns1Key> {
        let name = check_name(&create.name)?;
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, actor.organization_id(), KEYS_MANAGE).await?;
        ensure_name_free(&mut tx, actor, &name, None).await?;
        let now = self.clock.now();
        let command = CredentialCreate {
            name: Some(name),
            role: Some(INDIVIDUAL_ROLE.into()),
            ..Default::default()
        };
        let issued = new_credential(org.id, actor.user_id(), command, now);
        credentials::insert(&mut tx, &auth, &issued.credential).await?;
        let mut change = create.access;
        change.permissions.get_or_insert_with(Default::default);
        let credential = issued.credential;
        let (access, _) = change_access(
            &mut tx,
            &auth,
            actor,
            credential.id.uuid(),
            &credential.role,
            change,
        )
        .await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "api_key.created",
            target(credential.id),
            diff(&Value::Null, &ns1_snapshot(&credential, &access)),
        )
        .await?;
        tx.commit().await?;
        Ok(Ns1Key {
            credential,
            access,
            secrets: Some((issued.api_key, issued.client_secret)),
        })
    }

    pub async fn ns1_key_update(
        &self,
        actor: &Actor,
        id: &str,
        update: Ns1KeyUpdate,
    ) -> Result<Ns1Key> {
        let name = update.name.as_deref().map(check_name).transpose()?;
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, actor.organization_id(), KEYS_MANAGE).await?;
        let before = by_short_id(&mut tx, actor, id).await?;
        let before_access = access_of(&mut tx, org.id, &before.role, before.id.uuid()).await?;
        let mut after = before.clone();
        if let Some(name) = name {
            ensure_name_free(&mut tx, actor, &name, Some(before.id)).await?;
            credentials::rename(&mut tx, &auth, before.id, &name).await?;
            after.name = Some(name);
        }
        let (access, individual) = change_access(
            &mut tx,
            &auth,
            actor,
            before.id.uuid(),
            &before.role,
            update.access,
        )
        .await?;
        if individual && before.role != INDIVIDUAL_ROLE {
            credentials::set_role(&mut tx, &auth, before.id, INDIVIDUAL_ROLE).await?;
            after.role = INDIVIDUAL_ROLE.into();
        }
        record(
            &mut tx,
            &auth,
            actor,
            self.clock.now(),
            "api_key.updated",
            target(after.id),
            diff(
                &ns1_snapshot(&before, &before_access),
                &ns1_snapshot(&after, &access),
            ),
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(Ns1Key {
            credential: after,
            access,
            secrets: None,
        })
    }

    /// Revokes a key (the Tenantry API's revocation).
    pub async fn ns1_key_delete(&self, actor: &Actor, id: &str) -> Result<()> {
        let credential = {
            let mut tx = self.db.read().await?;
            authorize_org(&mut tx, actor, actor.organization_id(), KEYS_READ).await?;
            by_short_id(&mut tx, actor, id).await?
        };
        self.credential_delete(actor, credential.id).await
    }
}
