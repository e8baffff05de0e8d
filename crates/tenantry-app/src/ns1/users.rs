//! `/v1/account/users`: the organization's users as NS1 shows them, addressed by username.
//! They are the Tenantry API's users; a user whose permissions NS1 set holds the
//! `individual` role, and its map decides what its credentials may do.

use serde_json::Value;
use tenantry_core::values::{Email, Username};
use tenantry_store::users::{self, User};
use tenantry_store::{StoreError, Tx, Unique};

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{diff, record};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::ns1::access::{AccessChange, INDIVIDUAL_ROLE, Ns1Access, access_of, change_access};
use crate::ns1::with_access;
use crate::reach::authorize_org;
use crate::users::{UserCreate, build_user, check_role_change, snapshot, split_name, user_target};
use tenantry_core::perms::{USERS_MANAGE, USERS_READ};

#[derive(Debug, Clone)]
pub struct Ns1User {
    pub user: User,
    pub access: Ns1Access,
}

#[derive(Debug, Clone)]
pub struct Ns1UserCreate {
    pub username: Username,
    pub name: String,
    pub email: Email,
    pub access: AccessChange,
}

#[derive(Debug, Clone, Default)]
pub struct Ns1UserUpdate {
    pub name: Option<String>,
    pub email: Option<Email>,
    pub access: AccessChange,
}

/// NS1's one `name` is Tenantry's first and last name.
pub fn display_name(user: &User) -> String {
    [user.first_name.as_deref(), user.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

fn ns1_snapshot(user: &User, access: &Ns1Access) -> Value {
    with_access(snapshot(user), access)
}

fn login_taken(err: StoreError) -> AppError {
    match err {
        StoreError::UniqueViolation(Unique::Username | Unique::Email) => AppError::AlreadyExists(
            Code::UserExists,
            "request failed:Login Name is already in use.".into(),
        ),
        other => other.into(),
    }
}

async fn by_username(tx: &mut Tx, actor: &Actor, username: &str) -> Result<User> {
    users::get_by_username(tx, actor.organization_id(), username)
        .await?
        .ok_or_else(|| AppError::not_found(NotFoundKind::User, username))
}

impl App {
    pub async fn ns1_user_list(&self, actor: &Actor) -> Result<Vec<Ns1User>> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, actor.organization_id(), USERS_READ).await?;
        let mut out = Vec::new();
        for user in users::list_all(&mut tx, org.id).await? {
            let access = access_of(&mut tx, org.id, &user.role, user.id.uuid()).await?;
            out.push(Ns1User { user, access });
        }
        Ok(out)
    }

    pub async fn ns1_user_get(&self, actor: &Actor, username: &str) -> Result<Ns1User> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, actor.organization_id(), USERS_READ).await?;
        let user = by_username(&mut tx, actor, username).await?;
        let access = access_of(&mut tx, org.id, &user.role, user.id.uuid()).await?;
        Ok(Ns1User { user, access })
    }

    pub async fn ns1_user_create(&self, actor: &Actor, create: Ns1UserCreate) -> Result<Ns1User> {
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, actor.organization_id(), USERS_MANAGE).await?;
        let now = self.clock.now();
        let (first_name, last_name) = split_name(&create.name);
        let command = UserCreate {
            username: create.username,
            email: Some(create.email),
            first_name,
            last_name,
            locale: None,
            phone: None,
            password: None,
            attributes: Default::default(),
            role: None,
        };
        let user = build_user(command, &org, INDIVIDUAL_ROLE, now)?;
        users::insert(&mut tx, &auth, &user)
            .await
            .map_err(login_taken)?;
        let mut change = create.access;
        change.permissions.get_or_insert_with(Default::default);
        let (access, _) =
            change_access(&mut tx, &auth, actor, user.id.uuid(), &user.role, change).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "user.created",
            user_target(user.id),
            diff(&Value::Null, &ns1_snapshot(&user, &access)),
        )
        .await?;
        tx.commit().await?;
        Ok(Ns1User { user, access })
    }

    pub async fn ns1_user_update(
        &self,
        actor: &Actor,
        username: &str,
        update: Ns1UserUpdate,
    ) -> Result<Ns1User> {
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, actor.organization_id(), USERS_MANAGE).await?;
        let before = by_username(&mut tx, actor, username).await?;
        let before_access = access_of(&mut tx, org.id, &before.role, before.id.uuid()).await?;
        let now = self.clock.now();
        let mut after = before.clone();
        if let Some(name) = &update.name {
            (after.first_name, after.last_name) = split_name(name);
        }
        if let Some(email) = update.email {
            after.email = Some(email.into_inner());
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
            check_role_change(
                &mut tx,
                actor,
                actor.principal.home_organization(),
                &before,
                INDIVIDUAL_ROLE,
            )
            .await?;
            after.role = INDIVIDUAL_ROLE.into();
        }
        after.updated_on = now;
        users::update(&mut tx, &auth, &after)
            .await
            .map_err(login_taken)?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "user.updated",
            user_target(after.id),
            diff(
                &ns1_snapshot(&before, &before_access),
                &ns1_snapshot(&after, &access),
            ),
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(Ns1User {
            user: after,
            access,
        })
    }

    /// Deletes a user by username, with the Tenantry API's rules (not oneself, not the
    /// owner, not the last admin).
    pub async fn ns1_user_delete(&self, actor: &Actor, username: &str) -> Result<()> {
        let id = {
            let mut tx = self.db.read().await?;
            authorize_org(&mut tx, actor, actor.organization_id(), USERS_READ).await?;
            by_username(&mut tx, actor, username).await?.id
        };
        self.user_delete(actor, id).await
    }
}
