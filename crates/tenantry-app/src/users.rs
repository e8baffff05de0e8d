//! Users: creation into the caller's organization (or a suborganization), the caller's own
//! profile, reads, updates, deletion with the owner/self/last-admin rules, and listing.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use tenantry_core::values::{Email, Locale, Phone, Username};
use tenantry_core::{BuiltinRole, OrgScope, OrganizationId, Permission, UserId};
use tenantry_store::organizations::Organization;
use tenantry_store::users::{self, User, UserFilter};
use tenantry_store::{Page, PageRequest, Tx};
use tenantry_store::{memberships, sessions, sign_in};
use time::OffsetDateTime;

pub use tenantry_store::users::UserSort;

use crate::actor::{Actor, ActorKind};
use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::grantable::{ensure_held, ensure_not_owner};
use crate::passwords::checked_hash;
use crate::reach::{acting_org, authorize_org};
use crate::roles::find_role;
use tenantry_core::perms::{ORG_READ, USERS_DELETE, USERS_MANAGE, USERS_READ};

pub use tenantry_store::users::User as UserRecord;

#[derive(Debug, Clone)]
pub struct UserCreate {
    pub username: Username,
    pub email: Option<Email>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub locale: Option<Locale>,
    pub phone: Option<Phone>,
    pub password: Option<String>,
    pub attributes: Map<String, Value>,
    /// Defaults to `viewer`; `owner` is never assignable.
    pub role: Option<BuiltinRole>,
}

#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub username: Option<Username>,
    pub email: Option<Option<Email>>,
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub locale: Option<Option<Locale>>,
    pub phone: Option<Option<Phone>>,
    pub password: Option<String>,
    /// Upserted by key; a `null` value removes the key.
    pub attributes: Option<Map<String, Value>>,
    /// `false` deactivates the user (no sign-in; their sessions end at once), `true` makes
    /// them active again.
    pub active: Option<bool>,
}

/// A user as an organization's user list shows them: at home there, or a member whose home
/// is another organization (then `user.role` is the role held as a member).
#[derive(Debug, Clone)]
pub struct OrganizationUser {
    pub user: User,
    pub membership: bool,
}

/// A user with the role and permissions held in their organization.
#[derive(Debug, Clone)]
pub struct UserProfile {
    pub user: User,
    pub organization_currency: Option<String>,
    pub parent_organization_id: Option<OrganizationId>,
    pub permissions: BTreeSet<Permission>,
}

pub(crate) fn snapshot(user: &User) -> Value {
    json!({
        "username": user.username, "email": user.email, "first_name": user.first_name,
        "last_name": user.last_name, "locale": user.locale, "phone": user.phone,
        "role": user.role, "password": user.password_hash.as_ref().map(|_| "set"),
        "status": if user.deactivated_on.is_some() { "inactive" } else { "active" },
        "user_attributes": user.attributes,
    })
}

/// A new user of `organization_id` holding the role `role` (a label: built-in, custom, or
/// NS1's `individual`), its password checked by the one rule and hashed.
/// A person's full name as first and last name: the last name is what follows the first
/// space.
pub(crate) fn split_name(name: &str) -> (Option<String>, Option<String>) {
    let name = name.trim();
    match name.split_once(' ') {
        Some((first, last)) => (Some(first.to_owned()), Some(last.trim().to_owned())),
        None if name.is_empty() => (None, None),
        None => (Some(name.to_owned()), None),
    }
}

/// The locale of a person whose organization has no `default_locale` either.
pub const DEFAULT_LOCALE: &str = "en_US";

/// The locale of a person of `organization` who has not chosen one: the organization's
/// default locale, or `DEFAULT_LOCALE`. The vendor's user objects always carry one.
fn locale_of(organization: &Organization) -> String {
    organization
        .profile
        .default_locale
        .clone()
        .unwrap_or_else(|| DEFAULT_LOCALE.to_owned())
}

/// A new user of `organization`; one made without a locale takes `locale_of` it.
pub(crate) fn build_user(
    command: UserCreate,
    organization: &Organization,
    role: &str,
    now: OffsetDateTime,
) -> Result<User> {
    // Whoever makes a user with an address vouches for it (an administrator, the operator, an
    // invitation's link); a person signing up on their own proves it by its link instead.
    let email_verified_on = command.email.as_ref().map(|_| now);
    let password_hash = match command.password.as_deref() {
        Some(password) => {
            let email = command.email.as_ref().map_or("", Email::as_str);
            Some(checked_hash(password, &[command.username.as_str(), email])?)
        }
        None => None,
    };
    Ok(User {
        id: UserId::generate(),
        organization_id: organization.id,
        username: command.username.into_inner(),
        email: command.email.map(Email::into_inner),
        first_name: command.first_name,
        last_name: command.last_name,
        locale: Some(
            command
                .locale
                .map_or_else(|| locale_of(organization), Locale::into_inner),
        ),
        phone: command.phone.map(Phone::into_inner),
        role: role.into(),
        password_hash,
        attributes: command.attributes,
        created_on: now,
        updated_on: now,
        deactivated_on: None,
        email_verified_on,
    })
}

pub(crate) fn user_target(id: UserId) -> Target {
    Target {
        kind: "user",
        id: id.to_string(),
    }
}

/// The rules for changing a user's role (to `new_role`, NS1's `individual` when a permission
/// map takes over): the owner keeps theirs; only an owner gives or takes `admin`; the last
/// admin of an organization stays one.
pub(crate) async fn check_role_change(
    tx: &mut Tx,
    actor: &Actor,
    organization: &OrgScope,
    user: &User,
    new_role: &str,
) -> Result<()> {
    if user.role == BuiltinRole::Owner.label() {
        return Err(AppError::Forbidden(
            Code::CannotDeleteOwner,
            "The owner's role cannot be changed".into(),
        ));
    }
    let admin = BuiltinRole::Admin.label();
    check_admin_change(
        actor,
        organization,
        (new_role == admin) != (user.role == admin),
    )?;
    if user.role == admin
        && new_role != admin
        && users::count_admins_locked(tx, user.organization_id).await? <= 1
    {
        return Err(AppError::Conflict(
            Code::UserIsLastAdmin,
            "User is the last admin for the organization".into(),
        ));
    }
    Ok(())
}

/// Only an owner of the organization through which the caller reaches the user's grants or
/// removes the admin role: a person by the role held there, a credential by the role of the
/// person who made it.
pub(crate) fn check_admin_change(
    actor: &Actor,
    target: &OrgScope,
    touches_admin: bool,
) -> Result<()> {
    let owner = BuiltinRole::Owner.label();
    let caller_is_owner = match actor.kind {
        ActorKind::User { .. } => actor
            .principal
            .grant_for(target)
            .is_some_and(|grant| grant.role == owner),
        ActorKind::ApiKey { .. } => actor.creator.as_ref().is_some_and(|me| {
            me.user.role == owner && me.user.organization_id == actor.organization_id()
        }),
        ActorKind::Operator { .. } | ActorKind::Platform => false,
    };
    if touches_admin && !caller_is_owner {
        return Err(AppError::Forbidden(
            Code::OnlyOwnerCanManageAdminRole,
            "Only the organization's owner can grant or remove the admin role".into(),
        ));
    }
    Ok(())
}

impl App {
    /// Creates a user in the acting organization.
    pub async fn user_create(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        command: UserCreate,
    ) -> Result<User> {
        let role = command.role.unwrap_or(BuiltinRole::Viewer);
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), USERS_MANAGE).await?;
        ensure_not_owner(role.label())?;
        ensure_held(
            &actor.principal.permissions_in(&org.scope()),
            &BTreeSet::new(),
            &role.permissions(),
        )?;
        let now = self.clock.now();
        let user = build_user(command, &org, role.label(), now)?;
        users::insert(&mut tx, &auth, &user).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "user.created",
            user_target(user.id),
            diff(&Value::Null, &snapshot(&user)),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The signed-in person, or the user who made the calling credential, as authentication
    /// loaded them (at most a second old; changes made through this process show at once).
    /// A credential made by a parent's user inside a suborganization has no user there: its
    /// maker is outside the credential's reach and is never shown.
    pub async fn user_me(&self, actor: &Actor) -> Result<UserProfile> {
        actor
            .creator
            .as_deref()
            .filter(|me| actor.principal.reaches_id(me.user.organization_id))
            .cloned()
            .ok_or_else(|| AppError::not_found(NotFoundKind::User, "me"))
    }

    /// Loads a user inside the caller's reach and authorizes `permission` on their org.
    async fn user_in_reach(
        &self,
        tx: &mut tenantry_store::Tx,
        actor: &Actor,
        id: UserId,
        permission: Permission,
    ) -> Result<(User, Organization, crate::authz::Authorized)> {
        let user = users::get(tx, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::User, id))?;
        let (org, auth) = authorize_org(tx, actor, user.organization_id, permission)
            .await
            .map_err(|err| match err {
                AppError::NotFound { .. } => AppError::not_found(NotFoundKind::User, id),
                other => other,
            })?;
        Ok((user, org, auth))
    }

    pub async fn user_get(&self, actor: &Actor, id: UserId) -> Result<User> {
        let mut tx = self.db.read().await?;
        Ok(self.user_in_reach(&mut tx, actor, id, USERS_READ).await?.0)
    }

    pub async fn user_update(&self, actor: &Actor, id: UserId, patch: UserPatch) -> Result<User> {
        let mut tx = self.db.begin().await?;
        let (user, org, auth) = self.user_in_reach(&mut tx, actor, id, USERS_MANAGE).await?;
        let now = self.clock.now();
        let mut after = user.clone();
        if let Some(username) = patch.username {
            after.username = username.into_inner();
        }
        if let Some(email) = patch.email {
            after.email = email.map(Email::into_inner);
        }
        if let Some(first_name) = patch.first_name {
            after.first_name = first_name;
        }
        if let Some(last_name) = patch.last_name {
            after.last_name = last_name;
        }
        if let Some(locale) = patch.locale {
            after.locale = Some(locale.map_or_else(|| locale_of(&org), Locale::into_inner));
        }
        if let Some(phone) = patch.phone {
            after.phone = phone.map(Phone::into_inner);
        }
        let password_changed = patch.password.is_some();
        if let Some(password) = patch.password {
            let email = after.email.as_deref().unwrap_or_default();
            after.password_hash = Some(checked_hash(&password, &[&after.username, email])?);
        }
        for (key, value) in patch.attributes.unwrap_or_default() {
            if value.is_null() {
                after.attributes.remove(&key);
            } else {
                after.attributes.insert(key, value);
            }
        }
        after.updated_on = now;
        users::update(&mut tx, &auth, &after).await?;
        if password_changed && let Some(hash) = &after.password_hash {
            sign_in::set_password(&mut tx, id, hash, now).await?;
        }
        if let Some(active) = patch.active
            && active == user.deactivated_on.is_some()
        {
            if actor.user_id() == Some(id) {
                return Err(AppError::Forbidden(
                    Code::UserCannotDeleteSelf,
                    "You cannot deactivate yourself".into(),
                ));
            }
            if user.role == BuiltinRole::Owner.label() {
                return Err(AppError::Forbidden(
                    Code::CannotDeleteOwner,
                    "The owner cannot be deactivated".into(),
                ));
            }
            after.deactivated_on = (!active).then_some(now);
            users::set_deactivated(&mut tx, &auth, id, after.deactivated_on, now).await?;
            // A deactivated user's sessions end at once; coming back means signing in again.
            sessions::revoke_all_of_user(&mut tx, id, None, sessions::Ending::Everything, now)
                .await?;
        }
        let mut after_snapshot = snapshot(&after);
        if password_changed {
            // A password set by someone else ends the user's sessions (but the caller's own).
            sessions::revoke_all_of_user(
                &mut tx,
                id,
                actor.session_id(),
                sessions::Ending::Everything,
                now,
            )
            .await?;
            // The diff shows that the password changed, redacted, never what it is.
            after_snapshot["password"] = json!("changed");
        }
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "user.updated",
            user_target(id),
            diff(&snapshot(&user), &after_snapshot),
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(after)
    }

    pub async fn user_delete(&self, actor: &Actor, id: UserId) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (user, _, auth) = self.user_in_reach(&mut tx, actor, id, USERS_DELETE).await?;
        if actor.user_id() == Some(id) {
            return Err(AppError::Forbidden(
                Code::UserCannotDeleteSelf,
                "You cannot delete yourself".into(),
            ));
        }
        let role = user.role.parse::<BuiltinRole>().ok();
        if role == Some(BuiltinRole::Owner) {
            return Err(AppError::Forbidden(
                Code::CannotDeleteOwner,
                "The organization owner cannot be deleted".into(),
            ));
        }
        if role.is_some_and(BuiltinRole::is_admin)
            && users::count_admins_locked(&mut tx, user.organization_id).await? <= 1
        {
            return Err(AppError::Conflict(
                Code::UserIsLastAdmin,
                "User is the last admin for the organization".into(),
            ));
        }
        let now = self.clock.now();
        users::mark_deleted(&mut tx, &auth, id, now).await?;
        tenantry_store::teams::set_memberships(&mut tx, &auth, id.uuid(), &[]).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "user.deleted",
            user_target(id),
            diff(&snapshot(&user), &Value::Null),
        )
        .await?;
        tx.commit().await?;
        // Cached authentications carry their creator's profile.
        self.forget_authentications();
        Ok(())
    }

    /// A user's role label and the permissions it grants (for `individual`, its NS1 map's).
    pub async fn user_role(&self, actor: &Actor, id: UserId) -> Result<(String, Vec<Permission>)> {
        let mut tx = self.db.read().await?;
        let (user, _, _) = self.user_in_reach(&mut tx, actor, id, USERS_READ).await?;
        let permissions =
            crate::ns1::holder_access(&mut tx, user.organization_id, &user.role, id.uuid())
                .await?
                .permissions
                .into_iter()
                .collect();
        Ok((user.role, permissions))
    }

    /// Gives a user another role of their organization, built-in or custom. `owner` is never
    /// given or taken here; only the owner grants or removes `admin`; the last admin cannot be
    /// demoted. Applies at once to everything the user does.
    pub async fn user_role_set(&self, actor: &Actor, id: UserId, label: &str) -> Result<String> {
        ensure_not_owner(label)?;
        let mut tx = self.db.begin().await?;
        let (user, org, auth) = self.user_in_reach(&mut tx, actor, id, USERS_MANAGE).await?;
        let role = find_role(&mut tx, org.id, label).await?;
        // The rules about who may take which role from whom answer before the caller's own
        // reach (an admin's role is the owner's to change, whatever the caller holds).
        check_role_change(&mut tx, actor, &org.scope(), &user, &role.label).await?;
        ensure_held(
            &actor.principal.permissions_in(&org.scope()),
            &BTreeSet::new(),
            &role.permissions.iter().copied().collect(),
        )?;
        let now = self.clock.now();
        let after = User {
            role: role.label,
            updated_on: now,
            ..user.clone()
        };
        users::update(&mut tx, &auth, &after).await?;
        crate::ns1::role_assigned(&mut tx, &auth, after.id.uuid()).await?;
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "user.role_changed",
            user_target(id),
            diff(&snapshot(&user), &snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        // Cached authentications carry their creator's role.
        self.forget_authentications();
        Ok(after.role)
    }

    /// The users of the acting organization.
    pub async fn user_list(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        filter: UserFilter,
        page: PageRequest,
    ) -> Result<Page<OrganizationUser>> {
        let mut tx = self.db.read().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), ORG_READ).await?;
        let page = users::list(&mut tx, &auth, &filter, page).await?;
        let member_roles = if page.items.iter().any(|u| u.organization_id != org.id) {
            memberships::roles(&mut tx, &auth).await?
        } else {
            Default::default()
        };
        Ok(page.map(|mut user| {
            let membership = user.organization_id != org.id;
            if let Some(role) = member_roles.get(&user.id).filter(|_| membership) {
                user.role = role.clone();
            }
            // A member is shown as held in the listed organization: its home (perhaps another
            // tenant) is outside the caller's reach.
            if membership {
                user.organization_id = org.id;
            }
            OrganizationUser { user, membership }
        }))
    }
}

pub use tenantry_store::users::UserFilter as UserListFilter;
