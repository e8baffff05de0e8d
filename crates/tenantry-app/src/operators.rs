//! Platform operators as callers: authenticated by their `opo_…` key, acting on any
//! organization and on the platform's own settings (prices, plans, wallets).

use crate::authz::Authorized;
use tenantry_core::ids::OperatorKind;
use tenantry_core::{OperatorId, OrganizationId, Permission, Principal};
use tenantry_store::Tx;
use tenantry_store::operators;
use tenantry_store::organizations::{self, Organization};

use crate::actor::{Actor, ActorKind, RequestMeta};
use crate::app::App;
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::secrets::{parse_key, sha256};

/// An authenticated platform operator.
#[derive(Debug, Clone)]
pub struct OperatorActor {
    id: OperatorId,
    meta: RequestMeta,
}

impl OperatorActor {
    /// Only authentication and bootstrap make one: holding it proves an operator is calling.
    pub(crate) fn new(id: OperatorId, meta: RequestMeta) -> Self {
        Self { id, meta }
    }

    pub fn id(&self) -> OperatorId {
        self.id
    }

    pub fn meta(&self) -> &RequestMeta {
        &self.meta
    }

    /// The operator as the actor of a change inside `org`, for its audit trail.
    pub(crate) fn in_org(&self, org: &Organization) -> Actor {
        Actor {
            principal: Principal::single(org.scope(), "operator", Permission::all().collect()),
            kind: ActorKind::Operator { id: self.id },
            role: "operator".into(),
            creator: None,
            zone_lists: None,
            meta: self.meta.clone(),
        }
    }

    /// Loads a live organization for the operator, who reaches them all.
    pub(crate) async fn organization(
        &self,
        tx: &mut Tx,
        id: OrganizationId,
        permission: Permission,
    ) -> Result<(Organization, Authorized)> {
        let org = organizations::get(tx, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Organization, id))?;
        Ok((org, crate::authz::operator_proof(self, id, permission)))
    }
}

impl App {
    /// Resolves an operator key. Anything else, including an organization's key, is 401.
    pub async fn authenticate_operator(
        &self,
        key: &str,
        meta: RequestMeta,
    ) -> Result<OperatorActor> {
        let refused = || {
            AppError::Unauthenticated(
                Code::Authentication,
                "This endpoint needs a platform operator's key".into(),
            )
        };
        let id = parse_key::<OperatorKind>(key, "opo").ok_or_else(refused)?;
        let mut tx = self.db.read().await?;
        let operator = operators::get_by_key_digest(&mut tx, &sha256(key))
            .await?
            .filter(|operator| operator.id == id)
            .ok_or_else(refused)?;
        let now = self.clock.now();
        if self
            .operator_last_used
            .claim(operator.id, operator.last_access_on, now)
        {
            let db = self.db.clone();
            tokio::spawn(async move {
                let touched = async {
                    let mut tx = db.begin().await?;
                    operators::touch_last_access(&mut tx, id, now).await?;
                    tx.commit().await
                };
                if let Err(err) = touched.await {
                    tracing::warn!(%err, "could not record operator use");
                }
            });
        }
        Ok(OperatorActor::new(operator.id, meta))
    }

    /// An operator acting as an admin of the organization numbered `org_id`; the audit trail
    /// names the operator.
    pub(crate) async fn operator_on_behalf(
        &self,
        operator: OperatorActor,
        org_id: i64,
    ) -> Result<Actor> {
        let mut tx = self.db.read().await?;
        let org = organizations::get_by_org_id(&mut tx, org_id)
            .await?
            .ok_or_else(|| {
                AppError::Unauthenticated(
                    Code::Authentication,
                    "Invalid or expired credentials".into(),
                )
            })?;
        Ok(operator.in_org(&org))
    }
}
