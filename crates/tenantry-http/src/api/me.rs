//! The signed-in person's own account: logging out, the organizations they can act in, their
//! password, two-factor sign-in and sessions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::memberships::OrganizationAccess;
use tenantry_app::sign_in::SessionRecord;
use tenantry_core::{OrganizationId, SessionId};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody, path_value};
use crate::problem::ApiError;
use crate::wire::{opt_time, time};

pub(crate) async fn logout(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<StatusCode, ApiError> {
    state.app.logout(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(ToSchema, Serialize)]
pub(crate) struct OrganizationAccessWire {
    organization_id: OrganizationId,
    name: String,
    status: &'static str,
    parent_organization_id: Option<OrganizationId>,
    role: String,
    /// `home`, `membership` or `parent` (a suborganization reached through its parent).
    access: &'static str,
}

impl From<OrganizationAccess> for OrganizationAccessWire {
    fn from(access: OrganizationAccess) -> Self {
        Self {
            organization_id: access.organization.id,
            name: access.organization.profile.name,
            status: access.organization.status.as_str(),
            parent_organization_id: access.organization.parent_id,
            role: access.role,
            access: access.reach.as_str(),
        }
    }
}

pub(crate) async fn organizations(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<OrganizationAccessWire>>, ApiError> {
    let organizations = state.app.my_organizations(&actor).await?;
    Ok(Json(organizations.into_iter().map(Into::into).collect()))
}

#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordChangeBody {
    current_password: String,
    new_password: String,
}

pub(crate) async fn password(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<PasswordChangeBody>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .password_change(&actor, &body.current_password, &body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(ToSchema, Serialize)]
pub(crate) struct TotpEnrolmentWire {
    secret: String,
    otpauth_uri: String,
}

#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordBody {
    password: String,
}

pub(crate) async fn totp_enrol(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<PasswordBody>,
) -> Result<(StatusCode, Json<TotpEnrolmentWire>), ApiError> {
    let enrolment = state.app.totp_enrol(&actor, &body.password).await?;
    Ok((
        StatusCode::CREATED,
        Json(TotpEnrolmentWire {
            secret: enrolment.secret,
            otpauth_uri: enrolment.otpauth_uri,
        }),
    ))
}

#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TotpCodeBody {
    code: String,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct RecoveryCodesWire {
    recovery_codes: Vec<String>,
}

pub(crate) async fn totp_confirm(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<TotpCodeBody>,
) -> Result<Json<RecoveryCodesWire>, ApiError> {
    let recovery_codes = state.app.totp_confirm(&actor, &body.code).await?;
    Ok(Json(RecoveryCodesWire { recovery_codes }))
}

#[derive(ToSchema, Serialize)]
pub(crate) struct TotpStatusWire {
    enabled: bool,
    recovery_codes_left: i64,
}

pub(crate) async fn totp_status(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<TotpStatusWire>, ApiError> {
    let (enabled, recovery_codes_left) = state.app.totp_status(&actor).await?;
    Ok(Json(TotpStatusWire {
        enabled,
        recovery_codes_left,
    }))
}

#[derive(ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TotpDisableBody {
    password: String,
    code: String,
}

pub(crate) async fn totp_disable(
    State(state): State<AppState>,
    Caller(actor): Caller,
    JsonBody(body): JsonBody<TotpDisableBody>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .totp_disable(&actor, &body.password, &body.code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(ToSchema, Serialize)]
pub(crate) struct SessionWire {
    session_id: SessionId,
    client_ip: Option<String>,
    created_on: String,
    expires_at: Option<String>,
    /// Whether this is the session the request came through.
    current: bool,
}

pub(crate) async fn sessions(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<Vec<SessionWire>>, ApiError> {
    let current = actor.session_id();
    let sessions: Vec<SessionRecord> = state.app.session_list(&actor).await?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SessionWire {
                session_id: s.id,
                client_ip: s.client_ip,
                created_on: time(s.created_on),
                expires_at: opt_time(s.expires_at),
                current: Some(s.id) == current,
            })
            .collect(),
    ))
}

pub(crate) async fn session_revoke(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let session = path_value::<SessionId>("session_id", &raw)?;
    state.app.session_revoke(&actor, session).await?;
    Ok(StatusCode::NO_CONTENT)
}
