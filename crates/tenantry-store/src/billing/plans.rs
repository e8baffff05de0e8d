//! The operator's plan catalog. A retired plan stays on the accounts that have it but can no
//! longer be chosen.

use tenantry_core::PlanId;
use tenantry_core::billing::{Minor, PeriodUnit};
use tenantry_core::values::Currency;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx, parse_stored};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: PlanId,
    pub name: String,
    pub plan_level: i32,
    pub amount: Minor,
    pub currency: Currency,
    pub period: (u32, PeriodUnit),
    pub active: bool,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    plan_level: i32,
    amount: i64,
    currency: String,
    period_value: i32,
    period_unit: String,
    status: String,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
}

impl TryFrom<Row> for Plan {
    type Error = crate::StoreError;

    fn try_from(r: Row) -> Result<Self> {
        Ok(Plan {
            id: PlanId::from_uuid(r.id),
            name: r.name,
            plan_level: r.plan_level,
            amount: Minor(r.amount),
            currency: parse_stored(&r.currency, |s| Currency::parse(s).ok())?,
            period: (
                parse_stored(&r.period_value.to_string(), |s| s.parse().ok())?,
                parse_stored(&r.period_unit, PeriodUnit::parse)?,
            ),
            active: parse_stored(&r.status, |s| match s {
                "active" => Some(true),
                "retired" => Some(false),
                _ => None,
            })?,
            created_on: r.created_on,
            updated_on: r.updated_on,
        })
    }
}

const SELECT: &str = "SELECT id, name, plan_level, amount, currency, period_value, period_unit, \
    status, created_on, updated_on FROM billing_plans";

const UPSERT: &str = "INSERT INTO billing_plans (id, name, plan_level, amount, currency, \
    period_value, period_unit, status, created_on, updated_on) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
    ON CONFLICT (id) DO UPDATE SET name = $2, plan_level = $3, amount = $4, currency = $5, \
    period_value = $6, period_unit = $7, status = $8, updated_on = $10";

/// Creates or rewrites a plan. Plans are the platform's, changed only by operators, so no
/// organization's proof applies.
pub async fn save(tx: &mut Tx, plan: &Plan) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(UPSERT)
        .bind(plan.id.uuid())
        .bind(&plan.name)
        .bind(plan.plan_level)
        .bind(plan.amount.0)
        .bind(plan.currency.as_str())
        .bind(plan.period.0 as i32)
        .bind(plan.period.1.as_str())
        .bind(if plan.active { "active" } else { "retired" })
        .bind(plan.created_on)
        .bind(plan.updated_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: PlanId) -> Result<Option<Plan>> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(&sql)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    row.map(Plan::try_from).transpose()
}

/// Every plan, by level then name; only active ones in `currency` when given.
pub async fn list(tx: &mut Tx, active_in: Option<Currency>) -> Result<Vec<Plan>> {
    let rows = match active_in {
        None => {
            let sql = format!("{SELECT} ORDER BY plan_level, name, id");
            on_tx!(tx, conn => sqlx::query_as::<_, Row>(&sql).fetch_all(conn).await)?
        }
        Some(currency) => {
            let sql = format!(
                "{SELECT} WHERE status = 'active' AND currency = $1 ORDER BY plan_level, name, id"
            );
            on_tx!(tx, conn => sqlx::query_as::<_, Row>(&sql)
                .bind(currency.as_str())
                .fetch_all(conn)
                .await)?
        }
    };
    rows.into_iter().map(Plan::try_from).collect()
}
