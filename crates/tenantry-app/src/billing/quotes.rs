//! Quotes kept for a second: a charged operation then reads nothing beyond what it writes.
//! A price list, override or organization change made through this process applies at once;
//! one made through another process sharing the database applies within a second.

use tenantry_core::OrganizationId;
use tenantry_core::billing::{Action, ProductType};
use tenantry_store::organizations;

use super::{Quote, quote};
use crate::app::App;
use crate::error::Result;
use crate::fresh_cache::FreshCache;

pub(crate) type QuoteCache = FreshCache<(OrganizationId, ProductType, Action), Option<Quote>>;

impl App {
    /// The quote for a product bought in `organization`, with `reference` as its product
    /// reference; `None` when it is free, or when the organization does not exist (the
    /// operation's own authorization then refuses it).
    pub(crate) async fn quote(
        &self,
        organization: OrganizationId,
        product: ProductType,
        action: Action,
        reference: String,
    ) -> Result<Option<Quote>> {
        let key = (organization, product, action);
        let cached = match self.quote_cache.get(&key) {
            Some(hit) => hit,
            None => {
                let generation = self.quote_cache.generation();
                let mut read = self.db.read().await?;
                let Some(org) = organizations::get(&mut read, organization).await? else {
                    return Ok(None);
                };
                let fresh = quote(&mut read, &org, product, action, None).await?;
                self.quote_cache.put(generation, key, fresh.clone());
                fresh
            }
        };
        Ok(cached.map(|mut q| {
            q.purchase.product_reference = Some(reference);
            q
        }))
    }
}
