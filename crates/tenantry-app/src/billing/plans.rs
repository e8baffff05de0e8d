//! The plan catalog (the operator's) and an account's choice of plan (its admins' and billing
//! managers'). Choosing a plan charges its amount to the account.

use tenantry_core::billing::{Action, Minor, PeriodUnit, ProductType};
use tenantry_core::values::Currency;
use tenantry_core::{OrganizationId, PlanId};
use tenantry_store::billing::accounts;
use tenantry_store::billing::plans::{self, Plan};

use super::{Purchase, charge};
use crate::actor::Actor;
use crate::app::App;
use crate::audit::{Target, record};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::operators::OperatorActor;
use crate::organizations::OrganizationDetails;
use crate::reach::authorize_org;
use tenantry_core::perms::{BILLING_MANAGE, ORG_READ};

#[derive(Debug, Clone)]
pub struct PlanCreate {
    pub name: String,
    pub plan_level: i32,
    pub amount: Minor,
    pub currency: Currency,
    pub period: (u32, PeriodUnit),
}

#[derive(Debug, Clone, Default)]
pub struct PlanPatch {
    pub name: Option<String>,
    pub plan_level: Option<i32>,
    pub amount: Option<Minor>,
    pub active: Option<bool>,
}

/// The plans an account can choose, and the one it has.
#[derive(Debug, Clone)]
pub struct PlanChoice {
    pub plans: Vec<Plan>,
    pub current: Option<Plan>,
}

fn plan_not_found(id: PlanId) -> AppError {
    AppError::not_found(NotFoundKind::Plan, id)
}

impl App {
    pub async fn plan_create(&self, _operator: &OperatorActor, create: PlanCreate) -> Result<Plan> {
        let now = self.clock.now();
        let plan = Plan {
            id: PlanId::generate(),
            name: create.name,
            plan_level: create.plan_level,
            amount: create.amount,
            currency: create.currency,
            period: create.period,
            active: true,
            created_on: now,
            updated_on: now,
        };
        let mut tx = self.db.begin().await?;
        plans::save(&mut tx, &plan).await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// Changes a plan. A new amount applies to later choices, not to accounts that already
    /// have it; a retired plan stays on its accounts but cannot be chosen.
    pub async fn plan_update(
        &self,
        _operator: &OperatorActor,
        id: PlanId,
        patch: PlanPatch,
    ) -> Result<Plan> {
        let mut tx = self.db.begin().await?;
        let mut plan = plans::get(&mut tx, id)
            .await?
            .ok_or_else(|| plan_not_found(id))?;
        plan.name = patch.name.unwrap_or(plan.name);
        plan.plan_level = patch.plan_level.unwrap_or(plan.plan_level);
        plan.amount = patch.amount.unwrap_or(plan.amount);
        plan.active = patch.active.unwrap_or(plan.active);
        plan.updated_on = self.clock.now();
        plans::save(&mut tx, &plan).await?;
        tx.commit().await?;
        Ok(plan)
    }

    pub async fn plan_list(&self, _operator: &OperatorActor) -> Result<Vec<Plan>> {
        let mut tx = self.db.read().await?;
        Ok(plans::list(&mut tx, None).await?)
    }

    pub async fn plan_get(&self, _operator: &OperatorActor, id: PlanId) -> Result<Plan> {
        let mut tx = self.db.read().await?;
        plans::get(&mut tx, id)
            .await?
            .ok_or_else(|| plan_not_found(id))
    }

    /// The active plans in a paying organization's currency, and its current plan. A
    /// consolidated suborganization has no plan of its own (its parent's covers it).
    pub async fn plans_for(
        &self,
        actor: &Actor,
        organization: OrganizationId,
    ) -> Result<PlanChoice> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, organization, ORG_READ).await?;
        let account = accounts::get(&mut tx, org.id)
            .await?
            .ok_or_else(|| billed_through_parent(org.id))?;
        let current = match account.plan_id {
            Some(id) => plans::get(&mut tx, id).await?,
            None => None,
        };
        Ok(PlanChoice {
            plans: plans::list(&mut tx, Some(account.currency)).await?,
            current,
        })
    }

    /// Puts a paying organization on a plan and charges the plan's amount to its account.
    /// Choosing the plan it already has changes and charges nothing.
    pub async fn plan_change(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        plan_id: PlanId,
    ) -> Result<OrganizationDetails> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, BILLING_MANAGE).await?;
        crate::sign_up::require_verified_address(actor)?;
        // The answer is the organization's details, which the caller must be able to read.
        let read = crate::authz::require(&actor.principal, ORG_READ, &org.scope())
            .map_err(|denied| AppError::from_denied(denied, NotFoundKind::Organization, org.id))?;
        let account = accounts::get(&mut tx, org.id)
            .await?
            .ok_or_else(|| billed_through_parent(org.id))?;
        let plan = plans::get(&mut tx, plan_id)
            .await?
            .ok_or_else(|| plan_not_found(plan_id))?;
        if account.plan_id != Some(plan.id) {
            if !plan.active || plan.currency != account.currency {
                return Err(AppError::Unprocessable(
                    Code::PlanNotAvailable,
                    format!(
                        "{plan_id} cannot be chosen: only active plans in the account's currency \
                         ({}) can",
                        account.currency.as_str()
                    ),
                ));
            }
            accounts::set_plan(&mut tx, &auth, plan.id, now).await?;
            record(
                &mut tx,
                &auth,
                actor,
                now,
                "billing.plan_changed",
                Target {
                    kind: "billing_account",
                    id: org.id.to_string(),
                },
                serde_json::json!({"plan_id": {
                    "before": account.plan_id.map(|id| id.to_string()),
                    "after": plan.id.to_string(),
                }}),
            )
            .await?;
            // A free plan is recorded as a 0.00 purchase too, like any priced one.
            let purchase = Purchase {
                product_type: ProductType::Plan,
                action: Action::ServiceFee,
                product_reference: Some(plan.id.to_string()),
                volume: plan.period.0.to_string(),
                unit: Some(plan.period.1.as_str().to_owned()),
                net: plan.amount,
            };
            charge(&mut tx, &auth, &org, purchase, now).await?;
        }
        let details = crate::organizations::details(&mut tx, actor, org, &read).await?;
        tx.commit().await?;
        Ok(details)
    }
}

fn billed_through_parent(org: OrganizationId) -> AppError {
    AppError::Conflict(
        Code::BilledThroughParent,
        format!("{org} is billed through its parent organization and has no plan of its own"),
    )
}
