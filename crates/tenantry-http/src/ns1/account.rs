//! `/v1/account/users`, `/v1/account/teams` and `/v1/account/apikeys`: create with `PUT`,
//! change with `POST`, read with `GET`, and `DELETE` answering `{}`.

use axum::Json;
use axum::extract::{Path, State};
use tenantry_app::ns1::{
    Ns1KeyCreate, Ns1KeyUpdate, Ns1UserCreate, Ns1UserUpdate, TeamChange, TeamIpList,
};
use tenantry_core::values::{Email, Username};

use super::body::Ns1Body;
use super::error::Ns1Error;
use super::wire::{
    Ns1Empty, Ns1KeyWire, Ns1TeamWire, Ns1UserWire, access_change, key_json, team_json, user_json,
};
use crate::AppState;
use crate::extract::Caller;

type Answer<T> = Result<Json<T>, Ns1Error>;

fn email(body: &Ns1Body) -> Result<Option<Email>, Ns1Error> {
    body.text("email")?
        .map(|e| Email::parse(&e))
        .transpose()
        .map_err(|e| Ns1Error::bad_request(format!("invalid: email {e}")))
}

pub(crate) async fn users_list(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Answer<Vec<Ns1UserWire>> {
    let users = state.app.ns1_user_list(&actor).await?;
    Ok(Json(users.iter().map(user_json).collect()))
}

pub(crate) async fn user_create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: Ns1Body,
) -> Answer<Ns1UserWire> {
    let username = Username::parse(&body.required_text("username")?)
        .map_err(|e| Ns1Error::bad_request(format!("invalid: username {e}")))?;
    let create = Ns1UserCreate {
        username,
        name: body.required_text("name")?,
        email: email(&body)?.ok_or_else(|| Ns1Error::bad_request("invalid: email is required"))?,
        access: access_change(&body)?,
    };
    Ok(Json(user_json(
        &state.app.ns1_user_create(&actor, create).await?,
    )))
}

pub(crate) async fn user_get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(username): Path<String>,
) -> Answer<Ns1UserWire> {
    let user = state
        .app
        .ns1_user_get(&actor, &username)
        .await
        .map_err(Ns1Error::user_lookup)?;
    Ok(Json(user_json(&user)))
}

pub(crate) async fn user_update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(username): Path<String>,
    body: Ns1Body,
) -> Answer<Ns1UserWire> {
    if body
        .text("username")?
        .is_some_and(|u| !u.eq_ignore_ascii_case(&username))
    {
        return Err(Ns1Error::bad_request("invalid: username cannot be changed"));
    }
    let update = Ns1UserUpdate {
        name: body.text("name")?,
        email: email(&body)?,
        access: access_change(&body)?,
    };
    let user = state.app.ns1_user_update(&actor, &username, update).await?;
    Ok(Json(user_json(&user)))
}

pub(crate) async fn user_delete(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(username): Path<String>,
) -> Answer<Ns1Empty> {
    state.app.ns1_user_delete(&actor, &username).await?;
    Ok(Json(Ns1Empty {}))
}

/// A team body's fields: `name`, `permissions`, and named IP lists.
fn team_change(body: &Ns1Body) -> Result<TeamChange, Ns1Error> {
    let lists = body
        .list("ip_whitelist")?
        .map(|items| {
            items
                .into_iter()
                .map(|item| {
                    let item = Ns1Body(item.as_object().cloned().ok_or_else(|| {
                        Ns1Error::bad_request("invalid: ip_whitelist entries must be objects")
                    })?);
                    Ok(TeamIpList {
                        name: item.text("name")?.unwrap_or_default(),
                        values: item.networks("values")?.unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>, Ns1Error>>()
        })
        .transpose()?;
    Ok(TeamChange {
        name: body.text("name")?,
        permissions: body.permissions()?,
        ip_whitelist: lists,
    })
}

pub(crate) async fn teams_list(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Answer<Vec<Ns1TeamWire>> {
    let teams = state.app.ns1_team_list(&actor).await?;
    Ok(Json(teams.iter().map(team_json).collect()))
}

pub(crate) async fn team_create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: Ns1Body,
) -> Answer<Ns1TeamWire> {
    let team = state
        .app
        .ns1_team_create(&actor, team_change(&body)?)
        .await?;
    Ok(Json(team_json(&team)))
}

pub(crate) async fn team_get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Answer<Ns1TeamWire> {
    Ok(Json(team_json(&state.app.ns1_team_get(&actor, &id).await?)))
}

pub(crate) async fn team_update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    body: Ns1Body,
) -> Answer<Ns1TeamWire> {
    let team = state
        .app
        .ns1_team_update(&actor, &id, team_change(&body)?)
        .await?;
    Ok(Json(team_json(&team)))
}

pub(crate) async fn team_delete(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Answer<Ns1Empty> {
    state.app.ns1_team_delete(&actor, &id).await?;
    Ok(Json(Ns1Empty {}))
}

/// Keys with an expiry (`expiry_duration`) carry rotating `nss_…` secrets in NS1; Tenantry
/// issues permanent keys only, and says so rather than ignore the request.
fn refuse_expiry(body: &Ns1Body) -> Result<(), Ns1Error> {
    if body.text("expiry_duration")?.is_some() {
        return Err(Ns1Error::bad_request(
            "invalid: expiry_duration is not supported; keys do not expire",
        ));
    }
    Ok(())
}

pub(crate) async fn keys_list(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Answer<Vec<Ns1KeyWire>> {
    let keys = state.app.ns1_key_list(&actor).await?;
    Ok(Json(keys.iter().map(key_json).collect()))
}

pub(crate) async fn key_create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: Ns1Body,
) -> Answer<Ns1KeyWire> {
    refuse_expiry(&body)?;
    let create = Ns1KeyCreate {
        name: body.required_text("name")?,
        access: access_change(&body)?,
    };
    Ok(Json(key_json(
        &state.app.ns1_key_create(&actor, create).await?,
    )))
}

pub(crate) async fn key_get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Answer<Ns1KeyWire> {
    Ok(Json(key_json(&state.app.ns1_key_get(&actor, &id).await?)))
}

pub(crate) async fn key_update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
    body: Ns1Body,
) -> Answer<Ns1KeyWire> {
    refuse_expiry(&body)?;
    let update = Ns1KeyUpdate {
        name: body.text("name")?,
        access: access_change(&body)?,
    };
    Ok(Json(key_json(
        &state.app.ns1_key_update(&actor, &id, update).await?,
    )))
}

pub(crate) async fn key_delete(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<String>,
) -> Answer<Ns1Empty> {
    state.app.ns1_key_delete(&actor, &id).await?;
    Ok(Json(Ns1Empty {}))
}
