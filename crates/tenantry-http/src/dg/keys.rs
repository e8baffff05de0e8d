//! `/api/v1/keys`: a person's own API keys, each acting as them in every organization they
//! belong to. The secret is in the creation's answer only.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::personal_keys::PersonalKeyView;
use tenantry_core::SessionId;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody, path_value};
use crate::problem::ApiError;
use crate::wire::{Check, time};

/// A key's name: 1 to 100 characters.
const NAME_MAX: usize = 100;

#[derive(ToSchema, Deserialize)]
pub(crate) struct KeyBody {
    name: Option<String>,
    expires_in_days: Option<i64>,
}

#[derive(ToSchema, Serialize)]
#[schema(as = DgKeyWire)]
pub(crate) struct KeyWire {
    key_oid: SessionId,
    name: String,
    created_on: String,
    /// `null`: until revoked.
    expires_on: Option<String>,
}

impl From<PersonalKeyView> for KeyWire {
    fn from(key: PersonalKeyView) -> Self {
        KeyWire {
            key_oid: key.id,
            name: key.name,
            created_on: time(key.created_on),
            expires_on: key.expires_at.map(time),
        }
    }
}

#[derive(ToSchema, Serialize)]
pub(crate) struct NewKeyWire {
    #[serde(flatten)]
    key: KeyWire,
    /// The secret, shown this once.
    key_secret: String,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct KeyList {
    keys: Vec<KeyWire>,
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<KeyBody>,
) -> Result<(StatusCode, Json<NewKeyWire>), ApiError> {
    let mut check = Check::default();
    let name = check.text("name", body.name, NAME_MAX);
    if name.is_none() {
        check.fail("name", "Field required");
    }
    check.finish()?;
    let made = state
        .app
        .personal_key_create(&actor, name.expect("checked above"), body.expires_in_days)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewKeyWire {
            key: made.key.into(),
            key_secret: made.secret,
        }),
    ))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<KeyList>, ApiError> {
    let keys = state.app.personal_key_list(&actor).await?;
    Ok(Json(KeyList {
        keys: keys.into_iter().map(Into::into).collect(),
    }))
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(key_oid): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: SessionId = path_value("key_oid", &key_oid)?;
    state.app.personal_key_revoke(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
