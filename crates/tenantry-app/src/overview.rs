//! An organization at a glance, for the dashboard's first page: its balance, how many people,
//! suborganizations, zones and domains it has, and what happened last. Each figure is shown
//! only to a caller whose role there reads it; a few statements in one read, never one per row.

use tenantry_core::OrganizationId;
use tenantry_core::perms::{AUDIT_READ, DNS_READ, DOMAINS_READ, ORG_READ, USERS_READ};
use tenantry_store::audit::{self, AuditEvent, AuditFilter};
use tenantry_store::dns::{self, ZoneFilter, ZoneSort};
use tenantry_store::domains::{self, DomainFilter, DomainSort};
use tenantry_store::organizations::{self, Organization, OrganizationFilter, OrganizationSort};
use tenantry_store::users::{self, UserFilter, UserSort};
use tenantry_store::{PageRequest, SortOrder};

use crate::actor::Actor;
use crate::app::App;
use crate::authz::proof_of;
use crate::billing::BillingView;
use crate::error::Result;
use crate::reach::authorize_org;

/// How many of the latest audit events the overview shows.
const RECENT: u64 = 8;

const ONE: PageRequest = PageRequest {
    page: 1,
    page_size: 1,
};

pub struct Overview {
    pub organization: Organization,
    /// The caller's role there.
    pub role: String,
    pub billing: Option<BillingView>,
    pub users: Option<u64>,
    pub suborganizations: Option<u64>,
    pub zones: Option<u64>,
    pub domains: Option<u64>,
    pub recent: Option<Vec<AuditEvent>>,
}

impl App {
    pub async fn organization_overview(
        &self,
        actor: &Actor,
        id: OrganizationId,
    ) -> Result<Overview> {
        let mut tx = self.db.read().await?;
        let (organization, _) = authorize_org(&mut tx, actor, id, ORG_READ).await?;
        let scope = organization.scope();
        let role = actor
            .principal
            .grant_for(&scope)
            .map(|grant| grant.role.clone())
            .unwrap_or_default();
        let billing = crate::billing::view_for(&mut tx, actor, &organization).await?;
        let users = match proof_of(actor, &scope, USERS_READ) {
            Ok(auth) => {
                let every = UserFilter {
                    search: None,
                    sort: UserSort::CreatedOn,
                    order: SortOrder::Desc,
                };
                Some(users::list(&mut tx, &auth, &every, ONE).await?.total_items)
            }
            Err(_) => None,
        };
        // Only a top-level organization has suborganizations.
        let suborganizations = if organization.parent_id.is_none() {
            let every = OrganizationFilter {
                search: None,
                country_code: None,
                sort: OrganizationSort::CreatedOn,
                order: SortOrder::Desc,
            };
            Some(
                organizations::list_children(&mut tx, organization.id, &every, ONE)
                    .await?
                    .total_items,
            )
        } else {
            None
        };
        let zones = match proof_of(actor, &scope, DNS_READ) {
            Ok(auth) => {
                let every = ZoneFilter {
                    scope: actor.zone_scope(),
                    ..ZoneFilter::every(ZoneSort::CreatedOn, SortOrder::Desc)
                };
                Some(
                    dns::list_zones(&mut tx, &auth, &every, ONE)
                        .await?
                        .total_items,
                )
            }
            Err(_) => None,
        };
        let domains = match proof_of(actor, &scope, DOMAINS_READ) {
            Ok(auth) => {
                let every = DomainFilter::every(DomainSort::Name, SortOrder::Asc);
                Some(
                    domains::list(&mut tx, &auth, &every, ONE)
                        .await?
                        .total_items,
                )
            }
            Err(_) => None,
        };
        let recent = match proof_of(actor, &scope, AUDIT_READ) {
            Ok(auth) => {
                let latest = PageRequest {
                    page: 1,
                    page_size: RECENT,
                };
                let every = AuditFilter::default();
                Some(
                    audit::list(&mut tx, &auth, false, &every, SortOrder::Desc, latest)
                        .await?
                        .items,
                )
            }
            Err(_) => None,
        };
        Ok(Overview {
            organization,
            role,
            billing,
            users,
            suborganizations,
            zones,
            domains,
            recent,
        })
    }
}
