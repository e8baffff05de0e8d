//! Invitations: `POST /api/v1/orgs/{org_oid}/members` invites an address; the organization's
//! invitations are listed, resent and revoked; `POST /api/v1/invitations/{token}/accept`
//! accepts a link, signed in or by signing up.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use tenantry_app::invitations::{Acceptance, InvitationStatus, InvitationView};
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_core::values::Email;
use tenantry_core::{InvitationId, OrganizationId};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, ClientMeta, JsonBody, authenticate, path_value};
use crate::openapi::{QueryKind, QueryParameter, param};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{Check, time};

/// The query parameters of the invitation list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[param(
    "status",
    QueryKind::OneOf(&["pending", "accepted", "revoked", "expired"]),
    "Only invitations in this state",
)];

#[derive(ToSchema, Serialize)]
pub(crate) struct InvitationWire {
    invitation_oid: InvitationId,
    org_oid: OrganizationId,
    email: String,
    role: String,
    /// `pending`, `accepted`, `revoked` or `expired`.
    status: &'static str,
    expires_on: String,
    created_on: String,
}

impl From<InvitationView> for InvitationWire {
    fn from(view: InvitationView) -> Self {
        let i = view.invitation;
        InvitationWire {
            invitation_oid: i.id,
            org_oid: i.organization_id,
            email: i.email,
            role: i.role,
            status: view.status.as_str(),
            expires_on: time(i.expires_at),
            created_on: time(i.created_on),
        }
    }
}

#[derive(ToSchema, Serialize)]
pub(crate) struct InvitationList {
    invitations: Vec<InvitationWire>,
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct InviteBody {
    email: String,
    role: String,
}

/// A sign-up through the link, for an address without an account.
#[derive(ToSchema, Deserialize, Default)]
pub(crate) struct AcceptBody {
    name: Option<String>,
    password: Option<String>,
}

#[derive(ToSchema, Serialize)]
#[schema(as = DgInvitationAccepted)]
pub(crate) struct Accepted {
    org_oid: OrganizationId,
}

async fn organization(state: &AppState, org_oid: &str) -> Result<OrganizationId, ApiError> {
    Ok(state
        .app
        .organization_id_of(&OrganizationRef::parse(org_oid))
        .await?)
}

pub(crate) async fn invite(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
    JsonBody(body): JsonBody<InviteBody>,
) -> Result<(StatusCode, Json<InvitationWire>), ApiError> {
    let mut check = Check::default();
    let email = check.value("email", &body.email, Email::parse);
    check.finish()?;
    let organization = organization(&state, &org_oid).await?;
    let view = state
        .app
        .invitation_create(
            &actor,
            organization,
            email.expect("checked above"),
            &body.role,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
    mut query: QueryParams,
) -> Result<Json<InvitationList>, ApiError> {
    let status = query.parse_with(
        "status",
        InvitationStatus::parse,
        "pending, accepted, revoked or expired",
    );
    query.finish()?;
    let organization = organization(&state, &org_oid).await?;
    let views = state
        .app
        .invitation_list(&actor, organization, status)
        .await?;
    Ok(Json(InvitationList {
        invitations: views.into_iter().map(Into::into).collect(),
    }))
}

pub(crate) async fn resend(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((org_oid, invitation_oid)): Path<(String, String)>,
) -> Result<Json<InvitationWire>, ApiError> {
    let id: InvitationId = path_value("invitation_oid", &invitation_oid)?;
    let organization = organization(&state, &org_oid).await?;
    let view = state
        .app
        .invitation_resend(&actor, organization, id)
        .await?;
    Ok(Json(view.into()))
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((org_oid, invitation_oid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id: InvitationId = path_value("invitation_oid", &invitation_oid)?;
    let organization = organization(&state, &org_oid).await?;
    state
        .app
        .invitation_revoke(&actor, organization, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller, when the request carries a credential: accepting a link needs none when it
/// signs the person up.
pub(crate) struct MaybeCaller(Option<tenantry_app::Actor>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let carries = ["authorization", "x-api-key"]
            .iter()
            .any(|name| parts.headers.contains_key(*name));
        if !carries {
            return Ok(MaybeCaller(None));
        }
        Ok(MaybeCaller(Some(authenticate(parts, state).await?)))
    }
}

pub(crate) async fn accept(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    ClientMeta(meta): ClientMeta,
    Path(token): Path<String>,
    // No body (or `null`) when signed in.
    JsonBody(body): JsonBody<Option<AcceptBody>>,
) -> Result<Json<Accepted>, ApiError> {
    let body = body.unwrap_or_default();
    let acceptance = match (&caller, body.name, body.password) {
        (Some(actor), _, _) => Acceptance::SignedIn(actor),
        (None, name, password) => {
            let mut check = Check::default();
            // Its length is the use case's rule.
            if name.is_none() {
                check.fail(
                    "name",
                    "Field required: sign in, or give a name and a password",
                );
            }
            if password.is_none() {
                check.fail(
                    "password",
                    "Field required: sign in, or give a name and a password",
                );
            }
            check.finish()?;
            Acceptance::SignUp {
                name: name.expect("checked above"),
                password: password.expect("checked above"),
            }
        }
    };
    let org_oid = state
        .app
        .invitation_accept(&token, acceptance, &meta)
        .await?;
    Ok(Json(Accepted { org_oid }))
}
