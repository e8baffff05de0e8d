//! Prices: the operator's list per product type, action, class and currency, and overrides
//! for single organizations. Writing a product type's prices replaces them all.

use tenantry_core::billing::{Action, Minor, PeriodUnit, ProductType};
use tenantry_core::perms::BILLING_MANAGE;
use tenantry_core::values::Currency;
use tenantry_core::{OrganizationId, Proof};
use time::OffsetDateTime;

use crate::db::{Tx, on_tx, parse_stored};
use crate::error::{Result, StoreError};
use crate::proof::proven_for;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    pub product_type: ProductType,
    pub action: Action,
    /// `None` applies to every class of the product.
    pub product_class: Option<String>,
    pub currency: Currency,
    pub price: Minor,
    pub period: Option<(u32, PeriodUnit)>,
}

#[derive(sqlx::FromRow)]
struct Row {
    product_type: String,
    product_action: String,
    product_class: String,
    currency: String,
    price: i64,
    period_value: Option<i32>,
    period_unit: Option<String>,
}

impl TryFrom<Row> for Price {
    type Error = crate::StoreError;

    fn try_from(r: Row) -> Result<Self> {
        let period = match (r.period_value, r.period_unit) {
            (Some(value), Some(unit)) => Some((
                u32::try_from(value).map_err(|_| crate::StoreError::Corrupt("period".into()))?,
                parse_stored(&unit, PeriodUnit::parse)?,
            )),
            _ => None,
        };
        Ok(Price {
            product_type: parse_stored(&r.product_type, ProductType::parse)?,
            action: parse_stored(&r.product_action, Action::parse)?,
            product_class: Some(r.product_class).filter(|c| !c.is_empty()),
            currency: parse_stored(&r.currency, |s| Currency::parse(s).ok())?,
            price: Minor(r.price),
            period,
        })
    }
}

const COLUMNS: &str =
    "product_type, product_action, product_class, currency, price, period_value, period_unit";

/// Where a price list lives: the operator's list, or one organization's overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceScope {
    List,
    Organization(OrganizationId),
}

/// The prices of a product type in a scope, in a stable order.
pub async fn list(tx: &mut Tx, scope: PriceScope, product: ProductType) -> Result<Vec<Price>> {
    const ORDER: &str = "ORDER BY product_action, product_class, currency";
    let rows = match scope {
        PriceScope::List => {
            let sql = format!("SELECT {COLUMNS} FROM price_list WHERE product_type = $1 {ORDER}");
            on_tx!(tx, conn => sqlx::query_as::<_, Row>(&sql)
                .bind(product.as_str())
                .fetch_all(conn)
                .await)?
        }
        PriceScope::Organization(org) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM price_overrides WHERE organization_id = $1 \
                 AND product_type = $2 {ORDER}"
            );
            on_tx!(tx, conn => sqlx::query_as::<_, Row>(&sql)
                .bind(org.uuid())
                .bind(product.as_str())
                .fetch_all(conn)
                .await)?
        }
    };
    rows.into_iter().map(Price::try_from).collect()
}

/// Replaces every price of `product` in the scope. The operator's list is the platform's,
/// so it takes no proof; an organization's overrides take one on that organization.
pub async fn replace(
    tx: &mut Tx,
    scope: PriceScope,
    auth: Option<&dyn Proof>,
    product: ProductType,
    prices: &[Price],
    now: OffsetDateTime,
) -> Result<()> {
    if let PriceScope::Organization(org) = scope {
        let auth = auth.ok_or_else(|| {
            StoreError::ProofMismatch(format!("the price overrides of {org} without a proof"))
        })?;
        proven_for(auth, org, BILLING_MANAGE)?;
    }
    let product_type = product.as_str();
    match scope {
        PriceScope::List => {
            on_tx!(tx, conn => sqlx::query("DELETE FROM price_list WHERE product_type = $1")
                .bind(product_type)
                .execute(conn)
                .await
                .map(|r| r.rows_affected()))?;
        }
        PriceScope::Organization(org) => {
            on_tx!(tx, conn => sqlx::query(
                "DELETE FROM price_overrides WHERE product_type = $1 AND organization_id = $2",
            )
                .bind(product_type)
                .bind(org.uuid())
                .execute(conn)
                .await
                .map(|r| r.rows_affected()))?;
        }
    }
    let (table, org) = match scope {
        PriceScope::List => ("price_list", None),
        PriceScope::Organization(org) => ("price_overrides", Some(org.uuid())),
    };
    // The organization column is bound last; for the list it is not in the statement.
    let insert = match org {
        None => format!(
            "INSERT INTO {table} ({COLUMNS}, updated_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ),
        Some(_) => format!(
            "INSERT INTO {table} ({COLUMNS}, updated_on, organization_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ),
    };
    for price in prices {
        on_tx!(tx, conn => {
            let query = sqlx::query(&insert)
                .bind(price.product_type.as_str())
                .bind(price.action.as_str())
                .bind(price.product_class.clone().unwrap_or_default())
                .bind(price.currency.as_str())
                .bind(price.price.0)
                .bind(price.period.map(|(value, _)| value as i32))
                .bind(price.period.map(|(_, unit)| unit.as_str()))
                .bind(now);
            match org {
                Some(org) => query.bind(org).execute(conn).await.map(|r| r.rows_affected()),
                None => query.execute(conn).await.map(|r| r.rows_affected()),
            }
        })?;
    }
    Ok(())
}
