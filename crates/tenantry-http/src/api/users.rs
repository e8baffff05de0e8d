//! `/v1/users…` and `/v1/organizations/users`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tenantry_app::SortOrder;
use tenantry_app::users::{
    UserCreate, UserListFilter, UserPatch, UserProfile, UserRecord, UserSort,
};
use tenantry_core::values::{Email, Locale, Phone, Username};
use tenantry_core::{BuiltinRole, OrganizationId, Permission, UserId};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody, OrgContext, PathId};
use crate::pagination::{MAX_PAGE_SIZE, Paginated, page_request, paginated, sort_order};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{Check, nullable, time};

use crate::openapi::{QueryKind::*, QueryParameter, param};

/// The query parameters of the user list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[
    param(
        "sort_by",
        OneOf(&["created_on", "username", "email"]),
        "Sort key",
    ),
    param("search", Text, "Part of the username, email or name"),
];

/// The query parameters of a user's read.
pub(crate) const ONE_QUERY: &[QueryParameter] = &[param(
    "attributes",
    Text,
    "Attributes to include (repeatable)",
)];

#[derive(ToSchema, Serialize)]
pub(crate) struct UserWire {
    user_id: UserId,
    organization_id: OrganizationId,
    username: String,
    /// The vendor's schema has strings here, never null: an empty one is "not given".
    email: String,
    first_name: String,
    last_name: String,
    locale: String,
    phone: Option<String>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_attributes: Option<Map<String, Value>>,
    /// In an organization's user list: `true` for a member whose home is another
    /// organization (its `organization_id`), with `role` the one held in the listed one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    membership: bool,
    created_on: String,
    updated_on: String,
}

impl From<UserRecord> for UserWire {
    fn from(u: UserRecord) -> Self {
        UserWire {
            user_id: u.id,
            organization_id: u.organization_id,
            username: u.username,
            email: u.email.unwrap_or_default(),
            first_name: u.first_name.unwrap_or_default(),
            last_name: u.last_name.unwrap_or_default(),
            locale: u.locale.unwrap_or_default(),
            phone: u.phone,
            status: if u.deactivated_on.is_some() {
                "inactive"
            } else {
                "active"
            },
            role: Some(u.role),
            user_attributes: None,
            membership: false,
            created_on: time(u.created_on),
            updated_on: time(u.updated_on),
        }
    }
}

impl UserWire {
    /// With the attributes, all of them or only the `selected` keys.
    fn with_attributes(user: UserRecord, selected: &[String]) -> Self {
        let attributes: Map<String, Value> = user
            .attributes
            .iter()
            .filter(|(k, _)| selected.is_empty() || selected.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        UserWire {
            user_attributes: Some(attributes),
            ..UserWire::from(user)
        }
    }
}

#[derive(ToSchema, Serialize)]
struct OrganizationSummary {
    organization_id: OrganizationId,
    currency: Option<String>,
    parent_organization_id: Option<OrganizationId>,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct UserProfileWire {
    #[serde(flatten)]
    user: UserWire,
    organization: OrganizationSummary,
    permissions: Vec<Permission>,
}

impl From<UserProfile> for UserProfileWire {
    fn from(p: UserProfile) -> Self {
        let organization = OrganizationSummary {
            organization_id: p.user.organization_id,
            currency: p.organization_currency,
            parent_organization_id: p.parent_organization_id,
        };
        UserProfileWire {
            user: UserWire::with_attributes(p.user, &[]),
            organization,
            permissions: p.permissions.into_iter().collect(),
        }
    }
}

/// `user_attributes` as the spec's `[{key, value}]` list or as a plain object.
#[derive(ToSchema, Deserialize)]
#[serde(untagged)]
pub(crate) enum UserAttributesBody {
    List(Vec<KeyValue>),
    Map(Map<String, Value>),
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct KeyValue {
    key: String,
    #[serde(default)]
    value: Value,
}

impl UserAttributesBody {
    fn into_map(self) -> Map<String, Value> {
        match self {
            UserAttributesBody::List(list) => {
                list.into_iter().map(|kv| (kv.key, kv.value)).collect()
            }
            UserAttributesBody::Map(map) => map,
        }
    }
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct UserCreateBody {
    username: String,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    locale: Option<String>,
    phone: Option<String>,
    password: Option<String>,
    user_attributes: Option<UserAttributesBody>,
    role: Option<String>,
}

fn parse_role(raw: &str) -> Result<BuiltinRole, tenantry_core::values::ValueError> {
    raw.parse::<BuiltinRole>()
        .map_err(|e| tenantry_core::values::ValueError(e.to_string()))
}

/// The password rule at the edge, so one 422 lists it with the other fields; the use case
/// applies the same rule (`check_password`) again to the stored identities.
fn check_password(
    check: &mut Check,
    password: Option<String>,
    identities: &[&str],
) -> Option<String> {
    let password = password?;
    if let Err(why) = tenantry_core::values::check_password(&password, identities) {
        check.fail("password", why.0);
        return None;
    }
    Some(password)
}

impl UserCreateBody {
    /// The body as a command, every field checked (one 422 names each refused field).
    pub(crate) fn into_create(self) -> Result<UserCreate, ApiError> {
        let mut check = Check::default();
        let command = self.into_command(&mut check);
        check.finish()?;
        Ok(command.expect("a body that passed the checks has a command"))
    }

    pub(crate) fn into_command(self, check: &mut Check) -> Option<UserCreate> {
        let username = check.value("username", &self.username, Username::parse);
        let identities = [
            self.username.as_str(),
            self.email.as_deref().unwrap_or_default(),
        ];
        let command = UserCreate {
            email: check.opt("email", self.email.as_deref(), Email::parse),
            first_name: check.text("first_name", self.first_name, 255),
            last_name: check.text("last_name", self.last_name, 255),
            locale: check.opt("locale", self.locale.as_deref(), Locale::parse),
            phone: check.opt("phone", self.phone.as_deref(), Phone::parse),
            password: check_password(check, self.password.clone(), &identities),
            attributes: self
                .user_attributes
                .map(UserAttributesBody::into_map)
                .unwrap_or_default(),
            role: check.opt("role", self.role.as_deref(), parse_role),
            username: username?,
        };
        Some(command)
    }
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct UserPatchBody {
    username: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    first_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    last_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    locale: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    phone: Option<Option<String>>,
    password: Option<String>,
    user_attributes: Option<UserAttributesBody>,
    /// `active` or `inactive`.
    status: Option<String>,
}

/// Parses a nullable field: `None` if refused, `Some(None)` to clear, `Some(Some(v))` to set.
fn nullable_value<T>(
    check: &mut Check,
    field: &str,
    raw: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, tenantry_core::values::ValueError>,
) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(raw) => check.value(field, &raw, parse).map(Some),
    }
}

impl UserPatchBody {
    fn into_patch(self) -> Result<UserPatch, ApiError> {
        let mut check = Check::default();
        let identities = [
            self.username.as_deref().unwrap_or_default(),
            self.email
                .as_ref()
                .and_then(|e| e.as_deref())
                .unwrap_or_default(),
        ];
        let password = check_password(&mut check, self.password.clone(), &identities);
        let patch = UserPatch {
            username: check.opt("username", self.username.as_deref(), Username::parse),
            email: self
                .email
                .and_then(|e| nullable_value(&mut check, "email", e, Email::parse)),
            first_name: self.first_name.map(|v| check.text("first_name", v, 255)),
            last_name: self.last_name.map(|v| check.text("last_name", v, 255)),
            locale: self
                .locale
                .and_then(|l| nullable_value(&mut check, "locale", l, Locale::parse)),
            phone: self
                .phone
                .and_then(|p| nullable_value(&mut check, "phone", p, Phone::parse)),
            password,
            attributes: self.user_attributes.map(UserAttributesBody::into_map),
            active: check.opt("status", self.status.as_deref(), |s| match s {
                "active" => Ok(true),
                "inactive" => Ok(false),
                _ => Err(tenantry_core::values::ValueError(
                    "must be active or inactive".into(),
                )),
            }),
        };
        check.finish()?;
        Ok(patch)
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    JsonBody(body): JsonBody<UserCreateBody>,
) -> Result<Json<UserWire>, ApiError> {
    let user = state
        .app
        .user_create(&actor, context, body.into_create()?)
        .await?;
    Ok(Json(UserWire::with_attributes(user, &[])))
}

pub(crate) async fn me(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<UserProfileWire>, ApiError> {
    Ok(Json(state.app.user_me(&actor).await?.into()))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<UserId>,
    query: QueryParams,
) -> Result<Json<UserWire>, ApiError> {
    let selected = query.all("attributes");
    let user = state.app.user_get(&actor, id).await?;
    Ok(Json(UserWire::with_attributes(user, &selected)))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<UserId>,
    JsonBody(body): JsonBody<UserPatchBody>,
) -> Result<Json<UserWire>, ApiError> {
    let user = state
        .app
        .user_update(&actor, id, body.into_patch()?)
        .await?;
    Ok(Json(UserWire::with_attributes(user, &[])))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<UserId>,
) -> Result<StatusCode, ApiError> {
    state.app.user_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    mut query: QueryParams,
) -> Result<Json<Paginated<UserWire>>, ApiError> {
    let page = page_request(&mut query, MAX_PAGE_SIZE);
    let order = sort_order(&mut query, SortOrder::Desc);
    let sort = query
        .parse_with(
            "sort_by",
            |s| match s {
                "created_on" => Some(UserSort::CreatedOn),
                "username" => Some(UserSort::Username),
                "email" => Some(UserSort::Email),
                _ => None,
            },
            "created_on, username or email",
        )
        .unwrap_or(UserSort::CreatedOn);
    let search = query
        .get("search")
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    query.finish()?;
    let filter = UserListFilter {
        search,
        sort,
        order,
    };
    let page = state.app.user_list(&actor, context, filter, page).await?;
    Ok(Json(paginated(page, |listed| UserWire {
        membership: listed.membership,
        ..UserWire::from(listed.user)
    })))
}

#[derive(ToSchema, Serialize)]
#[schema(as = UserRoleWire)]
pub(crate) struct RoleWire {
    role: String,
}

#[derive(ToSchema, Serialize)]
#[schema(as = UserPermissionsWire)]
pub(crate) struct PermissionsWire {
    permissions: Vec<Permission>,
}

#[derive(ToSchema, Deserialize)]
#[schema(as = UserRoleBody)]
pub(crate) struct RoleBody {
    role: String,
}

pub(crate) async fn role_get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<UserId>,
) -> Result<Json<RoleWire>, ApiError> {
    let (role, _) = state.app.user_role(&actor, id).await?;
    Ok(Json(RoleWire { role }))
}

pub(crate) async fn role_put(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<UserId>,
    JsonBody(body): JsonBody<RoleBody>,
) -> Result<Json<RoleWire>, ApiError> {
    let role = state.app.user_role_set(&actor, id, &body.role).await?;
    Ok(Json(RoleWire { role }))
}

pub(crate) async fn permissions_get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<UserId>,
) -> Result<Json<PermissionsWire>, ApiError> {
    let (_, permissions) = state.app.user_role(&actor, id).await?;
    Ok(Json(PermissionsWire { permissions }))
}
