//! Prices: the operator's list and per-organization overrides, and the price an
//! organization pays (its own override, else its paying organization's, else the list).

use std::collections::BTreeMap;

use tenantry_core::OrganizationId;
use tenantry_core::billing::{Action, Minor, PeriodUnit, ProductType};
use tenantry_core::values::Currency;
use tenantry_store::Tx;
use tenantry_store::billing::prices::{self, Price, PriceScope};
use tenantry_store::organizations::Organization;
use time::OffsetDateTime;

use super::payer;
use crate::actor::Actor;
use crate::app::App;
use crate::audit::{Target, record};
use crate::error::{AppError, FieldError, Result};
use crate::operators::OperatorActor;
use crate::reach::authorize_org;
use tenantry_core::perms::{BILLING_MANAGE, ORG_READ};

/// One price as an operator sends it.
#[derive(Debug, Clone)]
pub struct PriceInput {
    pub action: Action,
    pub product_class: Option<String>,
    pub currency: Currency,
    pub price: Minor,
    pub period: Option<(u32, PeriodUnit)>,
}

type PriceKey = (Action, Option<String>, Currency);

fn key(price: &Price) -> PriceKey {
    (price.action, price.product_class.clone(), price.currency)
}

/// Checks a price list for a product and builds its rows: wallet movements are never
/// priced, and each action, class and currency appears once.
fn validated(product: ProductType, inputs: Vec<PriceInput>) -> Result<Vec<Price>> {
    if !product.is_priced() {
        return Err(AppError::Invalid(vec![FieldError {
            loc: vec!["path".into(), "product_type".into()],
            msg: format!("{} has no price list", product.as_str()),
            kind: "value_error".into(),
        }]));
    }
    let mut seen = BTreeMap::new();
    let mut errors = Vec::new();
    let mut prices = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.into_iter().enumerate() {
        let at = |field: &str| {
            vec![
                "body".into(),
                "prices".into(),
                index.to_string(),
                field.to_owned(),
            ]
        };
        if !input.action.is_priced() {
            errors.push(FieldError {
                loc: at("product_action"),
                msg: format!("{} is not a priced action", input.action.as_str()),
                kind: "value_error".into(),
            });
        }
        let price = Price {
            product_type: product,
            action: input.action,
            product_class: input.product_class,
            currency: input.currency,
            price: input.price,
            period: input.period,
        };
        if let Some(first) = seen.insert(key(&price), index) {
            errors.push(FieldError {
                loc: at("product_action"),
                msg: format!(
                    "the same action, class and currency as prices.{first}: each may be priced once"
                ),
                kind: "value_error".into(),
            });
        }
        prices.push(price);
    }
    if errors.is_empty() {
        Ok(prices)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// The prices that apply to `org` for a product: its overrides first, then its paying
/// organization's, then the operator's list, matched on action, class and currency.
async fn effective(
    tx: &mut Tx,
    org: &Organization,
    payer: &Organization,
    product: ProductType,
) -> Result<Vec<Price>> {
    let mut merged: BTreeMap<PriceKey, Price> = BTreeMap::new();
    let mut scopes = vec![PriceScope::List];
    if payer.id != org.id {
        scopes.push(PriceScope::Organization(payer.id));
    }
    scopes.push(PriceScope::Organization(org.id));
    for scope in scopes {
        for price in prices::list(tx, scope, product).await? {
            merged.insert(key(&price), price);
        }
    }
    Ok(merged.into_values().collect())
}

/// What `org` (paid for by `payer`) pays for a product in `currency`, if it is priced: a
/// price for the class wins over one for every class.
pub(crate) async fn price_of(
    tx: &mut Tx,
    org: &Organization,
    payer: &Organization,
    product: ProductType,
    action: Action,
    class: Option<&str>,
    currency: Currency,
) -> Result<Option<Price>> {
    let mut candidates = effective(tx, org, payer, product).await?;
    let position = |wanted: Option<&str>, candidates: &[Price]| {
        candidates.iter().position(|p| {
            p.action == action && p.currency == currency && p.product_class.as_deref() == wanted
        })
    };
    let found = class
        .and_then(|c| position(Some(c), &candidates))
        .or_else(|| position(None, &candidates));
    Ok(found.map(|index| candidates.swap_remove(index)))
}

impl App {
    /// Replaces the operator's list prices of a product type.
    pub async fn price_list_replace(
        &self,
        _operator: &OperatorActor,
        product: ProductType,
        inputs: Vec<PriceInput>,
    ) -> Result<Vec<Price>> {
        let prices = validated(product, inputs)?;
        let mut tx = self.db.begin().await?;
        prices::replace(
            &mut tx,
            PriceScope::List,
            None,
            product,
            &prices,
            self.clock.now(),
        )
        .await?;
        let stored = prices::list(&mut tx, PriceScope::List, product).await?;
        tx.commit().await?;
        self.quote_cache.invalidate();
        Ok(stored)
    }

    pub async fn price_list_get(
        &self,
        _operator: &OperatorActor,
        product: ProductType,
    ) -> Result<Vec<Price>> {
        let mut tx = self.db.read().await?;
        Ok(prices::list(&mut tx, PriceScope::List, product).await?)
    }

    /// Replaces one organization's overrides of a product type (an empty list removes them).
    pub async fn price_overrides_replace(
        &self,
        operator: &OperatorActor,
        organization: OrganizationId,
        product: ProductType,
        inputs: Vec<PriceInput>,
    ) -> Result<Vec<Price>> {
        let prices = validated(product, inputs)?;
        let now: OffsetDateTime = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (org, auth) = operator
            .organization(&mut tx, organization, BILLING_MANAGE)
            .await?;
        let before = prices::list(&mut tx, PriceScope::Organization(org.id), product).await?;
        prices::replace(
            &mut tx,
            PriceScope::Organization(org.id),
            Some(&auth),
            product,
            &prices,
            now,
        )
        .await?;
        let after = prices::list(&mut tx, PriceScope::Organization(org.id), product).await?;
        record(
            &mut tx,
            &auth,
            &operator.in_org(&org),
            now,
            "pricing.overrides_replaced",
            Target {
                kind: "price_overrides",
                id: product.as_str().into(),
            },
            serde_json::json!({"prices": {
                "before": before.iter().map(summary).collect::<Vec<_>>(),
                "after": after.iter().map(summary).collect::<Vec<_>>(),
            }}),
        )
        .await?;
        tx.commit().await?;
        self.quote_cache.invalidate();
        Ok(after)
    }

    /// The prices an organization pays for a product, optionally for one action or class.
    pub async fn pricing_for(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        product: ProductType,
        action: Option<Action>,
        class: Option<String>,
    ) -> Result<Vec<Price>> {
        let mut tx = self.db.read().await?;
        let (org, _) = authorize_org(&mut tx, actor, organization, ORG_READ).await?;
        let payer = payer(&mut tx, &org).await?;
        Ok(effective(&mut tx, &org, &payer, product)
            .await?
            .into_iter()
            .filter(|p| action.is_none_or(|a| p.action == a))
            .filter(|p| class.is_none() || p.product_class == class)
            .collect())
    }
}

/// A price in an audit record.
fn summary(price: &Price) -> String {
    format!(
        "{} {} {} {}",
        price.action.as_str(),
        price.product_class.as_deref().unwrap_or("*"),
        price.price,
        price.currency.as_str()
    )
}
