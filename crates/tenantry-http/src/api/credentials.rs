//! `/v1/auth/client_credentials…`: API credentials.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::credentials::{
    CredentialCreate, CredentialRecord, CredentialStatus, IssuedCredential, OldSecretEnds,
    status_of,
};
use tenantry_core::{ApiKeyId, OrganizationId};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, JsonBody, OrgContext, PathId};
use crate::pagination::{Paginated, page_request, paginated};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{Check, opt_time, parse_time, time};

use crate::openapi::{PAGE, PAGE_SIZE, QueryKind::*, QueryParameter, param};

/// The query parameters of the credential list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[
    PAGE,
    PAGE_SIZE,
    param(
        "status",
        OneOf(&["active", "expired", "revoked"]),
        "Only credentials in this state",
    ),
];

/// The spec caps credential listings at 100 per page.
const MAX_CREDENTIAL_PAGE_SIZE: u64 = 100;

#[derive(ToSchema, Serialize)]
pub(crate) struct CredentialWire {
    api_key_id: ApiKeyId,
    organization_id: OrganizationId,
    api_key_name: Option<String>,
    api_key_description: Option<String>,
    role: String,
    status: &'static str,
    expires_at: Option<String>,
    created_on: String,
    last_used_on: Option<String>,
    deleted_on: Option<String>,
    /// The credential this one replaced by rotation.
    rotated_from: Option<ApiKeyId>,
}

impl CredentialWire {
    fn new(c: CredentialRecord, now: OffsetDateTime) -> Self {
        CredentialWire {
            status: status_of(&c, now).as_str(),
            api_key_id: c.id,
            organization_id: c.organization_id,
            api_key_name: c.name,
            api_key_description: c.description,
            role: c.role,
            expires_at: opt_time(c.expires_at),
            created_on: time(c.created_on),
            last_used_on: opt_time(c.last_used_on),
            deleted_on: opt_time(c.revoked_on),
            rotated_from: c.rotated_from,
        }
    }
}

#[derive(ToSchema, Serialize)]
pub(crate) struct IssuedWire {
    api_key: String,
    client_id: OrganizationId,
    client_secret: String,
    #[serde(flatten)]
    credential: CredentialWire,
}

impl IssuedWire {
    fn new(issued: IssuedCredential, now: OffsetDateTime) -> Self {
        IssuedWire {
            api_key: issued.api_key,
            client_id: issued.credential.organization_id,
            client_secret: issued.client_secret,
            credential: CredentialWire::new(issued.credential, now),
        }
    }
}

#[derive(ToSchema, Deserialize)]
pub(crate) struct CredentialCreateBody {
    api_key_name: Option<String>,
    api_key_description: Option<String>,
    expires_at: Option<String>,
    role: Option<String>,
}

impl CredentialCreateBody {
    pub(crate) fn into_command(self) -> Result<CredentialCreate, ApiError> {
        let mut check = Check::default();
        let name = check.text("api_key_name", self.api_key_name, 100);
        if name.as_ref().is_some_and(|n| {
            !n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }) {
            check.fail("api_key_name", "may contain only letters, digits, _ and -");
        }
        let description = check.text("api_key_description", self.api_key_description, 500);
        let expires_at = self.expires_at.and_then(|raw| {
            let parsed = parse_time(&raw);
            if parsed.is_none() {
                check.fail(
                    "expires_at",
                    "must be an RFC 3339 date-time such as 2027-01-01T00:00:00Z",
                );
            }
            parsed
        });
        let role = check.text("role", self.role, 64);
        check.finish()?;
        Ok(CredentialCreate {
            name,
            description,
            expires_at,
            role,
        })
    }
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    JsonBody(body): JsonBody<Option<CredentialCreateBody>>,
) -> Result<Json<IssuedWire>, ApiError> {
    let command = match body {
        Some(body) => body.into_command()?,
        None => CredentialCreate::default(),
    };
    let issued = state
        .app
        .credential_create(&actor, context, command)
        .await?;
    Ok(Json(IssuedWire::new(issued, state.app.now())))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    mut query: QueryParams,
) -> Result<Json<Paginated<CredentialWire>>, ApiError> {
    let page = page_request(&mut query, MAX_CREDENTIAL_PAGE_SIZE);
    let status = query.parse_with(
        "status",
        |s| match s {
            "active" => Some(CredentialStatus::Active),
            "expired" => Some(CredentialStatus::Expired),
            "revoked" => Some(CredentialStatus::Revoked),
            _ => None,
        },
        "active, expired or revoked",
    );
    query.finish()?;
    let page = state
        .app
        .credential_list(&actor, context, status, page)
        .await?;
    let now = state.app.now();
    Ok(Json(paginated(page, |c| CredentialWire::new(c, now))))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<ApiKeyId>,
) -> Result<StatusCode, ApiError> {
    state.app.credential_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How long the old secret keeps working: `overlap_seconds` from now (0 for a leaked
/// secret), or until `old_expires_at` (the use case bounds both).
#[derive(ToSchema, Deserialize)]
pub(crate) struct RotateBody {
    overlap_seconds: Option<i64>,
    old_expires_at: Option<String>,
}

impl RotateBody {
    pub(crate) fn into_old_ends(self) -> Result<OldSecretEnds, ApiError> {
        let mut check = Check::default();
        let ends = match (self.overlap_seconds, self.old_expires_at) {
            (Some(seconds), None) => Some(OldSecretEnds::After(time::Duration::seconds(seconds))),
            (None, Some(raw)) => {
                let parsed = parse_time(&raw);
                if parsed.is_none() {
                    check.fail("old_expires_at", "must be an RFC 3339 date-time");
                }
                parsed.map(OldSecretEnds::At)
            }
            _ => {
                check.fail(
                    "overlap_seconds",
                    "give exactly one of overlap_seconds (0 ends the old secret now) or old_expires_at",
                );
                None
            }
        };
        check.finish()?;
        Ok(ends.expect("checked above"))
    }
}

pub(crate) async fn rotate(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<ApiKeyId>,
    JsonBody(body): JsonBody<RotateBody>,
) -> Result<Json<IssuedWire>, ApiError> {
    let old_ends = body.into_old_ends()?;
    let issued = state.app.credential_rotate(&actor, id, old_ends).await?;
    Ok(Json(IssuedWire::new(issued, state.app.now())))
}

pub(crate) async fn introspect(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<CredentialWire>, ApiError> {
    let credential = state.app.credential_introspect(&actor).await?;
    Ok(Json(CredentialWire::new(credential, state.app.now())))
}
