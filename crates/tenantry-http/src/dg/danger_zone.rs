//! The danger zone: passing an organization's ownership (`…/ownership-transfer`, accepted at
//! `/api/v1/ownership-transfers/{token}/accept`) and deleting the organization, with the
//! refund of its unspent balance. Shapes only; the rules are the use cases'.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tenantry_app::billing::UnspentRefund;
use tenantry_app::ownership_transfers::TransferView;
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_core::values::Email;
use tenantry_core::{BillingTransactionId, OrganizationId, UserId};
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{Caller, ClientMeta, JsonBody};
use crate::problem::ApiError;
use crate::wire::{Check, time};

#[derive(ToSchema, Deserialize)]
pub(crate) struct OfferBody {
    email: String,
}

impl OfferBody {
    /// The recipient's address, or a 422 naming `email`.
    pub(crate) fn email(&self) -> Result<Email, ApiError> {
        let mut check = Check::default();
        let email = check.value("email", &self.email, Email::parse);
        check.finish()?;
        Ok(email.expect("checked above"))
    }
}

#[derive(ToSchema, Serialize)]
pub(crate) struct TransferWire {
    org_oid: OrganizationId,
    from_user_oid: UserId,
    to_user_oid: UserId,
    to_email: String,
    /// `pending`, or `expired` (a new offer replaces it).
    status: &'static str,
    expires_on: String,
    created_on: String,
}

impl From<TransferView> for TransferWire {
    fn from(view: TransferView) -> Self {
        TransferWire {
            org_oid: view.organization_id,
            from_user_oid: view.from_user,
            to_user_oid: view.to_user,
            to_email: view.to_email,
            status: if view.expired { "expired" } else { "pending" },
            expires_on: time(view.expires_at),
            created_on: time(view.created_on),
        }
    }
}

#[derive(ToSchema, Serialize)]
#[schema(as = DgOwnershipAccepted)]
pub(crate) struct Accepted {
    org_oid: OrganizationId,
    role: &'static str,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct RefundMovement {
    transaction_oid: BillingTransactionId,
    amount: String,
    /// The payment refunded to (a top-up's reference); `null` for a payout by the operator.
    payment_reference: Option<String>,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct RefundWire {
    currency: &'static str,
    total: String,
    refunds: Vec<RefundMovement>,
}

#[derive(ToSchema, Serialize)]
pub(crate) struct Deleted {
    org_oid: OrganizationId,
    /// `null` for an organization billed through its parent.
    refund: Option<RefundWire>,
}

impl From<UnspentRefund> for RefundWire {
    fn from(refund: UnspentRefund) -> Self {
        RefundWire {
            currency: refund.currency.as_str(),
            total: refund.total.to_string(),
            refunds: refund
                .movements
                .into_iter()
                .map(|t| RefundMovement {
                    transaction_oid: t.id,
                    amount: t.amount.to_string(),
                    payment_reference: t.reference,
                })
                .collect(),
        }
    }
}

async fn organization(state: &AppState, org_oid: &str) -> Result<OrganizationId, ApiError> {
    Ok(state
        .app
        .organization_id_of(&OrganizationRef::parse(org_oid))
        .await?)
}

pub(crate) async fn offer(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
    JsonBody(body): JsonBody<OfferBody>,
) -> Result<(StatusCode, Json<TransferWire>), ApiError> {
    let email = body.email()?;
    let organization = organization(&state, &org_oid).await?;
    let view = state
        .app
        .ownership_transfer_offer(&actor, organization, email.as_str())
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

pub(crate) async fn get_offer(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
) -> Result<Json<TransferWire>, ApiError> {
    let organization = organization(&state, &org_oid).await?;
    let view = state
        .app
        .ownership_transfer_get(&actor, organization)
        .await?;
    Ok(Json(view.into()))
}

pub(crate) async fn cancel_offer(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
) -> Result<StatusCode, ApiError> {
    let organization = organization(&state, &org_oid).await?;
    state
        .app
        .ownership_transfer_cancel(&actor, organization)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn accept(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ClientMeta(meta): ClientMeta,
    Path(token): Path<String>,
) -> Result<Json<Accepted>, ApiError> {
    let org_oid = state
        .app
        .ownership_transfer_accept(&actor, &token, &meta)
        .await?;
    Ok(Json(Accepted {
        org_oid,
        role: "owner",
    }))
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(org_oid): Path<String>,
) -> Result<Json<Deleted>, ApiError> {
    let organization = organization(&state, &org_oid).await?;
    let refund = state
        .app
        .organization_delete_by_owner(&actor, organization)
        .await?;
    Ok(Json(Deleted {
        org_oid: organization,
        refund: refund.map(Into::into),
    }))
}
