//! `/v1/ops/…`: the operator API. Bootstrap is the only call without credentials; the rest
//! take an operator's bare key.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::Uri;
use tenantry_app::ns1::OperatorCreate;
use tenantry_core::values::{Email, Username};

use super::body::Ns1Body;
use super::error::Ns1Error;
use super::wire::{
    Ns1Empty, Ns1InviteTokenWire, Ns1IssuedOperatorWire, Ns1OperatorWire, Ns1OrgWire,
    issued_operator_json, operator_json, org_json,
};
use crate::AppState;
use crate::extract::OperatorCaller;

type Answer<T> = Result<Json<T>, Ns1Error>;

fn operator_create(body: &Ns1Body) -> Result<OperatorCreate, Ns1Error> {
    let username = body.required_text("user")?;
    let username = Username::parse(&username)
        .map_err(|e| Ns1Error::bad_request(format!("invalid: user {e}")))?;
    let email = body
        .text("email")?
        .map(|e| Email::parse(&e))
        .transpose()
        .map_err(|e| Ns1Error::bad_request(format!("invalid: email {e}")))?;
    let password = body.text("password")?;
    Ok(OperatorCreate {
        name: body
            .text("name")?
            .unwrap_or_else(|| username.as_str().to_owned()),
        username,
        email,
        password,
    })
}

pub(crate) async fn bootstrap(
    State(state): State<AppState>,
    body: Ns1Body,
) -> Answer<Ns1IssuedOperatorWire> {
    let issued = state
        .app
        .operator_bootstrap(operator_create(&body)?)
        .await?;
    Ok(Json(issued_operator_json(&issued)))
}

pub(crate) async fn operators_list(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
) -> Answer<Vec<Ns1OperatorWire>> {
    let operators = state.app.operator_list(&caller).await?;
    Ok(Json(operators.iter().map(operator_json).collect()))
}

pub(crate) async fn operator_create_handler(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
    body: Ns1Body,
) -> Answer<Ns1IssuedOperatorWire> {
    let issued = state
        .app
        .operator_create(&caller, operator_create(&body)?)
        .await?;
    Ok(Json(issued_operator_json(&issued)))
}

pub(crate) async fn operator_get(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
    Path(id): Path<String>,
) -> Answer<Ns1OperatorWire> {
    Ok(Json(operator_json(
        &state.app.operator_get(&caller, &id).await?,
    )))
}

pub(crate) async fn operator_update(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
    Path(id): Path<String>,
    body: Ns1Body,
) -> Answer<Ns1OperatorWire> {
    let email = body
        .text("email")?
        .map(|e| Email::parse(&e))
        .transpose()
        .map_err(|e| Ns1Error::bad_request(format!("invalid: email {e}")))?;
    let operator = state
        .app
        .operator_update(&caller, &id, body.text("name")?, email)
        .await?;
    Ok(Json(operator_json(&operator)))
}

pub(crate) async fn operator_delete(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
    Path(id): Path<String>,
) -> Answer<Ns1Empty> {
    state.app.operator_delete(&caller, &id).await?;
    Ok(Json(Ns1Empty {}))
}

fn org_number(raw: &str) -> Result<i64, Ns1Error> {
    raw.parse().map_err(|_| {
        Ns1Error::Message(
            axum::http::StatusCode::NOT_FOUND,
            "organization not found".into(),
        )
    })
}

pub(crate) async fn orgs_list(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
) -> Answer<Vec<Ns1OrgWire>> {
    let orgs = state.app.ops_org_list(&caller).await?;
    Ok(Json(orgs.iter().map(org_json).collect()))
}

pub(crate) async fn org_create(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
    body: Ns1Body,
) -> Answer<Ns1OrgWire> {
    let org = state
        .app
        .ops_org_create(&caller, &body.required_text("name")?)
        .await?;
    Ok(Json(org_json(&org)))
}

pub(crate) async fn org_get(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
    Path(org_id): Path<String>,
) -> Answer<Ns1OrgWire> {
    let org = state.app.ops_org_get(&caller, org_number(&org_id)?).await?;
    Ok(Json(org_json(&org)))
}

pub(crate) async fn org_update(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
    Path(org_id): Path<String>,
    body: Ns1Body,
) -> Answer<Ns1OrgWire> {
    let org_id = org_number(&org_id)?;
    let org = match body.text("name")? {
        Some(name) => state.app.ops_org_rename(&caller, org_id, &name).await?,
        None => state.app.ops_org_get(&caller, org_id).await?,
    };
    Ok(Json(org_json(&org)))
}

/// `DELETE /v1/ops/orgs/{org_id}?token=<TOTP>`.
pub(crate) async fn org_delete(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
    Path(org_id): Path<String>,
    uri: Uri,
) -> Answer<Ns1Empty> {
    let token = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned());
    state
        .app
        .ops_org_delete(&caller, org_number(&org_id)?, token.as_deref())
        .await?;
    Ok(Json(Ns1Empty {}))
}

pub(crate) async fn password_reset(
    State(state): State<AppState>,
    OperatorCaller(caller): OperatorCaller,
    Path((org_id, username)): Path<(String, String)>,
) -> Answer<Ns1InviteTokenWire> {
    let token = state
        .app
        .ops_password_reset(&caller, org_number(&org_id)?, &username)
        .await?;
    Ok(Json(Ns1InviteTokenWire {
        invite_token: token,
    }))
}

/// `POST /v1/account/invite` with `{"invite_token", "password"}`: the user sets a password
/// with the token an operator issued (NS1's portal does this; Tenantry has no portal yet).
/// The token travels in the body, never in a logged path.
pub(crate) async fn invite_redeem(
    State(state): State<AppState>,
    body: Ns1Body,
) -> Answer<Ns1Empty> {
    state
        .app
        .password_set_with_invite(
            &body.required_text("invite_token")?,
            &body.required_text("password")?,
        )
        .await?;
    Ok(Json(Ns1Empty {}))
}
