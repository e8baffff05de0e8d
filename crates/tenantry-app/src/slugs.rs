//! Finding a free slug: for an organization made without one (derived from its name), and
//! as the suggestion when a slug asked for is taken.

use std::collections::HashSet;

use tenantry_core::values::Slug;
use tenantry_store::Tx;
use tenantry_store::organizations;

use crate::error::Result;

/// `base` if no live organization holds it, else the lowest free `base-N`.
pub(crate) async fn free_slug(tx: &mut Tx, base: &Slug) -> Result<Slug> {
    let taken: HashSet<String> = organizations::slugs_numbered(tx, base.as_str())
        .await?
        .into_iter()
        .collect();
    if !taken.contains(base.as_str()) {
        return Ok(base.clone());
    }
    for n in 2u32.. {
        let candidate = base.numbered(n);
        if taken.contains(candidate.as_str()) {
            continue;
        }
        // A long base is shortened to make room for the number; what it then reads as was
        // not among the slugs looked up.
        if candidate.as_str().starts_with(base.as_str())
            || !organizations::slug_taken(tx, candidate.as_str()).await?
        {
            return Ok(candidate);
        }
    }
    unreachable!("the numbers are endless")
}

/// A free slug for a new organization named `name`.
pub(crate) async fn slug_for_name(tx: &mut Tx, name: &str) -> Result<Slug> {
    free_slug(tx, &Slug::derive(name)).await
}
